package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
	"github.com/arborhq/terraform-provider-arbor/internal/store"
)

type tx struct {
	ctx context.Context
	tx  *sql.Tx
	s   *Store
	db  *sql.DB
	// written is what a write writes: the change numbers and kind stamps
	// it takes.
	written store.Written
}

var _ store.Tx = (*tx)(nil)

// stmt binds a statement prepared at open to this transaction's connection.
// A query that was not prepared at open is prepared on the transaction.
func (t *tx) stmt(query string) (*sql.Stmt, error) {
	if st, ok := t.s.stmts[t.db][query]; ok {
		return t.tx.StmtContext(t.ctx, st), nil
	}
	return t.tx.PrepareContext(t.ctx, query)
}

func (t *tx) exec(query string, args ...any) (sql.Result, error) {
	st, err := t.stmt(query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(t.ctx, args...)
}

func (t *tx) query(query string, args ...any) (*sql.Rows, error) {
	st, err := t.stmt(query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(t.ctx, args...)
}

func (t *tx) queryRow(query string, args ...any) *sql.Row {
	if st, ok := t.s.stmts[t.db][query]; ok {
		return t.tx.StmtContext(t.ctx, st).QueryRowContext(t.ctx, args...)
	}
	return t.tx.QueryRowContext(t.ctx, query, args...)
}

// mustAffect turns "no row changed" into store.ErrNotFound.
func mustAffect(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return store.ErrNotFound
	}
	return nil
}

func noRows(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return store.ErrNotFound
	}
	return err
}

func limitOrAll(limit int) int {
	if limit <= 0 {
		return -1
	}
	return limit
}

// Environments

// scanEnvironment scans environmentColumns, then the position when
// position is set.
func scanEnvironment(sc interface{ Scan(...any) error }, position *int) (domain.Environment, error) {
	var e domain.Environment
	var created, updated int64
	dest := []any{&e.Slug, &e.Name, &e.Description, &e.ObfuscateCustomerData, &e.DefaultLocale, &e.Builtin, &e.Version, &created, &updated}
	if position != nil {
		dest = append(dest, position)
	}
	err := sc.Scan(dest...)
	e.CreatedAt, e.UpdatedAt = fromMicros(created), fromMicros(updated)
	return e, err
}

func (t *tx) Environments() ([]domain.Environment, error) {
	rows, err := t.query(sqlEnvironments)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []domain.Environment
	for rows.Next() {
		e, err := scanEnvironment(rows, nil)
		if err != nil {
			return nil, err
		}
		e.Position = len(out) + 1
		out = append(out, e)
	}
	return out, rows.Err()
}

func (t *tx) Environment(slug string) (domain.Environment, error) {
	var position int
	e, err := scanEnvironment(t.queryRow(sqlEnvironment, slug), &position)
	e.Position = position
	return e, noRows(err)
}

func (t *tx) InsertEnvironment(e domain.Environment) error {
	t.written.Touch(e.Slug)
	var exists int
	if err := t.queryRow(sqlEnvironmentExists, e.Slug).Scan(&exists); err != nil {
		return err
	}
	if exists > 0 {
		return store.ErrExists
	}
	_, err := t.exec(sqlInsertEnvironment,
		e.Slug, e.Name, e.Description, e.ObfuscateCustomerData, store.EnvironmentLocale(e), e.Builtin, e.Version, micros(e.CreatedAt), micros(e.UpdatedAt))
	return err
}

func (t *tx) UpdateEnvironment(e domain.Environment) error {
	t.written.Touch(e.Slug)
	return mustAffect(t.exec(sqlUpdateEnvironment,
		e.Name, e.Description, e.ObfuscateCustomerData, store.EnvironmentLocale(e), e.Version, micros(e.UpdatedAt), e.Slug))
}

func (t *tx) DeleteEnvironment(slug string) error {
	t.written.Touch(slug)
	// Objects go first: their refs, uniques, secrets and history cascade.
	if _, err := t.exec(sqlDeleteEnvironmentObjects, slug); err != nil {
		return err
	}
	return mustAffect(t.exec(sqlDeleteEnvironment, slug))
}

// Settings

func (t *tx) Settings() (domain.Settings, error) {
	var s domain.Settings
	var updated int64
	err := t.queryRow(sqlSettings).Scan(&s.ProductionWriteAccess, &s.Version, &updated)
	s.UpdatedAt = fromMicros(updated)
	return s, noRows(err)
}

func (t *tx) PutSettings(s domain.Settings) error {
	return mustAffect(t.exec(sqlPutSettings,
		s.ProductionWriteAccess, s.Version, micros(s.UpdatedAt)))
}

// Account tokens

func (t *tx) InsertToken(tok domain.Token, hash []byte) error {
	_, err := t.exec(sqlInsertToken,
		tok.ID, tok.Name, tok.Role, tok.Prefix, hash, tok.Version, micros(tok.CreatedAt))
	return err
}

func scanToken(sc interface{ Scan(...any) error }, hash *[]byte) (domain.Token, error) {
	var tok domain.Token
	var created int64
	dest := []any{&tok.ID, &tok.Name, &tok.Role, &tok.Prefix, &tok.Version, &created}
	if hash != nil {
		dest = append(dest, hash)
	}
	err := sc.Scan(dest...)
	tok.CreatedAt = fromMicros(created)
	return tok, err
}

func (t *tx) Token(id string) (domain.Token, []byte, error) {
	var hash []byte
	tok, err := scanToken(t.queryRow(sqlToken, id), &hash)
	return tok, hash, noRows(err)
}

func (t *tx) Tokens(after string, limit int) ([]domain.Token, error) {
	rows, err := t.query(sqlTokens, after, limitOrAll(limit))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []domain.Token
	for rows.Next() {
		tok, err := scanToken(rows, nil)
		if err != nil {
			return nil, err
		}
		out = append(out, tok)
	}
	return out, rows.Err()
}

func (t *tx) DeleteToken(id string) error {
	return mustAffect(t.exec(sqlDeleteToken, id))
}

func (t *tx) TokensWithRole(role domain.OperatorRole, limit int) ([]domain.Token, int, error) {
	var n int
	if err := t.queryRow(sqlCountTokensWithRole, string(role)).Scan(&n); err != nil {
		return nil, 0, err
	}
	rows, err := t.query(sqlTokensWithRole, string(role), limitOrAll(limit))
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []domain.Token
	for rows.Next() {
		tok, err := scanToken(rows, nil)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, tok)
	}
	return out, n, rows.Err()
}

func (t *tx) CountTokens() (int, error) {
	var n int
	err := t.queryRow(sqlCountTokens).Scan(&n)
	return n, err
}

// API keys

func (t *tx) InsertAPIKey(k domain.APIKey, hash []byte) error {
	t.written.Touch(k.Environment)
	_, err := t.exec(sqlInsertAPIKey,
		k.ID, k.Environment, k.Name, k.Scope, k.Prefix, hash, k.Version, micros(k.CreatedAt))
	return err
}

func scanAPIKey(sc interface{ Scan(...any) error }, hash *[]byte) (domain.APIKey, error) {
	var k domain.APIKey
	var created int64
	dest := []any{&k.ID, &k.Environment, &k.Name, &k.Scope, &k.Prefix, &k.Version, &created}
	if hash != nil {
		dest = append(dest, hash)
	}
	err := sc.Scan(dest...)
	k.CreatedAt = fromMicros(created)
	return k, err
}

func (t *tx) APIKey(id string) (domain.APIKey, []byte, error) {
	var hash []byte
	k, err := scanAPIKey(t.queryRow(sqlAPIKey, id), &hash)
	return k, hash, noRows(err)
}

func (t *tx) APIKeys(env, after string, limit int) ([]domain.APIKey, error) {
	rows, err := t.query(sqlAPIKeys, env, after, limitOrAll(limit))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []domain.APIKey
	for rows.Next() {
		k, err := scanAPIKey(rows, nil)
		if err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

func (t *tx) UpdateAPIKey(k domain.APIKey) error {
	t.written.Touch(k.Environment)
	return mustAffect(t.exec(sqlUpdateAPIKey, k.Name, k.Scope, k.Version, k.ID))
}

func (t *tx) DeleteAPIKey(id string) error {
	var env string
	if err := t.queryRow(sqlAPIKeyEnvironment, id).Scan(&env); err != nil {
		return noRows(err)
	}
	t.written.Touch(env)
	return mustAffect(t.exec(sqlDeleteAPIKey, id))
}

// Objects

func scanObject(sc interface{ Scan(...any) error }) (store.Object, error) {
	var o store.Object
	var created, updated int64
	err := sc.Scan(&o.Environment, &o.Kind, &o.Key, &o.Version, &o.Body, &created, &updated)
	o.CreatedAt, o.UpdatedAt = fromMicros(created), fromMicros(updated)
	return o, err
}

func (t *tx) Object(env, kind, key string) (store.Object, error) {
	o, err := scanObject(t.queryRow(sqlObject, env, kind, key))
	return o, noRows(err)
}

func (t *tx) Objects(q store.Query) ([]store.Object, error) {
	var rows *sql.Rows
	var err error
	if q.ReferencesTo == nil {
		rows, err = t.query(sqlObjects,
			q.Environment, q.Kind, q.After, limitOrAll(q.Limit))
	} else {
		to := q.ReferencesTo
		rows, err = t.query(sqlObjectsReferencing,
			to.Environment, to.Kind, to.Key, q.Environment, q.Kind, q.After, limitOrAll(q.Limit))
	}
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.Object
	for rows.Next() {
		var o store.Object
		if q.ReferencesTo == nil {
			o, err = scanListed(rows, q.Environment, q.Kind)
		} else {
			o, err = scanObject(rows)
		}
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// scanListed scans a row of sqlObjects, of env and kind.
func scanListed(sc interface{ Scan(...any) error }, env, kind string) (store.Object, error) {
	o := store.Object{Environment: env, Kind: kind}
	var created, updated int64
	err := sc.Scan(&o.Key, &o.Version, &o.Body, &created, &updated)
	o.CreatedAt, o.UpdatedAt = fromMicros(created), fromMicros(updated)
	return o, err
}

func (t *tx) PutObject(o store.Object, refs []store.Ref, uniques []store.Unique) error {
	for _, r := range refs {
		var n int
		if err := t.queryRow(sqlObjectExists, r.Environment, r.Kind, r.Key).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return &store.DanglingError{To: r}
		}
	}
	for _, u := range uniques {
		var holder string
		err := t.queryRow(sqlUniqueHolder, o.Environment, o.Kind, u.Name, u.Value).Scan(&holder)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return err
		case holder != o.Key:
			return &store.UniqueError{Name: u.Name, Value: u.Value, Holder: holder}
		}
	}
	t.written.TouchKey(o.Environment, o.Kind, o.Key)
	if _, err := t.exec(sqlUpsertObject,
		o.Environment, o.Kind, o.Key, o.Version, o.Body, micros(o.CreatedAt), micros(o.UpdatedAt)); err != nil {
		return err
	}
	if _, err := t.exec(sqlDeleteRefs, o.Environment, o.Kind, o.Key); err != nil {
		return err
	}
	for _, r := range refs {
		if _, err := t.exec(sqlInsertRef,
			o.Environment, o.Kind, o.Key, r.Environment, r.Kind, r.Key); err != nil {
			return err
		}
	}
	if _, err := t.exec(sqlDeleteUniques, o.Environment, o.Kind, o.Key); err != nil {
		return err
	}
	for _, u := range uniques {
		if _, err := t.exec(sqlInsertUnique,
			o.Environment, o.Kind, u.Name, u.Value, o.Key); err != nil {
			return err
		}
	}
	return nil
}

func (t *tx) DeleteObject(env, kind, key string) error {
	by, err := t.Referrers(store.Ref{Environment: env, Kind: kind, Key: key}, 0)
	if err != nil {
		return err
	}
	// A self-reference (never created by the backend) would not block.
	if len(by) > 0 {
		return &store.ReferencedError{By: by}
	}
	t.written.TouchKey(env, kind, key)
	return mustAffect(t.exec(sqlDeleteObject, env, kind, key))
}

func (t *tx) Referrers(to store.Ref, limit int) ([]store.Ref, error) {
	rows, err := t.query(sqlReferrers, to.Environment, to.Kind, to.Key, limitOrAll(limit))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.Ref
	for rows.Next() {
		var r store.Ref
		if err := rows.Scan(&r.Environment, &r.Kind, &r.Key); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func (t *tx) CountObjects(env, kind string) (int, error) {
	var n int
	err := t.queryRow(sqlCountObjects, env, kind).Scan(&n)
	return n, err
}

// Secrets

func (t *tx) PutSecret(o store.Ref, name string, value []byte) error {
	t.written.Touch(o.Environment)
	_, err := t.exec(sqlPutSecret,
		o.Environment, o.Kind, o.Key, name, value)
	return err
}

func (t *tx) Secret(o store.Ref, name string) ([]byte, error) {
	var v []byte
	err := t.queryRow(sqlSecret, o.Environment, o.Kind, o.Key, name).Scan(&v)
	return v, noRows(err)
}

// History

func (t *tx) AppendHistory(o store.Object) error {
	t.written.Touch(o.Environment)
	_, err := t.exec(sqlAppendHistory,
		o.Environment, o.Kind, o.Key, o.Version, o.Body, micros(o.UpdatedAt))
	return err
}

func (t *tx) History(o store.Ref, before int64, limit int) ([]store.Object, error) {
	if before <= 0 {
		before = 1<<63 - 1
	}
	rows, err := t.query(sqlHistory,
		o.Environment, o.Kind, o.Key, before, limitOrAll(limit))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.Object
	for rows.Next() {
		h, err := scanObject(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// Audit

func (t *tx) AppendAudit(e domain.AuditEntry) error {
	var detail []byte
	if len(e.Detail) > 0 {
		detail = e.Detail
	}
	_, err := t.exec(sqlAppendAudit,
		micros(e.At), e.Actor, e.Action, e.Environment, e.Kind, e.Key, e.Version, detail)
	return err
}

func (t *tx) Audit(q store.AuditQuery) ([]domain.AuditEntry, error) {
	before := q.Before
	if before <= 0 {
		before = 1<<63 - 1
	}
	var rows *sql.Rows
	var err error
	switch {
	case q.Kind == "" && q.Actor == "" && q.Environment == "":
		rows, err = t.query(sqlAudit, before, limitOrAll(q.Limit))
	case q.Kind == "" && q.Actor == "":
		rows, err = t.query(sqlAuditOfEnvironment, q.Environment, before, limitOrAll(q.Limit))
	default:
		// Filtered by kind or actor: the few combinations are built here
		// rather than prepared at open.
		where, args := []string{"id < ?"}, []any{before}
		for _, f := range []struct{ column, value string }{{"environment", q.Environment}, {"kind", q.Kind}, {"actor", q.Actor}} {
			if f.value != "" {
				where = append(where, f.column+" = ?")
				args = append(args, f.value)
			}
		}
		rows, err = t.query(auditColumns+" WHERE "+strings.Join(where, " AND ")+" ORDER BY id DESC LIMIT ?", append(args, limitOrAll(q.Limit))...)
	}
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []domain.AuditEntry
	for rows.Next() {
		var e domain.AuditEntry
		var at int64
		var detail []byte
		if err := rows.Scan(&e.ID, &at, &e.Actor, &e.Action, &e.Environment, &e.Kind, &e.Key, &e.Version, &detail); err != nil {
			return nil, err
		}
		e.At = fromMicros(at)
		if len(detail) > 0 {
			e.Detail = detail
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Sessions

func (t *tx) InsertSession(s store.Session) error {
	_, err := t.exec(sqlInsertSession, s.Hash, s.TokenID, micros(s.CreatedAt), micros(s.SeenAt))
	return err
}

func (t *tx) Session(hash []byte) (store.Session, domain.Token, error) {
	s := store.Session{Hash: hash}
	var tok domain.Token
	var created, seen, tokCreated int64
	err := t.queryRow(sqlSession, hash).Scan(&s.TokenID, &created, &seen,
		&tok.ID, &tok.Name, &tok.Role, &tok.Prefix, &tok.Version, &tokCreated)
	s.CreatedAt, s.SeenAt, tok.CreatedAt = fromMicros(created), fromMicros(seen), fromMicros(tokCreated)
	return s, tok, noRows(err)
}

func (t *tx) TouchSession(hash []byte, seen time.Time) error {
	return mustAffect(t.exec(sqlTouchSession, micros(seen), hash))
}

func (t *tx) DeleteSession(hash []byte) error {
	_, err := t.exec(sqlDeleteSession, hash)
	return err
}

func (t *tx) ExpireSessions(idleBefore, createdBefore time.Time) error {
	_, err := t.exec(sqlExpireSessions, micros(idleBefore), micros(createdBefore))
	return err
}

// Idempotency

func (t *tx) IdempotencyRecord(principal, key string) (store.IdempotencyRecord, error) {
	r := store.IdempotencyRecord{Principal: principal, Key: key}
	var created int64
	err := t.queryRow(sqlIdempotencyRecord, principal, key).
		Scan(&r.Fingerprint, &r.Body, &created)
	r.CreatedAt = fromMicros(created)
	return r, noRows(err)
}

func (t *tx) PutIdempotencyRecord(r store.IdempotencyRecord) error {
	_, err := t.exec(sqlPutIdempotencyRecord,
		r.Principal, r.Key, r.Fingerprint, r.Body, micros(r.CreatedAt))
	if err != nil {
		return fmt.Errorf("recording idempotent response: %w", err)
	}
	return nil
}

func (t *tx) ExpireIdempotencyRecords(before time.Time) error {
	_, err := t.exec(sqlExpireIdempotencyRecords, micros(before))
	return err
}

// Encryption key check

func (t *tx) EncryptionKeyCheck() ([]byte, error) {
	var v []byte
	err := t.queryRow(sqlEncryptionKeyCheck).Scan(&v)
	return v, noRows(err)
}

func (t *tx) PutEncryptionKeyCheck(value []byte) error {
	_, err := t.exec(sqlPutEncryptionKeyCheck, value)
	return err
}
