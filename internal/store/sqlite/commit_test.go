package sqlite

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
	"github.com/arborhq/terraform-provider-arbor/internal/store"
)

func openStore(t *testing.T) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "arbor.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func put(tx store.Tx, key string) error {
	return tx.PutObject(store.Object{Environment: domain.Development, Kind: "permission", Key: key, Version: 1, Body: []byte(`{}`)}, nil, nil)
}

// batchOf runs writes[0] and, while it runs, queues the others behind it;
// it returns each one's result (a panic is returned as an error). However
// long queueing takes, they make one batch.
func batchOf(t *testing.T, s *Store, writes ...func(store.Tx) error) []error {
	t.Helper()
	defer func(age time.Duration) { s.writes.MaxAge = age }(s.writes.MaxAge)
	s.writes.MaxAge = time.Hour
	errs := make([]error, len(writes))
	running, release := make(chan struct{}), make(chan struct{})
	update := func(i int, fn func(store.Tx) error) {
		defer func() {
			if v := recover(); v != nil {
				errs[i] = fmt.Errorf("panic: %v", v)
			}
		}()
		errs[i] = s.Update(context.Background(), fn)
	}
	var wg sync.WaitGroup
	wg.Go(func() {
		update(0, func(tx store.Tx) error {
			close(running)
			<-release
			return writes[0](tx)
		})
	})
	<-running
	for i := 1; i < len(writes); i++ {
		wg.Go(func() { update(i, writes[i]) })
		// Queue them in order.
		for s.writes.Waiting() < int64(i) {
			time.Sleep(time.Millisecond)
		}
	}
	close(release)
	wg.Wait()
	return errs
}

func stored(t *testing.T, s *Store, keys ...string) map[string]bool {
	t.Helper()
	found := map[string]bool{}
	err := s.View(context.Background(), func(tx store.Tx) error {
		for _, k := range keys {
			_, err := tx.Object(domain.Development, "permission", k)
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return err
			}
			found[k] = err == nil
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return found
}

func putting(key string) func(store.Tx) error { return func(tx store.Tx) error { return put(tx, key) } }

func TestWritesQueuedTogetherCommitOnce(t *testing.T) {
	s := openStore(t)
	before := s.writes.Commits()
	errs := batchOf(t, s, putting("a"), putting("b"), putting("c"), putting("d"))
	for i, err := range errs {
		if err != nil {
			t.Errorf("write %d: %v", i, err)
		}
	}
	if n := s.writes.Commits() - before; n != 1 {
		t.Errorf("%d commits for four writes queued together, want 1", n)
	}
	for k, ok := range stored(t, s, "a", "b", "c", "d") {
		if !ok {
			t.Errorf("%s was acknowledged but is not stored", k)
		}
	}
}

func TestFailedWriteLeavesItsBatchIntact(t *testing.T) {
	refused := errors.New("refused")
	// failing writes its object, then refuses: nothing of it may remain.
	failing := func(key string) func(store.Tx) error {
		return func(tx store.Tx) error {
			if err := put(tx, key); err != nil {
				return err
			}
			return refused
		}
	}
	for name, keys := range map[string][]string{
		"first fails":  {"x", "b", "c"},
		"middle fails": {"a", "x", "c"},
		"last fails":   {"a", "b", "x"},
	} {
		t.Run(name, func(t *testing.T) {
			s := openStore(t)
			var writes []func(store.Tx) error
			for _, k := range keys {
				if k == "x" {
					writes = append(writes, failing(k))
				} else {
					writes = append(writes, putting(k))
				}
			}
			errs := batchOf(t, s, writes...)
			found := stored(t, s, keys...)
			for i, k := range keys {
				if k == "x" {
					if !errors.Is(errs[i], refused) || found[k] {
						t.Errorf("the refused write returned %v, stored %v", errs[i], found[k])
					}
					continue
				}
				if errs[i] != nil || !found[k] {
					t.Errorf("write %s returned %v, stored %v", k, errs[i], found[k])
				}
			}
		})
	}
}

func TestBatchClosesAtItsLimits(t *testing.T) {
	s := openStore(t)
	s.writes.MaxWrites = 2
	before := s.writes.Commits()
	batchOf(t, s, putting("a"), putting("b"), putting("c"), putting("d"))
	if n := s.writes.Commits() - before; n != 2 {
		t.Errorf("%d commits for four writes in batches of at most two, want 2", n)
	}
}

func TestPanickingWriteFailsOnlyItsBatch(t *testing.T) {
	s := openStore(t)
	errs := batchOf(t, s, putting("a"), func(tx store.Tx) error {
		_ = put(tx, "p") // stored or not, the panic rolls it back
		panic("boom")
	}, putting("c"))
	if errs[0] == nil || errs[1] == nil || errs[2] != nil {
		t.Fatalf("results %v: want the panicking write and the one before it (same batch) to fail, the one after to succeed", errs)
	}
	found := stored(t, s, "a", "p", "c")
	if found["a"] || found["p"] || !found["c"] {
		t.Errorf("stored %v, want only c", found)
	}
	if err := s.Update(context.Background(), putting("after")); err != nil {
		t.Errorf("a write after the panic: %v", err)
	}
}

func TestCancelledWriteDoesNothing(t *testing.T) {
	s := openStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Update(ctx, putting("k")); !errors.Is(err, context.Canceled) {
		t.Errorf("Update with a cancelled context: %v", err)
	}
	if stored(t, s, "k")["k"] {
		t.Error("the cancelled write is stored")
	}
}

// TestConcurrentWritesAreAllOrNothing has many writers, some failing,
// and checks that exactly the acknowledged writes are stored.
func TestConcurrentWritesAreAllOrNothing(t *testing.T) {
	s := openStore(t)
	const writers, each = 8, 40
	results := make([][]error, writers)
	var wg sync.WaitGroup
	for w := range writers {
		results[w] = make([]error, each)
		wg.Go(func() {
			for i := range each {
				key := fmt.Sprintf("w%d-%d", w, i)
				results[w][i] = s.Update(context.Background(), func(tx store.Tx) error {
					if err := put(tx, key); err != nil {
						return err
					}
					if i%3 == 0 {
						return errors.New("refused")
					}
					return nil
				})
			}
		})
	}
	wg.Wait()
	var keys []string
	for w := range writers {
		for i := range each {
			keys = append(keys, fmt.Sprintf("w%d-%d", w, i))
		}
	}
	found := stored(t, s, keys...)
	for w := range writers {
		for i := range each {
			key := fmt.Sprintf("w%d-%d", w, i)
			if acked := results[w][i] == nil; acked != found[key] {
				t.Errorf("%s: Update returned %v, stored %v", key, results[w][i], found[key])
			}
			if (i%3 == 0) == (results[w][i] == nil) {
				t.Errorf("%s: Update returned %v", key, results[w][i])
			}
		}
	}
	if n := s.writes.Commits(); n >= writers*each {
		t.Logf("%d commits for %d writes: no batching happened (fine on a single core)", n, writers*each)
	}
}
