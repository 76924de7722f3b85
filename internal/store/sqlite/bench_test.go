package sqlite_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/arborhq/terraform-provider-arbor/internal/bench/cpubench"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
	"github.com/arborhq/terraform-provider-arbor/internal/store"
	"github.com/arborhq/terraform-provider-arbor/internal/store/sqlite"
)

// benchObjects is how many permissions the read benchmarks choose from.
const benchObjects = 1000

// seededStore is a store holding benchObjects permissions.
func seededStore(b *testing.B) *sqlite.Store {
	b.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "arbor.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	err = s.Update(context.Background(), func(tx store.Tx) error {
		for i := range benchObjects {
			o := store.Object{Environment: domain.Development, Kind: "permission", Key: fmt.Sprintf("p%04d", i), Version: 1,
				Body: []byte(`{"key":"p","name":"A permission"}`), CreatedAt: time.Now(), UpdatedAt: time.Now()}
			if err := tx.PutObject(o, nil, nil); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// readOne is the store's share of a GET of a permission: the environment
// and the object, in one read transaction.
func readOne(s *sqlite.Store, i int) error {
	return s.View(context.Background(), func(tx store.Tx) error {
		if _, err := tx.Environment(domain.Development); err != nil {
			return err
		}
		_, err := tx.Object(domain.Development, "permission", fmt.Sprintf("p%04d", i%benchObjects))
		return err
	})
}

func BenchmarkRead(b *testing.B) {
	s := seededStore(b)
	b.ReportAllocs()
	defer cpubench.Start(b)()
	for i := 0; b.Loop(); i++ {
		if err := readOne(s, i); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReadParallel(b *testing.B) {
	s := seededStore(b)
	var n atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	defer cpubench.Start(b)()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := readOne(s, int(n.Add(1))); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkWrite is the store's share of a PUT creating a permission: one
// durable write transaction reading the environment and the object, then
// writing it and its audit entry.
func BenchmarkWrite(b *testing.B) {
	s := seededStore(b)
	b.ReportAllocs()
	defer cpubench.Start(b)()
	for i := 0; b.Loop(); i++ {
		err := s.Update(context.Background(), func(tx store.Tx) error {
			if _, err := tx.Environment(domain.Development); err != nil {
				return err
			}
			key := fmt.Sprintf("w%08d", i)
			if _, err := tx.Object(domain.Development, "permission", key); err != store.ErrNotFound {
				return fmt.Errorf("reading %s before creating it: %v", key, err)
			}
			now := time.Now()
			o := store.Object{Environment: domain.Development, Kind: "permission", Key: key, Version: 1,
				Body: []byte(`{"key":"w","name":"A permission"}`), CreatedAt: now, UpdatedAt: now}
			if err := tx.PutObject(o, nil, nil); err != nil {
				return err
			}
			return tx.AppendAudit(domain.AuditEntry{At: now, Actor: "bench", Action: "create", Environment: domain.Development, Kind: "permission", Key: key, Version: 1})
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}
