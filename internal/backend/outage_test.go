package backend_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/danielgtaylor/huma/v2"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/arborhq/terraform-provider-arbor/internal/backend"
	"github.com/arborhq/terraform-provider-arbor/internal/client"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
	"github.com/arborhq/terraform-provider-arbor/internal/store"
	"github.com/arborhq/terraform-provider-arbor/internal/store/database"
	"github.com/arborhq/terraform-provider-arbor/internal/store/pgtest"
)

// reachedStore counts the transactions a store was asked for, so that a
// test knows whether a request needed the database.
type reachedStore struct {
	store.Store
	calls atomic.Int64
}

func (s *reachedStore) View(ctx context.Context, fn func(store.Tx) error) error {
	s.calls.Add(1)
	return s.Store.View(ctx, fn)
}

func (s *reachedStore) Lookup(ctx context.Context, fn func(store.Tx) error) error {
	s.calls.Add(1)
	return s.Store.Lookup(ctx, fn)
}

func (s *reachedStore) Update(ctx context.Context, fn func(store.Tx) error) error {
	s.calls.Add(1)
	return s.Store.Update(ctx, fn)
}

// expectOutage fails the test unless r is the answer to a database
// outage: 503 unavailable with Retry-After, saying so without the
// driver's words.
func expectOutage(t *testing.T, what string, r response) {
	t.Helper()
	msg, _ := r.json()["message"].(string)
	if r.status != http.StatusServiceUnavailable || r.code() != "unavailable" || r.header.Get("Retry-After") == "" ||
		!strings.Contains(msg, "database is unavailable") {
		t.Errorf("%s with the database stopped: %d Retry-After %q %s, want 503 unavailable with Retry-After saying the database is unavailable",
			what, r.status, r.header.Get("Retry-After"), r.body)
	}
	if strings.Contains(string(r.body), "127.0.0.1") || strings.Contains(string(r.body), "SQLSTATE") {
		t.Errorf("%s: the answer repeats the driver's error: %s", what, r.body)
	}
}

// TestEveryRouteAnswersADatabaseOutageWith503 stops PostgreSQL under a
// backend and sends every route of the route table: each one that needs
// the database answers 503 with Retry-After, none answers 500, /healthz
// stays 200, /readyz answers 503, and /metrics counts the 503s apart
// from internal errors. Once PostgreSQL is back, the same backend serves
// again without a restart.
func TestEveryRouteAnswersADatabaseOutageWith503(t *testing.T) {
	if !onPostgres() {
		t.Skip("runs in the PostgreSQL pass: it stops a PostgreSQL cluster of its own")
	}
	cluster, url := pgtest.NewCluster(t)
	st, err := database.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	var reached *reachedStore
	a := serveAPI(t, st, url, func(c *backend.Config) {
		reached = &reachedStore{Store: c.Store}
		c.Store = reached
	})
	owner, _, err := a.srv.BootstrapOwnerToken(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	a.owner = owner
	a.expect(a.do(a.owner, "PUT", "/v1/environments/development/permissions/read", `{"name":"Read"}`), 201)
	a.expect(a.do("", "GET", "/readyz", ""), 200)

	if err := cluster.Pause("fast"); err != nil {
		t.Fatal(err)
	}
	a.expect(a.do("", "GET", "/healthz", ""), 200)
	expectOutage(t, "/readyz", a.do("", "GET", "/readyz", ""))

	outages := 0
	for _, r := range a.routes() {
		if r.path == "/readyz" {
			continue // a probe, checked above
		}
		body := ""
		if r.takesBody() {
			body = minimalBody(a.bodySchema(r))
		}
		if !isPublic(r) {
			// With a credential, checking it needs the database first.
			expectOutage(t, r.String(), a.serve(r.method, r.url(nil), body, a.ownerJSON()))
			outages++
		}
		// As the embedded provider's requests, which carry no credential
		// to check: what the route itself needs of the database.
		before := reached.calls.Load()
		got := a.serveAs(backend.WithEmbeddedPrincipal(context.Background()), r.method, r.url(nil), body)
		switch {
		case reached.calls.Load() > before:
			expectOutage(t, r.String()+" (embedded)", got)
			outages++
		case got.status >= 500:
			t.Errorf("%s (embedded) answered %d without asking the database: %s", r, got.status, got.body)
		default:
			t.Logf("%s (embedded) answered %d without asking the database: %.120s", r, got.status, got.body)
		}
	}

	// The metrics are served from memory, so an operator sees the outage
	// while it lasts.
	families := scrapeHandler(t, a, backend.WithEmbeddedPrincipal(context.Background()))
	if got := sample(families, "arbor_database_unavailable_total", nil); got != float64(outages) {
		t.Errorf("arbor_database_unavailable_total = %v, want the %d outage answers", got, outages)
	}
	if got := sample(families, "arbor_http_requests_total", map[string]string{"code": "500"}); got != 0 {
		t.Errorf("%v requests counted as internal errors during the outage, want 0", got)
	}
	if got := sample(families, "arbor_http_requests_total", map[string]string{"code": "503"}); got < float64(outages) {
		t.Errorf("%v requests counted 503, want at least %d", got, outages)
	}

	if err := cluster.Resume(context.Background()); err != nil {
		t.Fatal(err)
	}
	a.expect(a.do("", "GET", "/readyz", ""), 200)
	a.expect(a.do(a.owner, "PUT", "/v1/environments/development/permissions/write", `{"name":"Write"}`), 201)
	if got := a.expect(a.do(a.owner, "GET", "/v1/environments/development/permissions/read", ""), 200).json(); got["name"] != "Read" {
		t.Errorf("after the outage: %v", got)
	}
}

// isPublic reports a route that needs no credential.
func isPublic(r route) bool {
	return r.op.Security != nil && len(r.op.Security) == 0
}

// serveAs sends a request straight to the handler with ctx, which may
// carry a principal.
func (a *api) serveAs(ctx context.Context, method, target, body string) response {
	req := httptest.NewRequestWithContext(ctx, method, target, nil)
	if body != "" {
		req = httptest.NewRequestWithContext(ctx, method, target, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	a.srv.Handler().ServeHTTP(rec, req)
	return response{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
}

// scrapeHandler reads the metrics through the handler with ctx.
func scrapeHandler(t *testing.T, a *api, ctx context.Context) map[string]*dto.MetricFamily {
	t.Helper()
	r := a.serveAs(ctx, http.MethodGet, "/metrics", "")
	if r.status != http.StatusOK {
		t.Fatalf("/metrics: %d %s", r.status, r.body)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(bytes.NewReader(r.body))
	if err != nil {
		t.Fatalf("parsing the metrics: %v", err)
	}
	return families
}

// minimalBody is a body holding the schema's required writable fields,
// each with its example, first allowed value or a plain value of its type,
// so that a write gets past validation to the database where it can.
func minimalBody(s *huma.Schema) string {
	if s == nil {
		return "{}"
	}
	out := map[string]any{}
	for _, name := range s.Required {
		if p := s.Properties[name]; p != nil && !p.ReadOnly {
			out[name] = sampleValue(p)
		}
	}
	b, _ := json.Marshal(out)
	return string(b)
}

func sampleValue(p *huma.Schema) any {
	switch {
	case len(p.Examples) > 0:
		return p.Examples[0]
	case len(p.Enum) > 0:
		return p.Enum[0]
	}
	switch p.Type {
	case huma.TypeString:
		return "sample"
	case huma.TypeInteger, huma.TypeNumber:
		return 1
	case huma.TypeBoolean:
		return false
	case huma.TypeArray:
		return []any{}
	}
	return map[string]any{}
}

// lostCommitStore commits a write and then, while armed, reports the
// connection lost during its COMMIT, as PostgreSQL's driver does when the
// server or the network goes away before the COMMIT's answer arrives.
type lostCommitStore struct {
	store.Store
	lose atomic.Int64 // how many of the next committed writes to lose the answer of
}

func (s *lostCommitStore) Update(ctx context.Context, fn func(store.Tx) error) error {
	err := s.Store.Update(ctx, fn)
	if err == nil && s.lose.Add(-1) >= 0 {
		return &store.UnavailableError{Err: io.ErrUnexpectedEOF, Uncertain: true}
	}
	return err
}

// A write whose COMMIT's answer was lost is answered 503 saying it may
// have been made, and its retry, carrying the same Idempotency-Key,
// recognises it: a create-only PUT, an If-Match PUT and a POST each get
// their first answer instead of 412 or a second object.
func TestAWriteWhoseCommitWasLostIsRecognisedByItsRetry(t *testing.T) {
	t.Parallel()
	var lost *lostCommitStore
	a := newAPI(t, func(c *backend.Config) {
		lost = &lostCommitStore{Store: c.Store}
		c.Store = lost
	})
	const path = "/v1/environments/development/permissions/read"
	for _, step := range []struct {
		name, method, path, body string
		headers                  []string
		status                   int
	}{
		{"create-only PUT", "PUT", path, `{"name":"Read"}`, []string{"If-None-Match", "*", "Idempotency-Key", "create-1"}, 201},
		{"If-Match PUT", "PUT", path, `{"name":"Read all"}`, []string{"If-Match", `"1"`, "Idempotency-Key", "update-1"}, 200},
		{"POST", "POST", "/v1/environments/development/api-keys", `{"name":"ci","scope":"read_write"}`, []string{"Idempotency-Key", "key-1"}, 201},
	} {
		lost.lose.Store(1)
		r := a.expect(a.do(a.owner, step.method, step.path, step.body, step.headers...), 503)
		if msg, _ := r.json()["message"].(string); !strings.Contains(msg, "may have been made") || r.header.Get("Retry-After") == "" {
			t.Errorf("%s whose commit was lost: %s (Retry-After %q), want 503 saying it may have been made", step.name, r.body, r.header.Get("Retry-After"))
		}
		retried := a.expect(a.do(a.owner, step.method, step.path, step.body, step.headers...), step.status)
		again := a.expect(a.do(a.owner, step.method, step.path, step.body, step.headers...), step.status)
		if string(retried.body) != string(again.body) {
			t.Errorf("%s: the retries answered differently:\n%s\n%s", step.name, retried.body, again.body)
		}
	}
	if got := a.expect(a.do(a.owner, "GET", path, ""), 200).json(); got["name"] != "Read all" || got["version"] != float64(2) {
		t.Errorf("after the retried writes: %v, want version 2 named Read all", got)
	}
	if items, _ := a.expect(a.do(a.owner, "GET", "/v1/environments/development/api-keys", ""), 200).json()["items"].([]any); len(items) != 1 {
		t.Errorf("API keys after the retried POST: %v, want one", items)
	}

	// The provider's client retries the 503 by itself, with the same key.
	c, err := client.New(client.Config{Endpoint: a.url, Token: a.owner, MaxRetries: 3, RetryWaitMin: time.Millisecond, RetryWaitMax: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	perms := client.Objects[domain.Permission](c, domain.KindPermission)
	lost.lose.Store(1)
	created, err := perms.Put(context.Background(), "development", "write", &domain.Permission{Name: "Write"}, client.Cond{CreateOnly: true})
	if err != nil || created.Version != 1 {
		t.Fatalf("a create whose commit was lost, through the client: %+v, %v; want version 1", created, err)
	}
	lost.lose.Store(1)
	updated, err := perms.Put(context.Background(), "development", "write", &domain.Permission{Name: "Write all"}, client.Cond{Version: 1})
	if err != nil || updated.Version != 2 {
		t.Fatalf("an If-Match update whose commit was lost, through the client: %+v, %v; want version 2", updated, err)
	}
}
