package postgres

import (
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/arborhq/terraform-provider-arbor/internal/store"
)

// The keyed objects of every kind, with their secrets and history.

func scanObject(sc pgx.Row) (store.Object, error) {
	var o store.Object
	var created, updated int64
	err := sc.Scan(&o.Environment, &o.Kind, &o.Key, &o.Version, &o.Body, &created, &updated)
	o.CreatedAt, o.UpdatedAt = fromMicros(created), fromMicros(updated)
	return o, err
}

const sqlObject = `SELECT environment, kind, key, version, body, created_at, updated_at FROM objects
	WHERE environment = $1 AND kind = $2 AND key = $3`

func scanObjectRow(r pgx.Rows) (store.Object, error) { return scanObject(r) }

func (t *tx) Object(env, kind, key string) (store.Object, error) {
	ref := store.Ref{Environment: env, Kind: kind, Key: key}
	if p, ok := t.s.prefetched[ref]; ok {
		delete(t.s.prefetched, ref)
		if !p.found {
			t.readAbsent(ref)
			return store.Object{}, store.ErrNotFound
		}
		return p.object, nil
	}
	// Read ahead but not sent yet, and nothing queued after it (a write
	// that joined a batch, whose environment was known): it is this read.
	if q := t.s.queue; len(q) > 0 && q[len(q)-1].scan != nil && q[len(q)-1].sql == sqlObject &&
		q[len(q)-1].args[0] == any(env) && q[len(q)-1].args[1] == any(kind) && q[len(q)-1].args[2] == any(key) {
		t.s.queue = q[:len(q)-1]
	}
	o, err := scanObject(t.queryRow(sqlObject, env, kind, key))
	if errors.Is(err, pgx.ErrNoRows) {
		t.readAbsent(ref)
	}
	return o, noRows(err)
}

// readAbsent notes, in a write batch, that ref was just read as absent
// (session.absent).
func (t *tx) readAbsent(ref store.Ref) {
	if t.writable {
		t.s.absent, t.s.absentAt = &ref, t.s.writes
	}
}

// Prefetch queues the reads of refs, to be sent with the next statement
// waited for: a write's BEGIN, lock and environment read then bring the
// object it is about to replace in the same round trip. Object takes a
// prefetched object once, unless a write statement came between (it may
// have changed it). Every write holds the write lock from its first
// statement, so an object read ahead under it is what a read made later
// would find, as long as no statement of this transaction wrote.
func (t *tx) Prefetch(refs ...store.Ref) {
	if t.lookup {
		return // a lookup makes one read
	}
	for _, ref := range refs {
		if _, ok := t.s.prefetched[ref]; ok {
			continue
		}
		writes := t.s.writes
		t.s.queue = append(t.s.queue, queued{sql: sqlObject, args: []any{ref.Environment, ref.Kind, ref.Key}, write: t.s.write,
			scan: func(rows pgx.Rows) error {
				o, err := scanObject(row{rows: rows})
				if err != nil && !errors.Is(err, pgx.ErrNoRows) {
					return err
				}
				if t.s.writes != writes {
					return nil // a write statement came after it
				}
				if t.s.prefetched == nil {
					t.s.prefetched = map[store.Ref]prefetchedObject{}
				}
				t.s.prefetched[ref] = prefetchedObject{object: o, found: err == nil}
				return nil
			}})
	}
}

func (t *tx) Objects(q store.Query) ([]store.Object, error) {
	if q.ReferencesTo == nil {
		rows, err := t.query(`SELECT environment, kind, key, version, body, created_at, updated_at FROM objects
			WHERE environment = $1 AND kind = $2 AND key > $3 ORDER BY key LIMIT $4`,
			q.Environment, q.Kind, q.After, limitOrAll(q.Limit))
		return collect(rows, err, scanObjectRow)
	}
	to := q.ReferencesTo
	rows, err := t.query(`SELECT o.environment, o.kind, o.key, o.version, o.body, o.created_at, o.updated_at
		FROM refs r JOIN objects o ON o.environment = r.environment AND o.kind = r.kind AND o.key = r.key
		WHERE r.target_environment = $1 AND r.target_kind = $2 AND r.target_key = $3
		  AND r.environment = $4 AND r.kind = $5 AND r.key > $6
		ORDER BY r.key LIMIT $7`,
		to.Environment, to.Kind, to.Key, q.Environment, q.Kind, q.After, limitOrAll(q.Limit))
	return collect(rows, err, scanObjectRow)
}

func (t *tx) PutObject(o store.Object, refs []store.Ref, uniques []store.Unique) error {
	if !t.writable {
		return errReadOnly
	}
	for _, r := range refs {
		var exists bool
		if err := t.queryRow(`SELECT EXISTS (SELECT 1 FROM objects WHERE environment = $1 AND kind = $2 AND key = $3)`,
			r.Environment, r.Kind, r.Key).Scan(&exists); err != nil {
			return err
		}
		if !exists {
			return &store.DanglingError{To: r}
		}
	}
	for _, u := range uniques {
		var holder string
		err := t.queryRow(`SELECT key FROM uniques WHERE environment = $1 AND kind = $2 AND name = $3 AND value = $4`,
			o.Environment, o.Kind, u.Name, u.Value).Scan(&holder)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
		case err != nil:
			return err
		case holder != o.Key:
			return &store.UniqueError{Name: u.Name, Value: u.Value, Holder: holder}
		}
	}
	t.written.TouchKey(o.Environment, o.Kind, o.Key)
	// The checks above make every statement below succeed; they are
	// queued. An object read as absent since the last write statement is
	// absent still: it has no refs or uniques (they go with it) and is
	// inserted alone. Otherwise its old refs and uniques go in the
	// statement that writes it.
	ref := store.Ref{Environment: o.Environment, Kind: o.Kind, Key: o.Key}
	if a := t.s.absent; a != nil && *a == ref && t.s.absentAt == t.s.writes {
		t.s.laterOnly(&ref, `INSERT INTO objects (environment, kind, key, version, body, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			o.Environment, o.Kind, o.Key, o.Version, o.Body, micros(o.CreatedAt), micros(o.UpdatedAt))
	} else {
		t.s.laterOnly(&ref, `WITH old_refs AS (DELETE FROM refs WHERE environment = $1 AND kind = $2 AND key = $3),
			old_uniques AS (DELETE FROM uniques WHERE environment = $1 AND kind = $2 AND key = $3)
		INSERT INTO objects (environment, kind, key, version, body, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (environment, kind, key) DO UPDATE SET version = excluded.version, body = excluded.body, updated_at = excluded.updated_at`,
			o.Environment, o.Kind, o.Key, o.Version, o.Body, micros(o.CreatedAt), micros(o.UpdatedAt))
	}
	// Refs and uniques change no object.
	for _, r := range refs {
		t.s.laterOnly(nil, `INSERT INTO refs (environment, kind, key, target_environment, target_kind, target_key) VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT DO NOTHING`, o.Environment, o.Kind, o.Key, r.Environment, r.Kind, r.Key)
	}
	for _, u := range uniques {
		t.s.laterOnly(nil, `INSERT INTO uniques (environment, kind, name, value, key) VALUES ($1, $2, $3, $4, $5)`,
			o.Environment, o.Kind, u.Name, u.Value, o.Key)
	}
	return nil
}

func (t *tx) DeleteObject(env, kind, key string) error {
	if !t.writable {
		return errReadOnly
	}
	by, err := t.Referrers(store.Ref{Environment: env, Kind: kind, Key: key}, 0)
	if err != nil {
		return err
	}
	if len(by) > 0 {
		return &store.ReferencedError{By: by}
	}
	t.written.TouchKey(env, kind, key)
	return mustAffect(t.exec(`DELETE FROM objects WHERE environment = $1 AND kind = $2 AND key = $3`, env, kind, key))
}

func (t *tx) Referrers(to store.Ref, limit int) ([]store.Ref, error) {
	rows, err := t.query(`SELECT environment, kind, key FROM refs WHERE target_environment = $1 AND target_kind = $2 AND target_key = $3
		ORDER BY environment, kind, key LIMIT $4`, to.Environment, to.Kind, to.Key, limitOrAll(limit))
	return collect(rows, err, func(r pgx.Rows) (store.Ref, error) {
		var ref store.Ref
		err := r.Scan(&ref.Environment, &ref.Kind, &ref.Key)
		return ref, err
	})
}

func (t *tx) CountObjects(env, kind string) (int, error) {
	var n int
	err := t.queryRow(`SELECT count(*) FROM objects WHERE environment = $1 AND kind = $2`, env, kind).Scan(&n)
	return n, err
}

func (t *tx) PutSecret(o store.Ref, name string, value []byte) error {
	t.written.Touch(o.Environment)
	return t.later(`INSERT INTO secrets (environment, kind, key, name, value) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (environment, kind, key, name) DO UPDATE SET value = excluded.value`, o.Environment, o.Kind, o.Key, name, value)
}

func (t *tx) Secret(o store.Ref, name string) ([]byte, error) {
	var v []byte
	err := t.queryRow(`SELECT value FROM secrets WHERE environment = $1 AND kind = $2 AND key = $3 AND name = $4`,
		o.Environment, o.Kind, o.Key, name).Scan(&v)
	return v, noRows(err)
}

func (t *tx) AppendHistory(o store.Object) error {
	t.written.Touch(o.Environment)
	_, err := t.exec(`INSERT INTO history (environment, kind, key, version, body, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		o.Environment, o.Kind, o.Key, o.Version, o.Body, micros(o.UpdatedAt))
	return existsOnConflict(err)
}

func (t *tx) History(o store.Ref, before int64, limit int) ([]store.Object, error) {
	if before <= 0 {
		before = 1<<63 - 1
	}
	rows, err := t.query(`SELECT environment, kind, key, version, body, created_at, created_at FROM history
		WHERE environment = $1 AND kind = $2 AND key = $3 AND version < $4 ORDER BY version DESC LIMIT $5`,
		o.Environment, o.Kind, o.Key, before, limitOrAll(limit))
	return collect(rows, err, scanObjectRow)
}
