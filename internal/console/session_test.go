package console_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/arborhq/terraform-provider-arbor/internal/console"
)

func TestSignInSetsASessionCookieThatIsNotTheToken(t *testing.T) {
	s := newSite(t)
	b := s.browser()
	b.get("/console/environments").expect(t, http.StatusSeeOther)
	p := b.signIn(s.owner)
	if loc := p.header.Get("Location"); loc != "/console/environments" {
		t.Errorf("redirected to %q", loc)
	}
	cookies := (&http.Response{Header: p.header}).Cookies()
	if len(cookies) != 1 {
		t.Fatalf("cookies: %v", cookies)
	}
	ck := cookies[0]
	if !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode || ck.Path != "/console/" || ck.Secure {
		t.Errorf("cookie attributes: %+v", ck)
	}
	if strings.Contains(ck.Value, s.owner) || len(ck.Value) < 32 {
		t.Errorf("cookie value %q", ck.Value)
	}
	b.get("/console/environments").expect(t, http.StatusOK, "Development", "Production", "bootstrap owner")
}

func TestSignInRefusesWrongTokensAndAPIKeys(t *testing.T) {
	s := newSite(t)
	var key struct {
		Secret string `json:"secret"`
	}
	s.api(s.owner, "POST", "/v1/environments/development/api-keys", `{"name":"ci","scope":"read_only"}`, &key)
	for _, token := range []string{"", "arbt_nope", key.Secret, s.owner + "x"} {
		b := s.browser()
		b.post("/console/sign-in", url.Values{"token": {token}}).expect(t, http.StatusUnauthorized, "account token")
		b.get("/console/environments").expect(t, http.StatusSeeOther)
	}
}

func TestSignOutEndsTheSession(t *testing.T) {
	s := newSite(t)
	b := s.browser()
	b.signIn(s.owner)
	b.get("/console/environments").expect(t, http.StatusOK)
	kept := b.c.Jar.Cookies(mustURL(s.url + "/console/"))
	b.post("/console/sign-out", url.Values{}).expect(t, http.StatusSeeOther)
	b.get("/console/environments").expect(t, http.StatusSeeOther)
	// The old cookie, sent again, no longer opens anything.
	again := s.browser()
	again.c.Jar.SetCookies(mustURL(s.url+"/console/"), kept)
	again.get("/console/environments").expect(t, http.StatusSeeOther)
}

func TestRevokingTheTokenEndsItsSessions(t *testing.T) {
	s := newSite(t)
	viewer := s.token("viewer")
	b := s.browser()
	b.signIn(viewer)
	b.get("/console/environments").expect(t, http.StatusOK, "viewer")
	var who struct {
		ID string `json:"id"`
	}
	s.api(viewer, "GET", "/v1/whoami", "", &who)
	if st := s.api(s.owner, "DELETE", "/v1/tokens/"+who.ID, "", nil); st != http.StatusNoContent {
		t.Fatalf("revoking: %d", st)
	}
	b.get("/console/environments").expect(t, http.StatusSeeOther)
}

func TestSessionsExpireWhenIdleAndAbsolutely(t *testing.T) {
	now := time.Now()
	clock := func() time.Time { return now }
	s := newSite(t, func(c *console.Config) {
		c.Now = clock
		c.IdleTimeout = 10 * time.Minute
		c.MaxAge = time.Hour
	})
	b := s.browser()
	b.signIn(s.owner)
	// Used every 9 minutes, the session lives until its absolute end.
	for range 6 {
		now = now.Add(9 * time.Minute)
		b.get("/console/environments").expect(t, http.StatusOK)
	}
	now = now.Add(7 * time.Minute)
	b.get("/console/environments").expect(t, http.StatusSeeOther)

	idle := s.browser()
	idle.signIn(s.owner)
	now = now.Add(11 * time.Minute)
	idle.get("/console/environments").expect(t, http.StatusSeeOther)
}

func TestCrossSiteFormsAreRefused(t *testing.T) {
	s := newSite(t, func(c *console.Config) { c.TrustedOrigins = []string{"https://arbor.example.com"} })
	b := s.browser()
	b.signIn(s.owner)
	form := url.Values{"slug": {"evil"}, "name": {"Evil"}}
	b.do("POST", "/console/environments", form, "Sec-Fetch-Site", "cross-site").expect(t, http.StatusForbidden, "another site")
	b.do("POST", "/console/environments", form, "Sec-Fetch-Site", "", "Origin", "https://evil.example").expect(t, http.StatusForbidden)
	if st := s.api(s.owner, "GET", "/v1/environments/evil", "", nil); st != http.StatusNotFound {
		t.Errorf("a refused form wrote: %d", st)
	}
	// The public URL behind a proxy is trusted.
	b.do("POST", "/console/environments", form, "Sec-Fetch-Site", "", "Origin", "https://arbor.example.com").expect(t, http.StatusSeeOther)
}

func TestConsoleOff(t *testing.T) {
	st := newSite(t)
	off := newServer(t, console.Mount(st.srv.Handler(), nil))
	resp, err := http.Get(off + "/console/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("/console/ with the console off: %d", resp.StatusCode)
	}
	resp, err = http.Get(off + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("/healthz: %d", resp.StatusCode)
	}
}

func TestConsoleRootOpensTheEnvironments(t *testing.T) {
	s := newSite(t)
	b := s.browser()
	b.signIn(s.owner)
	p := b.get("/console/").expect(t, http.StatusSeeOther)
	if loc := p.header.Get("Location"); loc != "/console/environments" {
		t.Errorf("/console/ redirects to %q", loc)
	}
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}
