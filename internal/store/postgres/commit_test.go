package postgres

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
	"github.com/arborhq/terraform-provider-arbor/internal/store"
	"github.com/arborhq/terraform-provider-arbor/internal/store/pgtest"
)

func openStore(t *testing.T) *Store {
	t.Helper()
	s, err := Open(context.Background(), pgtest.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func put(tx store.Tx, key string) error {
	return tx.PutObject(store.Object{Environment: domain.Development, Kind: "permission", Key: key, Version: 1, Body: []byte(`{}`)}, nil, nil)
}

func putting(key string) func(store.Tx) error { return func(tx store.Tx) error { return put(tx, key) } }

// batchOf runs writes[0] and, while it runs, queues the others behind it;
// it returns each one's result (a panic is returned as an error). However
// long queueing takes, they make one batch.
func batchOf(t *testing.T, s *Store, writes ...func(store.Tx) error) []error {
	t.Helper()
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

// A write that fails is undone alone, whichever of its statements had
// reached the server: none (all queued), some (a read after its writes sent
// them), or one the server refused.
func TestFailedWriteLeavesItsBatchIntact(t *testing.T) {
	refused := errors.New("refused")
	const takenToken = "taken"
	failures := map[string]func(key string) func(store.Tx) error{
		"queued": func(key string) func(store.Tx) error {
			return func(tx store.Tx) error {
				if err := put(tx, key); err != nil {
					return err
				}
				return refused
			}
		},
		"sent": func(key string) func(store.Tx) error {
			return func(tx store.Tx) error {
				if err := put(tx, key); err != nil {
					return err
				}
				if _, err := tx.Object(domain.Development, "permission", key); err != nil {
					return err
				}
				return refused
			}
		},
		"refused by the server": func(key string) func(store.Tx) error {
			return func(tx store.Tx) error {
				if err := put(tx, key); err != nil {
					return err
				}
				err := tx.InsertToken(domain.Token{ID: takenToken, Name: "again", Role: domain.RoleOwner, Prefix: "x", Version: 1, CreatedAt: time.Now()}, []byte("h"))
				if !errors.Is(err, store.ErrExists) {
					return fmt.Errorf("a duplicate token gave %v, want ErrExists", err)
				}
				return refused
			}
		},
	}
	for failure, failing := range failures {
		for name, keys := range map[string][]string{
			"first fails":  {"x", "b", "c"},
			"middle fails": {"a", "x", "c"},
			"last fails":   {"a", "b", "x"},
		} {
			t.Run(failure+"/"+name, func(t *testing.T) {
				s := openStore(t)
				err := s.Update(context.Background(), func(tx store.Tx) error {
					return tx.InsertToken(domain.Token{ID: takenToken, Name: "first", Role: domain.RoleOwner, Prefix: "x", Version: 1, CreatedAt: time.Now()}, []byte("h"))
				})
				if err != nil {
					t.Fatal(err)
				}
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
}

// A write that meets an error of the server and returns nil regardless is
// not acknowledged: its transaction could not have committed it.
func TestWriteIgnoringAServerErrorFails(t *testing.T) {
	s := openStore(t)
	token := domain.Token{ID: "taken", Name: "first", Role: domain.RoleOwner, Prefix: "x", Version: 1, CreatedAt: time.Now()}
	if err := s.Update(context.Background(), func(tx store.Tx) error { return tx.InsertToken(token, []byte("h")) }); err != nil {
		t.Fatal(err)
	}
	errs := batchOf(t, s, putting("a"), func(tx store.Tx) error {
		if err := put(tx, "x"); err != nil {
			return err
		}
		_ = tx.InsertToken(token, []byte("h")) // fails: the id is taken
		return nil
	}, putting("c"))
	if errs[0] != nil || errs[1] == nil || errs[2] != nil {
		t.Fatalf("results %v: want only the write that ignored its error to fail", errs)
	}
	found := stored(t, s, "a", "x", "c")
	if !found["a"] || found["x"] || !found["c"] {
		t.Errorf("stored %v, want a and c", found)
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

// TestConcurrentWritesAreAllOrNothing has many writers, some failing after
// their statements reached the server, and checks that exactly the
// acknowledged writes are stored.
func TestConcurrentWritesAreAllOrNothing(t *testing.T) {
	s := openStore(t)
	const writers, each = 8, 30
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
						if _, err := tx.Object(domain.Development, "permission", key); err != nil {
							return err
						}
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
}

// The environments a batch remembers are the ones its writes left: a
// change by an earlier write is seen, an undone one is not.
func TestBatchRemembersEnvironmentsAsItsWritesLeaveThem(t *testing.T) {
	s := openStore(t)
	refused := errors.New("refused")
	rename := func(name string, version int64) func(store.Tx) error {
		return func(tx store.Tx) error {
			env, err := tx.Environment(domain.Development)
			if err != nil {
				return err
			}
			env.Name, env.Version = name, version
			return tx.UpdateEnvironment(env)
		}
	}
	expect := func(name string) func(store.Tx) error {
		return func(tx store.Tx) error {
			env, err := tx.Environment(domain.Development)
			if err == nil && env.Name != name {
				err = fmt.Errorf("read environment named %q, want %q", env.Name, name)
			}
			return err
		}
	}
	errs := batchOf(t, s,
		expect("Development"),
		rename("Renamed", 2),
		expect("Renamed"),
		func(tx store.Tx) error {
			if err := rename("Undone", 3)(tx); err != nil {
				return err
			}
			if err := expect("Undone")(tx); err != nil {
				return err
			}
			return refused
		},
		expect("Renamed"),
	)
	for i, err := range errs {
		switch {
		case i == 3 && !errors.Is(err, refused):
			t.Errorf("write %d: %v, want it refused", i, err)
		case i != 3 && err != nil:
			t.Errorf("write %d: %v", i, err)
		}
	}
	if err := s.View(context.Background(), expect("Renamed")); err != nil {
		t.Error(err)
	}
}

// An object read as absent is created with a plain INSERT; once any write
// statement follows the read, a put of it replaces whatever is there, as
// when it was never read.
func TestPutAfterReadingAbsent(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	obj := func(key string, version int64) store.Object {
		return store.Object{Environment: domain.Development, Kind: "permission", Key: key, Version: version, Body: []byte(`{}`)}
	}
	uniq := []store.Unique{{Name: "name", Value: "Read"}}
	err := s.Update(ctx, func(tx store.Tx) error {
		if _, err := tx.Object(domain.Development, "permission", "a"); !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("reading a: %v, want ErrNotFound", err)
		}
		if err := tx.PutObject(obj("a", 1), nil, uniq); err != nil {
			return err
		}
		// Put again in the same write, after the read: it replaces.
		if err := tx.PutObject(obj("a", 2), nil, uniq); err != nil {
			return err
		}
		// Read absent, another object written, then put: it replaces too.
		if _, err := tx.Object(domain.Development, "permission", "b"); !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("reading b: %v, want ErrNotFound", err)
		}
		if err := put(tx, "b"); err != nil {
			return err
		}
		if err := put(tx, "c"); err != nil {
			return err
		}
		return tx.PutObject(obj("b", 3), nil, nil)
	})
	if err != nil {
		t.Fatal(err)
	}
	// In a batch: the first write reads c2 absent and fails having written
	// nothing; the next creates it.
	errs := batchOf(t, s, putting("d"), func(tx store.Tx) error {
		if _, err := tx.Object(domain.Development, "permission", "c2"); !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("reading c2: %v", err)
		}
		return errors.New("undo")
	}, func(tx store.Tx) error {
		if _, err := tx.Object(domain.Development, "permission", "c2"); !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("reading c2: %v", err)
		}
		return put(tx, "c2")
	})
	if errs[0] != nil || errs[1] == nil || errs[2] != nil {
		t.Fatalf("batch: %v", errs)
	}
	err = s.View(ctx, func(tx store.Tx) error {
		for key, version := range map[string]int64{"a": 2, "b": 3, "c": 1, "c2": 1, "d": 1} {
			o, err := tx.Object(domain.Development, "permission", key)
			if err != nil {
				return fmt.Errorf("%s: %w", key, err)
			}
			if o.Version != version {
				t.Errorf("%s has version %d, want %d", key, o.Version, version)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// The objects a queued write names (store.WithReads) are read ahead, with
// the running write's next read; each write still finds what a read made
// in its turn would: an object the writes before it changed is read again.
func TestQueuedWritesReadAhead(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	s.writes.MaxAge = time.Hour
	ref := func(key string) store.Ref {
		return store.Ref{Environment: domain.Development, Kind: "permission", Key: key}
	}
	if err := s.Update(ctx, putting("old")); err != nil {
		t.Fatal(err)
	}
	version := func(tx store.Tx, key string) (int64, error) {
		o, err := tx.Object(domain.Development, "permission", key)
		if errors.Is(err, store.ErrNotFound) {
			return 0, nil
		}
		return o.Version, err
	}
	// Each write after the first reads an object and writes it one
	// version up; what it read is checked against what the writes before
	// it left.
	type step struct {
		key  string
		want int64
	}
	steps := []step{
		{"a", 0},   // read ahead, untouched before it
		{"old", 2}, // read ahead; written by the first write after
		{"a", 1},   // read ahead, written by the step before
		{"b", 0},
		{"old", 3}, // the first write and step 2 wrote it
	}
	var mu sync.Mutex
	got := map[int]int64{}
	running, release := make(chan struct{}), make(chan struct{})
	var wg sync.WaitGroup
	errs := make([]error, len(steps)+1)
	wg.Go(func() {
		errs[0] = s.Update(ctx, func(tx store.Tx) error {
			close(running)
			<-release
			// A read sends the reads ahead of the writes waiting; then
			// this write changes one of the objects they read.
			if _, err := version(tx, "x"); err != nil {
				return err
			}
			return tx.PutObject(store.Object{Environment: domain.Development, Kind: "permission", Key: "old", Version: 2, Body: []byte(`{}`)}, nil, nil)
		})
	})
	<-running
	for i, st := range steps {
		wg.Go(func() {
			errs[i+1] = s.Update(store.WithReads(ctx, ref(st.key)), func(tx store.Tx) error {
				v, err := version(tx, st.key)
				if err != nil {
					return err
				}
				mu.Lock()
				got[i] = v
				mu.Unlock()
				if err := tx.PutObject(store.Object{Environment: domain.Development, Kind: "permission", Key: st.key, Version: v + 1, Body: []byte(`{}`)}, nil, nil); err != nil {
					return err
				}
				return tx.AppendAudit(domain.AuditEntry{At: time.Now(), Actor: "a", Action: "update", Environment: domain.Development, Kind: "permission", Key: st.key, Version: v + 1})
			})
		})
		for s.writes.Waiting() < int64(i+1) {
			time.Sleep(time.Millisecond)
		}
	}
	before := s.writes.Commits()
	close(release)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("write %d: %v", i, err)
		}
	}
	if n := s.writes.Commits() - before; n != 1 {
		t.Errorf("%d commits, want the writes in one batch", n)
	}
	// The steps ran in the order they queued.
	for i, st := range steps {
		if got[i] != st.want {
			t.Errorf("step %d read %s at version %d, want %d", i, st.key, got[i], st.want)
		}
	}
}
