package backend_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	arborapi "github.com/arborhq/terraform-provider-arbor/internal/api"
	"github.com/arborhq/terraform-provider-arbor/internal/backend"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

func TestHealthNeedsNoCredential(t *testing.T) {
	a := newAPI(t)
	a.expect(a.do("", "GET", "/healthz", ""), 200)
	a.expect(a.do("", "GET", "/v1/openapi.json", ""), 200)
}

func TestAuthentication(t *testing.T) {
	a := newAPI(t)
	for name, token := range map[string]string{
		"none":           "",
		"garbage":        "nonsense",
		"wrong token":    domain.TokenPrefix + "abcdefgh_" + strings.Repeat("a", 32),
		"altered secret": altered(a.owner),
	} {
		r := a.do(token, "GET", "/v1/whoami", "")
		if r.status != 401 || r.code() != "unauthorized" || r.header.Get("WWW-Authenticate") == "" {
			t.Errorf("%s: status %d code %q, want 401 unauthorized with WWW-Authenticate", name, r.status, r.code())
		}
	}
	who := a.expect(a.do(a.owner, "GET", "/v1/whoami", ""), 200).json()
	if who["kind"] != "account_token" || who["role"] != "owner" {
		t.Errorf("whoami = %v", who)
	}
	key := a.key("production", domain.ScopeReadOnly)
	who = a.expect(a.do(key, "GET", "/v1/whoami", ""), 200).json()
	if who["kind"] != "api_key" || who["environment"] != "production" || who["scope"] != "read_only" {
		t.Errorf("whoami of a key = %v", who)
	}
}

// altered changes a secret's last character.
func altered(secret string) string {
	last := "x"
	if strings.HasSuffix(secret, "x") {
		last = "y"
	}
	return secret[:len(secret)-1] + last
}

func TestBootstrapToken(t *testing.T) {
	a := newAPI(t)
	// A database that has tokens gets no new bootstrap token.
	if _, created, err := a.srv.BootstrapOwnerToken(context.Background(), "other"); err != nil || created {
		t.Fatalf("second bootstrap created=%v err=%v", created, err)
	}
	a.expect(a.do("other", "GET", "/v1/whoami", ""), 401)

	b := startAPI(t, "t")
	who := b.expect(b.do("t", "GET", "/v1/whoami", ""), 200).json()
	if who["role"] != "owner" {
		t.Errorf("operator-supplied bootstrap token: %v", who)
	}
	if toks := b.expect(b.do("t", "GET", "/v1/tokens", ""), 200).json()["items"].([]any); strings.Contains(fmt.Sprint(toks), `prefix:t`) {
		t.Errorf("a short bootstrap token is listed whole: %v", toks)
	}
}

func TestRoles(t *testing.T) {
	a := newAPI(t)
	tokens := map[domain.OperatorRole]string{}
	for _, r := range domain.OperatorRoles {
		tokens[r] = a.token(r)
	}
	permission := `{"name":"Read"}`
	cases := []struct {
		role   domain.OperatorRole
		method string
		path   string
		body   string
		want   int
	}{
		{domain.RoleViewer, "GET", "/v1/environments/development/permissions", "", 200},
		{domain.RoleViewer, "PUT", "/v1/environments/development/permissions/p", permission, 403},
		{domain.RoleMember, "PUT", "/v1/environments/development/permissions/p", permission, 201},
		{domain.RoleMember, "POST", "/v1/environments", `{"slug":"qa","name":"QA"}`, 403},
		{domain.RoleMember, "POST", "/v1/environments/development/api-keys", `{"name":"k","scope":"read_only"}`, 403},
		{domain.RoleMember, "GET", "/v1/audit", "", 403},
		{domain.RoleAdmin, "POST", "/v1/environments", `{"slug":"qa","name":"QA"}`, 201},
		{domain.RoleAdmin, "POST", "/v1/tokens", `{"name":"n","role":"admin"}`, 201},
		{domain.RoleAdmin, "POST", "/v1/tokens", `{"name":"n","role":"owner"}`, 403},
		{domain.RoleOwner, "POST", "/v1/tokens", `{"name":"n","role":"owner"}`, 201},
		{domain.RoleAdmin, "PUT", "/v1/settings", `{"production_write_access":false}`, 200},
		{domain.RoleMember, "PUT", "/v1/settings", `{"production_write_access":true}`, 403},
		// production_member: production only, and only while production write access is on.
		{domain.RoleProductionMember, "GET", "/v1/environments/development/permissions", "", 404},
		{domain.RoleProductionMember, "GET", "/v1/environments/production/permissions", "", 403},
	}
	for _, c := range cases {
		if r := a.do(tokens[c.role], c.method, c.path, c.body); r.status != c.want {
			t.Errorf("%s %s %s: %d, want %d: %s", c.role, c.method, c.path, r.status, c.want, r.body)
		}
	}
	a.expect(a.do(a.owner, "PUT", "/v1/settings", `{"production_write_access":true}`), 200)
	a.expect(a.do(tokens[domain.RoleProductionMember], "PUT", "/v1/environments/production/permissions/p", permission), 201)
	a.expect(a.do(tokens[domain.RoleProductionMember], "GET", "/v1/environments/development/permissions/p", ""), 404)
	envs := a.expect(a.do(tokens[domain.RoleProductionMember], "GET", "/v1/environments", ""), 200).json()["items"].([]any)
	if len(envs) != 1 || envs[0].(map[string]any)["slug"] != "production" {
		t.Errorf("production_member sees environments %v", envs)
	}
}

func TestEnvironmentKeysAreIsolated(t *testing.T) {
	a := newAPI(t)
	a.environment("staging")
	a.expect(a.do(a.owner, "PUT", "/v1/environments/production/permissions/secret.read", `{"name":"x"}`), 201)
	dev := a.key("development", domain.ScopeReadWrite)
	paths := []string{
		"/v1/environments/production",
		"/v1/environments/production/permissions",
		"/v1/environments/production/permissions/secret.read",
		"/v1/environments/production/permissions/missing",
		"/v1/environments/production/api-keys",
		"/v1/environments/staging/permissions",
		"/v1/environments/nowhere/permissions",
	}
	for _, p := range paths {
		for _, method := range []string{"GET", "PUT", "DELETE"} {
			body := ""
			if method == "PUT" {
				body = `{"name":"x"}`
			}
			r := a.do(dev, method, p, body)
			if r.status != 404 && r.status != 405 {
				t.Errorf("development key %s %s: %d, want 404: %s", method, p, r.status, r.body)
			}
			if r.status == 404 && !strings.Contains(string(r.body), "not found") {
				t.Errorf("%s %s: %s", method, p, r.body)
			}
		}
	}
	// A missing environment and a hidden one answer alike.
	hidden := a.do(dev, "GET", "/v1/environments/production/permissions", "")
	missing := a.do(dev, "GET", "/v1/environments/nowhere/permissions", "")
	if strings.Replace(string(hidden.body), "production", "X", 1) != strings.Replace(string(missing.body), "nowhere", "X", 1) {
		t.Errorf("hidden and missing environments answer differently: %s vs %s", hidden.body, missing.body)
	}
	envs := a.expect(a.do(dev, "GET", "/v1/environments", ""), 200).json()["items"].([]any)
	if len(envs) != 1 {
		t.Errorf("a development key lists %d environments", len(envs))
	}
	a.expect(a.do(dev, "PUT", "/v1/environments/development/permissions/p", `{"name":"x"}`), 201)
	ro := a.key("development", domain.ScopeReadOnly)
	a.expect(a.do(ro, "GET", "/v1/environments/development/permissions/p", ""), 200)
	if r := a.expect(a.do(ro, "PUT", "/v1/environments/development/permissions/p", `{"name":"y"}`), 403); !strings.Contains(string(r.body), "read_only") {
		t.Errorf("read_only refusal: %s", r.body)
	}
	a.expect(a.do(ro, "DELETE", "/v1/environments/development/permissions/p", ""), 403)
	// Keys cannot mint keys or tokens.
	a.expect(a.do(dev, "POST", "/v1/environments/development/api-keys", `{"name":"k","scope":"read_write"}`), 403)
	a.expect(a.do(dev, "POST", "/v1/tokens", `{"name":"k","role":"owner"}`), 403)
}

func TestPreconditions(t *testing.T) {
	a := newAPI(t)
	path := "/v1/environments/development/permissions/docs.read"
	r := a.expect(a.do(a.owner, "PUT", path, `{"name":"Read"}`, "If-None-Match", "*"), 201)
	if r.header.Get("ETag") != `"1"` || r.json()["version"].(float64) != 1 {
		t.Fatalf("create: ETag %q body %s", r.header.Get("ETag"), r.body)
	}
	// Create-only on an existing object never takes it over.
	r = a.expect(a.do(a.owner, "PUT", path, `{"name":"Taken"}`, "If-None-Match", "*"), 412)
	if r.code() != "precondition_failed" {
		t.Errorf("code %q", r.code())
	}
	a.expect(a.do(a.owner, "PUT", path, `{"name":"Read v2"}`, "If-Match", `"1"`), 200)
	// A stale version is refused and changes nothing.
	a.expect(a.do(a.owner, "PUT", path, `{"name":"Stale"}`, "If-Match", `"1"`), 412)
	a.expect(a.do(a.owner, "DELETE", path, "", "If-Match", `"1"`), 412)
	got := a.expect(a.do(a.owner, "GET", path, ""), 200).json()
	if got["name"] != "Read v2" || got["version"].(float64) != 2 {
		t.Errorf("after refused writes: %v", got)
	}
	a.expect(a.do(a.owner, "PUT", path, `{"name":"x"}`, "If-Match", "three"), 400)
	a.expect(a.do(a.owner, "PUT", path, `{"name":"x"}`, "If-Match", `"2`), 400)
	// If-Match as RFC 9110 reads it: a list matches when one of its tags
	// does; comparison is strong, so a weak tag never matches; * holds
	// for an object that exists.
	a.expect(a.do(a.owner, "PUT", path, `{"name":"Weak"}`, "If-Match", `W/"2"`), 412)
	a.expect(a.do(a.owner, "PUT", path, `{"name":"Empty"}`, "If-Match", `""`), 412)
	a.expect(a.do(a.owner, "PUT", path, `{"name":"Read v3"}`, "If-Match", `"1", "2"`), 200)
	a.expect(a.do(a.owner, "PUT", path, `{"name":"Read v4"}`, "If-Match", `*`), 200)
	a.expect(a.do(a.owner, "PUT", "/v1/environments/development/permissions/none", `{"name":"x"}`, "If-Match", `*`), 412)
	a.expect(a.do(a.owner, "DELETE", path, "", "If-Match", `"4"`), 204)
	a.expect(a.do(a.owner, "PUT", path, `{"name":"x"}`, "If-Match", `"4"`), 412)
	a.expect(a.do(a.owner, "GET", path, ""), 404)
}

func TestIdempotencyKey(t *testing.T) {
	a := newAPI(t)
	first := a.expect(a.do(a.owner, "POST", "/v1/environments/development/api-keys", `{"name":"ci","scope":"read_write"}`, "Idempotency-Key", "retry-1"), 201)
	again := a.expect(a.do(a.owner, "POST", "/v1/environments/development/api-keys", `{"name":"ci","scope":"read_write"}`, "Idempotency-Key", "retry-1"), 201)
	if string(first.body) != string(again.body) {
		t.Errorf("a retried POST answered differently:\n%s\n%s", first.body, again.body)
	}
	keys := a.expect(a.do(a.owner, "GET", "/v1/environments/development/api-keys", ""), 200).json()["items"].([]any)
	if len(keys) != 1 {
		t.Errorf("%d keys after a retried POST, want 1", len(keys))
	}
	// The same key for another request is refused.
	a.expect(a.do(a.owner, "POST", "/v1/environments/development/api-keys", `{"name":"other","scope":"read_write"}`, "Idempotency-Key", "retry-1"), 409)
	// Keys are per credential: another one's request runs as new, and
	// meets the name the first key holds.
	admin := a.token(domain.RoleAdmin)
	a.expect(a.do(admin, "POST", "/v1/environments/development/api-keys", `{"name":"ci","scope":"read_write"}`, "Idempotency-Key", "retry-1"), 409)
	// Environments too.
	a.expect(a.do(a.owner, "POST", "/v1/environments", `{"slug":"qa","name":"QA"}`, "Idempotency-Key", "env-1"), 201)
	a.expect(a.do(a.owner, "POST", "/v1/environments", `{"slug":"qa","name":"QA"}`, "Idempotency-Key", "env-1"), 201)
	a.expect(a.do(a.owner, "POST", "/v1/environments", `{"slug":"qa","name":"QA"}`), 409)
}

func TestIdempotencyUnderConcurrentRetries(t *testing.T) {
	a := newAPI(t)
	var wg sync.WaitGroup
	statuses := make(chan int, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses <- a.do(a.owner, "POST", "/v1/tokens", `{"name":"once","role":"viewer"}`, "Idempotency-Key", "same").status
		}()
	}
	wg.Wait()
	close(statuses)
	for s := range statuses {
		if s != 201 {
			t.Errorf("status %d", s)
		}
	}
	toks := a.expect(a.do(a.owner, "GET", "/v1/tokens", ""), 200).json()["items"].([]any)
	if len(toks) != 2 {
		t.Errorf("%d tokens, want the bootstrap token and one more", len(toks))
	}
}

func TestEnvironmentOrderingRules(t *testing.T) {
	a := newAPI(t)
	a.environment("staging")
	a.environment("qa")
	order := func() []string {
		var out []string
		for _, e := range a.expect(a.do(a.owner, "GET", "/v1/environments", ""), 200).json()["items"].([]any) {
			out = append(out, e.(map[string]any)["slug"].(string))
		}
		return out
	}
	if got := order(); !slices.Equal(got, []string{"development", "staging", "qa", "production"}) {
		t.Fatalf("order %v", got)
	}
	// Built-in environments cannot be deleted or created again.
	for _, env := range []string{"development", "production"} {
		if r := a.expect(a.do(a.owner, "DELETE", "/v1/environments/"+env, ""), 409); !strings.Contains(string(r.body), "built in") {
			t.Errorf("%s: %s", env, r.body)
		}
		a.expect(a.do(a.owner, "POST", "/v1/environments", `{"slug":"`+env+`","name":"x"}`), 409)
	}
	// The slug is immutable: an update carries only the mutable fields.
	a.expect(a.do(a.owner, "PUT", "/v1/environments/staging", `{"slug":"renamed","name":"Staging"}`), 400)
	r := a.expect(a.do(a.owner, "PUT", "/v1/environments/staging", `{"name":"Staging EU","obfuscate_customer_data":true}`), 200).json()
	if r["slug"] != "staging" || r["name"] != "Staging EU" || r["position"].(float64) != 2 {
		t.Errorf("after rename: %v", r)
	}
	// The default locale is en unless set, checked as a BCP 47 locale;
	// an update that leaves it out sets it back to en, like every field.
	if r["default_locale"] != "en" {
		t.Errorf("default locale: %v", r["default_locale"])
	}
	if r := a.expect(a.do(a.owner, "PUT", "/v1/environments/staging", `{"name":"Staging EU","default_locale":"fr-ca"}`), 400); !strings.Contains(string(r.body), "default_locale") || !strings.Contains(string(r.body), `written \"fr-CA\"`) {
		t.Errorf("bad locale: %s", r.body)
	}
	if r := a.expect(a.do(a.owner, "PUT", "/v1/environments/staging", `{"name":"Staging EU","default_locale":"fr-CA"}`), 200).json(); r["default_locale"] != "fr-CA" {
		t.Errorf("set locale: %v", r)
	}
	if r := a.expect(a.do(a.owner, "GET", "/v1/environments/staging", ""), 200).json(); r["default_locale"] != "fr-CA" {
		t.Errorf("read locale: %v", r)
	}
	if r := a.expect(a.do(a.owner, "POST", "/v1/environments", `{"slug":"de","name":"DE","default_locale":"de-DE"}`), 201).json(); r["default_locale"] != "de-DE" {
		t.Errorf("created with locale: %v", r)
	}
	a.expect(a.do(a.owner, "DELETE", "/v1/environments/de", ""), 204)
	// A non-empty environment needs force; deleting keeps the others' order.
	a.expect(a.do(a.owner, "PUT", "/v1/environments/staging/permissions/p", `{"name":"x"}`), 201)
	a.expect(a.do(a.owner, "DELETE", "/v1/environments/staging", ""), 409)
	a.expect(a.do(a.owner, "DELETE", "/v1/environments/staging?force=true", ""), 204)
	a.environment("uat")
	if got := order(); !slices.Equal(got, []string{"development", "qa", "uat", "production"}) {
		t.Fatalf("order after delete and insert %v", got)
	}
	// The recreated environment starts empty.
	a.environment("staging")
	if items := a.expect(a.do(a.owner, "GET", "/v1/environments/staging/permissions", ""), 200).json()["items"].([]any); len(items) != 0 {
		t.Errorf("recreated environment holds %v", items)
	}
}

func TestValidationNamesFields(t *testing.T) {
	a := newAPI(t)
	cases := map[string]struct{ path, body, field string }{
		"bad key":        {"/v1/environments/development/permissions/bad%20key", `{"name":"x"}`, "key"},
		"empty name":     {"/v1/environments/development/permissions/ok", `{"name":""}`, "name"},
		"missing name":   {"/v1/environments/development/permissions/ok", `{}`, "name"},
		"wrong type":     {"/v1/environments/development/permissions/ok", `{"name":3}`, "name"},
		"unknown field":  {"/v1/environments/development/permissions/ok", `{"name":"x","colour":"red"}`, "colour"},
		"key mismatch":   {"/v1/environments/development/permissions/ok", `{"key":"other","name":"x"}`, "key"},
		"bad slug":       {"/v1/environments", `{"slug":"Prod!","name":"x"}`, "slug"},
		"bad scope":      {"/v1/environments/development/api-keys", `{"name":"x","scope":"everything"}`, "scope"},
		"malformed json": {"/v1/environments/development/permissions/ok", `{"name":`, ""},
	}
	for name, c := range cases {
		method := "PUT"
		if !strings.Contains(c.path, "permissions/") {
			method = "POST"
		}
		r := a.do(a.owner, method, c.path, c.body)
		if r.status != 400 || r.code() != "validation_failed" {
			t.Errorf("%s: %d %s", name, r.status, r.body)
			continue
		}
		if c.field == "" {
			continue
		}
		details, _ := r.json()["details"].([]any)
		found := false
		for _, d := range details {
			if d.(map[string]any)["field"] == c.field {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: no detail names %q: %s", name, c.field, r.body)
		}
	}
}

func TestBodyLimit(t *testing.T) {
	a := newAPI(t, func(c *backend.Config) { c.BodyLimit = 1024 })
	big := `{"name":"x","description":"` + strings.Repeat("a", 2048) + `"}`
	if r := a.do(a.owner, "PUT", "/v1/environments/development/permissions/p", big); r.status != 413 || r.code() != "request_too_large" {
		t.Errorf("oversized body: %d %s", r.status, r.body)
	}
}

func TestRateLimit(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	a := newAPI(t, func(c *backend.Config) {
		c.RateLimit = 2
		c.Now = func() time.Time { return now }
	})
	key := a.key("development", domain.ScopeReadOnly) // the owner's first request
	a.expect(a.do(a.owner, "GET", "/v1/whoami", ""), 200)
	r := a.expect(a.do(a.owner, "GET", "/v1/whoami", ""), 429)
	if r.header.Get("Retry-After") != "1" || r.code() != "rate_limited" {
		t.Errorf("429 without Retry-After: %v %s", r.header, r.body)
	}
	// Other credentials have their own budget, at the same instant.
	a.expect(a.do(key, "GET", "/v1/whoami", ""), 200)
	// The budget refills with time.
	now = now.Add(time.Second)
	a.expect(a.do(a.owner, "GET", "/v1/whoami", ""), 200)
}

// A rate below one request per second still lets requests through.
func TestFractionalRateLimit(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	a := newAPI(t, func(c *backend.Config) {
		c.RateLimit = 0.5
		c.Now = func() time.Time { return now }
	})
	a.expect(a.do(a.owner, "GET", "/v1/whoami", ""), 200)
	a.expect(a.do(a.owner, "GET", "/v1/whoami", ""), 429)
	now = now.Add(2 * time.Second)
	a.expect(a.do(a.owner, "GET", "/v1/whoami", ""), 200)
}

func TestPagination(t *testing.T) {
	a := newAPI(t)
	for i := range 7 {
		a.expect(a.do(a.owner, "PUT", fmt.Sprintf("/v1/environments/development/permissions/p%d", i), `{"name":"x"}`), 201)
	}
	var keys []string
	path := "/v1/environments/development/permissions?limit=3"
	for pages := 0; ; pages++ {
		page := a.expect(a.do(a.owner, "GET", path, ""), 200).json()
		for _, it := range page["items"].([]any) {
			keys = append(keys, it.(map[string]any)["key"].(string))
		}
		next, _ := page["next_cursor"].(string)
		if next == "" {
			break
		}
		if pages > 5 {
			t.Fatal("pagination does not end")
		}
		path = "/v1/environments/development/permissions?limit=3&cursor=" + next
	}
	if fmt.Sprint(keys) != "[p0 p1 p2 p3 p4 p5 p6]" {
		t.Errorf("keys %v", keys)
	}
	a.expect(a.do(a.owner, "GET", "/v1/environments/development/permissions?cursor=!!", ""), 400)
	a.expect(a.do(a.owner, "GET", "/v1/environments/development/permissions?limit=0", ""), 400)
}

// The audit log's filters (the console's audit page offers the same) keep
// the entries of one kind and of one actor, with the environment's.
func TestAuditFilters(t *testing.T) {
	a := newAPI(t)
	admin := a.token(domain.RoleAdmin)
	a.expect(a.do(a.owner, "PUT", "/v1/environments/development/permissions/p", `{"name":"x"}`), 201)
	a.expect(a.do(admin, "PUT", "/v1/environments/development/roles/r", `{"name":"r","permissions":["p"]}`), 201)
	a.expect(a.do(admin, "PUT", "/v1/environments/development/permissions/q", `{"name":"q"}`), 201)
	adminActor := a.expect(a.do(admin, "GET", "/v1/whoami", ""), 200).json()
	actor := "token:" + adminActor["id"].(string) + " (" + adminActor["name"].(string) + ")"
	keys := func(query string) []string {
		var out []string
		for _, e := range a.expect(a.do(a.owner, "GET", "/v1/audit?"+query, ""), 200).json()["items"].([]any) {
			out = append(out, e.(map[string]any)["key"].(string))
		}
		return out
	}
	if got := keys("kind=permission"); !slices.Equal(got, []string{"q", "p"}) {
		t.Errorf("kind=permission: %v", got)
	}
	if got := keys("actor=" + url.QueryEscape(actor)); !slices.Equal(got, []string{"q", "r"}) {
		t.Errorf("actor=%s: %v", actor, got)
	}
	if got := keys("actor=" + url.QueryEscape(actor) + "&kind=permission&environment=development&limit=5"); !slices.Equal(got, []string{"q"}) {
		t.Errorf("all three: %v", got)
	}
	if got := keys("kind=permission&environment=production"); len(got) != 0 {
		t.Errorf("another environment: %v", got)
	}
}

func TestAuditRecordsEveryWrite(t *testing.T) {
	a := newAPI(t)
	a.environment("staging")
	a.expect(a.do(a.owner, "PUT", "/v1/environments/staging/permissions/p", `{"name":"x"}`), 201)
	a.expect(a.do(a.owner, "PUT", "/v1/environments/staging/permissions/p", `{"name":"y"}`), 200)
	a.expect(a.do(a.owner, "DELETE", "/v1/environments/staging/permissions/p", ""), 204)
	// A refused write is not recorded.
	a.do(a.owner, "DELETE", "/v1/environments/staging/permissions/p", "")
	entries := a.expect(a.do(a.owner, "GET", "/v1/audit?environment=staging", ""), 200).json()["items"].([]any)
	var got []string
	for _, e := range entries {
		m := e.(map[string]any)
		got = append(got, fmt.Sprintf("%s %s %s", m["action"], m["kind"], m["key"]))
		if !strings.HasPrefix(m["actor"].(string), "token:") {
			t.Errorf("actor %v", m["actor"])
		}
	}
	want := []string{"delete permission p", "update permission p", "create permission p", "create environment staging"}
	if !slices.Equal(got, want) {
		t.Errorf("audit %v, want %v", got, want)
	}
}

func TestSecretsNeverStoredInClear(t *testing.T) {
	a := newAPI(t)
	key := a.key("development", domain.ScopeReadWrite)
	token := a.token(domain.RoleAdmin)
	// Through an Idempotency-Key too, whose response is remembered.
	idem := a.expect(a.do(a.owner, "POST", "/v1/tokens", `{"name":"n","role":"viewer"}`, "Idempotency-Key", "k"), 201).json()["secret"].(string)
	raw := string(a.databaseBytes())
	for name, secret := range map[string]string{"API key": key, "token": token, "token created idempotently": idem, "owner token": a.owner} {
		if strings.Contains(raw, secret) {
			t.Errorf("the %s secret is stored in clear", name)
		}
		// The part after the public id is never stored either.
		if i := strings.LastIndex(secret, "_"); i > 0 && strings.Contains(raw, secret[i+1:]) {
			t.Errorf("the private part of the %s secret is stored in clear", name)
		}
	}
}

func TestClientRoutesAreDocumented(t *testing.T) {
	a := newAPI(t)
	doc := a.srv.OpenAPI()
	documented := map[string]bool{}
	for p, item := range doc.Paths {
		for method, op := range map[string]any{"GET": item.Get, "PUT": item.Put, "POST": item.Post, "DELETE": item.Delete, "PATCH": item.Patch} {
			if op != nil && fmt.Sprint(op) != "<nil>" {
				documented[method+" "+p] = true
			}
		}
	}
	for _, r := range arborapi.All() {
		if !documented[r.String()] {
			t.Errorf("the client calls %s, which the OpenAPI document does not describe", r)
		}
	}
	// Every documented route is served: none answers the router's 404/405.
	for r := range documented {
		method, p, _ := strings.Cut(r, " ")
		p = strings.NewReplacer("{env}", "development", "{key}", "k", "{id}", "i", "{identity_key}", "i", "{role_key}", "r", "{node_key}", "n").Replace(p)
		resp := a.do(a.owner, method, p, "")
		if resp.status == http.StatusMethodNotAllowed || (resp.status == 404 && !strings.Contains(string(resp.body), `"code"`)) {
			t.Errorf("documented %s is not served: %d %s", r, resp.status, resp.body)
		}
	}
}

func TestIdempotencyKeysExpire(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	a := newAPI(t, func(c *backend.Config) { c.Now = func() time.Time { return now } })
	first := a.expect(a.do(a.owner, "POST", "/v1/tokens", `{"name":"n","role":"viewer"}`, "Idempotency-Key", "k"), 201).json()
	now = now.Add(25 * time.Hour)
	second := a.expect(a.do(a.owner, "POST", "/v1/tokens", `{"name":"n","role":"viewer"}`, "Idempotency-Key", "k"), 201).json()
	if first["id"] == second["id"] {
		t.Error("a key older than 24 hours still replays its first response")
	}
}

// A write retried after it was committed (its answer lost on the way)
// replays the first answer, secret shown once included, instead of failing
// the preconditions the first write changed.
func TestRetriedWritesReplay(t *testing.T) {
	a := newAPI(t)
	path := "/v1/environments/development/oauth-clients/dashboard"
	body := `{"name":"Dashboard","redirect_uris":["https://app.example.com/cb"],"scopes":["openid"]}`
	first := a.expect(a.do(a.owner, "PUT", path, body, "If-None-Match", "*", "Idempotency-Key", "create-1"), 201)
	again := a.expect(a.do(a.owner, "PUT", path, body, "If-None-Match", "*", "Idempotency-Key", "create-1"), 201)
	if string(first.body) != string(again.body) || first.json()["client_secret"] == nil {
		t.Fatalf("the retried create did not replay the first answer:\n%s\n%s", first.body, again.body)
	}
	renamed := strings.Replace(body, "Dashboard", "Customer dashboard", 1)
	a.expect(a.do(a.owner, "PUT", path, renamed, "If-Match", `"1"`, "Idempotency-Key", "update-1"), 200)
	if got := a.expect(a.do(a.owner, "PUT", path, renamed, "If-Match", `"1"`, "Idempotency-Key", "update-1"), 200).json(); got["version"] != 2.0 {
		t.Errorf("the retried update wrote again: %v", got)
	}
	// Without the key the same retry fails its precondition, as it must.
	a.expect(a.do(a.owner, "PUT", path, renamed, "If-Match", `"1"`), 412)
	// A key reused for another write is refused.
	a.expect(a.do(a.owner, "PUT", path, body, "If-Match", `"2"`, "Idempotency-Key", "update-1"), 409)
}
