package storetest

import (
	"database/sql"
	"testing"

	_ "modernc.org/sqlite" // the "sqlite" driver, for a connection of its own
)

// OlderSQLiteWriter is an OldWriter on the SQLite database at path: a
// connection of its own, as a process of the earlier release beside this
// one, writes the object and stamps its change number as that release's
// commit path did (settings, then the environment), and no kind.
func OlderSQLiteWriter(t testing.TB, path string) OldWriter {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return func(t *testing.T, env, kind, key string) {
		t.Helper()
		tx, err := db.Begin()
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		for _, stmt := range []struct {
			sql  string
			args []any
		}{
			{`UPDATE objects SET version = version + 1 WHERE environment = ? AND kind = ? AND key = ?`, []any{env, kind, key}},
			{`UPDATE settings SET last_change = last_change + 1 WHERE id = 1`, nil},
			{`UPDATE environments SET last_change = (SELECT last_change FROM settings WHERE id = 1) WHERE slug = ?`, []any{env}},
		} {
			if _, err := tx.Exec(stmt.sql, stmt.args...); err != nil {
				t.Fatalf("%s: %v", stmt.sql, err)
			}
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
	}
}
