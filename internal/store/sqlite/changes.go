package sqlite

import (
	"database/sql"
	"encoding/json"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
	"github.com/arborhq/terraform-provider-arbor/internal/store"
)

// Change numbers (store.Changes).
//
// A write notes each environment it writes in (touch); once its function
// has succeeded, bumpChanges takes the next number and stamps it on them,
// inside the write's savepoint, so a write undone takes its stamp with it.
// The writer connection and BEGIN IMMEDIATE serialise writes, across
// processes too, so the numbers follow commit order; a process writing
// behind another (the embedded provider beside serve) stamps its writes
// the same way, and the other reads them with its next request.
//
// A write also notes the kind of each object it writes, and its key for a
// kind of the configuration (TouchKey), and its stamp records its number
// on each (environment, kind) noted, one statement per pair, on the keys
// noted, one statement per pair that has keys, and on the environment's
// kinds_at (store.KindStamps, Tx.KeysWritten).

// bumpChanges stamps the write that succeeded.
func (t *tx) bumpChanges() error {
	if !t.written.Any() {
		return nil
	}
	if _, err := t.exec(sqlBumpChanges, t.written.Account); err != nil {
		return err
	}
	for _, env := range t.written.Envs {
		if _, err := t.exec(sqlStampEnvironment, env); err != nil {
			return err
		}
	}
	for _, k := range t.written.Kinds {
		if _, err := t.exec(sqlStampKind, k.Env, k.Kind); err != nil {
			return err
		}
		if len(t.written.Keys[k]) == 0 {
			// A kind whose keys are not stamped (store.Written.TouchKey).
			continue
		}
		keys, err := json.Marshal(t.written.Keys[k])
		if err != nil {
			return err
		}
		if _, err := t.exec(sqlStampKeys, k.Env, k.Kind, string(keys)); err != nil {
			return err
		}
	}
	return nil
}

func (t *tx) KeysWritten(env, kind string, after int64, limit int) ([]string, error) {
	rows, err := t.query(sqlKeysWritten, env, kind, after, limitOrAll(limit))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var keys []string
	for rows.Next() {
		var key string
		if err := rows.Scan(&key); err != nil {
			return nil, err
		}
		keys = append(keys, key)
	}
	return keys, rows.Err()
}

func (t *tx) KindStamps(env string) (store.KindStamps, error) {
	rows, err := t.query(sqlKindStamps, env)
	if err != nil {
		return store.KindStamps{}, err
	}
	defer rows.Close()
	k := store.KindStamps{Kinds: map[string]int64{}}
	found := false
	for rows.Next() {
		var kind sql.NullString
		var at sql.NullInt64
		if err := rows.Scan(&k.Environment, &k.At, &k.Since, &kind, &at); err != nil {
			return store.KindStamps{}, err
		}
		found = true
		if kind.Valid {
			k.Kinds[kind.String] = at.Int64
		}
	}
	if err := rows.Err(); err != nil {
		return store.KindStamps{}, err
	}
	if !found {
		return store.KindStamps{}, store.ErrNotFound
	}
	return k, nil
}

func (t *tx) Changes(env string) (store.Changes, error) {
	var c store.Changes
	err := t.queryRow(sqlChanges, env).Scan(&c.Environment, &c.Account)
	return c, noRows(err)
}

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
	var credCreated, envCreated, envUpdated, settingsUpdated int64
	var tok domain.Token
	var key domain.APIKey
	var e domain.Environment
	var dest []any
	query := sqlRequestToken
	switch kind {
	case store.CredentialToken:
		dest = []any{&credFound, &tok.ID, &tok.Name, &tok.Role, &tok.Prefix, &tok.Version, &credCreated, &r.Hash}
	default:
		query = sqlRequestAPIKey
		dest = []any{&credFound, &key.ID, &key.Environment, &key.Name, &key.Scope, &key.Prefix, &key.Version, &credCreated, &r.Hash}
	}
	dest = append(dest, &envFound, &e.Slug, &e.Name, &e.Description, &e.ObfuscateCustomerData, &e.DefaultLocale, &e.Builtin, &e.Version,
		&envCreated, &envUpdated, &e.Position, &r.Changes.Environment,
		&r.Settings.ProductionWriteAccess, &r.Settings.Version, &settingsUpdated, &r.Changes.Account,
		&objFound, &obj.Version, &obj.Body, &objCreated, &objUpdated)
	if err := t.queryRow(query, id, env, want.Environment, want.Kind, want.Key).Scan(dest...); err != nil {
		return r, noRows(err)
	}
	r.Settings.UpdatedAt = fromMicros(settingsUpdated)
	if credFound {
		switch kind {
		case store.CredentialToken:
			tok.CreatedAt = fromMicros(credCreated)
			r.Token = &tok
		default:
			key.CreatedAt = fromMicros(credCreated)
			r.APIKey = &key
		}
	} else {
		r.Hash = nil
	}
	if envFound {
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
