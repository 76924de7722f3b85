package sqlite

// migrations are applied in order at open, each in its own transaction, and
// recorded in schema_migrations. Never edit a released migration: append.
var migrations = []string{
	// 1: the spine.
	`
CREATE TABLE environments (
	slug TEXT PRIMARY KEY,
	name TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	obfuscate_customer_data INTEGER NOT NULL DEFAULT 0,
	builtin INTEGER NOT NULL DEFAULT 0,
	-- rank orders environments; production holds the largest value and a new
	-- environment takes the next rank below it, so the order never changes.
	rank INTEGER NOT NULL UNIQUE,
	version INTEGER NOT NULL,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);
INSERT INTO environments (slug, name, builtin, rank, version, created_at, updated_at) VALUES
	('development', 'Development', 1, 0, 1, CAST(unixepoch('subsec') * 1000000 AS INTEGER), CAST(unixepoch('subsec') * 1000000 AS INTEGER)),
	('production', 'Production', 1, 9223372036854775807, 1, CAST(unixepoch('subsec') * 1000000 AS INTEGER), CAST(unixepoch('subsec') * 1000000 AS INTEGER));

CREATE TABLE settings (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	production_write_access INTEGER NOT NULL DEFAULT 0,
	version INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);
INSERT INTO settings (id, production_write_access, version, updated_at)
	VALUES (1, 0, 1, CAST(unixepoch('subsec') * 1000000 AS INTEGER));

CREATE TABLE tokens (
	id TEXT PRIMARY KEY,
	name TEXT NOT NULL,
	role TEXT NOT NULL,
	prefix TEXT NOT NULL,
	hash BLOB NOT NULL,
	version INTEGER NOT NULL,
	created_at INTEGER NOT NULL
);

CREATE TABLE api_keys (
	id TEXT PRIMARY KEY,
	environment TEXT NOT NULL REFERENCES environments (slug) ON DELETE CASCADE,
	name TEXT NOT NULL,
	scope TEXT NOT NULL,
	prefix TEXT NOT NULL,
	hash BLOB NOT NULL,
	version INTEGER NOT NULL,
	created_at INTEGER NOT NULL
);
CREATE INDEX api_keys_environment ON api_keys (environment, id);

-- Keyed objects of every kind; account-level objects have environment ''.
CREATE TABLE objects (
	environment TEXT NOT NULL,
	kind TEXT NOT NULL,
	key TEXT NOT NULL,
	version INTEGER NOT NULL,
	body BLOB NOT NULL,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL,
	PRIMARY KEY (environment, kind, key)
) WITHOUT ROWID;

-- refs are the joins between objects (role → permission, node → parent,
-- assignment → identity, role and node). A referenced object cannot be
-- deleted: the foreign key on the target is the backstop behind the
-- backend's own check, which names the referrers.
CREATE TABLE refs (
	environment TEXT NOT NULL,
	kind TEXT NOT NULL,
	key TEXT NOT NULL,
	target_environment TEXT NOT NULL,
	target_kind TEXT NOT NULL,
	target_key TEXT NOT NULL,
	PRIMARY KEY (environment, kind, key, target_environment, target_kind, target_key),
	FOREIGN KEY (environment, kind, key) REFERENCES objects (environment, kind, key) ON DELETE CASCADE,
	FOREIGN KEY (target_environment, target_kind, target_key) REFERENCES objects (environment, kind, key)
) WITHOUT ROWID;
CREATE INDEX refs_target ON refs (target_environment, target_kind, target_key, environment, kind, key);

CREATE TABLE uniques (
	environment TEXT NOT NULL,
	kind TEXT NOT NULL,
	name TEXT NOT NULL,
	value TEXT NOT NULL,
	key TEXT NOT NULL,
	PRIMARY KEY (environment, kind, name, value),
	FOREIGN KEY (environment, kind, key) REFERENCES objects (environment, kind, key) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX uniques_owner ON uniques (environment, kind, key);

CREATE TABLE secrets (
	environment TEXT NOT NULL,
	kind TEXT NOT NULL,
	key TEXT NOT NULL,
	name TEXT NOT NULL,
	value BLOB NOT NULL,
	PRIMARY KEY (environment, kind, key, name),
	FOREIGN KEY (environment, kind, key) REFERENCES objects (environment, kind, key) ON DELETE CASCADE
) WITHOUT ROWID;

CREATE TABLE history (
	environment TEXT NOT NULL,
	kind TEXT NOT NULL,
	key TEXT NOT NULL,
	version INTEGER NOT NULL,
	body BLOB NOT NULL,
	created_at INTEGER NOT NULL,
	PRIMARY KEY (environment, kind, key, version),
	FOREIGN KEY (environment, kind, key) REFERENCES objects (environment, kind, key) ON DELETE CASCADE
) WITHOUT ROWID;

CREATE TABLE audit (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	at INTEGER NOT NULL,
	actor TEXT NOT NULL,
	action TEXT NOT NULL,
	environment TEXT NOT NULL,
	kind TEXT NOT NULL,
	key TEXT NOT NULL,
	version INTEGER NOT NULL,
	detail BLOB
);
CREATE INDEX audit_environment ON audit (environment, id);

CREATE TABLE idempotency (
	principal TEXT NOT NULL,
	key TEXT NOT NULL,
	fingerprint BLOB NOT NULL,
	status INTEGER NOT NULL,
	body BLOB NOT NULL,
	created_at INTEGER NOT NULL,
	PRIMARY KEY (principal, key)
) WITHOUT ROWID;
CREATE INDEX idempotency_created ON idempotency (created_at);
`,
	// 2: the encryption key's check value (store.Tx.EncryptionKeyCheck).
	`
CREATE TABLE encryption_key_check (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	value BLOB NOT NULL
);
`,
	// 3: an idempotency record keeps no HTTP status: the backend answers a
	// replay from the body alone.
	`ALTER TABLE idempotency DROP COLUMN status;`,
	// 4: console sessions, each acting as one account token and ended with
	// it; kept here so that every process on the database knows them.
	`
CREATE TABLE sessions (
	hash BLOB PRIMARY KEY,
	token_id TEXT NOT NULL REFERENCES tokens (id) ON DELETE CASCADE,
	created_at INTEGER NOT NULL,
	seen_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_token ON sessions (token_id);
CREATE INDEX sessions_seen ON sessions (seen_at);
CREATE INDEX sessions_created ON sessions (created_at);
`,
	// 5: change numbers (store.Changes): settings.last_change is the
	// sequence every committed write takes its number from; it stamps the
	// environments it wrote in (environments.last_change) and, for writes
	// to account-level objects, settings.account_change. The store's commit
	// path sets them once per write (see bumpChanges), as on PostgreSQL,
	// rather than a trigger per row written. Another process writing the
	// same file (the embedded provider beside serve) runs the same code, so
	// its writes move the numbers too.
	`
ALTER TABLE environments ADD COLUMN last_change INTEGER NOT NULL DEFAULT 0;
ALTER TABLE settings ADD COLUMN last_change INTEGER NOT NULL DEFAULT 0;
ALTER TABLE settings ADD COLUMN account_change INTEGER NOT NULL DEFAULT 0;
`,
	// 6: environments' default locale (domain.Environment.DefaultLocale),
	// which picks translations for a recipient with no locale; the
	// environments that exist get en.
	`ALTER TABLE environments ADD COLUMN default_locale TEXT NOT NULL DEFAULT 'en';`,
	// 7: counts per kind (the console's environment card) read a small
	// index, not the table's rows with their bodies.
	`
CREATE INDEX objects_count ON objects (environment, kind);
`,
	// 8: kind stamps (store.KindStamps): kind_changes holds, for each
	// environment and kind, the number of the last write of objects of that
	// kind there; environments.kinds_at is the number of the last write
	// that stamped its kinds, and kinds_since the number above which every
	// write did. A process of an older release on the same file moves
	// last_change alone, and the stamps are not trusted until a write of
	// this release starts them again (see bumpChanges).
	`
CREATE TABLE kind_changes (
	environment TEXT NOT NULL REFERENCES environments (slug) ON DELETE CASCADE,
	kind TEXT NOT NULL,
	last_change INTEGER NOT NULL,
	PRIMARY KEY (environment, kind)
) WITHOUT ROWID;
ALTER TABLE environments ADD COLUMN kinds_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE environments ADD COLUMN kinds_since INTEGER NOT NULL DEFAULT 0;
`,
	// 9: key stamps (Tx.KeysWritten): key_changes holds, for each object
	// of a configuration kind put or deleted (store.Written.TouchKey), the
	// number of the last write of it. A write that
	// stamps kinds stamps keys from this release on, so the kind stamps
	// start again here (kinds_at no longer the number) and are trusted
	// from the next write, whose keys are stamped: a writer of the release
	// before, which stamps kinds and not keys, was never released.
	`
CREATE TABLE key_changes (
	environment TEXT NOT NULL REFERENCES environments (slug) ON DELETE CASCADE,
	kind TEXT NOT NULL,
	key TEXT NOT NULL,
	last_change INTEGER NOT NULL,
	PRIMARY KEY (environment, kind, key)
) WITHOUT ROWID;
UPDATE environments SET kinds_at = -1 WHERE last_change > 0;
`,
}
