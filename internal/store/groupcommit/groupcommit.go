// Package groupcommit runs a store's write transactions with group commit.
//
// Every COMMIT waits for its log to reach disk (an fsync), and the writes
// of a store are serialised anyway (on SQLite's single writer connection,
// on PostgreSQL's write lock, which is held until the COMMIT is flushed),
// so one transaction per write would cap the write rate at one fsync per
// write. Instead, writes that arrive while another runs join its
// transaction: each runs after the one before it, each seeing the ones
// before it, and one COMMIT — one fsync — makes the whole batch durable.
// Nothing is traded for it:
//
//   - Atomicity: each write is all or nothing. A write whose fn fails is
//     undone alone (how is the store's: see Batch.Run); the rest of its
//     batch is unaffected. The first write of a batch needs no undo of its
//     own: if it fails, the transaction holds nothing else and is rolled
//     back.
//   - Durability: Update returns nil only after the COMMIT that holds the
//     write has returned, fsync included. If that COMMIT fails, every write
//     of the batch fails with it: none was acknowledged, none is kept.
//   - Isolation: the writes of a batch run one at a time, in the serial
//     order the store's write serialisation gives, each seeing the ones
//     before it, exactly as consecutive transactions would; readers see a
//     batch entirely or not at all.
//
// A write alone (nothing waiting behind it) is its own batch and commits at
// once. A batch closes when no write is waiting, or at MaxWrites or MaxAge,
// so a steady stream cannot hold its first writes back for long.
package groupcommit

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/arborhq/terraform-provider-arbor/internal/store"
)

// The default limits of a batch (Committer.MaxWrites, Committer.MaxAge).
const (
	DefaultMaxWrites = 64
	DefaultMaxAge    = 20 * time.Millisecond
)

// Batch is the store's side of one batch: one database transaction shared
// by consecutive writes. Its methods are called one at a time.
type Batch interface {
	// Run runs fn as the next write of the batch; first says no write
	// was kept in it before. It returns fn's outcome, with the write
	// undone if it is an error, and broken when the transaction can no
	// longer be committed (then the whole batch is rolled back).
	Run(ctx context.Context, first bool, fn func(store.Tx) error) (err, broken error)
	// End ends the transaction, which no write joins any more: it
	// commits when commit is set, else it rolls back. The error is the
	// COMMIT's; a failed rollback changes nothing for the writes, which
	// fail either way.
	End(commit bool) error
}

// Committer runs a store's write transactions, grouping them into batches
// of type B.
type Committer[B Batch] struct {
	// Begin begins a batch's transaction. It belongs to no single
	// request: a caller giving up must not end the writes of others.
	Begin func() (B, error)
	// MaxWrites and MaxAge close a batch (DefaultMaxWrites,
	// DefaultMaxAge).
	MaxWrites int
	MaxAge    time.Duration
	// EndUnlocked ends a closed batch after letting the next write in,
	// so that the next batch runs while this one's COMMIT waits. Without
	// it the next write waits for the COMMIT.
	EndUnlocked bool

	// mu is held while one write runs in the open batch; waiting counts
	// the writes blocked on it.
	mu      sync.Mutex
	waiting atomic.Int64
	open    *batch[B]
	// commits counts the batches committed.
	commits atomic.Int64
}

// batch is one open or closing batch.
type batch[B Batch] struct {
	b       B
	started time.Time
	// writes counts the writes kept in the batch (their fn succeeded).
	writes int
	done   chan struct{}
	err    error // the outcome of the batch, set before done is closed
}

// Waiting returns the number of writes waiting for the one running.
func (c *Committer[B]) Waiting() int64 { return c.waiting.Load() }

// Commits returns the number of batches committed (or whose COMMIT was
// attempted).
func (c *Committer[B]) Commits() int64 { return c.commits.Load() }

// Update runs fn as one write, in the open batch or a new one, and returns
// once its outcome is durable.
func (c *Committer[B]) Update(ctx context.Context, fn func(store.Tx) error) error {
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
				c.close(b, fmt.Errorf("write transaction rolled back: another write in it panicked: %v", v))
			}
			panic(v)
		}
	}()
	err, broken := b.b.Run(ctx, first, fn)
	// ending is set when this write closes b, and cause to fail its writes.
	var ending *batch[B]
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
		if c.waiting.Load() == 0 || b.writes >= c.MaxWrites || time.Since(b.started) >= c.MaxAge {
			ending = b
		}
		// Otherwise the batch stays open for the write waiting behind
		// this one, which will close it (or leave it to the next).
	case c.waiting.Load() == 0:
		// This write was undone; commit the ones before it.
		ending = b
	}
	locked = false
	if ending != nil {
		c.close(ending, cause)
	} else {
		c.mu.Unlock()
	}
	if err != nil {
		return err
	}
	<-b.done
	return b.err
}

// join returns the open batch, beginning one when there is none. c.mu is
// held.
func (c *Committer[B]) join() (*batch[B], error) {
	if c.open != nil {
		return c.open, nil
	}
	b, err := c.Begin()
	if err != nil {
		return nil, fmt.Errorf("beginning transaction: %w", err)
	}
	c.open = &batch[B]{b: b, started: time.Now(), done: make(chan struct{})}
	return c.open, nil
}

// close closes b, which no write can join any more, unlocks c.mu (held)
// and ends b (before unlocking unless EndUnlocked).
func (c *Committer[B]) close(b *batch[B], cause error) {
	c.open = nil
	if c.EndUnlocked {
		c.mu.Unlock()
		c.finish(b, cause)
		return
	}
	c.finish(b, cause)
	c.mu.Unlock()
}

// finish ends b: with cause nil it commits, else it rolls back and every
// write kept in b fails with cause.
func (c *Committer[B]) finish(b *batch[B], cause error) {
	if cause == nil {
		c.commits.Add(1)
		if err := b.b.End(true); err != nil {
			b.err = fmt.Errorf("committing transaction: %w", err)
		}
	} else {
		_ = b.b.End(false)
		b.err = cause
	}
	close(b.done)
}
