package console_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// hidden reads a hidden form field's value from a page.
func hidden(t testing.TB, body, name string) string {
	t.Helper()
	m := regexp.MustCompile(`name="` + regexp.QuoteMeta(name) + `" value="([^"]*)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no hidden field %q in:\n%s", name, body)
	}
	return unescapeHTML(m[1])
}

func unescapeHTML(s string) string {
	return strings.NewReplacer("&#34;", `"`, "&quot;", `"`, "&lt;", "<", "&gt;", ">", "&#39;", "'", "&amp;", "&").Replace(s)
}

func (b *browser) upload(path, field, name string, content []byte) page {
	b.s.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile(field, name)
	fw.Write(content)
	mw.Close()
	req, _ := http.NewRequest("POST", b.s.url+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := b.c.Do(req)
	if err != nil {
		b.s.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out bytes.Buffer
	out.ReadFrom(resp.Body)
	return page{status: resp.StatusCode, header: resp.Header, body: out.String()}
}

func TestExportImportAndPromoteGoThroughAReview(t *testing.T) {
	s := newSite(t)
	s.api(s.owner, "PUT", "/v1/environments/development/permissions/docs.read", `{"name":"Read"}`, &struct{}{})
	s.api(s.owner, "PUT", "/v1/environments/production/permissions/old", `{"name":"Old"}`, &struct{}{})
	b := s.browser()
	b.signIn(s.owner)
	b.get("/console/environments").expect(t, http.StatusOK, "Export", "Promote to Production")

	exported := b.get("/console/environments/development/config").expect(t, http.StatusOK, `"docs.read"`)
	if cd := exported.header.Get("Content-Disposition"); !regexp.MustCompile(`^attachment; filename="development-config-\d{4}-\d{2}-\d{2}\.json"$`).MatchString(cd) {
		t.Errorf("Content-Disposition %q", cd)
	}

	// The review shows what the import adds and removes, and writes nothing.
	review := b.upload("/console/environments/production/config/review", "document", "dev.json", []byte(exported.body)).
		expect(t, http.StatusOK, "Review the import", "docs.read", "old", "Never touched")
	var perms struct {
		Items []struct{ Key string } `json:"items"`
	}
	s.api(s.owner, "GET", "/v1/environments/production/permissions", "", &perms)
	if len(perms.Items) != 1 || perms.Items[0].Key != "old" {
		t.Fatalf("the review wrote: %+v", perms.Items)
	}
	confirm := url.Values{"document": {hidden(t, review.body, "document")}, "reviewed": {hidden(t, review.body, "reviewed")}}
	b.post("/console/environments/production/config", confirm).expect(t, http.StatusOK, "Imported the document into production")
	s.api(s.owner, "GET", "/v1/environments/production/permissions", "", &perms)
	if len(perms.Items) != 1 || perms.Items[0].Key != "docs.read" {
		t.Fatalf("after the import: %+v", perms.Items)
	}
	// The same confirm again: the target changed since its review.
	b.post("/console/environments/production/config", confirm).expect(t, http.StatusPreconditionFailed, "changed after your review")

	// Promotion: review, then a change to the source makes it stale.
	s.api(s.owner, "PUT", "/v1/environments/development/permissions/docs.write", `{"name":"Write"}`, &struct{}{})
	review = b.get("/console/environments/production/promote?from=development").expect(t, http.StatusOK, "Promoting", "docs.write")
	form := url.Values{"from": {"development"}, "reviewed": {hidden(t, review.body, "reviewed")}, "source_reviewed": {hidden(t, review.body, "source_reviewed")}}
	s.api(s.owner, "PUT", "/v1/environments/development/permissions/docs.admin", `{"name":"Admin"}`, &struct{}{})
	b.post("/console/environments/production/promote", form).expect(t, http.StatusPreconditionFailed, "changed after your review")
	s.api(s.owner, "GET", "/v1/environments/production/permissions", "", &perms)
	if len(perms.Items) != 1 {
		t.Fatalf("a stale promotion wrote: %+v", perms.Items)
	}
	review = b.get("/console/environments/production/promote?from=development").expect(t, http.StatusOK, "docs.admin")
	form = url.Values{"from": {"development"}, "reviewed": {hidden(t, review.body, "reviewed")}, "source_reviewed": {hidden(t, review.body, "source_reviewed")}}
	b.post("/console/environments/production/promote", form).expect(t, http.StatusOK, "Promoted development to production")
	s.api(s.owner, "GET", "/v1/environments/production/permissions", "", &perms)
	if len(perms.Items) != 3 {
		t.Fatalf("after the promotion: %+v", perms.Items)
	}
}

func TestImportReviewRefusesABadDocumentOnItsField(t *testing.T) {
	s := newSite(t)
	b := s.browser()
	b.signIn(s.owner)
	b.upload("/console/environments/production/config/review", "document", "x.json", []byte(`{"permissions": 3}`)).
		expect(t, http.StatusBadRequest, "permissions")
}

func TestCreateEnvironmentWithCopy(t *testing.T) {
	s := newSite(t)
	s.api(s.owner, "PUT", "/v1/environments/development/permissions/p", `{"name":"P"}`, &struct{}{})
	s.api(s.owner, "PUT", "/v1/environments/development/channels/postmark", `{"name":"Postmark","type":"email","service":"postmark","credentials":{"server_token":"t"}}`, &struct{}{})
	s.api(s.owner, "PUT", "/v1/environments/development/variables/api_token", `{"value":"sk","sensitive":true}`, &struct{}{})
	b := s.browser()
	b.signIn(s.owner)
	b.get("/console/environments/new?copy_from=development").expect(t, http.StatusOK, `name="copy_from"`, `value="development" selected`)
	// A refusal is shown on its field, with what was typed kept.
	b.post("/console/environments", url.Values{"slug": {"Bad Slug"}, "name": {"QA"}}).expect(t, http.StatusBadRequest, "slug", `value="Bad Slug"`)
	b.post("/console/environments", url.Values{"slug": {"qa"}, "name": {"QA"}, "copy_from": {"development"}}).expect(t, http.StatusOK, "Created qa with the configuration of development",
		"Needed before qa sends", "channel <code>postmark</code> needs its credentials", "variable <code>api_token</code> needs its value")
	var perm struct{ Name string }
	s.api(s.owner, "GET", "/v1/environments/qa/permissions/p", "", &perm)
	if perm.Name != "P" {
		t.Errorf("copied permission: %+v", perm)
	}
}

func TestViewersSeeTheCardWithoutOperatorActions(t *testing.T) {
	s := newSite(t)
	b := s.browser()
	b.signIn(s.token("viewer"))
	p := b.get("/console/environments").expect(t, http.StatusOK, "Development")
	if strings.Contains(p.body, "Import…") || strings.Contains(p.body, "Promote to") {
		t.Errorf("a viewer is offered operator actions:\n%s", p.body)
	}
	// And the API refuses what the page does not offer.
	review := b.get("/console/environments/production/promote?from=development").expect(t, http.StatusOK)
	b.post("/console/environments/production/promote", url.Values{"from": {"development"},
		"reviewed": {hidden(t, review.body, "reviewed")}, "source_reviewed": {hidden(t, review.body, "source_reviewed")}}).expect(t, http.StatusForbidden)
}

// A review says what the change does to people: whose grants go.
func TestReviewShowsTheAccessImpact(t *testing.T) {
	s := newSite(t)
	for _, w := range [][2]string{
		{"/v1/environments/production/permissions/docs.read", `{"name":"Read"}`},
		{"/v1/environments/production/roles/reader", `{"name":"Reader","permissions":["docs.read"]}`},
		{"/v1/environments/production/hierarchy-nodes/acme", `{"name":"Acme"}`},
		{"/v1/identities/ada", `{"name":"Ada","email":"ada@example.com"}`},
		{"/v1/environments/production/role-assignments/ada/reader/acme", `{}`},
		{"/v1/environments/development/permissions/docs.read", `{"name":"Read"}`},
	} {
		s.api(s.owner, "PUT", w[0], w[1], &struct{}{})
	}
	b := s.browser()
	b.signIn(s.owner)
	b.get("/console/environments/production/promote?from=development").
		expect(t, http.StatusOK, "What it does to people in production", "1 identity loses 1 grant(s)", "<code>ada</code> loses <code>docs.read</code> at <code>acme</code>")
}
