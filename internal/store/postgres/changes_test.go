package postgres

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
	"github.com/arborhq/terraform-provider-arbor/internal/store"
	"github.com/arborhq/terraform-provider-arbor/internal/store/pgtest"
	"github.com/arborhq/terraform-provider-arbor/internal/store/storetest"
)

func changesOf(t *testing.T, s *Store, env string) store.Changes {
	t.Helper()
	var c store.Changes
	err := s.View(context.Background(), func(tx store.Tx) error {
		var err error
		c, err = tx.Changes(env)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// A write of this release moves only the numbers its commit path stamps:
// migration 5's triggers, which stamp everything for writers of an older
// release, never fire for it. A writer that does not name itself as this
// release does (a replica of v0.20.0, here a bare connection) moves every
// environment's number and the account's.
func TestOnlyUnstampedWritersStampEverything(t *testing.T) {
	ctx := context.Background()
	url := pgtest.NewDatabase(t)
	s, err := Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	devBefore, prodBefore := changesOf(t, s, domain.Development), changesOf(t, s, domain.Production)
	if err := s.Update(ctx, putting("documents.read")); err != nil {
		t.Fatal(err)
	}
	dev, prod := changesOf(t, s, domain.Development), changesOf(t, s, domain.Production)
	if dev.Environment <= devBefore.Environment {
		t.Errorf("a write in development left its number at %d", dev.Environment)
	}
	if prod != prodBefore || dev.Account != devBefore.Account {
		t.Errorf("a write of this release in development moved other numbers: production %+v → %+v, account %d → %d (the triggers fired for it)",
			prodBefore, prod, devBefore.Account, dev.Account)
	}

	old, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close(ctx)
	for _, stmt := range []string{
		`UPDATE objects SET version = version + 1 WHERE key = 'documents.read'`,
		`UPDATE settings SET version = version + 1`,
		`UPDATE environments SET version = version + 1 WHERE slug = 'development'`,
		`DELETE FROM objects WHERE key = 'documents.read'`,
	} {
		if _, err := old.Exec(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
		newDev, newProd := changesOf(t, s, domain.Development), changesOf(t, s, domain.Production)
		if newDev.Environment <= dev.Environment || newProd.Environment <= prod.Environment || newDev.Account <= dev.Account {
			t.Errorf("after %q by an older writer: development %+v → %+v, production %+v → %+v; every number should have moved", stmt, dev, newDev, prod, newProd)
		}
		dev, prod = newDev, newProd
	}
}

func TestApplicationNameKeepsTheMark(t *testing.T) {
	for _, given := range []string{"", "billing", strings.Repeat("x", 80), "équipe\x01"} {
		got := applicationName(given)
		if len(got) > 63 || !strings.HasSuffix(got, stamperMark) {
			t.Errorf("applicationName(%q) = %q: longer than 63 bytes or without the mark", given, got)
		}
		for _, c := range []byte(got) {
			if c < 32 || c > 126 {
				t.Errorf("applicationName(%q) = %q holds a byte the server would escape", given, got)
			}
		}
	}
}

// A batch writes the counter rows once, before its COMMIT, yet each write
// of it takes a number and audit ids of its own, in order, as one update
// per write would: a write undone in the middle takes none, and a write
// reading the numbers inside the batch sees those its batch took.
func TestABatchStampsEachWrite(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	before := changesOf(t, s, domain.Development)
	prodBefore := changesOf(t, s, domain.Production)
	undo := errors.New("undo")
	audit := func(tx store.Tx, key string) error {
		return tx.AppendAudit(domain.AuditEntry{At: time.Now(), Actor: "a", Action: "create", Environment: domain.Development, Kind: "permission", Key: key, Version: 1})
	}
	writing := func(key string) func(store.Tx) error {
		return func(tx store.Tx) error {
			if err := put(tx, key); err != nil {
				return err
			}
			return audit(tx, key)
		}
	}
	var seen [2]store.Changes
	errs := batchOf(t, s,
		writing("a"),
		func(tx store.Tx) error {
			// Undone after its statements reached the server.
			if err := writing("x")(tx); err != nil {
				return err
			}
			if _, err := tx.Object(domain.Development, "permission", "x"); err != nil {
				return err
			}
			return undo
		},
		func(tx store.Tx) error {
			if err := writing("b")(tx); err != nil {
				return err
			}
			var err error
			seen[0], err = tx.Changes(domain.Development)
			return err
		},
		func(tx store.Tx) error {
			// Undone with its statements still queued.
			if err := writing("y")(tx); err != nil {
				return err
			}
			return undo
		},
		func(tx store.Tx) error {
			if err := tx.PutObject(store.Object{Kind: "identity", Key: "ada", Version: 1, Body: []byte(`{}`)}, nil, nil); err != nil {
				return err
			}
			if err := audit(tx, "ada"); err != nil {
				return err
			}
			var err error
			seen[1], err = tx.Changes(domain.Development)
			return err
		},
	)
	for i, err := range errs {
		if want := i == 1 || i == 3; want != errors.Is(err, undo) || (!want && err != nil) {
			t.Errorf("write %d: %v", i, err)
		}
	}
	// a, b and ada took the next three numbers, in order.
	after := changesOf(t, s, domain.Development)
	if want := (store.Changes{Environment: before.Environment + 2, Account: before.Environment + 3}); after != want {
		t.Errorf("after the batch development reads %+v, want %+v (from %+v)", after, want, before)
	}
	// A write reading inside itself sees the numbers of the writes before
	// it, not yet its own, as it would with one update per write.
	if want := (store.Changes{Environment: before.Environment + 1, Account: before.Account}); seen[0] != want {
		t.Errorf("b read %+v inside the batch, want %+v", seen[0], want)
	}
	if want := (store.Changes{Environment: before.Environment + 2, Account: before.Account}); seen[1] != want {
		t.Errorf("ada read %+v inside the batch, want %+v", seen[1], want)
	}
	if prod := changesOf(t, s, domain.Production); prod.Environment != prodBefore.Environment {
		t.Errorf("production's number moved: %+v → %+v", prodBefore, prod)
	}
	// The audit ids follow one another, the undone writes' given back.
	var entries []domain.AuditEntry
	err := s.View(ctx, func(tx store.Tx) error {
		var err error
		entries, err = tx.Audit(store.AuditQuery{Limit: 10})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for i, e := range entries {
		keys = append(keys, e.Key)
		if i > 0 && e.ID != entries[i-1].ID-1 {
			t.Errorf("audit ids %d then %d: not consecutive", entries[i-1].ID, e.ID)
		}
	}
	if got := strings.Join(keys, " "); got != "ada b a" {
		t.Errorf("audit entries, newest first: %s, want ada b a", got)
	}
	newest := entries[0].ID
	// The next batch goes on from there.
	if err := s.Update(ctx, writing("c")); err != nil {
		t.Fatal(err)
	}
	if got := changesOf(t, s, domain.Development); got.Environment != before.Environment+4 {
		t.Errorf("the next write took %d, want %d", got.Environment, before.Environment+4)
	}
	err = s.View(ctx, func(tx store.Tx) error {
		var err error
		entries, err = tx.Audit(store.AuditQuery{Limit: 1})
		return err
	})
	if err != nil || len(entries) != 1 || entries[0].Key != "c" || entries[0].ID != newest+1 {
		t.Fatalf("newest audit entry %+v, %v", entries, err)
	}
}

// A batch writing in several environments stamps each with the number of
// the last of its writes there.
func TestABatchStampsEachEnvironmentItWrote(t *testing.T) {
	s := openStore(t)
	if err := s.Update(context.Background(), putting("first")); err != nil {
		t.Fatal(err)
	}
	last := changesOf(t, s, domain.Development).Environment // the latest number taken
	inProduction := func(tx store.Tx) error {
		return tx.PutObject(store.Object{Environment: domain.Production, Kind: "permission", Key: "p", Version: 1, Body: []byte(`{}`)}, nil, nil)
	}
	for i, err := range batchOf(t, s, putting("a"), inProduction, putting("b"), inProduction) {
		if err != nil {
			t.Fatalf("write %d: %v", i, err)
		}
	}
	if dev, prod := changesOf(t, s, domain.Development), changesOf(t, s, domain.Production); dev.Environment != last+3 || prod.Environment != last+4 {
		t.Errorf("development %d, production %d; want %d and %d", dev.Environment, prod.Environment, last+3, last+4)
	}
}

// A replica of an older release (a bare connection, which migration 5's
// triggers stamp for) writes an object: kinds_at stays, and the kind
// stamps are not trusted across its write.
func TestKindStampsAcrossAnOlderWriter(t *testing.T) {
	storetest.RunOldWriter(t, func(t *testing.T) (store.Store, storetest.OldWriter) {
		ctx := context.Background()
		url := pgtest.NewDatabase(t)
		s, err := Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		old, err := pgx.Connect(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { old.Close(ctx) })
		return s, func(t *testing.T, env, kind, key string) {
			t.Helper()
			if _, err := old.Exec(ctx, `UPDATE objects SET version = version + 1 WHERE environment = $1 AND kind = $2 AND key = $3`, env, kind, key); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// A batch stamps each kind with the number of its last write in the batch,
// in the statement it moves the counters with; a write undone stamps
// nothing, and an environment created and written in one batch keeps the
// stamps of its writes and trusts them only from its creation on.
func TestABatchStampsKinds(t *testing.T) {
	s := openStore(t)
	before := changesOf(t, s, domain.Development)
	undo := errors.New("undo")
	object := func(env, kind, key string) store.Object {
		return store.Object{Environment: env, Kind: kind, Key: key, Version: 1, Body: []byte(`{}`)}
	}
	errs := batchOf(t, s,
		func(tx store.Tx) error { return tx.PutObject(object(domain.Development, "permission", "a"), nil, nil) },
		func(tx store.Tx) error { return tx.PutObject(object(domain.Development, "role", "r"), nil, nil) },
		func(tx store.Tx) error {
			if err := tx.PutObject(object(domain.Development, "channel", "c"), nil, nil); err != nil {
				return err
			}
			return undo
		},
		func(tx store.Tx) error { return tx.PutObject(object(domain.Development, "permission", "b"), nil, nil) },
		func(tx store.Tx) error {
			return tx.InsertEnvironment(domain.Environment{Slug: "staging", Name: "Staging", Version: 1, CreatedAt: time.Now(), UpdatedAt: time.Now()})
		},
		func(tx store.Tx) error { return tx.PutObject(object("staging", "role", "r"), nil, nil) },
	)
	for i, err := range errs {
		if want := i == 2; want != errors.Is(err, undo) || (!want && err != nil) {
			t.Errorf("write %d: %v", i, err)
		}
	}
	var dev, staging store.KindStamps
	err := s.View(context.Background(), func(tx store.Tx) error {
		var err error
		if dev, err = tx.KindStamps(domain.Development); err != nil {
			return err
		}
		staging, err = tx.KindStamps("staging")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	base := before.Environment
	if want := map[string]int64{"permission": base + 3, "role": base + 2}; dev.Kinds["permission"] != want["permission"] || dev.Kinds["role"] != want["role"] || len(dev.Kinds) != 2 {
		t.Errorf("development's kinds stamped %v, want %v", dev.Kinds, want)
	}
	if dev.At != base+3 || dev.Environment != base+3 {
		t.Errorf("development read at %d, kinds at %d; want both %d", dev.Environment, dev.At, base+3)
	}
	if staging.Kinds["role"] != base+5 || staging.At != base+5 || staging.Since != base+4 {
		t.Errorf("staging's stamps %+v; want role at %d, kinds at %d since %d", staging, base+5, base+5, base+4)
	}
}

// Each write of a batch stamps the keys it wrote with its own number: a
// key written twice carries the later, a write undone stamps none, and an
// environment deleted and created again within the batch holds no stamp
// of the one deleted.
func TestABatchStampsTheKeysOfEachWrite(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	before := changesOf(t, s, domain.Development)
	undo := errors.New("undo")
	putting := func(env string, keys ...string) func(tx store.Tx) error {
		return func(tx store.Tx) error {
			for _, k := range keys {
				if err := tx.PutObject(store.Object{Environment: env, Kind: "permission", Key: k, Version: 1, Body: []byte(`{}`)}, nil, nil); err != nil {
					return err
				}
			}
			return nil
		}
	}
	staging := func(tx store.Tx) error {
		return tx.InsertEnvironment(domain.Environment{Slug: "staging", Name: "Staging", Version: 1, CreatedAt: time.Now(), UpdatedAt: time.Now()})
	}
	errs := batchOf(t, s,
		putting(domain.Development, "a"),           // base+1
		putting(domain.Development, "b", "a", "b"), // base+2
		func(tx store.Tx) error {
			// Undone after its statements reached the server.
			if err := putting(domain.Development, "c", "a")(tx); err != nil {
				return err
			}
			if _, err := tx.Object(domain.Development, "permission", "c"); err != nil {
				return err
			}
			return undo
		},
		func(tx store.Tx) error { return tx.DeleteObject(domain.Development, "permission", "b") }, // base+3
		staging,                 // base+4
		putting("staging", "s"), // base+5
		func(tx store.Tx) error { return tx.DeleteEnvironment("staging") }, // base+6
		staging, // base+7
	)
	for i, err := range errs {
		if want := i == 2; want != errors.Is(err, undo) || (!want && err != nil) {
			t.Errorf("write %d: %v", i, err)
		}
	}
	keys := func(env string, after int64) string {
		t.Helper()
		var out []string
		err := s.View(ctx, func(tx store.Tx) error {
			var err error
			out, err = tx.KeysWritten(env, "permission", after, 0)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return strings.Join(out, ",")
	}
	base := before.Environment
	for after, want := range []string{"a,b", "a,b", "b", ""} {
		if got := keys(domain.Development, base+int64(after)); got != want {
			t.Errorf("development's keys written after base+%d: %q, want %q", after, got, want)
		}
	}
	if got := keys("staging", 0); got != "" {
		t.Errorf("staging created again holds the key stamps %q of the one deleted", got)
	}
	err := s.View(ctx, func(tx store.Tx) error {
		k, err := tx.KindStamps("staging")
		if err == nil && len(k.Kinds) > 0 {
			t.Errorf("staging created again holds the kind stamps %v of the one deleted", k.Kinds)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
