// Package database opens the store named by one value, the --database flag
// or ARBOR_DATABASE: a postgres:// or postgresql:// URL means PostgreSQL,
// anything else is the path of a SQLite file. Every entry point (serve, the
// operator commands, the embedded provider, the tests, the bench) opens its
// store here, so nothing else needs to know which database is underneath.
package database

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/arborhq/terraform-provider-arbor/internal/store"
	"github.com/arborhq/terraform-provider-arbor/internal/store/postgres"
	"github.com/arborhq/terraform-provider-arbor/internal/store/sqlite"
)

// Database is an open store and what its users need to know of where it
// lives.
type Database struct {
	store.Store
	// Location names the database in messages and logs: the file's
	// absolute path, or the URL without its password.
	Location string
	// KeyFile is where the encryption key is kept when ARBOR_ENCRYPTION_KEY
	// is not set: beside a SQLite file. It is empty for a database that
	// replicas share, whose key every replica must be given.
	KeyFile string
}

// Open opens (creating a SQLite file if needed) the database named by
// value and applies any pending migrations.
func Open(ctx context.Context, value string) (*Database, error) {
	if isURL(value) {
		// pgx knows the schemes in lower case only.
		scheme, rest, _ := strings.Cut(value, "://")
		st, err := postgres.Open(ctx, strings.ToLower(scheme)+"://"+rest)
		if err != nil {
			return nil, err
		}
		return &Database{Store: st, Location: st.Location()}, nil
	}
	if value == "" {
		return nil, errors.New("no database given: pass a SQLite file path or a postgres:// URL (--database, ARBOR_DATABASE)")
	}
	// Another scheme is a mistake, not a file to create.
	if scheme, _, found := strings.Cut(value, "://"); found && !strings.ContainsAny(scheme, `/\.`) {
		return nil, fmt.Errorf("database URL scheme %q is not supported: use a postgres:// or postgresql:// URL, or a SQLite file path", scheme)
	}
	st, err := sqlite.Open(ctx, value)
	if err != nil {
		return nil, err
	}
	return &Database{Store: st, Location: st.Path(), KeyFile: st.Path() + ".key"}, nil
}

// OpenExisting is Open for commands that act on a database that must
// already exist: a SQLite file that is missing is an error, not a new
// database.
func OpenExisting(ctx context.Context, value string) (*Database, error) {
	if !isURL(value) {
		if _, err := os.Stat(value); err != nil {
			return nil, fmt.Errorf("database %s: %w", value, err)
		}
	}
	return Open(ctx, value)
}

// Canonical is the name of the database value refers to, the same for every
// spelling of it: the absolute path of a file, or the URL.
func Canonical(value string) (string, error) {
	if isURL(value) {
		return value, nil
	}
	abs, err := filepath.Abs(value)
	if err != nil {
		return "", fmt.Errorf("resolving database path %q: %w", value, err)
	}
	return abs, nil
}

// Backup writes a consistent copy of the database to path, or says how a
// database of its kind is backed up instead.
func (d *Database) Backup(ctx context.Context, path string) error {
	b, ok := d.Store.(store.Backuper)
	if !ok {
		return fmt.Errorf("the database %s cannot be backed up by Arbor", d.Location)
	}
	return b.Backup(ctx, path)
}

func isURL(value string) bool {
	lower := strings.ToLower(value)
	return strings.HasPrefix(lower, "postgres://") || strings.HasPrefix(lower, "postgresql://")
}

// Redacted is value fit for a log or a message: a URL's password hidden,
// a file path as it is.
func Redacted(value string) string {
	if !isURL(value) {
		return value
	}
	u, err := url.Parse(value)
	if err != nil {
		return "(unparsable PostgreSQL URL)"
	}
	return u.Redacted()
}
