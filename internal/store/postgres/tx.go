package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
	"github.com/arborhq/terraform-provider-arbor/internal/store"
)

// tx is one transaction. pgx caches each statement's preparation per
// connection, so the SQL below is parsed and planned once per connection.
type tx struct {
	ctx      context.Context
	s        *session
	writable bool
	// lookup allows one read (Store.Lookup); reads counts them.
	lookup bool
	reads  int
	// written is what a write writes: the change numbers and kind stamps
	// it takes.
	written store.Written
}

var (
	_ store.Tx         = (*tx)(nil)
	_ store.Prefetcher = (*tx)(nil)
)

var errReadOnly = errors.New("write attempted in a read-only transaction")

// exec runs a write whose answer the caller reads (rows affected, a
// conflict to report).
func (t *tx) exec(query string, args ...any) (pgconn.CommandTag, error) {
	if !t.writable {
		return pgconn.CommandTag{}, errReadOnly
	}
	return t.s.exec(t.ctx, query, args...)
}

// later queues a write whose only outcome besides success is an error that
// fails the transaction: it is sent with the next statement waited for.
func (t *tx) later(query string, args ...any) error {
	if !t.writable {
		return errReadOnly
	}
	t.s.later(query, args...)
	return nil
}

var errSecondLookupRead = errors.New("a lookup made a second read: reads that must agree with each other run in View")

func (t *tx) query(query string, args ...any) (pgx.Rows, error) {
	if t.lookup {
		if t.reads++; t.reads > 1 {
			return nil, errSecondLookupRead
		}
	}
	return t.s.query(t.ctx, query, args...)
}

func (t *tx) queryRow(query string, args ...any) pgx.Row {
	rows, err := t.query(query, args...)
	return row{rows: rows, err: err}
}

// mustAffect turns "no row changed" into store.ErrNotFound.
func mustAffect(tag pgconn.CommandTag, err error) error {
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return store.ErrNotFound
	}
	return nil
}

func noRows(err error) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return store.ErrNotFound
	}
	return err
}

// existsOnConflict maps a unique violation of an insert to store.ErrExists,
// as SQLite's store answers for a row that is already there.
func existsOnConflict(err error) error {
	if isUniqueViolation(err) {
		return fmt.Errorf("%w: %v", store.ErrExists, err)
	}
	return err
}

// limitOrAll is a LIMIT argument: NULL means no limit.
func limitOrAll(limit int) any {
	if limit <= 0 {
		return nil
	}
	return limit
}

func micros(t time.Time) int64 { return t.UnixMicro() }

func fromMicros(v int64) time.Time { return time.UnixMicro(v).UTC() }

// collect reads every row with scan.
func collect[T any](rows pgx.Rows, err error, scan func(pgx.Rows) (T, error)) ([]T, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Environments

const environmentColumns = `slug, name, description, obfuscate_customer_data, default_locale, builtin, version, created_at, updated_at`

func scanEnvironment(sc pgx.Row, position *int) (domain.Environment, error) {
	var e domain.Environment
	var name, description []byte
	var created, updated int64
	dest := []any{&e.Slug, &name, &description, &e.ObfuscateCustomerData, &e.DefaultLocale, &e.Builtin, &e.Version, &created, &updated}
	if position != nil {
		dest = append(dest, position)
	}
	err := sc.Scan(dest...)
	e.Name, e.Description = string(name), string(description)
	e.CreatedAt, e.UpdatedAt = fromMicros(created), fromMicros(updated)
	return e, err
}

func (t *tx) Environments() ([]domain.Environment, error) {
	rows, err := t.query(`SELECT ` + environmentColumns + ` FROM environments ORDER BY rank`)
	envs, err := collect(rows, err, func(r pgx.Rows) (domain.Environment, error) { return scanEnvironment(r, nil) })
	for i := range envs {
		envs[i].Position = i + 1
	}
	return envs, err
}

// Environment is read by nearly every write, for the environment it
// writes in. A write batch remembers what it read: it holds the write lock,
// so only its own writes, which forget it, can change an environment.
func (t *tx) Environment(slug string) (domain.Environment, error) {
	if e, ok := t.s.environments[slug]; ok {
		return e, nil
	}
	var position int
	e, err := scanEnvironment(t.queryRow(`SELECT `+environmentColumns+`, (SELECT count(*) FROM environments AS below WHERE below.rank <= e.rank)
		FROM environments AS e WHERE slug = $1`, slug), &position)
	e.Position = position
	if err == nil && t.writable {
		if t.s.environments == nil {
			t.s.environments = map[string]domain.Environment{}
		}
		t.s.environments[slug] = e
	}
	return e, noRows(err)
}

func (t *tx) InsertEnvironment(e domain.Environment) error {
	t.s.environments = nil
	t.written.Touch(e.Slug)
	var exists bool
	if err := t.queryRow(`SELECT EXISTS (SELECT 1 FROM environments WHERE slug = $1)`, e.Slug).Scan(&exists); err != nil {
		return err
	}
	if exists {
		return store.ErrExists
	}
	// Its kind stamps start at the number this write takes (the next
	// after those the batch took before it): the objects that a deleted
	// environment of the same slug held went without stamping their
	// kinds.
	_, err := t.exec(`INSERT INTO environments (`+environmentColumns+`, rank, kinds_since)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, (SELECT max(rank) + 1 FROM environments WHERE slug <> 'production'),
			(SELECT last_change + $10::bigint FROM settings WHERE id = 1))`,
		e.Slug, []byte(e.Name), []byte(e.Description), e.ObfuscateCustomerData, store.EnvironmentLocale(e), e.Builtin, e.Version, micros(e.CreatedAt), micros(e.UpdatedAt),
		t.s.stamps.changes+1)
	return existsOnConflict(err)
}

func (t *tx) UpdateEnvironment(e domain.Environment) error {
	t.s.environments = nil
	t.written.Touch(e.Slug)
	return mustAffect(t.exec(`UPDATE environments SET name = $1, description = $2, obfuscate_customer_data = $3, default_locale = $4, version = $5, updated_at = $6 WHERE slug = $7`,
		[]byte(e.Name), []byte(e.Description), e.ObfuscateCustomerData, store.EnvironmentLocale(e), e.Version, micros(e.UpdatedAt), e.Slug))
}

func (t *tx) DeleteEnvironment(slug string) error {
	t.s.environments = nil
	t.written.Touch(slug)
	// Objects go first: their refs, uniques, secrets and history cascade.
	// Refs between objects of the environment are removed before the
	// objects, since the foreign key on a ref's target does not cascade.
	if _, err := t.exec(`DELETE FROM refs WHERE environment = $1`, slug); err != nil {
		return err
	}
	if _, err := t.exec(`DELETE FROM objects WHERE environment = $1`, slug); err != nil {
		return err
	}
	return mustAffect(t.exec(`DELETE FROM environments WHERE slug = $1`, slug))
}

// Settings

func (t *tx) Settings() (domain.Settings, error) {
	var s domain.Settings
	var updated int64
	err := t.queryRow(`SELECT production_write_access, version, updated_at FROM settings WHERE id = 1`).Scan(&s.ProductionWriteAccess, &s.Version, &updated)
	s.UpdatedAt = fromMicros(updated)
	return s, noRows(err)
}

func (t *tx) PutSettings(s domain.Settings) error {
	return mustAffect(t.exec(`UPDATE settings SET production_write_access = $1, version = $2, updated_at = $3 WHERE id = 1`,
		s.ProductionWriteAccess, s.Version, micros(s.UpdatedAt)))
}

// Account tokens

func (t *tx) InsertToken(tok domain.Token, hash []byte) error {
	_, err := t.exec(`INSERT INTO tokens (id, name, role, prefix, hash, version, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		tok.ID, []byte(tok.Name), tok.Role, tok.Prefix, hash, tok.Version, micros(tok.CreatedAt))
	return existsOnConflict(err)
}

func scanToken(sc pgx.Row, hash *[]byte) (domain.Token, error) {
	var tok domain.Token
	var name []byte
	var created int64
	dest := []any{&tok.ID, &name, &tok.Role, &tok.Prefix, &tok.Version, &created}
	if hash != nil {
		dest = append(dest, hash)
	}
	err := sc.Scan(dest...)
	tok.Name = string(name)
	tok.CreatedAt = fromMicros(created)
	return tok, err
}

func (t *tx) Token(id string) (domain.Token, []byte, error) {
	var hash []byte
	tok, err := scanToken(t.queryRow(`SELECT id, name, role, prefix, version, created_at, hash FROM tokens WHERE id = $1`, id), &hash)
	return tok, hash, noRows(err)
}

func (t *tx) Tokens(after string, limit int) ([]domain.Token, error) {
	rows, err := t.query(`SELECT id, name, role, prefix, version, created_at FROM tokens WHERE id > $1 ORDER BY id LIMIT $2`, after, limitOrAll(limit))
	return collect(rows, err, func(r pgx.Rows) (domain.Token, error) { return scanToken(r, nil) })
}

func (t *tx) DeleteToken(id string) error {
	return mustAffect(t.exec(`DELETE FROM tokens WHERE id = $1`, id))
}

func (t *tx) TokensWithRole(role domain.OperatorRole, limit int) ([]domain.Token, int, error) {
	var n int
	if err := t.queryRow(`SELECT count(*) FROM tokens WHERE role = $1`, string(role)).Scan(&n); err != nil {
		return nil, 0, err
	}
	rows, err := t.query(`SELECT id, name, role, prefix, version, created_at FROM tokens WHERE role = $1 ORDER BY id LIMIT $2`, string(role), limitOrAll(limit))
	tokens, err := collect(rows, err, func(r pgx.Rows) (domain.Token, error) { return scanToken(r, nil) })
	return tokens, n, err
}

func (t *tx) CountTokens() (int, error) {
	var n int
	err := t.queryRow(`SELECT count(*) FROM tokens`).Scan(&n)
	return n, err
}

// API keys

func (t *tx) InsertAPIKey(k domain.APIKey, hash []byte) error {
	t.written.Touch(k.Environment)
	_, err := t.exec(`INSERT INTO api_keys (id, environment, name, scope, prefix, hash, version, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		k.ID, k.Environment, []byte(k.Name), k.Scope, k.Prefix, hash, k.Version, micros(k.CreatedAt))
	return existsOnConflict(err)
}

func scanAPIKey(sc pgx.Row, hash *[]byte) (domain.APIKey, error) {
	var k domain.APIKey
	var name []byte
	var created int64
	dest := []any{&k.ID, &k.Environment, &name, &k.Scope, &k.Prefix, &k.Version, &created}
	if hash != nil {
		dest = append(dest, hash)
	}
	err := sc.Scan(dest...)
	k.Name = string(name)
	k.CreatedAt = fromMicros(created)
	return k, err
}

func (t *tx) APIKey(id string) (domain.APIKey, []byte, error) {
	var hash []byte
	k, err := scanAPIKey(t.queryRow(`SELECT id, environment, name, scope, prefix, version, created_at, hash FROM api_keys WHERE id = $1`, id), &hash)
	return k, hash, noRows(err)
}

func (t *tx) APIKeys(env, after string, limit int) ([]domain.APIKey, error) {
	rows, err := t.query(`SELECT id, environment, name, scope, prefix, version, created_at FROM api_keys WHERE environment = $1 AND id > $2 ORDER BY id LIMIT $3`,
		env, after, limitOrAll(limit))
	return collect(rows, err, func(r pgx.Rows) (domain.APIKey, error) { return scanAPIKey(r, nil) })
}

func (t *tx) UpdateAPIKey(k domain.APIKey) error {
	t.written.Touch(k.Environment)
	return mustAffect(t.exec(`UPDATE api_keys SET name = $1, scope = $2, version = $3 WHERE id = $4`, []byte(k.Name), k.Scope, k.Version, k.ID))
}

func (t *tx) DeleteAPIKey(id string) error {
	if !t.writable {
		return errReadOnly
	}
	// Read first, deleted by exec: a write statement sent as a query
	// would miss the savepoint that undoes it if the write fails later.
	var env string
	if err := t.queryRow(`SELECT environment FROM api_keys WHERE id = $1`, id).Scan(&env); err != nil {
		return noRows(err)
	}
	t.written.Touch(env)
	return mustAffect(t.exec(`DELETE FROM api_keys WHERE id = $1`, id))
}

// Audit

func (t *tx) AppendAudit(e domain.AuditEntry) error {
	var detail []byte
	if len(e.Detail) > 0 {
		detail = e.Detail
	}
	if !t.writable {
		return errReadOnly
	}
	// The id follows the counter row's as the transaction found it (see
	// audit_sequence in the migrations, and batchStamps): ids follow
	// commit order.
	t.s.stamps.audits++
	// It changes no object: objects read ahead stay.
	t.s.laterOnly(nil, `INSERT INTO audit (id, at, actor, action, environment, kind, key, version, detail)
		SELECT last_id + $9, $1, $2, $3, $4, $5, $6, $7, $8 FROM audit_sequence WHERE id = 1`,
		micros(e.At), []byte(e.Actor), e.Action, e.Environment, e.Kind, e.Key, e.Version, detail, t.s.stamps.audits)
	return nil
}

func (t *tx) Audit(q store.AuditQuery) ([]domain.AuditEntry, error) {
	before := q.Before
	if before <= 0 {
		before = 1<<63 - 1
	}
	where, args := []string{"id < $1"}, []any{before}
	for _, f := range []struct {
		column string
		value  any
		set    bool
	}{{"environment", q.Environment, q.Environment != ""}, {"kind", q.Kind, q.Kind != ""}, {"actor", []byte(q.Actor), q.Actor != ""}} {
		if f.set {
			args = append(args, f.value)
			where = append(where, fmt.Sprintf("%s = $%d", f.column, len(args)))
		}
	}
	args = append(args, limitOrAll(q.Limit))
	rows, err := t.query(fmt.Sprintf(`SELECT id, at, actor, action, environment, kind, key, version, detail FROM audit WHERE %s ORDER BY id DESC LIMIT $%d`,
		strings.Join(where, " AND "), len(args)), args...)
	return collect(rows, err, func(r pgx.Rows) (domain.AuditEntry, error) {
		var e domain.AuditEntry
		var at int64
		var actor, detail []byte
		err := r.Scan(&e.ID, &at, &actor, &e.Action, &e.Environment, &e.Kind, &e.Key, &e.Version, &detail)
		e.Actor = string(actor)
		e.At = fromMicros(at)
		if len(detail) > 0 {
			e.Detail = detail
		}
		return e, err
	})
}

// Sessions

func (t *tx) InsertSession(s store.Session) error {
	_, err := t.exec(`INSERT INTO sessions (hash, token_id, created_at, seen_at) VALUES ($1, $2, $3, $4)`,
		s.Hash, s.TokenID, micros(s.CreatedAt), micros(s.SeenAt))
	return existsOnConflict(err)
}

func (t *tx) Session(hash []byte) (store.Session, domain.Token, error) {
	s := store.Session{Hash: hash}
	var tok domain.Token
	var name []byte
	var created, seen, tokCreated int64
	err := t.queryRow(`SELECT s.token_id, s.created_at, s.seen_at, t.id, t.name, t.role, t.prefix, t.version, t.created_at
		FROM sessions AS s JOIN tokens AS t ON t.id = s.token_id WHERE s.hash = $1`, hash).Scan(&s.TokenID, &created, &seen,
		&tok.ID, &name, &tok.Role, &tok.Prefix, &tok.Version, &tokCreated)
	tok.Name = string(name)
	s.CreatedAt, s.SeenAt, tok.CreatedAt = fromMicros(created), fromMicros(seen), fromMicros(tokCreated)
	return s, tok, noRows(err)
}

func (t *tx) TouchSession(hash []byte, seen time.Time) error {
	return mustAffect(t.exec(`UPDATE sessions SET seen_at = $1 WHERE hash = $2`, micros(seen), hash))
}

func (t *tx) DeleteSession(hash []byte) error {
	return t.later(`DELETE FROM sessions WHERE hash = $1`, hash)
}

func (t *tx) ExpireSessions(idleBefore, createdBefore time.Time) error {
	return t.later(`DELETE FROM sessions WHERE seen_at < $1 OR created_at < $2`, micros(idleBefore), micros(createdBefore))
}

// Idempotency

func (t *tx) IdempotencyRecord(principal, key string) (store.IdempotencyRecord, error) {
	r := store.IdempotencyRecord{Principal: principal, Key: key}
	var created int64
	err := t.queryRow(`SELECT fingerprint, body, created_at FROM idempotency WHERE principal = $1 AND key = $2`, principal, key).
		Scan(&r.Fingerprint, &r.Body, &created)
	r.CreatedAt = fromMicros(created)
	return r, noRows(err)
}

func (t *tx) PutIdempotencyRecord(r store.IdempotencyRecord) error {
	return t.later(`INSERT INTO idempotency (principal, key, fingerprint, body, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (principal, key) DO UPDATE SET fingerprint = excluded.fingerprint, body = excluded.body, created_at = excluded.created_at`,
		r.Principal, r.Key, r.Fingerprint, r.Body, micros(r.CreatedAt))
}

func (t *tx) ExpireIdempotencyRecords(before time.Time) error {
	return t.later(`DELETE FROM idempotency WHERE created_at < $1`, micros(before))
}

// Encryption key check

func (t *tx) EncryptionKeyCheck() ([]byte, error) {
	var v []byte
	err := t.queryRow(`SELECT value FROM encryption_key_check WHERE id = 1`).Scan(&v)
	return v, noRows(err)
}

func (t *tx) PutEncryptionKeyCheck(value []byte) error {
	_, err := t.exec(`INSERT INTO encryption_key_check (id, value) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET value = excluded.value`, value)
	return err
}
