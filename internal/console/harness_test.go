package console_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/arborhq/terraform-provider-arbor/internal/backend"
	"github.com/arborhq/terraform-provider-arbor/internal/console"
	"github.com/arborhq/terraform-provider-arbor/internal/store/database"
)

// site is a real backend with its console, served as serve serves them.
type site struct {
	t     testing.TB
	srv   *backend.Server
	store *database.Database
	url   string
	owner string
	now   time.Time
}

type siteOption func(*console.Config)

func newSite(t testing.TB, opts ...siteOption) *site {
	t.Helper()
	st, err := database.Open(context.Background(), filepath.Join(t.TempDir(), "arbor.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	sealer, err := backend.OpenSealer(context.Background(), st, st.KeyFile)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := backend.New(backend.Config{Store: st, Sealer: sealer})
	if err != nil {
		t.Fatal(err)
	}
	owner, _, err := srv.BootstrapOwnerToken(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	s := &site{t: t, srv: srv, store: st, owner: owner}
	cfg := console.Config{Backend: srv, Store: st, Logger: slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))}
	for _, o := range opts {
		o(&cfg)
	}
	web, err := console.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(console.Mount(srv.Handler(), web))
	t.Cleanup(ts.Close)
	s.url = ts.URL
	return s
}

// api calls the JSON API with a bearer token and decodes the answer.
func (s *site) api(token, method, path, body string, out any) int {
	s.t.Helper()
	req, err := http.NewRequest(method, s.url+path, strings.NewReader(body))
	if err != nil {
		s.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if out != nil && resp.StatusCode < 300 {
		if err := json.Unmarshal(b, out); err != nil {
			s.t.Fatalf("%s %s: %v: %s", method, path, err, b)
		}
	}
	if resp.StatusCode >= 300 && out != nil {
		s.t.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, b)
	}
	return resp.StatusCode
}

// token creates an account token of role and returns its secret.
func (s *site) token(role string) string {
	s.t.Helper()
	var out struct {
		Secret string `json:"secret"`
	}
	s.api(s.owner, "POST", "/v1/tokens", `{"name":"`+role+` person","role":"`+role+`"}`, &out)
	return out.Secret
}

// browser is an HTTP client with a cookie jar, as a browser holds a
// session; it sends Sec-Fetch-Site as browsers do on their own forms.
type browser struct {
	s *site
	c *http.Client
}

func (s *site) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{s: s, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

type page struct {
	status int
	header http.Header
	body   string
}

func (b *browser) do(method, path string, form url.Values, header ...string) page {
	b.s.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.s.url+path, body)
	if err != nil {
		b.s.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.s.t.Fatal(err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	io.Copy(&buf, resp.Body)
	return page{status: resp.StatusCode, header: resp.Header, body: buf.String()}
}

func (b *browser) get(path string) page { return b.do("GET", path, nil) }

func (b *browser) post(path string, form url.Values) page { return b.do("POST", path, form) }

// signIn signs in with token and fails the test unless it worked.
func (b *browser) signIn(token string) page {
	b.s.t.Helper()
	p := b.post("/console/sign-in", url.Values{"token": {token}})
	if p.status != http.StatusSeeOther {
		b.s.t.Fatalf("sign-in: %d %s", p.status, p.body)
	}
	return p
}

// expect fails the test unless the page has status and contains each of
// texts.
func (p page) expect(t testing.TB, status int, texts ...string) page {
	t.Helper()
	if p.status != status {
		t.Fatalf("status %d, want %d: %s", p.status, status, p.body)
	}
	for _, text := range texts {
		if !strings.Contains(p.body, text) {
			t.Fatalf("page lacks %q:\n%s", text, p.body)
		}
	}
	return p
}

// testWriter sends the console's log to the test's.
type testWriter struct{ t testing.TB }

func (w testWriter) Write(b []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(b)))
	return len(b), nil
}

func newServer(t testing.TB, h http.Handler) string {
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return ts.URL
}
