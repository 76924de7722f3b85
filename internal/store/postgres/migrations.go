package postgres

// migrations are applied in order at open, all pending ones in one
// transaction under an advisory lock, and recorded in schema_migrations.
// Never edit a released migration: append.
//
// Text that is compared or ordered (keys, slugs, ids, cursors) is COLLATE
// "C": byte order, as in SQLite, whatever locale the database was created
// with, so pages and sort orders are the same on both stores. Free text
// that a writer chooses (names, descriptions, the audit's actor, which
// holds a credential's name) is BYTEA: PostgreSQL's TEXT cannot hold a NUL
// character, which is valid UTF-8 that SQLite stores and Arbor must not
// refuse on one store only, nor rewrite.
var migrations = []string{
	// 1: the spine, the same tables as SQLite's first migration.
	`
CREATE TABLE environments (
	slug TEXT COLLATE "C" PRIMARY KEY,
	name BYTEA NOT NULL,
	description BYTEA NOT NULL DEFAULT '',
	obfuscate_customer_data BOOLEAN NOT NULL DEFAULT false,
	builtin BOOLEAN NOT NULL DEFAULT false,
	-- rank orders environments; production holds the largest value and a new
	-- environment takes the next rank below it, so the order never changes.
	rank BIGINT NOT NULL UNIQUE,
	version BIGINT NOT NULL,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
INSERT INTO environments (slug, name, builtin, rank, version, created_at, updated_at) VALUES
	('development', 'Development'::BYTEA, true, 0, 1, (extract(epoch FROM clock_timestamp()) * 1000000)::BIGINT, (extract(epoch FROM clock_timestamp()) * 1000000)::BIGINT),
	('production', 'Production'::BYTEA, true, 9223372036854775807, 1, (extract(epoch FROM clock_timestamp()) * 1000000)::BIGINT, (extract(epoch FROM clock_timestamp()) * 1000000)::BIGINT);

CREATE TABLE settings (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	production_write_access BOOLEAN NOT NULL DEFAULT false,
	version BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
INSERT INTO settings (id, production_write_access, version, updated_at)
	VALUES (1, false, 1, (extract(epoch FROM clock_timestamp()) * 1000000)::BIGINT);

CREATE TABLE tokens (
	id TEXT COLLATE "C" PRIMARY KEY,
	name BYTEA NOT NULL,
	role TEXT NOT NULL,
	prefix TEXT NOT NULL,
	hash BYTEA NOT NULL,
	version BIGINT NOT NULL,
	created_at BIGINT NOT NULL
);

CREATE TABLE api_keys (
	id TEXT COLLATE "C" PRIMARY KEY,
	environment TEXT COLLATE "C" NOT NULL REFERENCES environments (slug) ON DELETE CASCADE,
	name BYTEA NOT NULL,
	scope TEXT NOT NULL,
	prefix TEXT NOT NULL,
	hash BYTEA NOT NULL,
	version BIGINT NOT NULL,
	created_at BIGINT NOT NULL
);
CREATE INDEX api_keys_environment ON api_keys (environment, id);

-- Keyed objects of every kind; account-level objects have environment ''.
CREATE TABLE objects (
	environment TEXT COLLATE "C" NOT NULL,
	kind TEXT COLLATE "C" NOT NULL,
	key TEXT COLLATE "C" NOT NULL,
	version BIGINT NOT NULL,
	body BYTEA NOT NULL,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	PRIMARY KEY (environment, kind, key)
);

-- refs are the joins between objects; the foreign key on the target is the
-- backstop behind the backend's own check, which names the referrers.
CREATE TABLE refs (
	environment TEXT COLLATE "C" NOT NULL,
	kind TEXT COLLATE "C" NOT NULL,
	key TEXT COLLATE "C" NOT NULL,
	target_environment TEXT COLLATE "C" NOT NULL,
	target_kind TEXT COLLATE "C" NOT NULL,
	target_key TEXT COLLATE "C" NOT NULL,
	PRIMARY KEY (environment, kind, key, target_environment, target_kind, target_key),
	FOREIGN KEY (environment, kind, key) REFERENCES objects (environment, kind, key) ON DELETE CASCADE,
	FOREIGN KEY (target_environment, target_kind, target_key) REFERENCES objects (environment, kind, key)
);
CREATE INDEX refs_target ON refs (target_environment, target_kind, target_key, environment, kind, key);

CREATE TABLE uniques (
	environment TEXT COLLATE "C" NOT NULL,
	kind TEXT COLLATE "C" NOT NULL,
	name TEXT COLLATE "C" NOT NULL,
	value TEXT COLLATE "C" NOT NULL,
	key TEXT COLLATE "C" NOT NULL,
	PRIMARY KEY (environment, kind, name, value),
	FOREIGN KEY (environment, kind, key) REFERENCES objects (environment, kind, key) ON DELETE CASCADE
);
CREATE INDEX uniques_owner ON uniques (environment, kind, key);

CREATE TABLE secrets (
	environment TEXT COLLATE "C" NOT NULL,
	kind TEXT COLLATE "C" NOT NULL,
	key TEXT COLLATE "C" NOT NULL,
	name TEXT COLLATE "C" NOT NULL,
	value BYTEA NOT NULL,
	PRIMARY KEY (environment, kind, key, name),
	FOREIGN KEY (environment, kind, key) REFERENCES objects (environment, kind, key) ON DELETE CASCADE
);

CREATE TABLE history (
	environment TEXT COLLATE "C" NOT NULL,
	kind TEXT COLLATE "C" NOT NULL,
	key TEXT COLLATE "C" NOT NULL,
	version BIGINT NOT NULL,
	body BYTEA NOT NULL,
	created_at BIGINT NOT NULL,
	PRIMARY KEY (environment, kind, key, version),
	FOREIGN KEY (environment, kind, key) REFERENCES objects (environment, kind, key) ON DELETE CASCADE
);

-- Audit ids come from audit_sequence, a counter row updated in the writing
-- transaction, not from a sequence: a sequence hands out ids before commit,
-- so an entry could become visible after one with a higher id and a reader
-- paging by id would skip it. The row lock makes ids follow commit order.
CREATE TABLE audit_sequence (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	last_id BIGINT NOT NULL
);
INSERT INTO audit_sequence (id, last_id) VALUES (1, 0);
CREATE TABLE audit (
	id BIGINT PRIMARY KEY,
	at BIGINT NOT NULL,
	actor BYTEA NOT NULL,
	action TEXT NOT NULL,
	environment TEXT COLLATE "C" NOT NULL,
	kind TEXT NOT NULL,
	key TEXT NOT NULL,
	version BIGINT NOT NULL,
	detail BYTEA
);
CREATE INDEX audit_environment ON audit (environment, id);

CREATE TABLE idempotency (
	principal TEXT COLLATE "C" NOT NULL,
	key TEXT COLLATE "C" NOT NULL,
	fingerprint BYTEA NOT NULL,
	status INTEGER NOT NULL,
	body BYTEA NOT NULL,
	created_at BIGINT NOT NULL,
	PRIMARY KEY (principal, key)
);
CREATE INDEX idempotency_created ON idempotency (created_at);

-- The encryption key's check value (see store.Tx.EncryptionKeyCheck).
CREATE TABLE encryption_key_check (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	value BYTEA NOT NULL
);
`,
	// 2: an idempotency record keeps no HTTP status: the backend answers a
	// replay from the body alone.
	`ALTER TABLE idempotency DROP COLUMN status;`,
	// 3: console sessions, each acting as one account token and ended with
	// it; kept here so that every replica knows them.
	`
CREATE TABLE sessions (
	hash BYTEA PRIMARY KEY,
	token_id TEXT COLLATE "C" NOT NULL REFERENCES tokens (id) ON DELETE CASCADE,
	created_at BIGINT NOT NULL,
	seen_at BIGINT NOT NULL
);
CREATE INDEX sessions_token ON sessions (token_id);
CREATE INDEX sessions_seen ON sessions (seen_at);
CREATE INDEX sessions_created ON sessions (created_at);
`,
	// 4: change numbers (store.Changes): settings.last_change is the
	// sequence every committed write takes its number from; it stamps the
	// environments it wrote in (environments.last_change) and, for writes
	// to account-level objects, settings.account_change. The store's commit
	// path sets them (see changes.go: each write takes its number, and a
	// batch moves the rows once, before its COMMIT), not a trigger per
	// row: a row trigger would update one counter row once per object
	// written, and an import of 10,000 objects would leave 10,000 versions
	// of that row in its transaction, each update walking the ones before.
	`
ALTER TABLE environments ADD COLUMN last_change BIGINT NOT NULL DEFAULT 0;
ALTER TABLE settings ADD COLUMN last_change BIGINT NOT NULL DEFAULT 0, ADD COLUMN account_change BIGINT NOT NULL DEFAULT 0;
`,
	// 5: change numbers for writers that do not stamp them. During a
	// rolling upgrade, replicas of a release older than migration 4 write
	// beside this one and move no change number: an access index of this
	// release would keep answering from before their writes. These
	// triggers stamp for them: after any statement such a writer makes on
	// the tables an access check or a request reads (objects; environments
	// and settings, read with each request), they take the next number and
	// stamp it on every environment and on the account. An old writer is
	// rare and brief, so invalidating every index is right and cheap.
	//
	// This release's connections name themselves (application_name ending
	// in stamperMark, set once at connect: see Open) and the WHEN clause
	// skips them without calling the function, so its writes cost nothing
	// more and move only the numbers bumpChanges stamps. FOR EACH
	// STATEMENT, not per row: one stamp per statement, whatever it writes
	// (see 4). pg_trigger_depth() = 0 keeps the trigger's own UPDATE of
	// environments from firing it again.
	//
	// No deadlock with the commit path: every write transaction of this
	// release and of v0.20.0 takes the write advisory lock first (commit.go;
	// the same key in both), and the trigger runs inside the old writer's
	// transaction, so it holds that lock too. The commit path's stamp
	// (stampBatch: settings, then environments) and the trigger (after the old writer's own rows, then
	// settings, then environments) therefore never hold row locks at the
	// same time; nothing else updates these rows outside the write lock.
	`
CREATE FUNCTION arbor_stamp_all_changes() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	n BIGINT;
BEGIN
	UPDATE settings SET last_change = last_change + 1, account_change = last_change + 1
		WHERE id = 1 RETURNING last_change INTO n;
	UPDATE environments SET last_change = n;
	RETURN NULL;
END
$$;
CREATE TRIGGER objects_stamp_unstamped AFTER INSERT OR UPDATE OR DELETE ON objects FOR EACH STATEMENT
	WHEN (pg_trigger_depth() = 0 AND current_setting('application_name') NOT LIKE '%` + stamperMark + `')
	EXECUTE FUNCTION arbor_stamp_all_changes();
CREATE TRIGGER environments_stamp_unstamped AFTER INSERT OR UPDATE OR DELETE ON environments FOR EACH STATEMENT
	WHEN (pg_trigger_depth() = 0 AND current_setting('application_name') NOT LIKE '%` + stamperMark + `')
	EXECUTE FUNCTION arbor_stamp_all_changes();
CREATE TRIGGER settings_stamp_unstamped AFTER INSERT OR UPDATE OR DELETE ON settings FOR EACH STATEMENT
	WHEN (pg_trigger_depth() = 0 AND current_setting('application_name') NOT LIKE '%` + stamperMark + `')
	EXECUTE FUNCTION arbor_stamp_all_changes();
`,
	// 6: environments' default locale (domain.Environment.DefaultLocale),
	// which picks translations for a recipient with no locale; the
	// environments that exist get en, and so does one a v0.20.0 process
	// inserts.
	`ALTER TABLE environments ADD COLUMN default_locale TEXT NOT NULL DEFAULT 'en';`,
	// 7: kind stamps (store.KindStamps): kind_changes holds, for each
	// environment and kind, the number of the last write of objects of that
	// kind there; environments.kinds_at is the number of the last write
	// that stamped its kinds, and kinds_since the number above which every
	// write did. A replica of an older release, and migration 5's triggers
	// stamping for one, move last_change alone, and the stamps are not
	// trusted until a write of this release starts them again (see
	// sqlStampBatch).
	`
CREATE TABLE kind_changes (
	environment TEXT COLLATE "C" NOT NULL REFERENCES environments (slug) ON DELETE CASCADE,
	kind TEXT COLLATE "C" NOT NULL,
	last_change BIGINT NOT NULL,
	PRIMARY KEY (environment, kind)
);
ALTER TABLE environments ADD COLUMN kinds_at BIGINT NOT NULL DEFAULT 0, ADD COLUMN kinds_since BIGINT NOT NULL DEFAULT 0;
`,
	// 8: key stamps (Tx.KeysWritten): key_changes holds, for each object
	// of a configuration kind put or deleted (store.Written.TouchKey), the
	// number of the last write of it. A write that
	// stamps kinds stamps keys from this release on, so the kind stamps
	// start again here (kinds_at no longer the number) and are trusted
	// from the next write, whose keys are stamped: a writer of the release
	// before, which stamps kinds and not keys, was never released.
	`
CREATE TABLE key_changes (
	environment TEXT COLLATE "C" NOT NULL REFERENCES environments (slug) ON DELETE CASCADE,
	kind TEXT COLLATE "C" NOT NULL,
	key TEXT COLLATE "C" NOT NULL,
	last_change BIGINT NOT NULL,
	PRIMARY KEY (environment, kind, key)
);
UPDATE environments SET kinds_at = -1 WHERE last_change > 0;
`,
}
