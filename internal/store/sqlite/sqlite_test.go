package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/arborhq/terraform-provider-arbor/internal/store"
	"github.com/arborhq/terraform-provider-arbor/internal/store/sqlite"
	"github.com/arborhq/terraform-provider-arbor/internal/store/storetest"
)

func open(t *testing.T) (store.Store, func() store.Store) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "arbor.db")
	reopen := func() store.Store {
		s, err := sqlite.Open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	return reopen(), reopen
}

func TestStoreSuite(t *testing.T) {
	storetest.Run(t, open)
}

func TestReopenKeepsDataAndSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "arbor.db")
	ctx := context.Background()
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	err = s.Update(ctx, func(tx store.Tx) error {
		return tx.PutObject(store.Object{Environment: "development", Kind: "permission", Key: "p", Version: 1, Body: []byte(`{}`)}, nil, nil)
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	err = s.View(ctx, func(tx store.Tx) error {
		envs, err := tx.Environments()
		if len(envs) != 2 {
			t.Errorf("reopen changed the environments: %v", envs)
		}
		if _, err := tx.Object("development", "permission", "p"); err != nil {
			return err
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if verdict, err := s.IntegrityCheck(ctx); err != nil || verdict != "ok" {
		t.Fatalf("integrity_check = %q, %v", verdict, err)
	}
}

func TestConcurrentOpenMigratesOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "arbor.db")
	errs := make(chan error, 4)
	stores := make(chan *sqlite.Store, 4)
	for range 4 {
		go func() {
			s, err := sqlite.Open(context.Background(), path)
			errs <- err
			stores <- s
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
		if s := <-stores; s != nil {
			defer s.Close()
		}
	}
}
