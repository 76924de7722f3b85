package postgres_test

import (
	"context"
	"errors"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/arborhq/terraform-provider-arbor/internal/store"
	"github.com/arborhq/terraform-provider-arbor/internal/store/pgtest"
	"github.com/arborhq/terraform-provider-arbor/internal/store/postgres"
	"github.com/arborhq/terraform-provider-arbor/internal/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

func openURL(t *testing.T, url string) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func open(t *testing.T) (store.Store, func() store.Store) {
	t.Helper()
	url := pgtest.NewDatabase(t)
	return openURL(t, url), func() store.Store { return openURL(t, url) }
}

func TestStoreSuite(t *testing.T) {
	storetest.Run(t, open)
}

// Replicas starting at once on a new database apply each migration once.
func TestConcurrentOpenMigratesOnce(t *testing.T) {
	url := pgtest.NewDatabase(t)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() {
			s, err := postgres.Open(context.Background(), url)
			if err == nil {
				s.Close()
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	s := openURL(t, url)
	err := s.View(context.Background(), func(tx store.Tx) error {
		envs, err := tx.Environments()
		if len(envs) != 2 {
			t.Errorf("environments after concurrent opens: %v", envs)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestOpenHidesThePassword(t *testing.T) {
	_, err := postgres.Open(context.Background(), "postgres://arbor:s3cret@127.0.0.1:1/arbor?connect_timeout=1")
	if err == nil {
		t.Fatal("opening an unreachable database succeeded")
	}
	if strings.Contains(err.Error(), "s3cret") {
		t.Fatalf("the error shows the password: %v", err)
	}
}

// A replica stalled inside a write does not hold every replica's writes
// for ever: the server ends its idle transaction, releasing the write lock.
func TestAStalledWriteReleasesTheWriteLock(t *testing.T) {
	url := pgtest.NewDatabase(t)
	stalled := openURL(t, url+"&idle_in_transaction_session_timeout=500ms")
	other := openURL(t, url)
	ctx := context.Background()
	inWrite := make(chan struct{})
	stalledErr := make(chan error, 1)
	go func() {
		stalledErr <- stalled.Update(ctx, func(tx store.Tx) error {
			// The write lock is taken with a write's first statement.
			if _, err := tx.Environment("development"); err != nil {
				return err
			}
			close(inWrite)
			time.Sleep(2 * time.Second)
			return tx.PutObject(store.Object{Environment: "development", Kind: "permission", Key: "stalled", Version: 1, Body: []byte(`{}`)}, nil, nil)
		})
	}()
	<-inWrite
	start := time.Now()
	err := other.Update(ctx, func(tx store.Tx) error {
		return tx.PutObject(store.Object{Environment: "development", Kind: "permission", Key: "other", Version: 1, Body: []byte(`{}`)}, nil, nil)
	})
	if err != nil {
		t.Fatal(err)
	}
	if waited := time.Since(start); waited > 1800*time.Millisecond {
		t.Errorf("the other write waited %v for the stalled one", waited)
	}
	if err := <-stalledErr; err == nil {
		t.Error("the stalled write committed after the server ended its transaction")
	}
}

// An idempotency record is the store's, not HTTP's: its table keeps no
// status column once migrated.
func TestIdempotencyRecordsKeepNoHTTPStatus(t *testing.T) {
	url := pgtest.NewDatabase(t)
	openURL(t, url)
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var columns int
	err = conn.QueryRow(context.Background(), `SELECT count(*) FROM information_schema.columns WHERE table_name = 'idempotency' AND column_name = 'status'`).Scan(&columns)
	if err != nil {
		t.Fatal(err)
	}
	if columns != 0 {
		t.Error("the idempotency table still has a status column")
	}
}

// A lookup runs outside a transaction, so its reads would not share a
// snapshot: a second one is refused rather than served from another.
func TestLookupRefusesASecondRead(t *testing.T) {
	s, _ := open(t)
	err := s.Lookup(context.Background(), func(tx store.Tx) error {
		if _, err := tx.Environment("development"); err != nil {
			return err
		}
		_, err := tx.Environment("production")
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "second read") {
		t.Fatalf("a lookup's second read gave %v, want it refused", err)
	}
}

// An object read ahead answers Object as a read made then would: found or
// absent, and never once a write of the transaction came after it, even a
// write queued before the read ahead was answered.
func TestPrefetchAnswersAsAReadMadeThen(t *testing.T) {
	s, _ := open(t)
	ctx := context.Background()
	ref := store.Ref{Environment: "development", Kind: "permission", Key: "p"}
	put := func(tx store.Tx, body string) error {
		return tx.PutObject(store.Object{Environment: ref.Environment, Kind: ref.Kind, Key: ref.Key, Version: 1, Body: []byte(body),
			CreatedAt: time.Now(), UpdatedAt: time.Now()}, nil, nil)
	}
	err := s.Update(ctx, func(tx store.Tx) error {
		tx.(store.Prefetcher).Prefetch(ref)
		if _, err := tx.Environment("development"); err != nil {
			return err
		}
		if _, err := tx.Object(ref.Environment, ref.Kind, ref.Key); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("absent object read ahead: %v, want not found", err)
		}
		// Queued after the read ahead, sent with the next read.
		tx.(store.Prefetcher).Prefetch(ref)
		if err := put(tx, `{"name":"first"}`); err != nil {
			return err
		}
		if _, err := tx.Environment("production"); err != nil {
			return err
		}
		o, err := tx.Object(ref.Environment, ref.Kind, ref.Key)
		if err != nil || o.Version != 1 {
			t.Errorf("object written after its read ahead: %+v, %v; want what was written", o, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = s.Update(ctx, func(tx store.Tx) error {
		tx.(store.Prefetcher).Prefetch(ref)
		if _, err := tx.Environment("development"); err != nil {
			return err
		}
		o, err := tx.Object(ref.Environment, ref.Kind, ref.Key)
		if err != nil || o.Version != 1 {
			t.Errorf("object read ahead: %+v, %v", o, err)
		}
		// Read ahead with nothing to send it with: Object makes it.
		tx.(store.Prefetcher).Prefetch(ref)
		o, err = tx.Object(ref.Environment, ref.Kind, ref.Key)
		if err != nil || o.Version != 1 {
			t.Errorf("object read ahead, not yet sent: %+v, %v", o, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Over the simple protocol, as a URL may ask for (a pooler in transaction
// mode), values come as text, not binary: what the store reads by hand
// from raw values (the request statement's row) must read both.
func TestStoreSuiteOverTheSimpleProtocol(t *testing.T) {
	storetest.Run(t, func(t *testing.T) (store.Store, func() store.Store) {
		u, err := url.Parse(pgtest.NewDatabase(t))
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		q.Set("default_query_exec_mode", "simple_protocol")
		u.RawQuery = q.Encode()
		return openURL(t, u.String()), func() store.Store { return openURL(t, u.String()) }
	})
}
