package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
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

// An idempotency record is the store's, not HTTP's: its table keeps no
// status column once migrated.
func TestIdempotencyRecordsKeepNoHTTPStatus(t *testing.T) {
	path := filepath.Join(t.TempDir(), "arbor.db")
	s, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var columns int
	if err := db.QueryRow(`SELECT count(*) FROM pragma_table_info('idempotency') WHERE name = 'status'`).Scan(&columns); err != nil {
		t.Fatal(err)
	}
	if columns != 0 {
		t.Error("the idempotency table still has a status column")
	}
}

// A write that waits out busy_timeout behind another process holding the
// database's write lock fails as an outage (the backend answers 503 with
// Retry-After), not as a bug. It waits the whole timeout: ten seconds.
func TestAWriteLockedOutIsAnOutage(t *testing.T) {
	if testing.Short() {
		t.Skip("waits out SQLite's 10-second busy timeout")
	}
	path := filepath.Join(t.TempDir(), "arbor.db")
	ctx := context.Background()
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	other, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	conn, err := other.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `BEGIN IMMEDIATE`); err != nil {
		t.Fatal(err)
	}
	err = s.Update(ctx, func(tx store.Tx) error {
		return tx.PutObject(store.Object{Environment: "development", Kind: "permission", Key: "p", Version: 1, Body: []byte(`{}`)}, nil, nil)
	})
	if !errors.Is(err, store.ErrUnavailable) {
		t.Fatalf("a write locked out by another process: %v, want store.ErrUnavailable", err)
	}
	if _, err := conn.ExecContext(ctx, `ROLLBACK`); err != nil {
		t.Fatal(err)
	}
}

// A process of an earlier release on the same file writes an object and
// stamps its change number as that release's commit path did: kinds_at
// stays, and the kind stamps are not trusted across its write.
func TestKindStampsAcrossAnOlderWriter(t *testing.T) {
	storetest.RunOldWriter(t, func(t *testing.T) (store.Store, storetest.OldWriter) {
		path := filepath.Join(t.TempDir(), "arbor.db")
		s, err := sqlite.Open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s, storetest.OlderSQLiteWriter(t, path)
	})
}
