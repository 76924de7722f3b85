// Package postgres implements store.Store on PostgreSQL through pgx, for a
// backend run as several replicas on one database.
//
// Writes are serialised across every replica by one transaction-scoped
// advisory lock, taken first in each write transaction (see Update for
// why); the writes of one process that queue share a transaction (see
// commit.go), and a transaction's statements travel in as few round trips
// as their answers allow (see session.go). Reads run in read-only
// REPEATABLE READ transactions: a snapshot, as SQLite's readers see, that
// never waits for a writer.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"runtime"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/arborhq/terraform-provider-arbor/internal/store"
)

// Advisory lock keys: one for the writes, one for migrations. They are
// arbitrary constants ("arbor wr", "arbor mg" in ASCII) that no other
// application of the database is expected to use.
const (
	writeLockKey     int64 = 0x6172626f72207772
	migrationLockKey int64 = 0x6172626f72206d67
)

// Store is a PostgreSQL-backed store.Store.
type Store struct {
	pool     *pgxpool.Pool
	location string
	// writes runs the write transactions: one at a time, on one
	// connection (two while a batch commits beside the next), so however
	// many writes queue the pool keeps connections for reads.
	writes *committer
	// ahead are the reads of the writes waiting for writes.
	ahead readsAhead
}

var _ store.Store = (*Store)(nil)

// Open connects to the database at the URL (postgres:// or postgresql://,
// with libpq's parameters) and applies any pending migrations.
func Open(ctx context.Context, databaseURL string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(databaseURL)
	if err != nil {
		// pgx's parse errors quote the URL, password included.
		return nil, errors.New("the database URL is not a valid PostgreSQL connection URL (postgres://user:password@host:port/database?sslmode=…)")
	}
	if !strings.Contains(databaseURL, "pool_max_conns") {
		// Reads run in parallel; pgx's default (4 on this size of machine) would
		// make them queue behind one another first.
		cfg.MaxConns = int32(max(8, 4*runtime.GOMAXPROCS(0)))
	}
	if _, set := cfg.ConnConfig.RuntimeParams["idle_in_transaction_session_timeout"]; !set {
		// A replica that stops between two statements of a write (paused,
		// cut off) would hold the write lock of every replica; the server
		// ends such a transaction, releasing the lock, after this long.
		// Arbor's transactions never wait on anything but the database.
		cfg.ConnConfig.RuntimeParams["idle_in_transaction_session_timeout"] = "60s"
	}
	cfg.ConnConfig.RuntimeParams["application_name"] = applicationName(cfg.ConnConfig.RuntimeParams["application_name"])
	if cfg.MaxConns < 3 {
		return nil, errors.New("pool_max_conns must be at least 3: the writes hold up to two connections (a batch committing, the next one) and reads need their own")
	}
	s := &Store{location: redact(databaseURL)}
	s.writes = newCommitter(s)
	s.pool, err = pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connecting to %s: %w", s.location, err)
	}
	if err := s.migrate(ctx); err != nil {
		s.pool.Close()
		return nil, fmt.Errorf("opening database %s: %w", s.location, err)
	}
	return s, nil
}

// stamperMark ends the application_name of every connection of a release
// that stamps change numbers in its commit path (changes.go): migration
// 5's triggers stamp for the writers whose name does not end with it, the
// replicas of an older release during a rolling upgrade. Every later
// release must keep it.
const stamperMark = "(arbor stamps changes)"

// applicationName is the application_name of the store's connections: the
// one the URL or PGAPPNAME gives, shortened to fit PostgreSQL's 63 bytes,
// then stamperMark.
func applicationName(given string) string {
	if given == "" {
		return "arbor " + stamperMark
	}
	// The server keeps printable ASCII only and escapes the rest, which
	// would lengthen the name and could cut the mark off: do it first.
	clean := []byte(given)
	for i, c := range clean {
		if c < 32 || c > 126 {
			clean[i] = '?'
		}
	}
	if room := 63 - len(stamperMark) - 1; len(clean) > room {
		clean = clean[:room]
	}
	return string(clean) + " " + stamperMark
}

// redact is the URL with its password hidden, fit for logs.
func redact(databaseURL string) string {
	u, err := url.Parse(databaseURL)
	if err != nil {
		return "(unparsable PostgreSQL URL)"
	}
	return u.Redacted()
}

// Location is the database's URL without its password.
func (s *Store) Location() string { return s.location }

// Close closes the connection pool.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// View runs fn in a read-only transaction on one snapshot. Its BEGIN is
// sent with fn's first statement, and a fn that reads nothing costs no
// round trip.
func (s *Store) View(ctx context.Context, fn func(store.Tx) error) error {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return store.Unavailable(fmt.Errorf("beginning transaction: %w", err), isOutage)
	}
	defer conn.Release()
	session := &session{conn: conn, write: 0}
	session.queue = append(session.queue, queued{sql: `BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY`, write: batchStatement})
	err = fn(&tx{ctx: ctx, s: session})
	if conn.Conn().PgConn().TxStatus() != 'I' {
		// A read transaction has nothing to commit: ending it either way
		// releases its snapshot. A connection left in a transaction is
		// closed by the pool rather than reused.
		_, _ = conn.Exec(context.WithoutCancel(ctx), `ROLLBACK`)
	}
	return outage(err, conn.Conn().PgConn())
}

// Lookup runs fn's single read outside a transaction: the BEGIN and
// ROLLBACK a View sends around it would be two of its three statements and
// round trips.
func (s *Store) Lookup(ctx context.Context, fn func(store.Tx) error) error {
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return store.Unavailable(fmt.Errorf("acquiring a connection: %w", err), isOutage)
	}
	defer conn.Release()
	return outage(fn(&tx{ctx: ctx, s: &session{conn: conn}, lookup: true}), conn.Conn().PgConn())
}

// Update runs fn as one write transaction, committed only if fn returns
// nil.
//
// Every write takes a transaction-scoped advisory lock that every write of
// every replica takes, so writes run one at a time, each seeing all the
// writes committed before it: exactly the serial order SQLite gives. The
// backend's checks read beyond what they write (the environment below for
// the promotion rule, account-level identities and settings, environment
// ranks, unique values, the idempotency record), so a lock per environment
// would have to know each write's read set, and SERIALIZABLE would abort
// and re-run whole requests under contention, each callback having to be
// safe to run twice. The lock costs concurrency only between writes, which
// are short, and group commit (commit.go) shares one lock and one WAL flush
// among the writes that queue; reads never take it. fn therefore runs
// exactly once.
//
// A write that finds the database unavailable fails with a
// store.UnavailableError, Uncertain when the connection was lost during its
// COMMIT.
func (s *Store) Update(ctx context.Context, fn func(store.Tx) error) error {
	if refs := store.Reads(ctx); len(refs) > 0 {
		s.ahead.add(refs)
	}
	return store.Unavailable(s.writes.Update(ctx, fn), isOutage)
}

// migrate applies the pending migrations in one transaction. The advisory
// lock makes replicas that start at once wait for the first to finish, then
// find nothing left to do.
func (s *Store) migrate(ctx context.Context) error {
	t, err := s.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer t.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // undoes an unfinished migration
	if _, err := t.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, migrationLockKey); err != nil {
		return fmt.Errorf("waiting for the migration lock: %w", err)
	}
	if _, err := t.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)`); err != nil {
		return fmt.Errorf("creating schema_migrations: %w", err)
	}
	var newest int
	if err := t.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&newest); err != nil {
		return err
	}
	if newest > len(migrations) {
		return fmt.Errorf("the database has schema version %d, newer than this binary knows (%d); use a newer terraform-provider-arbor", newest, len(migrations))
	}
	for i := newest; i < len(migrations); i++ {
		version := i + 1
		if _, err := t.Exec(ctx, migrations[i]); err != nil {
			return fmt.Errorf("applying migration %d: %w", version, err)
		}
		if _, err := t.Exec(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)`, version, time.Now().UnixMicro()); err != nil {
			return err
		}
	}
	return t.Commit(ctx)
}

// Backup refuses: a PostgreSQL database is backed up with the server's own
// tools, which copy a consistent snapshot while the replicas keep writing.
func (s *Store) Backup(context.Context, string) error {
	return errors.New("a PostgreSQL database is backed up with pg_dump, not by Arbor: " +
		"pg_dump --format=custom --file=arbor.dump '<database URL>' takes one consistent snapshot while every replica keeps serving, " +
		"and pg_restore brings it back; the server's own backups (base backups, WAL archiving) also cover point-in-time recovery. " +
		"Keep ARBOR_ENCRYPTION_KEY with the dump: without it the sealed secrets cannot be read")
}

// isUniqueViolation reports a unique or primary-key constraint violation.
func isUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23505"
}
