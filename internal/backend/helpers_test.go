package backend_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/arborhq/terraform-provider-arbor/internal/backend"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
	"github.com/arborhq/terraform-provider-arbor/internal/store/sqlite"
)

// api is a backend under test with its owner token.
type api struct {
	t     testing.TB
	srv   *backend.Server
	store *sqlite.Store
	url   string
	owner string
}

func newAPI(t testing.TB, opts ...func(*backend.Config)) *api {
	t.Helper()
	return startAPI(t, "", opts...)
}

// startAPI starts a backend whose first owner token is bootstrap (random
// when empty).
func startAPI(t testing.TB, bootstrap string, opts ...func(*backend.Config)) *api {
	t.Helper()
	dir := t.TempDir()
	st, err := sqlite.Open(context.Background(), filepath.Join(dir, "arbor.db"))
	if err != nil {
		t.Fatal(err)
	}
	sealer, err := backend.LoadSealer(st.Path())
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
	owner, _, err := srv.BootstrapOwnerToken(context.Background(), bootstrap)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(func() { ts.Close(); st.Close() })
	return &api{t: t, srv: srv, store: st, url: ts.URL, owner: owner}
}

// databaseBytes is the raw content of the database files, to prove what is
// not stored in clear.
func (a *api) databaseBytes() []byte {
	a.t.Helper()
	var all []byte
	for _, suffix := range []string{"", "-wal"} {
		b, err := os.ReadFile(a.store.Path() + suffix)
		if err != nil && !os.IsNotExist(err) {
			a.t.Fatal(err)
		}
		all = append(all, b...)
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
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, a.url+path, rd)
	if err != nil {
		a.t.Fatal(err)
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
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{status: resp.StatusCode, header: resp.Header, body: b}
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

// key creates an API key of env and returns its secret.
func (a *api) key(env string, scope domain.Scope) string {
	a.t.Helper()
	r := a.expect(a.do(a.owner, "POST", "/v1/environments/"+env+"/api-keys", `{"name":"test","scope":"`+string(scope)+`"}`), 201)
	return r.json()["secret"].(string)
}

func (a *api) environment(slug string) {
	a.t.Helper()
	a.expect(a.do(a.owner, "POST", "/v1/environments", `{"slug":"`+slug+`","name":"`+slug+`"}`), 201)
}
