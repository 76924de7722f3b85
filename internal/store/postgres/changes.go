package postgres

import (
	"slices"

	"github.com/jackc/pgx/v5"

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

func (t *tx) Request(kind store.CredentialKind, id, env string, object *store.Ref) (store.RequestState, error) {
	var r store.RequestState
	// A kind no object has reads no object.
	want := store.Ref{}
	if object != nil {
		want = *object
	}
	var objFound bool
	var obj store.Object
	var objCreated, objUpdated int64
	var credFound, envFound bool
	var credName, envName, envDescription []byte
	var credCreated, envCreated, envUpdated, settingsUpdated int64
	var tok domain.Token
	var key domain.APIKey
	var e domain.Environment
	var dest []any
	query := sqlRequestToken
	switch kind {
	case store.CredentialToken:
		dest = []any{&credFound, &tok.ID, &credName, &tok.Role, &tok.Prefix, &tok.Version, &credCreated, &r.Hash}
	default:
		query = sqlRequestAPIKey
		dest = []any{&credFound, &key.ID, &key.Environment, &credName, &key.Scope, &key.Prefix, &key.Version, &credCreated, &r.Hash}
	}
	dest = append(dest, &envFound, &e.Slug, &envName, &envDescription, &e.ObfuscateCustomerData, &e.DefaultLocale, &e.Builtin, &e.Version,
		&envCreated, &envUpdated, &e.Position, &r.Changes.Environment,
		&r.Settings.ProductionWriteAccess, &r.Settings.Version, &settingsUpdated, &r.Changes.Account,
		&objFound, &obj.Version, &obj.Body, &objCreated, &objUpdated)
	if err := t.queryRow(query, id, env, want.Environment, want.Kind, want.Key).Scan(dest...); err != nil {
		if err == pgx.ErrNoRows {
			return r, store.ErrNotFound
		}
		return r, err
	}
	r.Settings.UpdatedAt = fromMicros(settingsUpdated)
	if credFound {
		switch kind {
		case store.CredentialToken:
			tok.Name, tok.CreatedAt = string(credName), fromMicros(credCreated)
			r.Token = &tok
		default:
			key.Name, key.CreatedAt = string(credName), fromMicros(credCreated)
			r.APIKey = &key
		}
	} else {
		r.Hash = nil
	}
	if envFound {
		e.Name, e.Description = string(envName), string(envDescription)
		e.CreatedAt, e.UpdatedAt = fromMicros(envCreated), fromMicros(envUpdated)
		r.Environment = &e
	}
	if objFound {
		obj.Environment, obj.Kind, obj.Key = want.Environment, want.Kind, want.Key
		obj.CreatedAt, obj.UpdatedAt = fromMicros(objCreated), fromMicros(objUpdated)
		r.Object = &obj
	}
	return r, nil
}
