package upgrade_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	_ "modernc.org/sqlite" // the "sqlite" driver, to move the fixture's remembered requests

	"github.com/arborhq/terraform-provider-arbor/internal/acctest"
	"github.com/arborhq/terraform-provider-arbor/internal/store/pgtest"
	"github.com/arborhq/terraform-provider-arbor/internal/upgrade"
)

func TestMain(m *testing.M) {
	code := pgtest.Main(m)
	acctest.RemoveProviderBinary()
	os.Exit(code)
}

// expected lists what this release answers differently from the previous
// one on purpose, each with its reason. Anything else that differs fails
// the tests: a field renamed, a default changed, an object no longer read.
var expected = []upgrade.Change{
	{Path: "/v1/environments/{env}/config", Field: "format_version",
		Why: "documents are written at format_version 2, with the sections of the kinds added since (issue 24); version 1 still imports"},
	{Path: "/v1/environments/{env}/promotion-states/{kind}", Field: "items",
		Why: "the listing holds only the keys of the environment and the one below it, never a key that exists only further up (issue 26, point 4)"},
}

// record reads a fixture's record of what the previous release answered.
func record(t *testing.T, name string) upgrade.Record {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(upgrade.Previous.Dir(), name))
	if err != nil {
		t.Fatalf("the previous release's fixture is missing (make upgrade-fixture writes it): %v", err)
	}
	var r upgrade.Record
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.UseNumber()
	if err := dec.Decode(&r); err != nil {
		t.Fatal(err)
	}
	if r.Release.Tag != upgrade.Previous.Tag || r.Release.Commit != upgrade.Previous.Commit {
		t.Fatalf("%s was written by %+v, not by the previous release %+v: run make upgrade-fixture", name, r.Release, upgrade.Previous)
	}
	return r
}

// opensUnchanged serves database with this release's binary and checks that
// it answers everything the previous release answered, that the
// credentials it issued still authenticate, and that a request it
// remembered under an idempotency key is still remembered.
func opensUnchanged(t *testing.T, database string, rec upgrade.Record) {
	t.Helper()
	ctx := context.Background()
	srv, err := upgrade.Serve(ctx, acctest.ProviderBinary(t), database)
	if err != nil {
		t.Fatalf("this release does not open the previous release's database: %v", err)
	}
	defer srv.Stop()

	now, err := upgrade.ReadAgain(ctx, srv.API(), rec.Snapshot)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range upgrade.Compare(rec.Snapshot, now, expected) {
		t.Error(d)
	}
	checkCredentials(t, srv.URL, rec.Credentials)
	checkDefaultLocales(t, srv.API())
}

// checkDefaultLocales: the environments the previous release made, which
// had no default locale, have en.
func checkDefaultLocales(t *testing.T, api *upgrade.API) {
	t.Helper()
	v, err := api.Expect(context.Background(), http.StatusOK, http.MethodGet, "/v1/environments", nil)
	if err != nil {
		t.Fatal(err)
	}
	items, _ := v["items"].([]any)
	if len(items) < 3 {
		t.Fatalf("the previous release's environments: %s", mustJSON(t, v))
	}
	for _, item := range items {
		if env, _ := item.(map[string]any); env["default_locale"] != "en" {
			t.Errorf("environment %v has default locale %v, want en", env["slug"], env["default_locale"])
		}
	}
}

func checkCredentials(t *testing.T, base string, creds upgrade.Credentials) {
	t.Helper()
	ctx := context.Background()
	for _, c := range []struct {
		what, token, role string
	}{
		{"the viewer token", creds.ViewerToken, "viewer"},
		{"the development API key", creds.DevelopmentKey, ""},
	} {
		who, err := (&upgrade.API{Base: base, Token: c.token}).Expect(ctx, http.StatusOK, http.MethodGet, "/v1/whoami", nil)
		if err != nil {
			t.Errorf("%s no longer authenticates: %v", c.what, err)
			continue
		}
		if c.role != "" && !strings.Contains(string(mustJSON(t, who)), `"`+c.role+`"`) {
			t.Errorf("%s authenticates as %s, not as a %s", c.what, mustJSON(t, who), c.role)
		}
	}
	owner := &upgrade.API{Base: base, Token: upgrade.FixtureOwnerToken}
	a, err := owner.Do(ctx, http.MethodPost, "/v1/environments/development/api-keys", upgrade.DevelopmentKeyRequest,
		map[string]string{"Idempotency-Key": creds.DevelopmentKeyIdempotency})
	if err != nil {
		t.Fatal(err)
	}
	if a.Status != http.StatusCreated {
		t.Fatalf("replaying the request that made the development key: status %d: %s", a.Status, a.Body)
	}
	v, err := a.JSON()
	if err != nil {
		t.Fatal(err)
	}
	key, _ := v.(map[string]any)
	if key["id"] != creds.DevelopmentKeyID || key["secret"] != creds.DevelopmentKey {
		t.Errorf("the replayed request made another key (%v) instead of answering the remembered one (%s)", key["id"], creds.DevelopmentKeyID)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSQLiteDatabaseOfThePreviousReleaseOpens(t *testing.T) {
	rec := record(t, upgrade.SQLiteRecord)
	db := filepath.Join(t.TempDir(), "arbor.db")
	copyFile(t, filepath.Join(upgrade.Previous.Dir(), upgrade.SQLiteDatabase), db)
	sqliteDB, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	rememberedJustNow(t, func(query string) error { _, err := sqliteDB.Exec(query); return err })
	sqliteDB.Close()
	opensUnchanged(t, db, rec)
	// Migrated once, it opens again: a migration is not applied twice.
	opensUnchanged(t, db, rec)
}

func TestPostgresDatabaseOfThePreviousReleaseOpens(t *testing.T) {
	rec := record(t, upgrade.PostgresRecord)
	url := restoreDump(t)
	opensUnchanged(t, url, rec)
	opensUnchanged(t, url, rec)
}

// TestRollingUpgradeOnPostgres upgrades a replica set the way the guide
// says (running for a team, Upgrading): replicas one by one, so for a
// while a replica of the previous release and one of this release serve
// the migrated database side by side. Each must read what the other
// wrote; a replica of the previous release restarted after the migration
// must refuse to start, naming the schema, when this release added
// migrations (and start as before when it added none).
func TestRollingUpgradeOnPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the previous release")
	}
	ctx := context.Background()
	rec := record(t, upgrade.PostgresRecord)
	url := restoreDump(t)
	previous := filepath.Join(t.TempDir(), "terraform-provider-arbor-"+upgrade.Previous.Tag)
	if err := upgrade.Previous.Build(ctx, ".", previous); err != nil {
		t.Fatal(err)
	}

	old, err := upgrade.Serve(ctx, previous, url)
	if err != nil {
		t.Fatal(err)
	}
	defer old.Stop()
	// The first replica is replaced: this release starts and migrates.
	current, err := upgrade.Serve(ctx, acctest.ProviderBinary(t), url)
	if err != nil {
		t.Fatalf("this release does not start beside a replica of the previous one: %v", err)
	}
	defer current.Stop()

	// Each replica writes; the other reads it.
	for _, w := range []struct {
		writer, reader *upgrade.Server
		key            string
	}{
		{old, current, "written-by-the-previous-release"},
		{current, old, "written-by-this-release"},
	} {
		path := "/v1/environments/development/permissions/" + w.key
		if _, err := w.writer.API().Expect(ctx, http.StatusCreated, http.MethodPut, path, map[string]any{"name": w.key}); err != nil {
			t.Fatalf("writing through one replica during the upgrade: %v\n%s", err, w.writer.Log())
		}
		got, err := w.reader.API().Expect(ctx, http.StatusOK, http.MethodGet, path, nil)
		if err != nil {
			t.Fatalf("reading through the other replica: %v\n%s", err, w.reader.Log())
		}
		if got["name"] != w.key {
			t.Errorf("the other replica read %v", got)
		}
	}
	// The previous release still answers everything it answered before.
	now, err := upgrade.ReadAgain(ctx, old.API(), rec.Snapshot)
	if err != nil {
		t.Fatalf("the previous release's replica, on the migrated schema: %v\n%s", err, old.Log())
	}
	for _, d := range upgrade.Compare(rec.Snapshot, now, append(expected, upgrade.Change{
		Path: "/v1/environments/{env}/permissions", Field: "items", Why: "the test wrote two permissions",
	}, upgrade.Change{
		Path: "/v1/audit", Field: "items", Why: "the test's writes are audited",
	}, upgrade.Change{
		Path: "/v1/environments/{env}/config", Field: "permissions", Why: "the test wrote two permissions",
	})) {
		t.Error("previous release after the migration:", d)
	}

	// A write through the previous release moves no change number of its
	// own, yet this release's access index must not answer from before it
	// (the migration's triggers stamp for it): warm the index, revoke the
	// access through the old replica, and ask again through the new one.
	check := func() bool {
		t.Helper()
		got, err := current.API().Expect(ctx, http.StatusOK, http.MethodPost, "/v1/environments/development/access/check",
			map[string]any{"identity_key": "ada", "permission": "documents.write", "node_key": "engineering"})
		if err != nil {
			t.Fatalf("checking access through this release: %v\n%s", err, current.Log())
		}
		return got["allowed"] == true
	}
	if !check() {
		t.Fatal("ada's editor assignment at engineering grants documents.write in the fixture, yet the check refuses it")
	}
	if _, err := old.API().Expect(ctx, http.StatusNoContent, http.MethodDelete,
		"/v1/environments/development/role-assignments/ada/editor/engineering", nil); err != nil {
		t.Fatalf("deleting an assignment through the previous release: %v\n%s", err, old.Log())
	}
	if check() {
		t.Error("after the previous release deleted ada's only granting assignment, this release's access check still allows it: its index answered from before that write")
	}

	// The second replica is replaced: it stops, and if it came back as
	// the previous release it would meet the new schema.
	old.Stop()
	grew := schemaVersion(t, url) > upgrade.Previous.PostgresSchema
	said, err := upgrade.Refused(ctx, previous, url)
	switch {
	case grew && err != nil:
		t.Errorf("this release added migrations, yet the previous release still starts on the migrated database")
	case grew && !strings.Contains(said, "newer than this binary knows"):
		t.Errorf("the previous release refused the migrated database without naming the schema: %s", said)
	case !grew && err == nil:
		t.Errorf("this release added no migration, yet the previous release refuses the database: %s", said)
	}
}

// schemaVersion is the newest migration the database has applied.
func schemaVersion(t *testing.T, url string) int {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var v int
	if err := conn.QueryRow(context.Background(), "SELECT max(version) FROM schema_migrations").Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// restoreDump loads the previous release's pg_dump into a new database, as
// psql would (its meta-commands, which guard psql sessions, left out).
func restoreDump(t *testing.T) string {
	t.Helper()
	url := pgtest.NewDatabase(t)
	dump, err := os.ReadFile(filepath.Join(upgrade.Previous.Dir(), upgrade.PostgresDump))
	if err != nil {
		t.Fatalf("the previous release's fixture is missing (make upgrade-fixture writes it): %v", err)
	}
	var statements strings.Builder
	for _, line := range strings.SplitAfter(string(dump), "\n") {
		if !strings.HasPrefix(line, `\`) {
			statements.WriteString(line)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, statements.String()); err != nil {
		t.Fatalf("restoring the previous release's dump: %v", err)
	}
	// The dump empties the connection's search_path.
	rememberedJustNow(t, func(query string) error { _, err := conn.Exec(ctx, "RESET search_path; "+query); return err })
	return url
}

// rememberedJustNow moves the requests the fixture's database remembers
// under an idempotency key to the present. A request is remembered for a
// day (the backend's idempotency window), and the fixture was written on
// the day of its release: an upgrade within the day after a request must
// still answer its replay, which is what the tests check, and the window
// itself is not what they test. exec runs one statement on the database.
func rememberedJustNow(t *testing.T, exec func(query string) error) {
	t.Helper()
	if err := exec(fmt.Sprintf("UPDATE idempotency SET created_at = %d", time.Now().UnixMicro())); err != nil {
		t.Fatalf("moving the fixture's remembered requests to the present: %v", err)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatalf("the previous release's fixture is missing (make upgrade-fixture writes it): %v", err)
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}
