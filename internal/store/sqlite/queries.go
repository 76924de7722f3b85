package sqlite

// Every statement the store runs, prepared once per connection pool at open.
const (
	environmentColumns = `slug, name, description, obfuscate_customer_data, default_locale, builtin, version, created_at, updated_at`
	auditColumns       = `SELECT id, at, actor, action, environment, kind, key, version, detail FROM audit`

	sqlEnvironments = `SELECT ` + environmentColumns + ` FROM environments ORDER BY rank`
	// sqlEnvironment reads an environment and its position in one
	// statement: every request that names an environment runs it.
	sqlEnvironment = `SELECT ` + environmentColumns + `, (SELECT count(*) FROM environments AS below WHERE below.rank <= e.rank)
		FROM environments AS e WHERE slug = ?`
	sqlEnvironmentExists = `SELECT count(*) FROM environments WHERE slug = ?`
	// A new environment's kind stamps start at the number its write
	// takes: the objects that a deleted one of the same slug held went
	// without stamping their kinds.
	sqlInsertEnvironment = `INSERT INTO environments (` + environmentColumns + `, rank, kinds_since)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT max(rank) + 1 FROM environments WHERE slug <> 'production'),
			(SELECT last_change + 1 FROM settings WHERE id = 1))`
	sqlUpdateEnvironment        = `UPDATE environments SET name = ?, description = ?, obfuscate_customer_data = ?, default_locale = ?, version = ?, updated_at = ? WHERE slug = ?`
	sqlDeleteEnvironmentObjects = `DELETE FROM objects WHERE environment = ?`
	sqlDeleteEnvironment        = `DELETE FROM environments WHERE slug = ?`
	sqlSettings                 = `SELECT production_write_access, version, updated_at FROM settings WHERE id = 1`
	sqlPutSettings              = `UPDATE settings SET production_write_access = ?, version = ?, updated_at = ? WHERE id = 1`
	sqlInsertToken              = `INSERT INTO tokens (id, name, role, prefix, hash, version, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`
	sqlToken                    = `SELECT id, name, role, prefix, version, created_at, hash FROM tokens WHERE id = ?`
	sqlTokens                   = `SELECT id, name, role, prefix, version, created_at FROM tokens WHERE id > ? ORDER BY id LIMIT ?`
	sqlDeleteToken              = `DELETE FROM tokens WHERE id = ?`
	sqlCountTokens              = `SELECT count(*) FROM tokens`
	sqlInsertAPIKey             = `INSERT INTO api_keys (id, environment, name, scope, prefix, hash, version, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`
	sqlAPIKey                   = `SELECT id, environment, name, scope, prefix, version, created_at, hash FROM api_keys WHERE id = ?`
	sqlAPIKeys                  = `SELECT id, environment, name, scope, prefix, version, created_at FROM api_keys WHERE environment = ? AND id > ? ORDER BY id LIMIT ?`
	sqlUpdateAPIKey             = `UPDATE api_keys SET name = ?, scope = ?, version = ? WHERE id = ?`
	sqlDeleteAPIKey             = `DELETE FROM api_keys WHERE id = ?`
	sqlObject                   = `SELECT environment, kind, key, version, body, created_at, updated_at FROM objects WHERE environment = ? AND kind = ? AND key = ?`
	// The environment and kind of a listing's rows are the query's: not
	// read back, a string each per row.
	sqlObjects = `SELECT key, version, body, created_at, updated_at FROM objects
			WHERE environment = ? AND kind = ? AND key > ? ORDER BY key LIMIT ?`
	sqlObjectsReferencing = `SELECT o.environment, o.kind, o.key, o.version, o.body, o.created_at, o.updated_at
			FROM refs r JOIN objects o ON o.environment = r.environment AND o.kind = r.kind AND o.key = r.key
			WHERE r.target_environment = ? AND r.target_kind = ? AND r.target_key = ?
			  AND r.environment = ? AND r.kind = ? AND r.key > ?
			ORDER BY r.key LIMIT ?`
	sqlObjectExists = `SELECT count(*) FROM objects WHERE environment = ? AND kind = ? AND key = ?`
	sqlUniqueHolder = `SELECT key FROM uniques WHERE environment = ? AND kind = ? AND name = ? AND value = ?`
	sqlUpsertObject = `INSERT INTO objects (environment, kind, key, version, body, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (environment, kind, key) DO UPDATE SET version = excluded.version, body = excluded.body, updated_at = excluded.updated_at`
	sqlDeleteRefs    = `DELETE FROM refs WHERE environment = ? AND kind = ? AND key = ?`
	sqlInsertRef     = `INSERT OR IGNORE INTO refs (environment, kind, key, target_environment, target_kind, target_key) VALUES (?, ?, ?, ?, ?, ?)`
	sqlDeleteUniques = `DELETE FROM uniques WHERE environment = ? AND kind = ? AND key = ?`
	sqlInsertUnique  = `INSERT INTO uniques (environment, kind, name, value, key) VALUES (?, ?, ?, ?, ?)`
	sqlDeleteObject  = `DELETE FROM objects WHERE environment = ? AND kind = ? AND key = ?`
	sqlReferrers     = `SELECT environment, kind, key FROM refs WHERE target_environment = ? AND target_kind = ? AND target_key = ?
		ORDER BY environment, kind, key LIMIT ?`
	sqlCountObjects        = `SELECT count(*) FROM objects WHERE environment = ? AND kind = ?`
	sqlTokensWithRole      = `SELECT id, name, role, prefix, version, created_at FROM tokens WHERE role = ? ORDER BY id LIMIT ?`
	sqlCountTokensWithRole = `SELECT count(*) FROM tokens WHERE role = ?`
	sqlPutSecret           = `INSERT INTO secrets (environment, kind, key, name, value) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (environment, kind, key, name) DO UPDATE SET value = excluded.value`
	sqlSecret        = `SELECT value FROM secrets WHERE environment = ? AND kind = ? AND key = ? AND name = ?`
	sqlAppendHistory = `INSERT INTO history (environment, kind, key, version, body, created_at) VALUES (?, ?, ?, ?, ?, ?)`
	sqlHistory       = `SELECT environment, kind, key, version, body, created_at, created_at FROM history
		WHERE environment = ? AND kind = ? AND key = ? AND version < ? ORDER BY version DESC LIMIT ?`
	sqlAppendAudit        = `INSERT INTO audit (at, actor, action, environment, kind, key, version, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`
	sqlAudit              = auditColumns + ` WHERE id < ? ORDER BY id DESC LIMIT ?`
	sqlAuditOfEnvironment = auditColumns + ` WHERE environment = ? AND id < ? ORDER BY id DESC LIMIT ?`
	sqlInsertSession      = `INSERT INTO sessions (hash, token_id, created_at, seen_at) VALUES (?, ?, ?, ?)`
	sqlSession            = `SELECT s.token_id, s.created_at, s.seen_at, t.id, t.name, t.role, t.prefix, t.version, t.created_at
		FROM sessions AS s JOIN tokens AS t ON t.id = s.token_id WHERE s.hash = ?`
	sqlTouchSession             = `UPDATE sessions SET seen_at = ? WHERE hash = ?`
	sqlDeleteSession            = `DELETE FROM sessions WHERE hash = ?`
	sqlExpireSessions           = `DELETE FROM sessions WHERE seen_at < ? OR created_at < ?`
	sqlIdempotencyRecord        = `SELECT fingerprint, body, created_at FROM idempotency WHERE principal = ? AND key = ?`
	sqlPutIdempotencyRecord     = `INSERT INTO idempotency (principal, key, fingerprint, body, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (principal, key) DO UPDATE SET fingerprint = excluded.fingerprint, body = excluded.body, created_at = excluded.created_at`
	sqlExpireIdempotencyRecords = `DELETE FROM idempotency WHERE created_at < ?`
	sqlEncryptionKeyCheck       = `SELECT value FROM encryption_key_check WHERE id = 1`
	sqlPutEncryptionKeyCheck    = `INSERT INTO encryption_key_check (id, value) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET value = excluded.value`

	// Writers of a release older than migration 5 move no change number.
	// On PostgreSQL they run beside this one during a rolling upgrade, and
	// triggers stamp for them (postgres migration 5). On SQLite no such
	// trigger: an older binary refuses a file migrated past it (see
	// migrate), so only an older process that opened the file before the
	// upgrade and still runs (a serve not stopped, a Terraform run of an
	// older embedded provider in flight) could write without stamping, and
	// the guide's Upgrading section has every process on the file stopped
	// first. A trigger cannot tell the two releases' connections apart
	// without failing the old one's writes (an SQL function only this
	// release registers), which stopping it does more plainly.
	sqlBumpChanges = `UPDATE settings SET last_change = last_change + 1,
		account_change = CASE WHEN ? THEN last_change + 1 ELSE account_change END WHERE id = 1`
	// The right-hand sides see the row as it was: kinds_at differing
	// from last_change says a writer that stamps no kinds wrote last, and
	// the stamps start again from its number.
	sqlStampEnvironment = `UPDATE environments SET kinds_since = CASE WHEN kinds_at = last_change THEN kinds_since ELSE last_change END,
		kinds_at = (SELECT last_change FROM settings WHERE id = 1), last_change = (SELECT last_change FROM settings WHERE id = 1) WHERE slug = ?`
	sqlStampKind = `INSERT INTO kind_changes (environment, kind, last_change)
		SELECT ?1, ?2, last_change FROM settings WHERE id = 1 AND EXISTS (SELECT 1 FROM environments WHERE slug = ?1)
		ON CONFLICT (environment, kind) DO UPDATE SET last_change = excluded.last_change`
	// The keys come as a JSON array: one statement per environment and
	// kind, however many objects a write wrote.
	sqlStampKeys = `INSERT INTO key_changes (environment, kind, key, last_change)
		SELECT ?1, ?2, j.value, s.last_change FROM settings AS s, json_each(?3) AS j
		WHERE s.id = 1 AND EXISTS (SELECT 1 FROM environments WHERE slug = ?1)
		ON CONFLICT (environment, kind, key) DO UPDATE SET last_change = excluded.last_change`
	sqlKeysWritten = `SELECT key FROM key_changes WHERE environment = ? AND kind = ? AND last_change > ? ORDER BY key LIMIT ?`
	sqlChanges     = `SELECT e.last_change, s.account_change FROM settings AS s JOIN environments AS e ON e.slug = ? WHERE s.id = 1`
	sqlKindStamps  = `SELECT e.last_change, e.kinds_at, e.kinds_since, k.kind, k.last_change
		FROM environments AS e LEFT JOIN kind_changes AS k ON k.environment = e.slug WHERE e.slug = ?`
	// The request statement: the settings row, which always exists, with
	// the credential and the environment joined to it, each absent as
	// NULLs.
	sqlRequestTail = `,
		e.slug IS NOT NULL, coalesce(e.slug, ''), coalesce(e.name, ''), coalesce(e.description, ''),
		coalesce(e.obfuscate_customer_data, 0), coalesce(e.default_locale, ''), coalesce(e.builtin, 0), coalesce(e.version, 0),
		coalesce(e.created_at, 0), coalesce(e.updated_at, 0),
		(SELECT count(*) FROM environments AS below WHERE below.rank <= e.rank), coalesce(e.last_change, 0),
		s.production_write_access, s.version, s.updated_at, s.account_change,
		o.key IS NOT NULL, coalesce(o.version, 0), coalesce(o.body, x''), coalesce(o.created_at, 0), coalesce(o.updated_at, 0)
	FROM settings AS s`
	sqlRequestEnd = ` LEFT JOIN environments AS e ON e.slug = ?2
		LEFT JOIN objects AS o ON o.environment = ?3 AND o.kind = ?4 AND o.key = ?5 WHERE s.id = 1`
	sqlRequestToken = `SELECT c.id IS NOT NULL, coalesce(c.id, ''), coalesce(c.name, ''), coalesce(c.role, ''), coalesce(c.prefix, ''),
		coalesce(c.version, 0), coalesce(c.created_at, 0), coalesce(c.hash, x'')` + sqlRequestTail +
		` LEFT JOIN tokens AS c ON c.id = ?1` + sqlRequestEnd
	sqlRequestAPIKey = `SELECT c.id IS NOT NULL, coalesce(c.id, ''), coalesce(c.environment, ''), coalesce(c.name, ''), coalesce(c.scope, ''), coalesce(c.prefix, ''),
		coalesce(c.version, 0), coalesce(c.created_at, 0), coalesce(c.hash, x'')` + sqlRequestTail +
		` LEFT JOIN api_keys AS c ON c.id = ?1` + sqlRequestEnd
	sqlAPIKeyEnvironment = `SELECT environment FROM api_keys WHERE id = ?`

	// Each write but the first of a group-committed batch runs in this
	// savepoint (see commit.go).
	sqlSavepoint           = `SAVEPOINT write`
	sqlRollbackToSavepoint = `ROLLBACK TO write`
	sqlReleaseSavepoint    = `RELEASE write`
)

var statements = []string{
	sqlEnvironments,
	sqlEnvironment,
	sqlEnvironmentExists,
	sqlInsertEnvironment,
	sqlUpdateEnvironment,
	sqlDeleteEnvironmentObjects,
	sqlDeleteEnvironment,
	sqlSettings,
	sqlPutSettings,
	sqlInsertToken,
	sqlToken,
	sqlTokens,
	sqlDeleteToken,
	sqlCountTokens,
	sqlInsertAPIKey,
	sqlAPIKey,
	sqlAPIKeys,
	sqlUpdateAPIKey,
	sqlDeleteAPIKey,
	sqlObject,
	sqlObjects,
	sqlObjectsReferencing,
	sqlObjectExists,
	sqlUniqueHolder,
	sqlUpsertObject,
	sqlDeleteRefs,
	sqlInsertRef,
	sqlDeleteUniques,
	sqlInsertUnique,
	sqlDeleteObject,
	sqlReferrers,
	sqlCountObjects,
	sqlTokensWithRole,
	sqlCountTokensWithRole,
	sqlPutSecret,
	sqlSecret,
	sqlAppendHistory,
	sqlHistory,
	sqlAppendAudit,
	sqlAudit,
	sqlAuditOfEnvironment,
	sqlInsertSession,
	sqlSession,
	sqlTouchSession,
	sqlDeleteSession,
	sqlExpireSessions,
	sqlIdempotencyRecord,
	sqlPutIdempotencyRecord,
	sqlExpireIdempotencyRecords,
	sqlEncryptionKeyCheck,
	sqlPutEncryptionKeyCheck,
	sqlBumpChanges,
	sqlStampEnvironment,
	sqlStampKind,
	sqlStampKeys,
	sqlKeysWritten,
	sqlChanges,
	sqlKindStamps,
	sqlRequestToken,
	sqlRequestAPIKey,
	sqlAPIKeyEnvironment,
	sqlSavepoint,
	sqlRollbackToSavepoint,
	sqlReleaseSavepoint,
}
