package postgres

import (
	"context"
	"errors"
	"slices"

	"github.com/arborhq/terraform-provider-arbor/internal/store"
	"github.com/arborhq/terraform-provider-arbor/internal/store/groupcommit"
)

// Group commit (see package groupcommit for what it guarantees).
//
// Every write holds the write lock until its COMMIT is on disk (PostgreSQL
// releases a transaction's locks after the WAL flush), so one transaction
// per write would cap the write rate at one fsync, and one BEGIN and lock
// round trip, per write, however many replicas and clients. Writes of this
// process that arrive while another runs join its transaction instead.
//
// A write whose fn fails is undone alone: if none of its statements reached
// the server, dropping its queued ones is enough; otherwise it set a
// savepoint before the first of them and is rolled back to it.
// groupcommit.DefaultMaxWrites also keeps the savepoints that write within
// one transaction under the 64 subtransactions PostgreSQL tracks per
// backend without spilling to disk.
//
// A closed batch commits after the next write is let in
// (EndUnlocked): the next batch begins on another connection while this
// one's COMMIT waits for its WAL flush, and its lock request is granted the
// moment this commit is visible.

// committer runs Update's write transactions.
type committer = groupcommit.Committer[*batch]

func newCommitter(s *Store) *committer {
	return &committer{
		Begin:       s.beginBatch,
		MaxWrites:   groupcommit.DefaultMaxWrites,
		MaxAge:      groupcommit.DefaultMaxAge,
		EndUnlocked: true,
	}
}

// batch is one PostgreSQL transaction shared by consecutive writes.
type batch struct {
	session *session
}

// beginBatch begins a batch. The BEGIN and the lock are queued: they reach
// the server with the first write's first statement.
func (s *Store) beginBatch() (*batch, error) {
	conn, err := s.pool.Acquire(context.Background())
	if err != nil {
		return nil, err
	}
	ss := &session{conn: conn, write: batchStatement, ahead: &s.ahead}
	ss.later(`BEGIN`)
	ss.later(`SELECT pg_advisory_xact_lock($1)`, writeLockKey)
	return &batch{session: ss}, nil
}

// Run runs fn as the next write of b.
func (b *batch) Run(ctx context.Context, first bool, fn func(store.Tx) error) (err, broken error) {
	s := b.session
	s.write++
	s.needSavepoint = !first
	s.savepointSet = false
	// What was read ahead stays: every write statement since forgot what
	// it may have changed.
	audits := s.stamps.audits
	// Statements run to completion: cancelling one (its caller giving up)
	// would fail the transaction, with the other writes in it.
	t := &tx{ctx: context.WithoutCancel(ctx), s: s, writable: true}
	err = outage(fn(t), s.conn.Conn().PgConn())
	if s.broken != nil {
		return err, outage(s.broken, s.conn.Conn().PgConn())
	}
	if err == nil && s.failed() {
		err = errors.New("a statement of the write failed, and the write went on as if it had not")
	}
	if err == nil {
		t.bumpChanges()
		if s.savepointSet {
			s.later(sqlReleaseSavepoint)
		}
		return nil, nil
	}
	// What the write read may be what it wrote; the audit ids it took
	// are given back.
	s.environments = nil
	s.stamps.audits = audits
	s.wrote()
	switch {
	case s.savepointSet:
		if _, rbErr := s.conn.Exec(context.Background(), sqlRollbackToSavepoint+`; `+sqlReleaseSavepoint); rbErr != nil {
			return err, rbErr
		}
	case s.failed() && !first:
		return err, errors.New("a write failed before its savepoint was set")
	default:
		// None of fn's statements reached the server: they are the tail
		// of the queue.
		s.dropQueuedOfWrite()
	}
	return err, nil
}

// End commits or rolls back b and gives its connection back.
func (b *batch) End(commitIt bool) error {
	s := b.session
	ctx := context.Background()
	var err error
	if commitIt {
		err = commitOutage(commit(ctx, s), s.conn.Conn().PgConn())
	}
	if s.conn.Conn().PgConn().TxStatus() != 'I' {
		// A failed rollback leaves a connection the pool will not reuse;
		// the writes fail either way.
		_, _ = s.conn.Exec(ctx, `ROLLBACK`)
	}
	s.conn.Release()
	return err
}

// commit sends the queued statements and the COMMIT. A transaction with
// nothing sent yet (every write of it undone) has nothing to commit.
func commit(ctx context.Context, s *session) error {
	if s.conn.Conn().PgConn().TxStatus() == 'I' && !slices.ContainsFunc(s.queue, func(q queued) bool { return q.write != batchStatement }) {
		return nil
	}
	s.needSavepoint = false
	s.stampBatch()
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
