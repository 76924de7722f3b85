package postgres

import (
	"fmt"
	"slices"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
	"github.com/arborhq/terraform-provider-arbor/internal/store"
)

// Change numbers (store.Changes).
//
// A write notes each environment it writes in (touch); once its function
// has succeeded, bumpChanges queues one statement that takes the next
// number and stamps it on them. The statement is queued like the write's
// others, so it reaches the server with the COMMIT (or the next read) and
// costs no round trip; it runs inside the write's savepoint, so a write
// undone takes its stamp with it; and it runs under the write lock, so the
// numbers follow commit order across every replica.

// touch notes that the running write changes env ("" for account-level
// objects).
func (t *tx) touch(env string) {
	if env == "" {
		t.account = true
		return
	}
	if !slices.Contains(t.touched, env) {
		t.touched = append(t.touched, env)
	}
}

const sqlBumpChanges = `WITH next AS (
		UPDATE settings SET last_change = last_change + 1,
			account_change = CASE WHEN $2::boolean THEN last_change + 1 ELSE account_change END
		WHERE id = 1 RETURNING last_change)
	UPDATE environments AS e SET last_change = next.last_change FROM next WHERE e.slug = ANY($1::text[])`

// bumpChanges queues the stamp of a write that succeeded.
func (t *tx) bumpChanges() {
	if len(t.touched) == 0 && !t.account {
		return
	}
	t.s.later(sqlBumpChanges, t.touched, t.account)
}

func (t *tx) Changes(env string) (store.Changes, error) {
	var c store.Changes
	err := t.queryRow(`SELECT e.last_change, s.account_change FROM settings AS s JOIN environments AS e ON e.slug = $1 WHERE s.id = 1`, env).
		Scan(&c.Environment, &c.Account)
	return c, noRows(err)
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
