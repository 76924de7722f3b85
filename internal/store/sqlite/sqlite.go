// Package sqlite implements store.Store on SQLite through modernc.org/sqlite
// (pure Go, no cgo).
//
// Writes go through one connection and begin IMMEDIATE, so write
// transactions are serialised in-process and never fail to upgrade a read
// lock; writes that queue behind one another share a transaction and its
// fsync (commit.go). Reads use a pool of connections that see WAL
// snapshots and never block the writer.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"runtime"
	"time"

	"github.com/arborhq/terraform-provider-arbor/internal/store"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// pragmas are applied on every connection.
//
//   - journal_mode=WAL: readers never block the writer and see a consistent
//     snapshot; the database is the file plus its -wal and -shm companions.
//   - synchronous=FULL: every commit is fsynced to the WAL before the write
//     is acknowledged. NORMAL would be faster but may lose the last commits
//     on power loss; Arbor does not trade durability for speed.
//   - busy_timeout: another process (a second provider instance, an
//     operator CLI) holding the write lock makes us wait, not fail.
//   - foreign_keys=ON: references between objects are enforced by the
//     database as a backstop to the backend's checks.
//   - temp_store=MEMORY, cache_size: keep sorting and hot pages in memory
//     (about 16 MiB per connection); no durability effect.
var pragmas = []string{
	"journal_mode(WAL)",
	"synchronous(FULL)",
	"busy_timeout(10000)",
	"foreign_keys(ON)",
	"temp_store(MEMORY)",
	"cache_size(-16000)",
}

// Store is a SQLite-backed store.Store.
type Store struct {
	path   string
	writer *sql.DB
	reader *sql.DB

	// stmts holds each pool's prepared statements; written only by Open.
	stmts map[*sql.DB]map[string]*sql.Stmt

	writes *committer
}

var _ store.Store = (*Store)(nil)

// Open opens (creating if needed) the database at path and applies any
// pending migrations.
func Open(ctx context.Context, path string) (*Store, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("resolving database path %q: %w", path, err)
	}
	writer, err := sql.Open("sqlite", dsn(abs, "immediate", false))
	if err != nil {
		return nil, err
	}
	writer.SetMaxOpenConns(1)
	writer.SetMaxIdleConns(1)
	writer.SetConnMaxLifetime(0)
	writer.SetConnMaxIdleTime(0)

	s := &Store{path: abs, writer: writer, stmts: map[*sql.DB]map[string]*sql.Stmt{}}
	s.writes = &committer{s: s, db: writer, maxWrites: maxBatchWrites, maxAge: maxBatchAge}
	if err := s.migrate(ctx); err != nil {
		writer.Close()
		return nil, fmt.Errorf("opening database %s: %w", abs, err)
	}

	reader, err := sql.Open("sqlite", dsn(abs, "deferred", true))
	if err != nil {
		writer.Close()
		return nil, err
	}
	readers := max(4, runtime.GOMAXPROCS(0)*2)
	reader.SetMaxOpenConns(readers)
	reader.SetMaxIdleConns(readers)
	reader.SetConnMaxLifetime(0)
	reader.SetConnMaxIdleTime(0)
	s.reader = reader
	for _, db := range []*sql.DB{writer, reader} {
		if err := s.prepareAll(ctx, db); err != nil {
			s.Close()
			return nil, err
		}
	}
	return s, nil
}

func dsn(path, txlock string, readOnly bool) string {
	q := url.Values{}
	for _, p := range pragmas {
		q.Add("_pragma", p)
	}
	if readOnly {
		q.Add("_pragma", "query_only(ON)")
	}
	q.Set("_txlock", txlock)
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

// Path is the absolute path of the database file.
func (s *Store) Path() string { return s.path }

// Close closes both connection pools.
func (s *Store) Close() error {
	for _, byQuery := range s.stmts {
		for _, st := range byQuery {
			st.Close()
		}
	}
	s.stmts = map[*sql.DB]map[string]*sql.Stmt{}
	return errors.Join(s.reader.Close(), s.writer.Close())
}

// View runs fn in a read transaction on a snapshot of the database.
func (s *Store) View(ctx context.Context, fn func(store.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	// Once begun, a read runs to its end even if its caller gives up: the
	// store's reads are short (point reads, pages of at most a thousand),
	// and watching the context costs the driver a goroutine and a
	// progress handler per statement, a tenth of a GET's CPU.
	ctx = context.WithoutCancel(ctx)
	sqlTx, err := s.reader.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("beginning transaction: %w", err)
	}
	// A read transaction has nothing to commit: ending it either way
	// releases its snapshot.
	defer sqlTx.Rollback()
	return fn(&tx{ctx: ctx, tx: sqlTx, s: s, db: s.reader})
}

// Update runs fn as one write: atomically, and durably once it returns
// nil. It may share its SQLite transaction with writes made at the same
// time (commit.go).
func (s *Store) Update(ctx context.Context, fn func(store.Tx) error) error {
	return s.writes.update(ctx, fn)
}

// prepareAll prepares every statement once on db, so a transaction binds
// it to its connection instead of parsing and planning the SQL each time.
// Preparing inside a transaction would wait for a second connection, which
// the single writer connection does not have.
func (s *Store) prepareAll(ctx context.Context, db *sql.DB) error {
	prepared := make(map[string]*sql.Stmt, len(statements))
	for _, q := range statements {
		st, err := db.PrepareContext(ctx, q)
		if err != nil {
			return fmt.Errorf("preparing %q: %w", q, err)
		}
		prepared[q] = st
	}
	s.stmts[db] = prepared
	return nil
}

func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.writer.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("creating schema_migrations: %w", err)
	}
	for i, m := range migrations {
		version := i + 1
		err := func() error {
			// BEGIN IMMEDIATE (the writer's txlock) makes two processes
			// opening a new database at once apply each migration once.
			t, err := s.writer.BeginTx(ctx, nil)
			if err != nil {
				return err
			}
			defer t.Rollback()
			var applied int
			if err := t.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, version).Scan(&applied); err != nil {
				return err
			}
			if applied > 0 {
				return nil
			}
			if _, err := t.ExecContext(ctx, m); err != nil {
				return fmt.Errorf("applying migration %d: %w", version, err)
			}
			if _, err := t.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`, version, micros(time.Now())); err != nil {
				return err
			}
			return t.Commit()
		}()
		if err != nil {
			return err
		}
	}
	var newest int
	if err := s.writer.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&newest); err != nil {
		return err
	}
	if newest > len(migrations) {
		return fmt.Errorf("the database has schema version %d, newer than this binary knows (%d); use a newer terraform-provider-arbor", newest, len(migrations))
	}
	return nil
}

// IntegrityCheck runs PRAGMA integrity_check and returns its verdict
// ("ok" for a sound database).
func (s *Store) IntegrityCheck(ctx context.Context) (string, error) {
	var verdict string
	err := s.reader.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&verdict)
	return verdict, err
}

func micros(t time.Time) int64 { return t.UnixMicro() }

func fromMicros(v int64) time.Time { return time.UnixMicro(v).UTC() }

// Backup writes a consistent copy of the database to path (which must not
// exist) while the store stays in use: VACUUM INTO reads one snapshot. It
// runs on a connection of its own, because the readers are query-only and
// the writer must stay free for writes.
func (s *Store) Backup(ctx context.Context, path string) error {
	db, err := sql.Open("sqlite", dsn(s.path, "deferred", false))
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, `VACUUM INTO ?`, path)
	return err
}
