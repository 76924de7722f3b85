package client_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/arborhq/terraform-provider-arbor/internal/backend"
	"github.com/arborhq/terraform-provider-arbor/internal/bench/cpubench"
	"github.com/arborhq/terraform-provider-arbor/internal/client"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
	"github.com/arborhq/terraform-provider-arbor/internal/store/database"
)

// embeddedPermissions is the permission collection of an embedded backend,
// reached as the provider reaches it without an endpoint: the typed client
// over the backend's in-process transport.
func embeddedPermissions(b *testing.B) client.Collection[domain.Permission] {
	b.Helper()
	st, err := database.Open(context.Background(), filepath.Join(b.TempDir(), "arbor.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	sealer, err := backend.OpenSealer(context.Background(), st, st.KeyFile)
	if err != nil {
		b.Fatal(err)
	}
	srv, err := backend.New(backend.Config{Store: st, Sealer: sealer})
	if err != nil {
		b.Fatal(err)
	}
	c, err := client.New(client.Config{Endpoint: "http://embedded.arbor.invalid", Transport: srv.Transport()})
	if err != nil {
		b.Fatal(err)
	}
	return client.Objects[domain.Permission](c, domain.KindPermission)
}

func BenchmarkEmbeddedGet(b *testing.B) {
	perms := embeddedPermissions(b)
	ctx := context.Background()
	for i := range 100 {
		if _, err := perms.Put(ctx, domain.Development, fmt.Sprintf("p%03d", i), &domain.Permission{Name: "A permission"}, client.Cond{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	defer cpubench.Start(b)()
	for i := 0; b.Loop(); i++ {
		if _, err := perms.Get(ctx, domain.Development, fmt.Sprintf("p%03d", i%100)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEmbeddedPut(b *testing.B) {
	perms := embeddedPermissions(b)
	ctx := context.Background()
	b.ReportAllocs()
	defer cpubench.Start(b)()
	for i := 0; b.Loop(); i++ {
		if _, err := perms.Put(ctx, domain.Development, fmt.Sprintf("p%08d", i), &domain.Permission{Name: "A permission"}, client.Cond{CreateOnly: true}); err != nil {
			b.Fatal(err)
		}
	}
}
