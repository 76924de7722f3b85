package postgres

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
	"github.com/arborhq/terraform-provider-arbor/internal/store"
	"github.com/arborhq/terraform-provider-arbor/internal/store/pgtest"
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
