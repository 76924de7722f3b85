package postgres

import (
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
	"github.com/arborhq/terraform-provider-arbor/internal/store"
)

// Change numbers (store.Changes).
//
// A write notes each environment it writes in (touch); once its function
// has succeeded, bumpChanges takes the next number for it. The numbers
// follow commit order across every replica because they are taken under
// the write lock, from settings.last_change as the batch's transaction
// found it.
//
// The counter rows (settings.last_change and account_change, each
// environment's last_change, audit_sequence.last_id) are written once per
// batch, not once per write: the batch counts in memory what each write
// takes (batchStamps) and stampBatch queues one statement that moves them
// all, sent with the COMMIT. Each write still gets a number of its own
// and the rows end exactly where one update per write would leave them;
// nothing outside the transaction sees the rows before the COMMIT, and
// inside it Changes adds what the batch has taken. One update per write
// left a batch of n writes n versions of each counter row to walk (every
// request reads the settings and environment rows), and made three hot
// updates per write where a batch now makes them once. A write undone
// takes nothing: bumpChanges runs only for a write that succeeded, and
// Run gives back the audit ids of a write undone.
//
// A write also notes the kind of each object it writes, and its key for a
// kind of the configuration (TouchKey); the batch keeps, for each
// (environment, kind) and for each such object, the offset of the last
// write of it, and the same statement
// upserts them into kind_changes and key_changes, one row each, and sets
// kinds_at where it sets last_change (store.KindStamps, Tx.KeysWritten).

// envKindKey is an object written.
type envKindKey struct{ env, kind, key string }

// batchStamps are what a write batch's writes have taken of the counters,
// as offsets from the values its transaction found.
type batchStamps struct {
	// changes counts the numbers taken: the n-th write that stamps takes
	// settings.last_change + n.
	changes int64
	// envs is, for each environment written, the offset of the last
	// write in it; account that of the last write to account-level
	// objects (0: none).
	envs    map[string]int64
	account int64
	// kinds is, for each environment and kind of objects written, the
	// offset of the last write of them.
	kinds map[store.EnvKind]int64
	// keys is, for each object of a configuration kind written, the
	// offset of the last write of it.
	keys map[envKindKey]int64
	// audits counts the audit entries appended: the n-th takes
	// audit_sequence.last_id + n.
	audits int64
}

// sqlStampBatch moves the counters by what a batch took (stampBatch):
// $3 are the environments written and $4 their offsets, in the same order;
// $6, $7 and $8 the environments, kinds and offsets of kinds written;
// $9, $10, $11 and $12 the environments, kinds, keys and offsets of the
// objects written.
// Statements in WITH run to completion whether or not they are read. (The
// environments are found by slug = ANY, the offset by its position: a
// join with unnest($3, $4) cost about 20 µs more per batch.) The
// right-hand sides of SET see the row as it was: kinds_at differing from
// last_change says a writer that stamps no kinds wrote last, and the
// stamps start again from its number. A kind or key stamp of an
// environment the batch deleted is dropped with it, and one taken before
// the batch created the environment again under its slug (its
// kinds_since) is the deleted one's and dropped too.
const sqlStampBatch = `WITH s AS (
		UPDATE settings SET last_change = last_change + $1::bigint,
			account_change = CASE WHEN $2::bigint > 0 THEN last_change + $2::bigint ELSE account_change END
		WHERE id = 1 AND $1::bigint > 0 RETURNING last_change - $1::bigint AS base),
	e AS (
		UPDATE environments AS e SET last_change = s.base + ($4::bigint[])[array_position($3::text[], e.slug::text)],
			kinds_at = s.base + ($4::bigint[])[array_position($3::text[], e.slug::text)],
			kinds_since = CASE WHEN e.kinds_at = e.last_change THEN e.kinds_since ELSE e.last_change END
		FROM s WHERE e.slug = ANY($3::text[])),
	k AS (
		INSERT INTO kind_changes (environment, kind, last_change)
		SELECT w.environment, w.kind, s.base + w.off FROM s, unnest($6::text[], $7::text[], $8::bigint[]) AS w (environment, kind, off)
		WHERE EXISTS (SELECT 1 FROM environments WHERE slug = w.environment AND kinds_since <= s.base + w.off)
		ON CONFLICT (environment, kind) DO UPDATE SET last_change = excluded.last_change),
	o AS (
		INSERT INTO key_changes (environment, kind, key, last_change)
		SELECT w.environment, w.kind, w.key, s.base + w.off FROM s, unnest($9::text[], $10::text[], $11::text[], $12::bigint[]) AS w (environment, kind, key, off)
		WHERE EXISTS (SELECT 1 FROM environments WHERE slug = w.environment AND kinds_since <= s.base + w.off)
		ON CONFLICT (environment, kind, key) DO UPDATE SET last_change = excluded.last_change)
	UPDATE audit_sequence SET last_id = last_id + $5::bigint WHERE id = 1 AND $5::bigint > 0`

// bumpChanges takes the next number for a write that succeeded.
func (t *tx) bumpChanges() {
	if !t.written.Any() {
		return
	}
	st := &t.s.stamps
	st.changes++
	for _, env := range t.written.Envs {
		if st.envs == nil {
			st.envs = map[string]int64{}
		}
		st.envs[env] = st.changes
	}
	if t.written.Account {
		st.account = st.changes
	}
	for _, k := range t.written.Kinds {
		if st.kinds == nil {
			st.kinds = map[store.EnvKind]int64{}
		}
		st.kinds[k] = st.changes
		if st.keys == nil {
			st.keys = map[envKindKey]int64{}
		}
		for _, key := range t.written.Keys[k] {
			st.keys[envKindKey{k.Env, k.Kind, key}] = st.changes
		}
	}
}

// stampBatch queues the statement that moves the counters by what the
// batch's writes took, to be sent with its COMMIT.
func (s *session) stampBatch() {
	st := &s.stamps
	if st.changes == 0 && st.audits == 0 {
		return
	}
	slugs := make([]string, 0, len(st.envs))
	offsets := make([]int64, 0, len(st.envs))
	for env, off := range st.envs {
		slugs, offsets = append(slugs, env), append(offsets, off)
	}
	kindEnvs := make([]string, 0, len(st.kinds))
	kinds := make([]string, 0, len(st.kinds))
	kindOffsets := make([]int64, 0, len(st.kinds))
	for k, off := range st.kinds {
		kindEnvs, kinds, kindOffsets = append(kindEnvs, k.Env), append(kinds, k.Kind), append(kindOffsets, off)
	}
	keyEnvs := make([]string, 0, len(st.keys))
	keyKinds := make([]string, 0, len(st.keys))
	keys := make([]string, 0, len(st.keys))
	keyOffsets := make([]int64, 0, len(st.keys))
	for k, off := range st.keys {
		keyEnvs, keyKinds, keys, keyOffsets = append(keyEnvs, k.env), append(keyKinds, k.kind), append(keys, k.key), append(keyOffsets, off)
	}
	s.queue = append(s.queue, queued{sql: sqlStampBatch, args: []any{st.changes, st.account, slugs, offsets, st.audits,
		kindEnvs, kinds, kindOffsets, keyEnvs, keyKinds, keys, keyOffsets}, write: batchStatement})
	*st = batchStamps{}
}

func (t *tx) Changes(env string) (store.Changes, error) {
	var c store.Changes
	var last int64
	err := t.queryRow(`SELECT e.last_change, s.account_change, s.last_change FROM settings AS s JOIN environments AS e ON e.slug = $1 WHERE s.id = 1`, env).
		Scan(&c.Environment, &c.Account, &last)
	if err == nil && t.writable {
		// What the batch's writes took is not in the rows yet.
		if off, ok := t.s.stamps.envs[env]; ok {
			c.Environment = last + off
		}
		if off := t.s.stamps.account; off > 0 {
			c.Account = last + off
		}
	}
	return c, noRows(err)
}

func (t *tx) KindStamps(env string) (store.KindStamps, error) {
	rows, err := t.query(`SELECT s.last_change, e.last_change, e.kinds_at, e.kinds_since, k.kind, k.last_change
		FROM settings AS s JOIN environments AS e ON e.slug = $1 LEFT JOIN kind_changes AS k ON k.environment = e.slug WHERE s.id = 1`, env)
	if err != nil {
		return store.KindStamps{}, err
	}
	defer rows.Close()
	k := store.KindStamps{Kinds: map[string]int64{}}
	found := false
	var last int64
	for rows.Next() {
		var kind *string
		var at *int64
		if err := rows.Scan(&last, &k.Environment, &k.At, &k.Since, &kind, &at); err != nil {
			return store.KindStamps{}, err
		}
		found = true
		if kind != nil && at != nil {
			k.Kinds[*kind] = *at
		}
	}
	if err := rows.Err(); err != nil {
		return store.KindStamps{}, err
	}
	if !found {
		return store.KindStamps{}, store.ErrNotFound
	}
	if off, ok := t.s.stamps.envs[env]; ok && t.writable {
		// What the batch's writes took is not in the rows yet, nor are
		// their kinds: the number moves past kinds_at, and the stamps
		// are not trusted, as Changes reads it.
		k.Environment = last + off
	}
	return k, nil
}

func (t *tx) KeysWritten(env, kind string, after int64, limit int) ([]string, error) {
	rows, err := t.query(`SELECT key FROM key_changes WHERE environment = $1 AND kind = $2 AND last_change > $3 ORDER BY key LIMIT $4`,
		env, kind, after, limitOrAll(limit))
	return collect(rows, err, func(r pgx.Rows) (key string, err error) { return key, r.Scan(&key) })
}

// The columns of the request statement's parts, each after the flag that
// says whether the part was found: a part not found is skipped.
const (
	requestTokenColumns       = 7
	requestAPIKeyColumns      = 8
	requestEnvironmentColumns = 10
	requestObjectColumns      = 4
)

// The request statement: the settings row, which always exists, with the
// credential and the environment joined to it, each absent as NULLs.
const (
	sqlRequestTail = `,
		e.slug IS NOT NULL, coalesce(e.slug, ''), coalesce(e.name, ''::bytea), coalesce(e.description, ''::bytea),
		coalesce(e.obfuscate_customer_data, false), coalesce(e.default_locale, ''), coalesce(e.builtin, false), coalesce(e.version, 0),
		coalesce(e.created_at, 0), coalesce(e.updated_at, 0),
		(SELECT count(*) FROM environments AS below WHERE below.rank <= e.rank), coalesce(e.last_change, 0),
		s.production_write_access, s.version, s.updated_at, s.account_change,
		o.key IS NOT NULL, coalesce(o.version, 0), coalesce(o.body, ''::bytea), coalesce(o.created_at, 0), coalesce(o.updated_at, 0)
	FROM settings AS s`
	sqlRequestEnd = ` LEFT JOIN environments AS e ON e.slug = $2
		LEFT JOIN objects AS o ON o.environment = $3 AND o.kind = $4 AND o.key = $5 WHERE s.id = 1`
	sqlRequestToken = `SELECT c.id IS NOT NULL, coalesce(c.id, ''), coalesce(c.name, ''::bytea), coalesce(c.role, ''), coalesce(c.prefix, ''),
		coalesce(c.version, 0), coalesce(c.created_at, 0), coalesce(c.hash, ''::bytea)` + sqlRequestTail +
		` LEFT JOIN tokens AS c ON c.id = $1` + sqlRequestEnd
	sqlRequestAPIKey = `SELECT c.id IS NOT NULL, coalesce(c.id, ''), coalesce(c.environment, ''), coalesce(c.name, ''::bytea), coalesce(c.scope, ''), coalesce(c.prefix, ''),
		coalesce(c.version, 0), coalesce(c.created_at, 0), coalesce(c.hash, ''::bytea)` + sqlRequestTail +
		` LEFT JOIN api_keys AS c ON c.id = $1` + sqlRequestEnd
)

// Request reads the request statement's row by hand from its raw values
// (rawRow) rather than through pgx's Scan: every request makes it, and
// Scan would plan the decoding of its thirty columns again for each one.
func (t *tx) Request(kind store.CredentialKind, id, env string, object *store.Ref) (store.RequestState, error) {
	var r store.RequestState
	// A kind no object has reads no object.
	want := store.Ref{}
	if object != nil {
		want = *object
	}
	query, credentialColumns := sqlRequestToken, requestTokenColumns
	if kind != store.CredentialToken {
		query, credentialColumns = sqlRequestAPIKey, requestAPIKeyColumns
	}
	rows, err := t.query(query, id, env, want.Environment, want.Kind, want.Key)
	if err != nil {
		return r, err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return r, err
		}
		return r, store.ErrNotFound
	}
	c := rawRow{values: rows.RawValues(), fields: rows.FieldDescriptions()}
	if c.bool() {
		switch kind {
		case store.CredentialToken:
			r.Token = &domain.Token{ID: c.string(), Name: c.string(), Role: domain.OperatorRole(c.string()), Prefix: c.string(),
				Version: c.int64(), CreatedAt: fromMicros(c.int64())}
		default:
			r.APIKey = &domain.APIKey{ID: c.string(), Environment: c.string(), Name: c.string(), Scope: domain.Scope(c.string()), Prefix: c.string(),
				Version: c.int64(), CreatedAt: fromMicros(c.int64())}
		}
		r.Hash = c.bytes()
	} else {
		c.skip(credentialColumns)
	}
	if c.bool() {
		e := domain.Environment{Slug: c.string(), Name: c.string(), Description: c.string(), ObfuscateCustomerData: c.bool(),
			DefaultLocale: c.string(), Builtin: c.bool(), Version: c.int64(), CreatedAt: fromMicros(c.int64()), UpdatedAt: fromMicros(c.int64()),
			Position: int(c.int64())}
		r.Environment = &e
	} else {
		c.skip(requestEnvironmentColumns)
	}
	r.Changes.Environment = c.int64()
	r.Settings.ProductionWriteAccess, r.Settings.Version, r.Settings.UpdatedAt = c.bool(), c.int64(), fromMicros(c.int64())
	r.Changes.Account = c.int64()
	if c.bool() {
		r.Object = &store.Object{Environment: want.Environment, Kind: want.Kind, Key: want.Key,
			Version: c.int64(), Body: c.bytes(), CreatedAt: fromMicros(c.int64()), UpdatedAt: fromMicros(c.int64())}
	} else {
		c.skip(requestObjectColumns)
	}
	if c.err == nil && c.next != len(c.values) {
		c.err = fmt.Errorf("the request statement returned %d columns, %d were read", len(c.values), c.next)
	}
	if c.err != nil {
		return store.RequestState{}, c.err
	}
	rows.Close()
	return r, rows.Err()
}
