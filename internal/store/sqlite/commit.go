package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/arborhq/terraform-provider-arbor/internal/store"
)

// Group commit.
//
// With synchronous=FULL every COMMIT waits for an fsync of the WAL, and
// writes are serialised on the single writer connection anyway, so with one
// transaction per write the fsync caps the write rate (about 0.2 ms here; a
// few ms on network disks, where it caps writes at a few hundred a second).
// Instead, writes that arrive while another runs join its transaction:
// each runs in a savepoint of its own, one after another, and one COMMIT —
// one fsync — makes the whole batch durable. Nothing is traded for it:
//
//   - Atomicity: each write is all or nothing. A write whose fn fails is
//     rolled back to its savepoint; the rest of its batch is unaffected.
//   - Durability: Update returns nil only after the COMMIT that holds the
//     write has returned, fsync included. If that COMMIT fails, every write
//     of the batch fails with it: none was acknowledged, none is kept.
//   - Isolation: the writes of a batch run one at a time, each seeing the
//     ones before it, exactly as consecutive transactions would; readers
//     see a batch entirely or not at all.
//
// A write alone (nothing waiting behind it) is its own batch and commits at
// once, as before. A batch closes when no write is waiting, or at
// maxBatchWrites or maxBatchAge, so a steady stream cannot hold its first
// writes back for long.
const (
	maxBatchWrites = 64
	maxBatchAge    = 20 * time.Millisecond
)

// committer runs Update's write transactions on the writer pool.
type committer struct {
	s  *Store
	db *sql.DB
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

// batch is one SQLite transaction shared by consecutive writes.
type batch struct {
	tx      *sql.Tx
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
	first := b.writes == 0
	locked := true
	defer func() {
		if v := recover(); v != nil {
			if locked {
				c.finish(b, fmt.Errorf("write transaction rolled back: another write in it panicked: %v", v))
				c.mu.Unlock()
			}
			panic(v)
		}
	}()
	err = c.run(ctx, b, first, fn)
	var broken *brokenError
	switch {
	case errors.As(err, &broken):
		c.finish(b, fmt.Errorf("write transaction rolled back: %w", broken.err))
		err = broken.cause
	case err != nil && first:
		// Nothing else is in the batch: roll the whole transaction back.
		c.finish(b, err)
	case err == nil:
		b.writes++
		if c.waiting.Load() == 0 || b.writes >= c.maxWrites || time.Since(b.started) >= c.maxAge {
			c.finish(b, nil)
		}
		// Otherwise the batch stays open for the write waiting behind
		// this one, which will close it (or leave it to the next).
	case c.waiting.Load() == 0:
		// This write was rolled back to its savepoint; commit the ones
		// before it.
		c.finish(b, nil)
	}
	locked = false
	c.mu.Unlock()
	if err != nil {
		return err
	}
	<-b.done
	return b.err
}

// join returns the open batch, beginning one when there is none. c.mu is
// held.
func (c *committer) join() (*batch, error) {
	if c.open != nil {
		return c.open, nil
	}
	// The batch's transaction belongs to no single request: a caller
	// giving up must not roll back the writes of others.
	tx, err := c.db.BeginTx(context.Background(), nil)
	if err != nil {
		return nil, fmt.Errorf("beginning transaction: %w", err)
	}
	c.open = &batch{tx: tx, started: time.Now(), done: make(chan struct{})}
	return c.open, nil
}

// brokenError is a write that failed in a way that leaves its batch's
// transaction in an unknown state: a savepoint statement failed.
type brokenError struct{ cause, err error }

func (e *brokenError) Error() string { return e.cause.Error() }

// run runs fn in b. The first write of a batch needs no savepoint: if it
// fails, the transaction holds nothing else and is rolled back. Each
// other write runs in a savepoint of its own.
func (c *committer) run(ctx context.Context, b *batch, first bool, fn func(store.Tx) error) error {
	// Statements run to completion: interrupting one (its caller giving
	// up) would make SQLite roll back the whole transaction, with the
	// other writes in it.
	t := &tx{ctx: context.WithoutCancel(ctx), tx: b.tx, s: c.s, db: c.db}
	if first {
		return fn(t)
	}
	if _, err := t.exec(sqlSavepoint); err != nil {
		return &brokenError{cause: err, err: err}
	}
	if err := fn(t); err != nil {
		if _, rbErr := t.exec(sqlRollbackToSavepoint); rbErr != nil {
			return &brokenError{cause: err, err: rbErr}
		}
		if _, rbErr := t.exec(sqlReleaseSavepoint); rbErr != nil {
			return &brokenError{cause: err, err: rbErr}
		}
		return err
	}
	if _, err := t.exec(sqlReleaseSavepoint); err != nil {
		return &brokenError{cause: err, err: err}
	}
	return nil
}

// finish ends b: with cause nil it commits, else it rolls back and every
// write kept in b fails with cause. c.mu is held.
func (c *committer) finish(b *batch, cause error) {
	c.open = nil
	if cause == nil {
		if err := b.tx.Commit(); err != nil {
			b.err = fmt.Errorf("committing transaction: %w", err)
		}
		c.commits.Add(1)
	} else {
		// A failed rollback changes nothing for the writes: they fail.
		_ = b.tx.Rollback()
		b.err = cause
	}
	close(b.done)
}
