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

	sqlitedriver "modernc.org/sqlite" // registers the "sqlite" driver
	sqlite3 "modernc.org/sqlite/lib"
)

// pragmas are applied on every connection, in this order.
//
//   - busy_timeout: another process (a second provider instance, an
//     operator CLI) holding the write lock makes us wait, not fail. It
//     comes first, so that the pragmas after it wait wherever SQLite
//     waits at all (for where it does not, see migrateRetryingBusy).
//   - journal_mode=WAL: readers never block the writer and see a consistent
//     snapshot; the database is the file plus its -wal and -shm companions.
//   - synchronous=FULL: every commit is fsynced to the WAL before the write
//     is acknowledged. NORMAL would be faster but may lose the last commits
//     on power loss; Arbor does not trade durability for speed.
//   - foreign_keys=ON: references between objects are enforced by the
//     database as a backstop to the backend's checks.
//   - temp_store=MEMORY, cache_size: keep sorting and hot pages in memory
//     (about 16 MiB per connection); no durability effect.
var pragmas = []string{
	"busy_timeout(10000)",
	"journal_mode(WAL)",
	"synchronous(FULL)",
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
	s.writes = newCommitter(s, writer)
	if err := s.migrateRetryingBusy(ctx); err != nil {
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

// Lookup runs fn as View does: a SQLite read transaction costs no round
// trip to spare.
func (s *Store) Lookup(ctx context.Context, fn func(store.Tx) error) error {
	return s.View(ctx, fn)
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
		return store.Unavailable(fmt.Errorf("beginning transaction: %w", err), isBusy)
	}
	// A read transaction has nothing to commit: ending it either way
	// releases its snapshot.
	defer sqlTx.Rollback() //nolint:errcheck // a read transaction has nothing to undo; this only releases its snapshot
	return store.Unavailable(fn(&tx{ctx: ctx, tx: sqlTx, s: s, db: s.reader}), isBusy)
}

// Update runs fn as one write: atomically, and durably once it returns
// nil. It may share its SQLite transaction with writes made at the same
// time (commit.go).
//
// A write that waited busy_timeout for another process holding the
// database's write lock fails with a store.UnavailableError: the database
// is unavailable to it for now, and the write was not made.
func (s *Store) Update(ctx context.Context, fn func(store.Tx) error) error {
	return store.Unavailable(s.writes.Update(ctx, fn), isBusy)
}

// isBusy reports SQLITE_BUSY and SQLITE_LOCKED (and their extended
// codes): another connection held a lock past busy_timeout.
func isBusy(err error) bool {
	var se *sqlitedriver.Error
	if !errors.As(err, &se) {
		return false
	}
	code := se.Code() & 0xff
	return code == sqlite3.SQLITE_BUSY || code == sqlite3.SQLITE_LOCKED
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

// migrateRetryingBusy migrates, trying again while the database is busy.
// When several processes open a new database at once, switching it to WAL
// (the journal_mode pragma, as a connection opens) needs a lock that
// SQLite does not wait for under busy_timeout: it answers SQLITE_BUSY at
// once, and the connection fails to open.
func (s *Store) migrateRetryingBusy(ctx context.Context) error {
	deadline := time.Now().Add(10 * time.Second)
	for wait := time.Millisecond; ; wait = min(2*wait, 100*time.Millisecond) {
		err := s.migrate(ctx)
		var se *sqlitedriver.Error
		if err == nil || !errors.As(err, &se) || se.Code()&0xff != sqlite3.SQLITE_BUSY || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait):
		}
	}
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
			defer t.Rollback() //nolint:errcheck // undoes an unfinished migration; after Commit it only says the transaction is done
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
