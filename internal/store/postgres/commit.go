package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/arborhq/terraform-provider-arbor/internal/store"
)

// Group commit, as the SQLite store does it (see its commit.go).
//
// Every write holds the write lock until its COMMIT is on disk (PostgreSQL
// releases a transaction's locks after the WAL flush), so one transaction
// per write would cap the write rate at one fsync, and one BEGIN and lock
// round trip, per write, however many replicas and clients. Instead, writes
// of this process that arrive while another runs join its transaction:
// each runs after the one before it, each seeing the ones before it, and one
// COMMIT makes the whole batch durable under one lock. Nothing is traded:
//
//   - Atomicity: a write whose fn fails is undone alone. If none of its
//     statements reached the server, dropping its queued ones is enough;
//     otherwise it set a savepoint before the first of them and is rolled
//     back to it.
//   - Durability: Update returns nil only after the COMMIT that holds the
//     write has returned. If it fails, every write of the batch fails.
//   - Isolation: the writes run one at a time, in the serial order the
//     write lock gives; readers see a batch entirely or not at all.
//
// A write alone is its own batch and commits at once. A batch closes when no
// write is waiting, or at maxBatchWrites or maxBatchAge. maxBatchWrites
// also keeps the savepoints that write within one transaction under the 64
// subtransactions PostgreSQL tracks per backend without spilling to disk.
const (
	maxBatchWrites = 64
	maxBatchAge    = 20 * time.Millisecond
)

// committer runs Update's write transactions.
type committer struct {
	s *Store
	// maxWrites and maxAge close a batch (maxBatchWrites, maxBatchAge).
	maxWrites int
	maxAge    time.Duration
	// mu is held while one write runs in the open batch; waiting counts
	// the writes blocked on it.
	mu      sync.Mutex
	waiting atomic.Int64
	open    *batch
	// commits counts the batches committed.
	commits atomic.Int64
}

// batch is one PostgreSQL transaction shared by consecutive writes.
type batch struct {
	session *session
	started time.Time
	// writes counts the writes kept in the batch (their fn succeeded).
	writes int
	done   chan struct{}
	err    error // the outcome of the batch, set before done is closed
}

// update runs fn as one write, in the open batch or a new one, and returns
// once its outcome is durable.
func (c *committer) update(ctx context.Context, fn func(store.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.waiting.Add(1)
	c.mu.Lock()
	c.waiting.Add(-1)
	b, err := c.join()
	if err != nil {
		c.mu.Unlock()
		return err
	}
	locked := true
	defer func() {
		if v := recover(); v != nil {
			if locked {
				c.open = nil
				c.mu.Unlock()
				finish(b, fmt.Errorf("write transaction rolled back: another write in it panicked: %v", v))
			}
			panic(v)
		}
	}()
	first := b.writes == 0
	err, broken := c.run(ctx, b, fn)
	// ending is set when this write closes b, and cause to fail its writes.
	var ending *batch
	var cause error
	switch {
	case broken != nil:
		ending, cause = b, fmt.Errorf("write transaction rolled back: %w", broken)
		if err == nil {
			err = broken
		}
	case err != nil && first:
		// Nothing else is in the batch: roll the whole transaction back.
		ending, cause = b, err
	case err == nil:
		b.writes++
		if c.waiting.Load() == 0 || b.writes >= c.maxWrites || time.Since(b.started) >= c.maxAge {
			ending = b
		}
		// Otherwise the batch stays open for the write waiting behind
		// this one, which will close it (or leave it to the next).
	case c.waiting.Load() == 0:
		// This write was undone; commit the ones before it.
		ending = b
	}
	if ending != nil {
		c.open = nil
	}
	locked = false
	c.mu.Unlock()
	if ending != nil {
		// Outside c.mu: the next batch begins on another connection while
		// this one's COMMIT waits for its WAL flush, and its lock request
		// is granted the moment this commit is visible.
		if cause == nil {
			c.commits.Add(1)
		}
		finish(ending, cause)
	}
	if err != nil {
		return err
	}
	<-b.done
	return b.err
}

// join returns the open batch, beginning one when there is none. c.mu is
// held. The BEGIN and the lock are queued: they reach the server with the
// first write's first statement.
func (c *committer) join() (*batch, error) {
	if c.open != nil {
		return c.open, nil
	}
	// The batch's connection belongs to no single request: a caller giving
	// up must not end the writes of others.
	conn, err := c.s.pool.Acquire(context.Background())
	if err != nil {
		return nil, fmt.Errorf("beginning transaction: %w", err)
	}
	s := &session{conn: conn, write: batchStatement}
	s.later(`BEGIN`)
	s.later(`SELECT pg_advisory_xact_lock($1)`, writeLockKey)
	c.open = &batch{session: s, started: time.Now(), done: make(chan struct{})}
	return c.open, nil
}

// run runs fn as the next write of b. It returns fn's outcome, and broken
// when b's transaction can no longer be committed.
func (c *committer) run(ctx context.Context, b *batch, fn func(store.Tx) error) (err, broken error) {
	s := b.session
	s.write++
	s.needSavepoint = b.writes > 0
	s.savepointSet = false
	// Statements run to completion: cancelling one (its caller giving up)
	// would fail the transaction, with the other writes in it.
	err = fn(&tx{ctx: context.WithoutCancel(ctx), s: s, writable: true})
	if s.broken != nil {
		return err, s.broken
	}
	if err == nil && s.failed() {
		err = errors.New("a statement of the write failed, and the write went on as if it had not")
	}
	if err == nil {
		if s.savepointSet {
			s.later(sqlReleaseSavepoint)
		}
		return nil, nil
	}
	// What the write read may be what it wrote.
	s.environments = nil
	switch {
	case s.savepointSet:
		if _, rbErr := s.conn.Exec(context.Background(), sqlRollbackToSavepoint+`; `+sqlReleaseSavepoint); rbErr != nil {
			return err, rbErr
		}
	case s.failed() && b.writes > 0:
		return err, errors.New("a write failed before its savepoint was set")
	default:
		// None of fn's statements reached the server: they are the tail
		// of the queue.
		s.dropQueuedOfWrite()
	}
	return err, nil
}

// finish ends b, which no write can join any more: with cause nil it
// commits, else it rolls back and every write kept in b fails with cause.
func finish(b *batch, cause error) {
	s := b.session
	ctx := context.Background()
	if cause == nil {
		if err := commit(ctx, s); err != nil {
			b.err = fmt.Errorf("committing transaction: %w", err)
		}
	} else {
		b.err = cause
	}
	if s.conn.Conn().PgConn().TxStatus() != 'I' {
		// A failed rollback leaves a connection the pool will not reuse;
		// the writes fail either way.
		_, _ = s.conn.Exec(ctx, `ROLLBACK`)
	}
	s.conn.Release()
	close(b.done)
}

// commit sends the queued statements and the COMMIT. A transaction with
// nothing sent yet (every write of it undone) has nothing to commit.
func commit(ctx context.Context, s *session) error {
	if s.conn.Conn().PgConn().TxStatus() == 'I' && !slices.ContainsFunc(s.queue, func(q queued) bool { return q.write != batchStatement }) {
		return nil
	}
	s.needSavepoint = false
	tag, err := s.exec(ctx, `COMMIT`)
	if err != nil {
		return err
	}
	// PostgreSQL answers the COMMIT of a failed transaction with ROLLBACK.
	if tag.String() != "COMMIT" {
		return errors.New("the transaction was rolled back")
	}
	return nil
}
