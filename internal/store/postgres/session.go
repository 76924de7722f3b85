package postgres

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
	"github.com/arborhq/terraform-provider-arbor/internal/store"
	"github.com/arborhq/terraform-provider-arbor/internal/store/groupcommit"
)

// Pipelining.
//
// Each statement that waits for its answer costs a round trip to the
// server, and a write's round trips are made while it holds the write lock
// (see Update). Most of a write's statements are inserts and deletes whose
// answer nothing reads before the commit: their only possible outcome
// besides success is an error that ends the transaction anyway. Those are
// queued (later) and sent with the next statement that needs an answer, or
// with the COMMIT, in one pgx batch: one round trip for all of them. Every
// statement still runs in order, so a read sees every write queued before
// it. A read transaction's BEGIN travels the same way, with its first
// query. Reads can be queued too (tx.Prefetch): a PUT's read of the object
// it replaces travels with its BEGIN, lock and environment read, so a PUT
// costs three round trips: the credential, those, and its writes with the
// COMMIT (backend's TestRoundTripsPerRequestOnPostgreSQL counts them). A PUT
// that joins a running batch has its object read while it waits, in the
// running write's round trip (readsAhead), and its own turn under the
// write lock costs none.

// queued is a statement sent with the next one that is waited for.
type queued struct {
	sql  string
	args []any
	// write is the number in its batch of the write that queued it (see
	// committer); batchStatement for the batch's own BEGIN and lock.
	write int
	// scan, for a read sent ahead (see prefetch), takes its rows.
	scan func(pgx.Rows) error
}

const batchStatement = -1

// session is one connection and the statements queued on it.
type session struct {
	conn  *pgxpool.Conn
	queue []queued
	// write is the number of the write running on the session, and
	// savepoint what it must send before its first write statement: once
	// one of its statements has reached the server, a write after the
	// first of its batch can fail without failing the others only by
	// rolling back to its savepoint. savepointSet records that it was set.
	write         int
	needSavepoint bool
	savepointSet  bool
	// environments are the environments a write batch has read (see
	// tx.Environment).
	environments map[string]domain.Environment
	// stamps are what a write batch's writes took of the counter rows,
	// written once before its COMMIT (see changes.go).
	stamps batchStamps
	// broken is the error of a statement of another write, or of the
	// transaction's BEGIN, found while sending: the transaction is lost.
	broken error
	// prefetched are objects read ahead (tx.Prefetch), by reference; a
	// write statement forgets them, as it may change what they hold.
	// writes counts the write statements queued or sent, so that a read
	// ahead answered after one is not kept.
	prefetched map[store.Ref]prefetchedObject
	writes     int
	// absent is the object last read as not found in a write batch, and
	// absentAt the count of writes when it was: until the next write
	// statement it is still absent (the batch holds the write lock), so
	// PutObject creates it with a plain INSERT.
	absent   *store.Ref
	absentAt int
	// ahead, in a write batch, are the reads of the writes waiting to
	// join it (readsAhead).
	ahead *readsAhead
}

// readsAhead are the objects that writes waiting for the committer will
// read first (store.WithReads). The running write of a batch sends their
// reads after its queued statements, with its next read (readAhead): a
// write that then joins the batch finds its object answered, and its turn
// costs no round trip. Every write statement after such a read forgets it
// if it may have changed the object (wrote, wroteOnly), so a write takes
// only what a read made in its turn would have found: the batch holds the
// write lock, and its own statements are the only other writers.
type readsAhead struct {
	mu   sync.Mutex
	refs []store.Ref
}

// add notes the reads of a write about to wait; there are never more
// than a batch's worth.
func (a *readsAhead) add(refs []store.Ref) {
	a.mu.Lock()
	if len(a.refs)+len(refs) <= groupcommit.DefaultMaxWrites {
		a.refs = append(a.refs, refs...)
	}
	a.mu.Unlock()
}

func (a *readsAhead) take() []store.Ref {
	a.mu.Lock()
	refs := a.refs
	a.refs = nil
	a.mu.Unlock()
	return refs
}

// readAhead queues the reads of the writes waiting (readsAhead) not read
// ahead yet, to be sent with the read about to be made.
func (s *session) readAhead() {
	if s.ahead == nil {
		return
	}
	for _, ref := range s.ahead.take() {
		if _, ok := s.prefetched[ref]; ok || s.queuedRead(ref) {
			continue
		}
		s.queue = append(s.queue, queued{sql: sqlObject, args: []any{ref.Environment, ref.Kind, ref.Key}, write: batchStatement,
			scan: func(rows pgx.Rows) error {
				o, err := scanObject(row{rows: rows})
				if err != nil && !errors.Is(err, pgx.ErrNoRows) {
					return err
				}
				// Answered after every statement sent before it: what
				// the batch holds now.
				if s.prefetched == nil {
					s.prefetched = map[store.Ref]prefetchedObject{}
				}
				s.prefetched[ref] = prefetchedObject{object: o, found: err == nil}
				return nil
			}})
	}
}

// queuedRead reports whether a read of ref waits in the queue.
func (s *session) queuedRead(ref store.Ref) bool {
	for _, q := range s.queue {
		if q.scan != nil && q.sql == sqlObject && q.args[0] == any(ref.Environment) && q.args[1] == any(ref.Kind) && q.args[2] == any(ref.Key) {
			return true
		}
	}
	return false
}

// wrote forgets what was read ahead: a write statement follows it.
func (s *session) wrote() {
	s.writes++
	s.prefetched = nil
}

// wroteOnly is wrote for a statement that changes no object but the one
// ref names (nil: none), which alone is forgotten.
func (s *session) wroteOnly(ref *store.Ref) {
	s.writes++
	if ref != nil {
		delete(s.prefetched, *ref)
	}
}

// laterOnly queues a statement of the running write that changes no
// object but the one ref names (nil: none).
func (s *session) laterOnly(ref *store.Ref, sql string, args ...any) {
	s.wroteOnly(ref)
	s.queue = append(s.queue, queued{sql: sql, args: args, write: s.write})
}

// prefetchedObject is an object read ahead, or found absent.
type prefetchedObject struct {
	object store.Object
	found  bool
}

const (
	sqlSavepoint           = `SAVEPOINT write`
	sqlRollbackToSavepoint = `ROLLBACK TO SAVEPOINT write`
	sqlReleaseSavepoint    = `RELEASE SAVEPOINT write`
)

// later queues a statement of the running write.
func (s *session) later(sql string, args ...any) {
	s.wrote()
	s.queue = append(s.queue, queued{sql: sql, args: args, write: s.write})
}

// dropQueuedOfWrite forgets the running write's queued statements, which
// follow every other queued one.
func (s *session) dropQueuedOfWrite() {
	i := len(s.queue)
	for i > 0 && s.queue[i-1].write == s.write {
		i--
	}
	s.queue = s.queue[:i]
}

// sendQueue sends the queued statements and last in one round trip and
// returns the batch's results positioned at last's. isWrite says last is a
// statement of the running write that changes data.
func (s *session) sendQueue(ctx context.Context, last string, lastArgs []any, isWrite bool) (pgx.BatchResults, error) {
	b := &pgx.Batch{}
	owners := make([]int, 0, len(s.queue)+2)
	scans := make([]func(pgx.Rows) error, 0, len(s.queue)+2)
	savepointAt := -1
	addSavepoint := func() {
		if s.needSavepoint && !s.savepointSet && savepointAt < 0 {
			savepointAt = len(owners)
			b.Queue(sqlSavepoint)
			owners = append(owners, s.write)
			scans = append(scans, nil)
		}
	}
	for _, q := range s.queue {
		if q.write == s.write && q.scan == nil {
			addSavepoint()
		}
		b.Queue(q.sql, q.args...)
		owners = append(owners, q.write)
		scans = append(scans, q.scan)
	}
	if isWrite {
		addSavepoint()
	}
	s.queue = s.queue[:0]
	b.Queue(last, lastArgs...)
	results := s.conn.SendBatch(ctx, b)
	for i, owner := range owners {
		var err error
		if scan := scans[i]; scan != nil {
			var rows pgx.Rows
			if rows, err = results.Query(); err == nil {
				err = scan(rows)
			}
		} else {
			_, err = results.Exec()
		}
		if err == nil {
			if i == savepointAt {
				s.savepointSet = true
			}
			continue
		}
		results.Close()
		if owner != s.write {
			s.broken = fmt.Errorf("the transaction failed before this statement: %w", err)
			return nil, s.broken
		}
		return nil, err
	}
	return results, nil
}

// exec runs a statement of the running write now, with the queued ones
// before it.
func (s *session) exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	s.wrote()
	if len(s.queue) == 0 && (!s.needSavepoint || s.savepointSet) {
		return s.conn.Exec(ctx, sql, args...)
	}
	results, err := s.sendQueue(ctx, sql, args, true)
	if err != nil {
		return pgconn.CommandTag{}, err
	}
	tag, err := results.Exec()
	return tag, errors.Join(err, results.Close())
}

// query runs a read now, with the queued statements and the reads of the
// writes waiting before it.
func (s *session) query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	s.readAhead()
	if len(s.queue) == 0 {
		return s.conn.Query(ctx, sql, args...)
	}
	results, err := s.sendQueue(ctx, sql, args, false)
	if err != nil {
		return nil, err
	}
	rows, err := results.Query()
	if err != nil {
		results.Close()
		return nil, err
	}
	return &batchRows{Rows: rows, results: results}, nil
}

// batchRows are the rows of a batch's last statement; closing them ends
// the batch.
type batchRows struct {
	pgx.Rows
	results pgx.BatchResults
}

func (r *batchRows) Close() {
	r.Rows.Close()
	// Nothing follows the rows in the batch: their own Err carries the
	// outcome of the statement.
	_ = r.results.Close()
}

// row is the first row of a query, as pgx.Conn.QueryRow gives it.
type row struct {
	rows pgx.Rows
	err  error
}

func (r row) Scan(dest ...any) error {
	if r.err != nil {
		return r.err
	}
	defer r.rows.Close()
	if !r.rows.Next() {
		if err := r.rows.Err(); err != nil {
			return err
		}
		return pgx.ErrNoRows
	}
	if err := r.rows.Scan(dest...); err != nil {
		return err
	}
	r.rows.Close()
	return r.rows.Err()
}

// failed reports whether the server holds the session's transaction as
// failed: a statement of it failed, and only a ROLLBACK (to a savepoint, or
// of all) lets it continue.
func (s *session) failed() bool {
	return s.conn.Conn().PgConn().TxStatus() == 'E'
}
