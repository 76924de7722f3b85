package client_test

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/arborhq/terraform-provider-arbor/internal/client"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// scripted answers requests with the given statuses in turn, then 200.
type scripted struct {
	mu       sync.Mutex
	statuses []int
	header   http.Header
	calls    int
	times    []time.Time
	ua       string
}

func (s *scripted) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.times = append(s.times, time.Now())
	s.ua = r.Header.Get("User-Agent")
	status := http.StatusOK
	if s.calls < len(s.statuses) {
		status = s.statuses[s.calls]
	}
	s.calls++
	for k, v := range s.header {
		w.Header()[k] = v
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if status >= 400 {
		_, _ = w.Write([]byte(`{"code":"x","message":"scripted failure"}`))
		return
	}
	_, _ = w.Write([]byte(`{"kind":"api_key","environment":"development"}`))
}

func newClient(t *testing.T, h http.Handler, cfg client.Config) *client.Client {
	t.Helper()
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	cfg.Endpoint = ts.URL
	if cfg.RetryWaitMin == 0 {
		cfg.RetryWaitMin = time.Millisecond
	}
	if cfg.RetryWaitMax == 0 {
		cfg.RetryWaitMax = 10 * time.Millisecond
	}
	c, err := client.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestRetriesTransientFailures(t *testing.T) {
	for _, status := range []int{429, 500, 502, 503} {
		s := &scripted{statuses: []int{status, status}}
		c := newClient(t, s, client.Config{MaxRetries: 3})
		if _, err := c.Whoami(context.Background()); err != nil {
			t.Errorf("%d twice then 200: %v", status, err)
		}
		if s.calls != 3 {
			t.Errorf("%d: %d calls, want 3", status, s.calls)
		}
	}
}

func TestNeverRetriesOther4xx(t *testing.T) {
	for _, status := range []int{400, 401, 403, 404, 409, 412, 413} {
		s := &scripted{statuses: []int{status}}
		c := newClient(t, s, client.Config{MaxRetries: 3})
		_, err := c.Whoami(context.Background())
		if client.StatusOf(err) != status {
			t.Errorf("%d: error %v", status, err)
		}
		if s.calls != 1 {
			t.Errorf("%d: %d calls, want 1", status, s.calls)
		}
		if !strings.Contains(err.Error(), "scripted failure") {
			t.Errorf("%d: the API's message is lost: %v", status, err)
		}
	}
}

func TestRetriesAreBounded(t *testing.T) {
	s := &scripted{statuses: []int{503, 503, 503, 503, 503, 503}}
	c := newClient(t, s, client.Config{MaxRetries: 2})
	_, err := c.Whoami(context.Background())
	if client.StatusOf(err) != 503 || s.calls != 3 {
		t.Errorf("error %v after %d calls; want the 503 after 3 calls", err, s.calls)
	}
}

func TestHonoursRetryAfter(t *testing.T) {
	s := &scripted{statuses: []int{429}, header: http.Header{"Retry-After": {"1"}}}
	c := newClient(t, s, client.Config{MaxRetries: 2, RetryWaitMax: 5 * time.Second})
	if _, err := c.Whoami(context.Background()); err != nil {
		t.Fatal(err)
	}
	if gap := s.times[1].Sub(s.times[0]); gap < 900*time.Millisecond {
		t.Errorf("retried after %v, but Retry-After asked for 1s", gap)
	}
}

func TestRetriesConnectionErrors(t *testing.T) {
	// A server that accepts each connection and hangs up at once.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ln.Close() })
	var accepted atomic.Int64
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			_ = conn.Close()
		}
	}()
	c, err := client.New(client.Config{Endpoint: "http://" + ln.Addr().String(), MaxRetries: 2, RetryWaitMin: time.Millisecond, RetryWaitMax: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Whoami(context.Background()); err == nil {
		t.Fatal("a server that hangs up answered")
	}
	if n := accepted.Load(); n != 3 {
		t.Errorf("%d connections, want 3: the first attempt and 2 retries", n)
	}
}

func TestMaxConcurrency(t *testing.T) {
	var inFlight, peak atomic.Int64
	release := make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		<-release
		_, _ = w.Write([]byte(`{}`))
	})
	c := newClient(t, h, client.Config{MaxConcurrency: 3})
	var wg sync.WaitGroup
	for range 10 {
		wg.Add(1)
		go func() { defer wg.Done(); _, _ = c.Whoami(context.Background()) }()
	}
	time.Sleep(200 * time.Millisecond)
	close(release)
	wg.Wait()
	if peak.Load() != 3 {
		t.Errorf("peak concurrency %d, want 3", peak.Load())
	}
}

func TestUserAgent(t *testing.T) {
	s := &scripted{}
	c := newClient(t, s, client.Config{UserAgent: "terraform-provider-arbor/1.2.3 Terraform/1.11.4"})
	if _, err := c.Whoami(context.Background()); err != nil {
		t.Fatal(err)
	}
	if s.ua != "terraform-provider-arbor/1.2.3 Terraform/1.11.4" {
		t.Errorf("User-Agent %q", s.ua)
	}
}

func TestLogsNeverShowSecrets(t *testing.T) {
	const token = "arbt_abcdefgh_verysecretpartofthetoken0000000"
	const created = "arbk_ijklmnop_theapikeysecretpart00000000000000"
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(201)
		_, _ = w.Write([]byte(`{"id":"ijklmnop","secret":"` + created + `"}`))
	})
	c := newClient(t, h, client.Config{Token: token})
	var logs bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &logs)
	if _, err := c.CreateAPIKey(ctx, "development", domain.APIKeyInput{Name: "x", Scope: domain.ScopeReadOnly}); err != nil {
		t.Fatal(err)
	}
	out := logs.String()
	if !strings.Contains(out, "arbor API request") || !strings.Contains(out, "arbor API response") {
		t.Fatalf("requests are not logged: %s", out)
	}
	for _, secret := range []string{token, created, "verysecretpart", "theapikeysecret"} {
		if strings.Contains(out, secret) {
			t.Errorf("the log shows %q:\n%s", secret, out)
		}
	}
}

func TestPostsCarryAnIdempotencyKeyAcrossRetries(t *testing.T) {
	var mu sync.Mutex
	var keys []string
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		keys = append(keys, r.Header.Get("Idempotency-Key"))
		n := len(keys)
		mu.Unlock()
		if n == 1 {
			w.WriteHeader(503)
			return
		}
		_, _ = w.Write([]byte(`{"slug":"qa"}`))
	})
	c := newClient(t, h, client.Config{MaxRetries: 2})
	if _, err := c.CreateEnvironment(context.Background(), domain.NewEnvironmentInput{Slug: "qa"}); err != nil {
		t.Fatal(err)
	}
	if len(keys) != 2 || keys[0] == "" || keys[0] != keys[1] {
		t.Errorf("Idempotency-Key across a retry: %q", keys)
	}
}

// A role assignment's key is its triple: three path segments, each
// escaped on its own.
func TestRoleAssignmentPaths(t *testing.T) {
	var paths []string
	var mu sync.Mutex
	c := newClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		paths = append(paths, r.Method+" "+r.URL.EscapedPath())
		mu.Unlock()
		_, _ = w.Write([]byte(`{}`))
	}), client.Config{})
	ctx := context.Background()
	assignments := client.Objects[domain.RoleAssignment](c, domain.KindRoleAssignment)
	key := domain.RoleAssignmentKey("ada@example.com", "editor", "emea:fr")
	if _, err := assignments.Get(ctx, "development", key); err != nil {
		t.Fatal(err)
	}
	if err := assignments.Delete(ctx, "development", key, client.Cond{}); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"GET /v1/environments/development/role-assignments/ada@example.com/editor/emea:fr",
		"DELETE /v1/environments/development/role-assignments/ada@example.com/editor/emea:fr",
	}
	if strings.Join(paths, "\n") != strings.Join(want, "\n") {
		t.Errorf("paths:\n%s\nwant:\n%s", strings.Join(paths, "\n"), strings.Join(want, "\n"))
	}
}

func TestPathsAreEscapedOnce(t *testing.T) {
	var got string
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.URL.EscapedPath()
		_, _ = w.Write([]byte(`{}`))
	})
	c := newClient(t, h, client.Config{})
	if _, err := client.Objects[map[string]any](c, domain.KindTenant).Get(context.Background(), "development", "org/7 b"); err != nil {
		t.Fatal(err)
	}
	if got != "/v1/environments/development/tenants/org%2F7%20b" {
		t.Errorf("requested %q", got)
	}
}

func TestPutsCarryAnIdempotencyKeyAcrossRetries(t *testing.T) {
	var mu sync.Mutex
	var keys []string
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		keys = append(keys, r.Header.Get("Idempotency-Key"))
		n := len(keys)
		mu.Unlock()
		if n == 1 {
			w.WriteHeader(502)
			return
		}
		_, _ = w.Write([]byte(`{"key":"p","name":"P"}`))
	})
	c := newClient(t, h, client.Config{MaxRetries: 2})
	if _, err := client.Objects[domain.Permission](c, domain.KindPermission).Put(context.Background(), "development", "p", &domain.Permission{Name: "P"}, client.Cond{CreateOnly: true}); err != nil {
		t.Fatal(err)
	}
	if len(keys) != 2 || keys[0] == "" || keys[0] != keys[1] {
		t.Errorf("Idempotency-Key across a retry: %q", keys)
	}
}
