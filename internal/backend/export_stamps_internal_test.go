package backend

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
	"github.com/arborhq/terraform-provider-arbor/internal/store"
	"github.com/arborhq/terraform-provider-arbor/internal/store/database"
	"github.com/arborhq/terraform-provider-arbor/internal/store/pgtest"
	"github.com/arborhq/terraform-provider-arbor/internal/store/storetest"
)

// readCountingTx is a transaction that records the kind of every
// Objects read made through it, and kind/key of every Object read.
type readCountingTx struct {
	store.Tx
	read []string
}

func (c *readCountingTx) Objects(q store.Query) ([]store.Object, error) {
	c.read = append(c.read, q.Kind)
	return c.Tx.Objects(q)
}

// Prefetch passes reads ahead on to the store that makes them
// (PostgreSQL's), so that they are tested through it too.
func (c *readCountingTx) Prefetch(refs ...store.Ref) {
	if pf, ok := c.Tx.(store.Prefetcher); ok {
		pf.Prefetch(refs...)
	}
}

func (c *readCountingTx) Object(env, kind, key string) (store.Object, error) {
	c.read = append(c.read, kind+"/"+key)
	return c.Tx.Object(env, kind, key)
}

// openWithOlderWriter opens a fresh database on the store the backend
// tests run on (helpers_test.go) and returns it with a writer of an
// older release on it: one that bumps an object's version and moves the
// change numbers without stamping kinds, as SQLite's commit path before
// the kind stamps did, or as PostgreSQL's triggers do for a replica of
// an older release.
func openWithOlderWriter(t *testing.T) (store.Store, func(env, kind, key string)) {
	t.Helper()
	ctx := context.Background()
	name := filepath.Join(t.TempDir(), "arbor.db")
	onPostgres := os.Getenv("ARBOR_TEST_BACKEND_STORE") == "postgres"
	if onPostgres {
		name = pgtest.NewDatabase(t)
	}
	st, err := database.Open(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	bump := `UPDATE objects SET version = version + 1 WHERE environment = $1 AND kind = $2 AND key = $3`
	if onPostgres {
		old, err := pgx.Connect(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { old.Close(ctx) })
		return st, func(env, kind, key string) {
			t.Helper()
			if _, err := old.Exec(ctx, bump, env, kind, key); err != nil {
				t.Fatal(err)
			}
		}
	}
	older := storetest.OlderSQLiteWriter(t, name)
	return st, func(env, kind, key string) {
		t.Helper()
		older(t, env, kind, key)
	}
}

// An export made after a write reads only the objects that writes since
// the export before wrote, as the kind and key stamps say: none after a
// write outside the configuration, the one written after a write of one
// object (or deleted after its deletion), the section whole after a write
// of more than writtenReadLimit objects of its kind, and every section
// across a write of an older release, which stamps no kinds, and after one
// (the kept parts then predate the stamps' start). Each export is the one
// made anew.
func TestExportReadsOnlyTheSectionsOfKindsWritten(t *testing.T) {
	ctx := context.Background()
	st, olderWrite := openWithOlderWriter(t)
	env := domain.Development
	now := time.Now().UTC()
	put := func(kind domain.Kind, key, body string) {
		t.Helper()
		err := st.Update(ctx, func(tx store.Tx) error {
			return tx.PutObject(store.Object{Environment: env, Kind: kind.Name, Key: key, Version: 1, Body: []byte(body), CreatedAt: now, UpdatedAt: now}, nil, nil)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	put(domain.KindPermission, "p", `{"name":"P"}`)
	put(domain.KindRole, "r", `{"name":"R","permissions":["p"]}`)
	put(domain.KindWorkflow, "w", `{"name":"W","steps":[],"sha":"a","origin_environment":"development"}`)

	copies := &envCopies{}
	var last *exportCopy
	// exports makes env's export as a request would and reports the
	// kinds whose objects it read.
	exports := func(what string) []string {
		t.Helper()
		var read []string
		err := st.View(ctx, func(tx store.Tx) error {
			counting := &readCountingTx{Tx: tx}
			kept, err := copies.in(counting).exportOf(env)
			if err != nil {
				return err
			}
			read = counting.read
			_, encoded, err := exportAnew(tx, env)
			if err != nil {
				return err
			}
			keptBytes, err := kept.bytes()
			if err != nil {
				return err
			}
			if !bytes.Equal(keptBytes, encoded) {
				return fmt.Errorf("%s: the export is\n%s\nthe one made anew\n%s", what, keptBytes, encoded)
			}
			if len(read) == 0 && kept != last {
				return fmt.Errorf("%s: no section read, yet the export is not the one before", what)
			}
			last = kept
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return read
	}
	every := make([]string, len(domain.ConfigSections))
	for i, sec := range domain.ConfigSections {
		every[i] = sec.Kind.Name
	}
	reads := func(what string, want ...string) {
		t.Helper()
		if got := exports(what); !slices.Equal(got, want) {
			t.Errorf("%s: the export read %v, want %v", what, got, want)
		}
	}

	reads("the first export", every...)
	put(domain.KindChannel, "c", `{}`)
	reads("after a channel write")
	put(domain.KindPermission, "q", `{"name":"Q"}`)
	reads("after a permission write", "permission/q")
	put(domain.KindWorkflow, "w", `{"name":"W2","steps":[],"sha":"b","origin_environment":"development"}`)
	reads("after a workflow write", "workflow/w")
	put(domain.KindPermission, "p", `{"name":"P"}`)
	reads("after a permission written again as it was", "permission/p")
	err := st.Update(ctx, func(tx store.Tx) error { return tx.DeleteObject(env, domain.KindPermission.Name, "q") })
	if err != nil {
		t.Fatal(err)
	}
	reads("after a permission deleted", "permission/q")
	put(domain.KindPermission, "a", `{"name":"A"}`)
	put(domain.KindPermission, "z", `{"name":"Z"}`)
	err = st.Update(ctx, func(tx store.Tx) error { return tx.DeleteObject(env, domain.KindPermission.Name, "z") })
	if err != nil {
		t.Fatal(err)
	}
	reads("after a permission put first in order, and one put last and deleted", "permission/a", "permission/z")
	err = st.Update(ctx, func(tx store.Tx) error {
		for i := range writtenReadLimit(0) + 1 {
			key := fmt.Sprintf("many-%03d", i)
			if err := tx.PutObject(store.Object{Environment: env, Kind: domain.KindPermission.Name, Key: key, Version: 1,
				Body: []byte(`{"name":"` + key + `"}`), CreatedAt: now, UpdatedAt: now}, nil, nil); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	reads("after more permissions written than are read one by one", domain.KindPermission.Name)

	olderWrite(env, domain.KindRole.Name, "r")
	reads("after a write of an older release", every...)
	put(domain.KindPermission, "q", `{"name":"Q"}`)
	reads("after a write that stamps again, the export before made after the older write", "permission/q")

	olderWrite(env, domain.KindRole.Name, "r")
	put(domain.KindPermission, "q", `{"name":"Q2"}`)
	reads("after a write that stamps again, the export before made before the older write", every...)
	put(domain.KindChannel, "c", `{"name":"C"}`)
	reads("after a channel write once the stamps cover the export before")
}
