package console_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

func TestProductionWriteAccessIsTurnedOnAfterItsReview(t *testing.T) {
	s := newSite(t)
	s.token("production_member")
	b := s.browser()
	b.signIn(s.owner)
	b.get("/console/settings").expect(t, http.StatusOK, "Production write access is <strong>off</strong>", "Turn production write access on")
	review := b.get("/console/settings/review?production_write_access=true").expect(t, http.StatusOK, "1 token(s) hold it", "production_member person")
	var settings struct {
		ProductionWriteAccess bool `json:"production_write_access"`
	}
	s.api(s.owner, "GET", "/v1/settings", "", &settings)
	if settings.ProductionWriteAccess {
		t.Fatal("the review wrote")
	}
	form := url.Values{"production_write_access": {"true"}, "version": {hidden(t, review.body, "version")}, "reviewed": {hidden(t, review.body, "reviewed")}}
	// A production member's token made after the review: what it said
	// switching changes no longer holds, and the confirm is refused.
	s.token("production_member")
	b.post("/console/settings", form).expect(t, http.StatusPreconditionFailed, "no longer what you reviewed", "2 token(s) hold it")
	s.api(s.owner, "GET", "/v1/settings", "", &settings)
	if settings.ProductionWriteAccess {
		t.Fatal("a stale review's confirm wrote")
	}
	review = b.get("/console/settings/review?production_write_access=true").expect(t, http.StatusOK, "2 token(s) hold it")
	form.Set("reviewed", hidden(t, review.body, "reviewed"))
	// One member's token revoked and another made: as many as reviewed,
	// but not the tokens the review named.
	var tokens struct {
		Items []struct{ ID, Role string } `json:"items"`
	}
	s.api(s.owner, "GET", "/v1/tokens", "", &tokens)
	for _, tok := range tokens.Items {
		if tok.Role == "production_member" {
			s.api(s.owner, "DELETE", "/v1/tokens/"+tok.ID, "", nil)
			break
		}
	}
	s.token("production_member")
	b.post("/console/settings", form).expect(t, http.StatusPreconditionFailed, "no longer what you reviewed", "2 token(s) hold it")
	review = b.get("/console/settings/review?production_write_access=true").expect(t, http.StatusOK, "2 token(s) hold it")
	form.Set("reviewed", hidden(t, review.body, "reviewed"))
	// A value that is not a boolean is refused, never read as false.
	for _, bad := range []string{"maybe", "on", "1"} {
		b.get("/console/settings/review?production_write_access="+bad).expect(t, http.StatusBadRequest, "production_write_access must be true or false")
		bad := url.Values{"production_write_access": {bad}, "version": form["version"], "reviewed": form["reviewed"]}
		b.post("/console/settings", bad).expect(t, http.StatusBadRequest, "production_write_access must be true or false")
	}
	b.post("/console/settings", form).expect(t, http.StatusSeeOther)
	s.api(s.owner, "GET", "/v1/settings", "", &settings)
	if !settings.ProductionWriteAccess {
		t.Fatal("not turned on")
	}
	b.get("/console/settings?saved=1").expect(t, http.StatusOK, "is <strong>on</strong>")
	b.get("/console/settings/review?production_write_access=true").expect(t, http.StatusOK, "already <strong>on</strong>: nothing would change")
	// What was born in production is counted, and counted again after
	// each write there.
	b.get("/console/settings/review?production_write_access=false").expect(t, http.StatusOK, "(no object)")
	s.api(s.owner, "PUT", "/v1/environments/production/partials/button", samples["partial"].body, &struct{}{})
	b.get("/console/settings/review?production_write_access=false").expect(t, http.StatusOK, "(1 partial)", "becomes read-only")
	s.api(s.owner, "PUT", "/v1/environments/production/partials/footer", samples["partial"].body, &struct{}{})
	b.get("/console/settings/review?production_write_access=false").expect(t, http.StatusOK, "(2 partials)")
	// The same form again carries a stale version: refused, shown again.
	form.Set("production_write_access", "false")
	b.post("/console/settings", form).expect(t, http.StatusPreconditionFailed, "Turning production write access <strong>off</strong>")
}

func TestTokensAreCreatedShownOnceAndRevoked(t *testing.T) {
	s := newSite(t)
	b := s.browser()
	b.signIn(s.owner)
	page := b.get("/console/tokens").expect(t, http.StatusOK, "bootstrap owner", "Create token")
	created := b.post("/console/tokens", url.Values{"name": {"support"}, "role": {"viewer"}, "idempotency_key": {hidden(t, page.body, "idempotency_key")}}).
		expect(t, http.StatusOK, "shown only this once")
	secret := regexp.MustCompile(`<code class="secret">([^<]+)</code>`).FindStringSubmatch(created.body)
	if secret == nil {
		t.Fatal("no secret shown")
	}
	var who struct {
		ID   string `json:"id"`
		Role string `json:"role"`
	}
	s.api(secret[1], "GET", "/v1/whoami", "", &who)
	if who.Role != "viewer" {
		t.Fatalf("created token: %+v", who)
	}
	// The write is audited under the signed-in token, as through the API.
	var owner struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}
	s.api(s.owner, "GET", "/v1/whoami", "", &owner)
	var audit struct {
		Items []struct {
			Actor, Action, Key string
		} `json:"items"`
	}
	s.api(s.owner, "GET", "/v1/audit?kind=token&limit=1", "", &audit)
	if len(audit.Items) != 1 || audit.Items[0].Actor != "token:"+owner.ID+" ("+owner.Name+")" || audit.Items[0].Key != who.ID {
		t.Errorf("audit of the console's write: %+v", audit.Items)
	}
	// The list never shows a secret again.
	if strings.Contains(b.get("/console/tokens").body, secret[1]) {
		t.Error("the list shows the secret")
	}
	b.post("/console/tokens", url.Values{"name": {""}, "role": {"boss"}}).expect(t, http.StatusBadRequest, "role")
	b.post("/console/tokens/"+who.ID+"/delete", url.Values{}).expect(t, http.StatusSeeOther)
	if st := s.api(secret[1], "GET", "/v1/whoami", "", nil); st != http.StatusUnauthorized {
		t.Errorf("revoked token answers %d", st)
	}
}

func TestAuditPageFiltersAsTheAPIDoes(t *testing.T) {
	s := newSite(t)
	s.api(s.owner, "PUT", "/v1/environments/development/permissions/p", `{"name":"P"}`, &struct{}{})
	s.api(s.owner, "PUT", "/v1/environments/development/roles/r", `{"name":"R","permissions":["p"]}`, &struct{}{})
	b := s.browser()
	b.signIn(s.owner)
	p := b.get("/console/audit?kind=role").expect(t, http.StatusOK, "<code>r</code>")
	if strings.Contains(p.body, "<code>p</code>") {
		t.Error("kind=role shows a permission")
	}
	b.get("/console/audit?environment=production&kind=role").expect(t, http.StatusOK, "No entries.")
	b.signIn(s.token("viewer"))
	b.get("/console/audit").expect(t, http.StatusForbidden)
}

func TestIdentitiesPaginate(t *testing.T) {
	s := newSite(t)
	for i := range 60 {
		key := "person-" + string(rune('a'+i/26)) + string(rune('a'+i%26))
		s.api(s.owner, "PUT", "/v1/identities/"+key, `{"name":"P","email":"`+key+`@example.com"}`, &struct{}{})
	}
	b := s.browser()
	b.signIn(s.owner)
	first := b.get("/console/identities").expect(t, http.StatusOK, "person-aa", "Next page")
	if strings.Contains(first.body, "person-ch") {
		t.Error("the first page shows everything")
	}
	next := regexp.MustCompile(`href="(\?cursor=[^"]+)" rel="next"`).FindStringSubmatch(first.body)
	b.get("/console/identities"+unescapeHTML(next[1])).expect(t, http.StatusOK, "person-ch")
}

// An operator creates an environment's API key on its page, sees the
// secret once, and revokes it; the key then reaches nothing. A viewer,
// whom the API refuses the keys, is refused the page and its forms.
func TestAPIKeysAreCreatedShownOnceAndRevoked(t *testing.T) {
	s := newSite(t)
	b := s.browser()
	b.signIn(s.owner)
	page := b.get("/console/environments/development/api-keys").expect(t, http.StatusOK, "No API keys in development", "Create an API key")
	form := url.Values{"name": {"ci"}, "scope": {"read_only"}, "idempotency_key": {hidden(t, page.body, "idempotency_key")}}
	b.post("/console/environments/development/api-keys", url.Values{"name": {"ci"}, "scope": {"everything"}}).
		expect(t, http.StatusBadRequest, `<p class="field-error" id="scope-error">expected value to be one of`)
	created := b.post("/console/environments/development/api-keys", form).expect(t, http.StatusOK, "shown only this once", "read_only")
	secret := regexp.MustCompile(`<code class="secret">([^<]+)</code>`).FindStringSubmatch(created.body)
	if secret == nil {
		t.Fatal("no secret shown")
	}
	// The same form again (a reload) makes no second key.
	b.post("/console/environments/development/api-keys", form).expect(t, http.StatusOK)
	var keys struct {
		Items []struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		} `json:"items"`
	}
	s.api(s.owner, "GET", "/v1/environments/development/api-keys", "", &keys)
	if len(keys.Items) != 1 || keys.Items[0].Name != "ci" {
		t.Fatalf("keys after the form: %+v", keys.Items)
	}
	s.api(secret[1], "GET", "/v1/environments/development/permissions", "", &struct{}{})
	listed := b.get("/console/environments/development/api-keys").expect(t, http.StatusOK, "Revoke")
	if strings.Contains(listed.body, secret[1]) {
		t.Fatal("the list shows the secret again")
	}

	viewer := s.browser()
	viewer.signIn(s.token("viewer"))
	viewer.get("/console/environments/development/api-keys").expect(t, http.StatusForbidden)
	viewer.post("/console/environments/development/api-keys", url.Values{"name": {"mine"}, "scope": {"read_write"}}).expect(t, http.StatusForbidden)
	viewer.post("/console/environments/development/api-keys/"+keys.Items[0].ID+"/delete", nil).expect(t, http.StatusForbidden)

	b.post("/console/environments/development/api-keys/"+keys.Items[0].ID+"/delete", nil).expect(t, http.StatusSeeOther)
	b.get("/console/environments/development/api-keys").expect(t, http.StatusOK, "No API keys in development")
	if status := s.api(secret[1], "GET", "/v1/environments/development/permissions", "", nil); status != http.StatusUnauthorized {
		t.Errorf("a revoked key answered %d", status)
	}
}
