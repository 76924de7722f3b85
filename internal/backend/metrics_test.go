package backend_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/danielgtaylor/huma/v2"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/arborhq/terraform-provider-arbor/internal/backend"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
	"github.com/arborhq/terraform-provider-arbor/internal/store"
)

// scrape reads and parses the metrics at url.
func scrape(t *testing.T, url, token string) (int, map[string]*dto.MetricFamily) {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		return resp.StatusCode, nil
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("Content-Type %q, want the Prometheus text format", ct)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("parsing the metrics: %v", err)
	}
	return resp.StatusCode, families
}

// sample is the value of the series of name with exactly the given labels
// among others, summed over the series that match; histograms count their
// observations.
func sample(families map[string]*dto.MetricFamily, name string, labels map[string]string) float64 {
	f, ok := families[name]
	if !ok {
		return 0
	}
	total := 0.0
series:
	for _, m := range f.GetMetric() {
		have := map[string]string{}
		for _, l := range m.GetLabel() {
			have[l.GetName()] = l.GetValue()
		}
		for k, v := range labels {
			if have[k] != v {
				continue series
			}
		}
		switch {
		case m.Counter != nil:
			total += m.GetCounter().GetValue()
		case m.Histogram != nil:
			total += float64(m.GetHistogram().GetSampleCount())
		case m.Gauge != nil:
			total += m.GetGauge().GetValue()
		}
	}
	return total
}

func TestMetricsNeedAnOwnerOrAdminOnTheAPI(t *testing.T) {
	t.Parallel()
	a := newAPI(t)
	for _, c := range []struct {
		name, token string
		want        int
	}{
		{"no credential", "", 401},
		{"read_write API key", a.key("development", domain.ScopeReadWrite), 403},
		{"member token", a.token(domain.RoleMember), 403},
		{"viewer token", a.token(domain.RoleViewer), 403},
		{"admin token", a.token(domain.RoleAdmin), 200},
		{"owner token", a.owner, 200},
	} {
		if got, _ := scrape(t, a.url+"/metrics", c.token); got != c.want {
			t.Errorf("/metrics with %s: %d, want %d", c.name, got, c.want)
		}
	}
}

func TestMetricsOnASeparateListener(t *testing.T) {
	t.Parallel()
	a := newAPI(t, func(c *backend.Config) { c.MetricsOnSeparateListener = true })
	a.expect(a.do(a.owner, "GET", "/metrics", ""), 404)
	if _, ok := a.srv.OpenAPI().Paths["/metrics"]; ok {
		t.Error("the API documents /metrics although it serves them elsewhere")
	}
	a.expect(a.do(a.owner, "GET", "/v1/whoami", ""), 200)

	metrics := httptest.NewServer(a.srv.MetricsHandler())
	t.Cleanup(metrics.Close)
	code, families := scrape(t, metrics.URL+"/metrics", "")
	if code != 200 {
		t.Fatalf("separate listener without a credential: %d", code)
	}
	if got := sample(families, "arbor_http_requests_total", map[string]string{"method": "GET", "route": "/v1/whoami", "code": "200"}); got != 1 {
		t.Errorf("whoami counted %v times, want 1", got)
	}
}

func TestMetricsCountRequestsRefusalsReplaysAndTransactions(t *testing.T) {
	t.Parallel()
	a := newAPI(t)
	a.environment("staging")
	permission := `{"name":"Read invoices"}`
	a.expect(a.do(a.owner, "PUT", "/v1/environments/development/permissions/invoice-7f3a", permission), 201)
	a.expect(a.do(a.owner, "PUT", "/v1/environments/development/permissions/invoice-7f3a", permission), 200)
	a.expect(a.do(a.owner, "GET", "/v1/no-such-route/9b2e", ""), 404)
	a.do(a.owner, "BREW9b2e", "/v1/whoami", "")
	a.channels("development")
	a.putWorkflow(a.owner, "development", "welcome", workflowBody("v1"), 201)
	a.putWorkflow(a.owner, "production", "welcome", workflowBody("v1"), 409)
	a.expect(a.do(a.owner, "POST", "/v1/environments", `{"slug":"qa","name":"QA"}`, "Idempotency-Key", "k1"), 201)
	a.expect(a.do(a.owner, "POST", "/v1/environments", `{"slug":"qa","name":"QA"}`, "Idempotency-Key", "k1"), 201)
	// A conflict that is not the promotion rule's is not a refusal.
	a.expect(a.do(a.owner, "POST", "/v1/environments", `{"slug":"qa","name":"QA"}`), 409)

	_, families := scrape(t, a.url+"/metrics", a.owner)
	permissionRoute := "/v1/environments/{env}/permissions/{key}"
	for _, c := range []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"arbor_http_requests_total", map[string]string{"method": "PUT", "route": permissionRoute, "code": "201"}, 1},
		{"arbor_http_requests_total", map[string]string{"method": "PUT", "route": permissionRoute, "code": "200"}, 1},
		{"arbor_http_request_duration_seconds", map[string]string{"method": "PUT", "route": permissionRoute}, 2},
		{"arbor_http_requests_total", map[string]string{"method": "GET", "route": "unmatched", "code": "404"}, 1},
		{"arbor_http_requests_total", map[string]string{"method": "PUT", "route": "/v1/environments/{env}/workflows/{key}", "code": "409"}, 1},
		{"arbor_http_requests_total", map[string]string{"method": "other"}, 1},
		{"arbor_promotion_refusals_total", nil, 1},
		{"arbor_idempotent_replays_total", nil, 1},
	} {
		if got := sample(families, c.name, c.labels); got != c.want {
			t.Errorf("%s%v = %v, want %v", c.name, c.labels, got, c.want)
		}
	}
	// Every request reads the store; each write above ran one transaction,
	// and the refused ones rolled back.
	if got := sample(families, "arbor_store_transaction_duration_seconds", map[string]string{"mode": "read", "result": "ok"}); got < 1 {
		t.Errorf("no read transaction timed")
	}
	if got := sample(families, "arbor_store_transaction_duration_seconds", map[string]string{"mode": "write", "result": "ok"}); got < 5 {
		t.Errorf("%v committed write transactions timed, want at least 5", got)
	}
	if got := sample(families, "arbor_store_transaction_duration_seconds", map[string]string{"mode": "write", "result": "error"}); got < 2 {
		t.Errorf("%v refused write transactions timed, want at least 2", got)
	}
	if got := sample(families, "arbor_store_transaction_retries_total", nil); got != 0 {
		t.Errorf("%v retries counted on a store that never retries", got)
	}
	for name, f := range families {
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if strings.Contains(l.GetValue(), "7f3a") || strings.Contains(l.GetValue(), "9b2e") {
					t.Errorf("%s has a label made of a raw path: %s=%q", name, l.GetName(), l.GetValue())
				}
			}
		}
	}
}

// conflictingStore runs every write transaction's function twice, the first
// time in a transaction it rolls back, as a store retrying after a
// serialization conflict does.
type conflictingStore struct {
	store.Store
}

var errSerialization = errors.New("simulated serialization conflict")

func (s conflictingStore) Update(ctx context.Context, fn func(store.Tx) error) error {
	err := s.Store.Update(ctx, func(tx store.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		return errSerialization
	})
	if !errors.Is(err, errSerialization) {
		return err
	}
	return s.Store.Update(ctx, fn)
}

func TestMetricsCountStoreRetries(t *testing.T) {
	t.Parallel()
	a := newAPI(t, func(c *backend.Config) { c.Store = conflictingStore{Store: c.Store} })
	// The bootstrap token was one write; these are four more.
	a.expect(a.do(a.owner, "PUT", "/v1/environments/development/permissions/p1", `{"name":"P1"}`), 201)
	a.expect(a.do(a.owner, "PUT", "/v1/environments/development/permissions/p2", `{"name":"P2"}`), 201)
	a.expect(a.do(a.owner, "POST", "/v1/environments", `{"slug":"qa","name":"QA"}`, "Idempotency-Key", "k1"), 201)
	a.expect(a.do(a.owner, "POST", "/v1/environments", `{"slug":"qa","name":"QA"}`, "Idempotency-Key", "k1"), 201)
	_, families := scrape(t, a.url+"/metrics", a.owner)
	if got := sample(families, "arbor_store_transaction_retries_total", map[string]string{"mode": "write"}); got != 5 {
		t.Errorf("%v write retries counted, want 5", got)
	}
	// The replay ran twice, once in the transaction the store discarded.
	if got := sample(families, "arbor_idempotent_replays_total", nil); got != 1 {
		t.Errorf("%v idempotent replays counted, want 1", got)
	}
}

// Every route of the API, taken from its OpenAPI document, is counted under
// its own path pattern: a new route cannot leak raw paths into labels.
func TestMetricsLabelEveryRouteByItsPattern(t *testing.T) {
	t.Parallel()
	a := newAPI(t)
	param := regexp.MustCompile(`\{[^}]+\}`)
	want := map[[2]string]bool{}
	for path, item := range a.srv.OpenAPI().Paths {
		concrete := param.ReplaceAllString(path, "probe-0d1e")
		for method, op := range map[string]*huma.Operation{"GET": item.Get, "PUT": item.Put, "POST": item.Post, "DELETE": item.Delete, "PATCH": item.Patch} {
			if op == nil {
				continue
			}
			a.do(a.owner, method, concrete, "")
			want[[2]string{method, path}] = true
		}
	}
	if len(want) < 20 {
		t.Fatalf("only %d routes found in the OpenAPI document", len(want))
	}
	_, families := scrape(t, a.url+"/metrics", a.owner)
	for route := range want {
		if sample(families, "arbor_http_requests_total", map[string]string{"method": route[0], "route": route[1]}) != 1 {
			t.Errorf("%s %s is not counted under its pattern", route[0], route[1])
		}
	}
	for _, m := range families["arbor_http_requests_total"].GetMetric() {
		for _, l := range m.GetLabel() {
			if strings.Contains(l.GetValue(), "probe-0d1e") {
				t.Errorf("a label holds a raw path: %s=%q", l.GetName(), l.GetValue())
			}
		}
	}
}
