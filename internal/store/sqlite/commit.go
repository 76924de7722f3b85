package sqlite

import (
	"context"
	"database/sql"

	"github.com/arborhq/terraform-provider-arbor/internal/store"
	"github.com/arborhq/terraform-provider-arbor/internal/store/groupcommit"
)

// Group commit (see package groupcommit for what it guarantees).
//
// With synchronous=FULL every COMMIT waits for an fsync of the WAL, and
// writes are serialised on the single writer connection anyway, so with one
// transaction per write the fsync caps the write rate (about 0.2 ms here; a
// few ms on network disks, where it caps writes at a few hundred a second).
// Writes that arrive while another runs join its transaction instead, each
// in a savepoint of its own (but the first: see batch.Run). A batch commits
// before the next write is let in: the next batch needs the writer
// connection anyway.

// committer runs Update's write transactions on the writer pool.
type committer = groupcommit.Committer[*batch]

func newCommitter(s *Store, db *sql.DB) *committer {
	return &committer{
		Begin: func() (*batch, error) {
			tx, err := db.BeginTx(context.Background(), nil)
			if err != nil {
				return nil, err
			}
			return &batch{tx: tx, s: s, db: db}, nil
		},
		MaxWrites: groupcommit.DefaultMaxWrites,
		MaxAge:    groupcommit.DefaultMaxAge,
	}
}

// batch is one SQLite transaction shared by consecutive writes.
type batch struct {
	tx *sql.Tx
	s  *Store
	db *sql.DB
}

// Run runs fn in b. The first write of a batch needs no savepoint: if it
// fails, the transaction holds nothing else and is rolled back. Each
// other write runs in a savepoint of its own, rolled back to if fn fails;
// a savepoint statement failing leaves the transaction in an unknown
// state: broken.
func (b *batch) Run(ctx context.Context, first bool, fn func(store.Tx) error) (err, broken error) {
	// Statements run to completion: interrupting one (its caller giving
	// up) would make SQLite roll back the whole transaction, with the
	// other writes in it.
	t := &tx{ctx: context.WithoutCancel(ctx), tx: b.tx, s: b.s, db: b.db}
	if first {
		if err := fn(t); err != nil {
			return err, nil
		}
		// A failed stamp fails the write, and the batch holds no other.
		return t.bumpChanges(), nil
	}
	if _, err := t.exec(sqlSavepoint); err != nil {
		return nil, err
	}
	if err := runAndStamp(t, fn); err != nil {
		if _, rbErr := t.exec(sqlRollbackToSavepoint); rbErr != nil {
			return err, rbErr
		}
		if _, rbErr := t.exec(sqlReleaseSavepoint); rbErr != nil {
			return err, rbErr
		}
		return err, nil
	}
	if _, err := t.exec(sqlReleaseSavepoint); err != nil {
		return nil, err
	}
	return nil, nil
}

// End commits or rolls back b.
func (b *batch) End(commit bool) error {
	if commit {
		return b.tx.Commit()
	}
	return b.tx.Rollback()
}

// runAndStamp runs fn and, if it succeeds, stamps its change numbers.
func runAndStamp(t *tx, fn func(store.Tx) error) error {
	if err := fn(t); err != nil {
		return err
	}
	return t.bumpChanges()
}
