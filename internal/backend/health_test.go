package backend_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/arborhq/terraform-provider-arbor/internal/backend"
	"github.com/arborhq/terraform-provider-arbor/internal/store"
)

// faultyStore is a store whose reads can be made to fail or to hang, as a
// database that went away or stopped answering would.
type faultyStore struct {
	store.Store
	fail, hang atomic.Bool
}

// errDatabaseDown is what a driver might say; /readyz must not repeat it.
var errDatabaseDown = errors.New("dial tcp db.internal:5432: connection refused (user arbor)")

func (s *faultyStore) View(ctx context.Context, fn func(store.Tx) error) error {
	switch {
	case s.hang.Load():
		<-ctx.Done()
		return ctx.Err()
	case s.fail.Load():
		return errDatabaseDown
	}
	return s.Store.View(ctx, fn)
}

func (s *faultyStore) Lookup(ctx context.Context, fn func(store.Tx) error) error {
	return s.View(ctx, fn)
}

func newFaultyAPI(t *testing.T) (*api, *faultyStore) {
	t.Helper()
	var faulty *faultyStore
	a := newAPI(t, func(c *backend.Config) {
		faulty = &faultyStore{Store: c.Store}
		c.Store = faulty
	})
	return a, faulty
}

func TestReadyzChecksTheDatabase(t *testing.T) {
	t.Parallel()
	a, faulty := newFaultyAPI(t)
	if got := a.expect(a.do("", "GET", "/readyz", ""), 200).json(); got["status"] != "ok" {
		t.Errorf("ready: %v", got)
	}

	faulty.fail.Store(true)
	r := a.expect(a.do("", "GET", "/readyz", ""), 503)
	if r.code() != "unavailable" || !strings.Contains(r.json()["message"].(string), "database is unavailable: it refused a read") || r.header.Get("Retry-After") == "" {
		t.Errorf("failing database: %s", r.body)
	}
	if strings.Contains(string(r.body), "db.internal") {
		t.Errorf("/readyz is public but repeats the driver's error: %s", r.body)
	}
	// Liveness does not depend on the database: an outage must not make an
	// orchestrator restart every replica.
	a.expect(a.do("", "GET", "/healthz", ""), 200)

	faulty.fail.Store(false)
	faulty.hang.Store(true)
	r = a.expect(a.do("", "GET", "/readyz", ""), 503)
	if !strings.Contains(r.json()["message"].(string), "did not answer a read within 2s") {
		t.Errorf("hanging database: %s", r.body)
	}
}
