package database_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/arborhq/terraform-provider-arbor/internal/store"
	"github.com/arborhq/terraform-provider-arbor/internal/store/database"
	"github.com/arborhq/terraform-provider-arbor/internal/store/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

func open(t *testing.T, value string) *database.Database {
	t.Helper()
	db, err := database.Open(context.Background(), value)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// working proves the store answers.
func working(t *testing.T, db *database.Database) {
	t.Helper()
	err := db.View(context.Background(), func(tx store.Tx) error {
		_, err := tx.Environment("production")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestAFilePathOpensSQLite(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	db := open(t, "arbor.db")
	working(t, db)
	abs := filepath.Join(dir, "arbor.db")
	if db.Location != abs || db.KeyFile != abs+".key" {
		t.Fatalf("location %q, key file %q; want %q and its .key", db.Location, db.KeyFile, abs)
	}
	out := filepath.Join(dir, "copy.db")
	if err := db.Backup(context.Background(), out); err != nil {
		t.Fatal(err)
	}
	working(t, open(t, out))
}

func TestAURLOpensPostgreSQL(t *testing.T) {
	url := pgtest.NewDatabase(t)
	for _, spelling := range []string{url, strings.Replace(url, "postgres://", "POSTGRESQL://", 1)} {
		db := open(t, spelling)
		working(t, db)
		if db.KeyFile != "" {
			t.Errorf("a shared database has a key file: %q", db.KeyFile)
		}
		err := db.Backup(context.Background(), filepath.Join(t.TempDir(), "copy"))
		if err == nil || !strings.Contains(err.Error(), "pg_dump") {
			t.Errorf("backup of PostgreSQL: %v, want the pg_dump explanation", err)
		}
	}
}

func TestRefusedValues(t *testing.T) {
	ctx := context.Background()
	for value, want := range map[string]string{
		"":                       "no database given",
		"mysql://db/arbor":       `scheme "mysql" is not supported`,
		"sqlite:///tmp/arbor.db": `scheme "sqlite" is not supported`,
	} {
		if _, err := database.Open(ctx, value); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Open(%q) = %v, want an error saying %q", value, err, want)
		}
	}
	missing := filepath.Join(t.TempDir(), "missing.db")
	if _, err := database.OpenExisting(ctx, missing); err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("OpenExisting of a missing file: %v", err)
	}
	if _, err := os.Stat(missing); !os.IsNotExist(err) {
		t.Errorf("OpenExisting created %s", missing)
	}
}

func TestRedactedHidesOnlyAURLsPassword(t *testing.T) {
	for value, want := range map[string]string{
		"postgres://arbor:s3cret@db:5432/arbor?sslmode=require": "postgres://arbor:xxxxx@db:5432/arbor?sslmode=require",
		"POSTGRESQL://arbor:s3cret@db/arbor":                    "postgresql://arbor:xxxxx@db/arbor",
		"/var/lib/arbor/arbor.db":                               "/var/lib/arbor/arbor.db",
	} {
		if got := database.Redacted(value); got != want {
			t.Errorf("Redacted(%q) = %q, want %q", value, got, want)
		}
	}
}
