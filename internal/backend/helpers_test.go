package backend_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/arborhq/terraform-provider-arbor/internal/backend"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
	"github.com/arborhq/terraform-provider-arbor/internal/store/database"
	"github.com/arborhq/terraform-provider-arbor/internal/store/pgtest"
)

// storeEnv says which store this process runs the tests on. Unset, the
// tests run on SQLite and then, in a child process of the same test binary
// with storeEnv=postgres, on PostgreSQL: every API test proves its point on
// both stores without a copy of it.
const storeEnv = "ARBOR_TEST_BACKEND_STORE"

func onPostgres() bool { return os.Getenv(storeEnv) == "postgres" }

func TestMain(m *testing.M) {
	code := m.Run()
	// A fuzzing run (make fuzz) explores inputs, not stores: the seed
	// corpora already run on both stores in every plain go test.
	fuzzing := flag.Lookup("test.fuzz") != nil && flag.Lookup("test.fuzz").Value.String() != ""
	if code == 0 && !onPostgres() && !fuzzing {
		code = runOnPostgres()
	}
	pgtest.Stop()
	os.Exit(code)
}

// runOnPostgres runs this test binary again, with the same flags, on
// PostgreSQL, and returns its exit code.
func runOnPostgres() int {
	fmt.Println("=== the same backend tests on PostgreSQL")
	cmd := exec.Command(os.Args[0], os.Args[1:]...)
	// A database shared by replicas has no key file: its key comes from
	// the environment.
	cmd.Env = append(os.Environ(), storeEnv+"=postgres", backend.KeyEnv+"="+testEncryptionKey)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		if exit, ok := err.(*exec.ExitError); ok {
			return exit.ExitCode()
		}
		fmt.Fprintf(os.Stderr, "running the backend tests on PostgreSQL: %v\n", err)
		return 1
	}
	return 0
}

// api is a backend under test with its owner token.
type api struct {
	t     testing.TB
	srv   *backend.Server
	store *database.Database
	// database names the database: a file path, or a PostgreSQL URL.
	database string
	url      string
	owner    string
	// uncheckedCopies turns off the check of the kept exports after each
	// write (do), for a test that counts what requests cost the store.
	uncheckedCopies bool
}

// openDatabase opens a fresh database on the store this process tests, and
// returns it with its name (a file path or a URL).
func openDatabase(t testing.TB) (*database.Database, string) {
	t.Helper()
	name := filepath.Join(t.TempDir(), "arbor.db")
	if onPostgres() {
		name = pgtest.NewDatabase(t)
	}
	st, err := database.Open(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st, name
}

// testEncryptionKey is the key the tests on PostgreSQL run with.
const testEncryptionKey = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="

func newAPI(t testing.TB, opts ...func(*backend.Config)) *api {
	t.Helper()
	return startAPI(t, "", opts...)
}

// startAPI starts a backend whose first owner token is bootstrap (random
// when empty).
func startAPI(t testing.TB, bootstrap string, opts ...func(*backend.Config)) *api {
	t.Helper()
	st, name := openDatabase(t)
	a := serveAPI(t, st, name, opts...)
	owner, _, err := a.srv.BootstrapOwnerToken(context.Background(), bootstrap)
	if err != nil {
		t.Fatal(err)
	}
	a.owner = owner
	return a
}

// serveAPI serves a backend on the open database st named name.
func serveAPI(t testing.TB, st *database.Database, name string, opts ...func(*backend.Config)) *api {
	t.Helper()
	sealer, err := backend.OpenSealer(context.Background(), st, st.KeyFile)
	if err != nil {
		t.Fatal(err)
	}
	cfg := backend.Config{Store: st, Sealer: sealer}
	for _, o := range opts {
		o(&cfg)
	}
	srv, err := backend.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return &api{t: t, srv: srv, store: st, database: name, url: ts.URL}
}

// replica starts another backend on a's database, as a second replica (or
// a second process on a SQLite file) would be; a's owner token works on it.
func (a *api) replica() *api {
	a.t.Helper()
	st, err := database.Open(context.Background(), a.database)
	if err != nil {
		a.t.Fatal(err)
	}
	a.t.Cleanup(func() { st.Close() })
	r := serveAPI(a.t, st, a.database)
	r.owner = a.owner
	return r
}

// databaseBytes is the raw content of the database, to prove what is not
// stored in clear: the SQLite files, or every value of every PostgreSQL
// table.
func (a *api) databaseBytes() []byte {
	a.t.Helper()
	var all []byte
	if onPostgres() {
		all = a.postgresBytes()
	} else {
		for _, suffix := range []string{"", "-wal"} {
			b, err := os.ReadFile(a.store.Location + suffix)
			if err != nil && !os.IsNotExist(err) {
				a.t.Fatal(err)
			}
			all = append(all, b...)
		}
	}
	// A reading that finds nothing would prove nothing.
	if !bytes.Contains(all, []byte(domain.Production)) {
		a.t.Fatalf("the database's content read holds no environment: %d bytes", len(all))
	}
	return all
}

func (a *api) postgresBytes() []byte {
	a.t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, a.database)
	if err != nil {
		a.t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT quote_ident(table_name) FROM information_schema.tables WHERE table_schema = current_schema()`)
	if err != nil {
		a.t.Fatal(err)
	}
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		a.t.Fatal(err)
	}
	var all []byte
	for _, table := range tables {
		rows, err := conn.Query(ctx, `SELECT * FROM `+table)
		if err != nil {
			a.t.Fatal(err)
		}
		for rows.Next() {
			// Raw values: bytea as its bytes, not hex-escaped text.
			for _, v := range rows.RawValues() {
				all = append(all, v...)
				all = append(all, '\n')
			}
		}
		if err := rows.Err(); err != nil {
			a.t.Fatal(err)
		}
	}
	return all
}

// response is a decoded answer.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json() map[string]any {
	var m map[string]any
	// A body that is not a JSON object reads as nil, which the checks of
	// its fields then report.
	_ = json.Unmarshal(r.body, &m)
	return m
}

func (r response) code() string {
	s, _ := r.json()["code"].(string)
	return s
}

// do sends a request with the given credential; headers come in pairs.
func (a *api) do(token, method, path, body string, headers ...string) response {
	a.t.Helper()
	r, err := a.send(token, method, path, body, headers...)
	if err != nil {
		a.t.Fatal(err)
	}
	// After every write a test makes, the environments' kept exports are
	// what exporting them anew makes (not in benchmarks, which it would
	// slow).
	if _, isTest := a.t.(*testing.T); isTest && !a.uncheckedCopies && method != http.MethodGet && r.status < 300 {
		if mismatch, err := a.srv.KeptCopyMismatch(context.Background()); err == nil && mismatch != "" {
			a.t.Fatalf("after %s %s: %s", method, path, mismatch)
		}
	}
	return r
}

// send is do for goroutines other than the test's: it returns its error.
func (a *api) send(token, method, path, body string, headers ...string) (response, error) {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, a.url+path, rd)
	if err != nil {
		return response{}, err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return response{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return response{status: resp.StatusCode, header: resp.Header, body: b}, err
}

// expect fails the test unless the response has the given status.
func (a *api) expect(r response, status int) response {
	a.t.Helper()
	if r.status != status {
		a.t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
	return r
}

// token creates an account token with a role and returns its secret.
func (a *api) token(role domain.OperatorRole) string {
	a.t.Helper()
	r := a.expect(a.do(a.owner, "POST", "/v1/tokens", `{"name":"test","role":"`+string(role)+`"}`), 201)
	return r.json()["secret"].(string)
}

// key creates an API key of env and returns its secret. Key names are
// unique per environment, so each gets its own.
func (a *api) key(env string, scope domain.Scope) string {
	a.t.Helper()
	r := a.expect(a.do(a.owner, "POST", "/v1/environments/"+env+"/api-keys", `{"name":"test-`+domain.RandomString(5)+`","scope":"`+string(scope)+`"}`), 201)
	return r.json()["secret"].(string)
}

func (a *api) environment(slug string) {
	a.t.Helper()
	a.expect(a.do(a.owner, "POST", "/v1/environments", `{"slug":"`+slug+`","name":"`+slug+`"}`), 201)
}
