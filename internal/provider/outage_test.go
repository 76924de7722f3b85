package provider_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/arborhq/terraform-provider-arbor/internal/acctest"
	"github.com/arborhq/terraform-provider-arbor/internal/backend"
	"github.com/arborhq/terraform-provider-arbor/internal/store"
)

// downStore is a store whose database can be made unreachable, as a
// stopped PostgreSQL server is to a replica.
type downStore struct {
	store.Store
	down atomic.Bool
}

func (s *downStore) unreachable() error {
	return &store.UnavailableError{Err: fmt.Errorf("dial tcp 127.0.0.1:5432: %w", syscall.ECONNREFUSED)}
}

func (s *downStore) View(ctx context.Context, fn func(store.Tx) error) error {
	if s.down.Load() {
		return s.unreachable()
	}
	return s.Store.View(ctx, fn)
}

func (s *downStore) Lookup(ctx context.Context, fn func(store.Tx) error) error {
	if s.down.Load() {
		return s.unreachable()
	}
	return s.Store.Lookup(ctx, fn)
}

func (s *downStore) Update(ctx context.Context, fn func(store.Tx) error) error {
	if s.down.Load() {
		return s.unreachable()
	}
	return s.Store.Update(ctx, fn)
}

// With the backend's database down, Terraform's error says so, after the
// provider's retries, instead of reporting an internal error; once it is
// back, the same configuration applies.
func TestAccDatabaseOutage(t *testing.T) {
	db := &downStore{}
	b := acctest.NewBackend(t, func(c *backend.Config) {
		db.Store = c.Store
		c.Store = db
	})
	key := acctest.RandomKey("outage")
	config := func(name string) string {
		return fmt.Sprintf(`
provider "arbor" {
  endpoint       = %q
  api_key        = %q
  max_retries    = 1
  max_retry_wait = "10ms"
}

resource "arbor_permission" "test" {
  key  = %q
  name = %q
}
`, b.URL, b.Token, key, name)
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             b.CheckDestroy,
		Steps: []resource.TestStep{
			{Config: config("Read")},
			{
				PreConfig:   func() { db.down.Store(true) },
				Config:      config("Read all"),
				ExpectError: acctest.ErrorLike("the database is unavailable: retry in a few seconds"),
			},
			{
				PreConfig: func() { db.down.Store(false) },
				Config:    config("Read all"),
				Check:     b.Exists("arbor_permission.test"),
			},
		},
	})
}
