package console_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/arborhq/terraform-provider-arbor/internal/backend"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
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
	return b.postBody(path, mw.FormDataContentType(), &buf)
}

// postBody posts body, of contentType, to path as the browser's forms do.
func (b *browser) postBody(path, contentType string, body io.Reader) page {
	b.s.t.Helper()
	req, _ := http.NewRequest("POST", b.s.url+path, body)
	req.Header.Set("Content-Type", contentType)
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

// postMultipart posts form's fields as multipart/form-data.
func (b *browser) postMultipart(path string, form url.Values) page {
	b.s.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for name, values := range form {
		for _, v := range values {
			mw.WriteField(name, v)
		}
	}
	mw.Close()
	return b.postBody(path, mw.FormDataContentType(), &buf)
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
	confirm := url.Values{"document": {hidden(t, review.body, "document")}, "reviewed": {hidden(t, review.body, "reviewed")}, "impact_version": {hidden(t, review.body, "impact_version")}}
	b.post("/console/environments/production/config", confirm).expect(t, http.StatusOK, "Imported the document into production")
	s.api(s.owner, "GET", "/v1/environments/production/permissions", "", &perms)
	if len(perms.Items) != 1 || perms.Items[0].Key != "docs.read" {
		t.Fatalf("after the import: %+v", perms.Items)
	}
	// The same confirm again: the target changed since its review. The
	// page says nothing was written, under the import form's own title,
	// not the title of an import done.
	if p := b.post("/console/environments/production/config", confirm).expect(t, http.StatusPreconditionFailed, "changed after your review", "<title>Import configuration"); strings.Contains(p.body, "Configuration imported") {
		t.Fatalf("a refused import is titled as done:\n%s", p.body)
	}

	// Promotion: review, then a change to the source makes it stale.
	s.api(s.owner, "PUT", "/v1/environments/development/permissions/docs.write", `{"name":"Write"}`, &struct{}{})
	review = b.get("/console/environments/production/promote?from=development").expect(t, http.StatusOK, "Promoting", "docs.write")
	form := url.Values{"from": {"development"}, "reviewed": {hidden(t, review.body, "reviewed")}, "source_reviewed": {hidden(t, review.body, "source_reviewed")}}
	s.api(s.owner, "PUT", "/v1/environments/development/permissions/docs.admin", `{"name":"Admin"}`, &struct{}{})
	if p := b.post("/console/environments/production/promote", form).expect(t, http.StatusPreconditionFailed, "changed after your review", "<title>Promotion not applied"); strings.Contains(p.body, "Configuration promoted") {
		t.Fatalf("a refused promotion is titled as done:\n%s", p.body)
	}
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

// A document of an older format version leaves the kinds it predates as
// they are, and its review says so instead of listing them removed; the
// import confirmed after it keeps them.
func TestImportReviewOfAnOlderDocumentLeavesNewerKinds(t *testing.T) {
	s := newSite(t)
	s.api(s.owner, "PUT", "/v1/settings", `{"production_write_access":true}`, &struct{}{})
	s.api(s.owner, "PUT", "/v1/environments/production/partials/signature", `{"name":"Signature","type":"text","content":"The team"}`, &struct{}{})
	b := s.browser()
	b.signIn(s.owner)
	doc := `{"format_version":1,"source_environment":"development","permissions":[{"key":"docs.read","name":"Read"}],"roles":[],"hierarchy_nodes":[],"oauth_clients":[],"webhooks":[],"workflows":[],"guides":[]}`
	review := b.upload("/console/environments/production/config/review", "document", "v1.json", []byte(doc)).
		expect(t, http.StatusOK, "Review the import", "docs.read", "predates this kind")
	if strings.Contains(review.body, `class="badge removed">signature<`) {
		t.Errorf("the review lists the partial removed:\n%s", review.body)
	}
	confirm := url.Values{"document": {hidden(t, review.body, "document")}, "reviewed": {hidden(t, review.body, "reviewed")}, "impact_version": {hidden(t, review.body, "impact_version")}}
	b.post("/console/environments/production/config", confirm).expect(t, http.StatusOK, "Imported the document into production")
	var partials struct {
		Items []struct{ Key string } `json:"items"`
	}
	s.api(s.owner, "GET", "/v1/environments/production/partials", "", &partials)
	if len(partials.Items) != 1 || partials.Items[0].Key != "signature" {
		t.Fatalf("after the import of a version-1 document: %+v", partials.Items)
	}
}

func TestImportReviewRefusesABadDocumentOnItsField(t *testing.T) {
	s := newSite(t)
	b := s.browser()
	b.signIn(s.owner)
	b.upload("/console/environments/production/config/review", "document", "x.json", []byte(`{"permissions": 3}`)).
		expect(t, http.StatusBadRequest, "permissions")
	for _, doc := range []string{`not json`, `{"permissions":[{"key":"a"}],}`, `[]`, `{"permissions":[{"key":"Not A Key","name":"x"}]}`, "ÿ"} {
		if p := b.upload("/console/environments/production/config/review", "document", "x.json", []byte(doc)); p.status != http.StatusBadRequest {
			t.Errorf("%q: %d, want 400:\n%.2000s", doc, p.status, p.body)
		}
	}
	b.post("/console/environments/production/config/review", url.Values{}).expect(t, http.StatusBadRequest, "choose a configuration document")
	// A document larger than an import takes is refused on its field
	// once a byte too many is read.
	big := bytes.Repeat([]byte(" "), backend.DefaultDocumentLimit+1)
	b.upload("/console/environments/production/config/review", "document", "x.json", big).
		expect(t, http.StatusRequestEntityTooLarge, "is too large", fmt.Sprintf("larger than the %d MiB", backend.DefaultDocumentLimit>>20))
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
	// The review of a promotion reads, but offers a viewer no promotion;
	// and the API refuses one sent anyway, with an owner's review.
	b.get("/console/environments/production/promote?from=development").expect(t, http.StatusOK, "does not promote")
	owner := s.browser()
	owner.signIn(s.owner)
	review := owner.get("/console/environments/production/promote?from=development").expect(t, http.StatusOK)
	b.post("/console/environments/production/promote", url.Values{"from": {"development"},
		"reviewed": {hidden(t, review.body, "reviewed")}, "source_reviewed": {hidden(t, review.body, "source_reviewed")}}).expect(t, http.StatusForbidden)
}

// A review says what the change does to people: whose grants go.
// seedAdaReadsInProduction gives ada, in production alone, a role that
// grants docs.read at acme; development holds docs.read and nothing else:
// a promotion of development removes ada's grant.
func seedAdaReadsInProduction(s *site) {
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
}

// A review's confirm carries the access impact it showed: a role
// assignment made after the review, which the configuration's version
// does not cover, changes what the change does to people, and the
// confirm is refused rather than removing access nobody reviewed.
func TestAConfirmIsRefusedWhenItsAccessImpactChanged(t *testing.T) {
	s := newSite(t)
	seedAdaReadsInProduction(s)
	b := s.browser()
	b.signIn(s.owner)
	review := b.get("/console/environments/production/promote?from=development").expect(t, http.StatusOK, "1 identity loses 1 grant(s)")
	form := url.Values{"from": {"development"}, "reviewed": {hidden(t, review.body, "reviewed")}, "source_reviewed": {hidden(t, review.body, "source_reviewed")},
		"impact_version": {hidden(t, review.body, "impact_version")}, "prune_assignments": {"true"}}
	s.api(s.owner, "PUT", "/v1/identities/bob", `{"name":"Bob","email":"bob@example.com"}`, &struct{}{})
	s.api(s.owner, "PUT", "/v1/environments/production/role-assignments/bob/reader/acme", `{}`, &struct{}{})
	b.post("/console/environments/production/promote", form).expect(t, http.StatusPreconditionFailed, "what the change does to people in production has changed", "<title>Promotion not applied")
	var assignments struct {
		Items []struct {
			IdentityKey string `json:"identity_key"`
		} `json:"items"`
	}
	s.api(s.owner, "GET", "/v1/environments/production/role-assignments", "", &assignments)
	if len(assignments.Items) != 2 {
		t.Fatalf("a stale confirm removed assignments: %+v", assignments.Items)
	}
	review = b.get("/console/environments/production/promote?from=development").expect(t, http.StatusOK, "2 identities lose 2 grant(s)", "<code>bob</code> loses")
	form.Set("impact_version", hidden(t, review.body, "impact_version"))
	b.post("/console/environments/production/promote", form).expect(t, http.StatusOK, "Promoted development to production")
	s.api(s.owner, "GET", "/v1/environments/production/role-assignments", "", &assignments)
	if len(assignments.Items) != 0 {
		t.Fatalf("after the promotion: %+v", assignments.Items)
	}
}

func TestReviewShowsTheAccessImpact(t *testing.T) {
	s := newSite(t)
	seedAdaReadsInProduction(s)
	b := s.browser()
	b.signIn(s.owner)
	b.get("/console/environments/production/promote?from=development").
		expect(t, http.StatusOK, "What it does to people in production", "1 identity loses 1 grant(s)", "<code>ada</code> loses <code>docs.read</code> at <code>acme</code>")
}

// The review of a promotion names, per section, exactly what the
// promotion then does (its dry run says it): added, changed, removed,
// and kept, for objects created in the target, which a promotion never
// removes, of every versioned kind.
func TestPromotionReviewIsWhatThePromotionDoes(t *testing.T) {
	s := newSite(t)
	s.api(s.owner, "PUT", "/v1/settings", `{"production_write_access":true}`, &struct{}{})
	partial := func(name string) string { return strings.Replace(samples["partial"].body, `"Button"`, `"`+name+`"`, 1) }
	for _, w := range [][2]string{
		{"/v1/environments/development/permissions/docs.read", `{"name":"Read"}`},
		{"/v1/environments/development/permissions/docs.write", `{"name":"Write"}`},
		{"/v1/environments/production/permissions/docs.write", `{"name":"Write, before"}`},
		{"/v1/environments/production/permissions/docs.old", `{"name":"Old"}`},
		{"/v1/environments/development/partials/header", partial("Header")},
		{"/v1/environments/development/partials/footer", partial("Footer")},
		{"/v1/environments/development/partials/stale", partial("Stale")},
		{"/v1/environments/production/promote", `{"from":"development"}`},
		{"/v1/environments/development/partials/footer", partial("Footer, changed")},
		{"/v1/environments/development/partials/stale", ""},
		{"/v1/environments/production/partials/banner", partial("Banner, born in production")},
		{"/v1/environments/development/workflows/welcome", samples["workflow"].body},
	} {
		method := "PUT"
		switch {
		case w[1] == "":
			method = "DELETE"
		case strings.HasSuffix(w[0], "/promote"):
			method = "POST"
		}
		s.api(s.owner, method, w[0], w[1], nil)
	}
	// The promotion above carried docs.old away: put it back.
	s.api(s.owner, "PUT", "/v1/environments/production/permissions/docs.old", `{"name":"Old"}`, &struct{}{})
	s.api(s.owner, "PUT", "/v1/environments/production/permissions/docs.write", `{"name":"Write, before"}`, &struct{}{})

	b := s.browser()
	b.signIn(s.owner)
	page := b.get("/console/environments/production/promote?from=development").expect(t, http.StatusOK, "Promoting")
	shown := map[string]string{}
	for _, row := range regexp.MustCompile(`(?s)<tr>\s*<th scope="row">(\w+)</th>(.*?)</tr>`).FindAllStringSubmatch(page.body, -1) {
		var parts []string
		for _, change := range []string{"added", "changed", "removed", ""} {
			var keys []string
			for _, m := range regexp.MustCompile(`class="badge`+map[bool]string{true: " " + change, false: ""}[change != ""]+`">([^<]+)<`).FindAllStringSubmatch(row[2], -1) {
				keys = append(keys, m[1])
			}
			parts = append(parts, strings.Join(keys, ","))
		}
		if strings.Join(parts, "") != "" {
			shown[row[1]] = strings.Join(parts, " | ")
		}
	}

	var dry struct {
		Diff map[string]struct{ Created, Updated, Deleted []string }
		Kept map[string][]string
	}
	s.api(s.owner, "POST", "/v1/environments/production/promote", `{"from":"development","dry_run":true,"prune_assignments":true}`, &dry)
	done := map[string]string{}
	for section, d := range dry.Diff {
		if len(d.Created)+len(d.Updated)+len(d.Deleted)+len(dry.Kept[section]) > 0 {
			done[section] = strings.Join([]string{strings.Join(d.Created, ","), strings.Join(d.Updated, ","), strings.Join(d.Deleted, ","), strings.Join(dry.Kept[section], ",")}, " | ")
		}
	}
	for section, kept := range dry.Kept {
		if _, ok := done[section]; !ok && len(kept) > 0 {
			done[section] = " |  |  | " + strings.Join(kept, ",")
		}
	}
	want := map[string]string{
		"permissions": " | docs.write | docs.old | ",
		"partials":    " | footer | stale | banner",
		"workflows":   "welcome |  |  | ",
	}
	for name, got := range map[string]map[string]string{"the review shows": shown, "the promotion does": done} {
		if len(got) != len(want) {
			t.Errorf("%s %v, want %v", name, got, want)
		}
		for section, w := range want {
			if got[section] != w {
				t.Errorf("%s in %s: %q, want %q", name, section, got[section], w)
			}
		}
	}
}

// The backend keeps each review it makes, under what it compared: the
// review after a write to either side, or by another reader, is the one
// the new state and the reader call for, never a kept one of before.
func TestKeptReviewsFollowEveryWrite(t *testing.T) {
	s := newSite(t)
	seedAdaReadsInProduction(s)
	owner := s.browser()
	owner.signIn(s.owner)
	const promotion = "/console/environments/production/promote?from=development"
	owner.get(promotion).expect(t, http.StatusOK, "<code>ada</code> loses <code>docs.read</code> at <code>acme</code>")

	// A write to the source: the promotion now adds a permission.
	s.api(s.owner, "PUT", "/v1/environments/development/permissions/docs.write", `{"name":"Write"}`, &struct{}{})
	owner.get(promotion).expect(t, http.StatusOK, `<span class="badge added">docs.write</span>`)

	// A write to the target: ada's access there no longer changes.
	s.api(s.owner, "DELETE", "/v1/environments/production/role-assignments/ada/reader/acme", "", nil)
	if p := owner.get(promotion).expect(t, http.StatusOK, "Nobody's access changes."); strings.Contains(p.body, "loses") {
		t.Error("the review after the assignment's removal still shows its grants lost")
	}

	// A viewer of an environment that obfuscates customer data is not
	// shown the review an owner was: identities are not named.
	s.api(s.owner, "PUT", "/v1/environments/production/role-assignments/ada/reader/acme", `{}`, &struct{}{})
	s.api(s.owner, "PUT", "/v1/environments/production", `{"name":"Production","obfuscate_customer_data":true}`, &struct{}{})
	owner.get(promotion).expect(t, http.StatusOK, "<code>ada</code> loses")
	viewer := s.browser()
	viewer.signIn(s.token(string(domain.RoleViewer)))
	if p := viewer.get(promotion).expect(t, http.StatusOK, "identities are not named"); strings.Contains(p.body, "<code>ada</code>") {
		t.Error("a viewer was shown the identities of an environment that obfuscates customer data")
	}

	// The same document uploaded again after a write to the target is
	// reviewed against the target as it is now.
	var doc []byte
	s.api(s.owner, "GET", "/v1/environments/development/config", "", (*json.RawMessage)(&doc))
	const review = "/console/environments/production/config/review"
	owner.upload(review, "document", "dev.json", doc).expect(t, http.StatusOK, `<span class="badge added">docs.write</span>`)
	s.api(s.owner, "PUT", "/v1/environments/production/permissions/docs.write", `{"name":"Write"}`, &struct{}{})
	if p := owner.upload(review, "document", "dev.json", doc).expect(t, http.StatusOK); strings.Contains(p.body, `<span class="badge added">docs.write</span>`) {
		t.Error("the review of an upload after the write still adds what the write created")
	}
}

// A promotion names another environment than its target; its review says
// so on the field.
func TestPromotionReviewOfTheTargetItselfIsRefused(t *testing.T) {
	s := newSite(t)
	b := s.browser()
	b.signIn(s.owner)
	b.get("/console/environments/production/promote?from=production").expect(t, http.StatusBadRequest, "must name another environment")
	b.get("/console/environments/production/promote?from=nowhere").expect(t, http.StatusNotFound)
}

// A review depends on account state too: the promotion rule reads the
// production write access setting. Turned off, the same document's review
// refuses the removal it allowed.
func TestKeptReviewsFollowTheAccountSettings(t *testing.T) {
	s := newSite(t)
	s.api(s.owner, "PUT", "/v1/settings", `{"production_write_access":true}`, &struct{}{})
	var doc []byte
	s.api(s.owner, "GET", "/v1/environments/production/config", "", (*json.RawMessage)(&doc))
	s.api(s.owner, "PUT", "/v1/environments/production/partials/banner", samples["partial"].body, &struct{}{})
	b := s.browser()
	b.signIn(s.owner)
	const review = "/console/environments/production/config/review"
	if p := b.upload(review, "document", "production.json", doc).expect(t, http.StatusOK, `<span class="badge removed">banner</span>`); strings.Contains(p.body, "would be refused") {
		t.Fatalf("the removal of a production-born partial is refused with production write access on:\n%s", p.body)
	}
	s.api(s.owner, "PUT", "/v1/settings", `{"production_write_access":false}`, &struct{}{})
	// Refused: said first, and no confirm is offered.
	if p := b.upload(review, "document", "production.json", doc).expect(t, http.StatusOK, "would be refused", "only while production write access is on"); strings.Contains(p.body, "Import into production") {
		t.Fatalf("a review the backend refuses offers its confirm:\n%s", p.body)
	}
}

// A review reads every environment's versions, not only its two sides': a
// write to the environment below the target, and nowhere else the review
// compares, changes the same document's review.
func TestKeptReviewsFollowTheEnvironmentBelow(t *testing.T) {
	s := newSite(t)
	s.api(s.owner, "POST", "/v1/environments", `{"slug":"staging","name":"Staging"}`, &struct{}{})
	partial := func(name string) string { return strings.Replace(samples["partial"].body, `"Button"`, `"`+name+`"`, 1) }
	s.api(s.owner, "PUT", "/v1/environments/development/partials/header", partial("Header"), &struct{}{})
	s.api(s.owner, "POST", "/v1/environments/staging/promote", `{"from":"development"}`, nil)
	var doc []byte
	s.api(s.owner, "GET", "/v1/environments/staging/config", "", (*json.RawMessage)(&doc))
	b := s.browser()
	b.signIn(s.owner)
	const review = "/console/environments/production/config/review"
	if p := b.upload(review, "document", "staging.json", doc).expect(t, http.StatusOK, `<span class="badge added">header</span>`); strings.Contains(p.body, "would be refused") {
		t.Fatalf("the promotion of staging's own partial is refused:\n%s", p.body)
	}
	// Staging moves on; the document still carries what it held.
	s.api(s.owner, "PUT", "/v1/environments/development/partials/header", partial("Header, changed"), &struct{}{})
	s.api(s.owner, "POST", "/v1/environments/staging/promote", `{"from":"development"}`, nil)
	b.upload(review, "document", "staging.json", doc).expect(t, http.StatusOK, "would be refused", "differs from its version in staging")
}

// The card exports an environment for another one as the API does: an
// export of production for development leaves out what was born in
// production, which an import there would refuse.
func TestExportForAnotherEnvironmentLeavesOutWhatStays(t *testing.T) {
	s := newSite(t)
	s.api(s.owner, "PUT", "/v1/settings", `{"production_write_access":true}`, &struct{}{})
	s.api(s.owner, "PUT", "/v1/environments/production/partials/banner", samples["partial"].body, &struct{}{})
	b := s.browser()
	b.signIn(s.owner)
	b.get("/console/environments").expect(t, http.StatusOK, `<label for="export-for-production">Export for</label>`)
	b.get("/console/environments/production/config").expect(t, http.StatusOK, `"banner"`)
	p := b.get("/console/environments/production/config?for=development").expect(t, http.StatusOK)
	if strings.Contains(p.body, `"banner"`) {
		t.Errorf("the export for development carries production's own partial:\n%s", p.body)
	}
	if cd := p.header.Get("Content-Disposition"); !strings.Contains(cd, "production-config-for-development-") {
		t.Errorf("Content-Disposition %q", cd)
	}
	// Its import into development is reviewed without a refusal.
	b.upload("/console/environments/development/config/review", "document", "production.json", []byte(p.body)).expect(t, http.StatusOK, "Import into development")
	// An environment the principal cannot see has no import form.
	b.get("/console/environments/nowhere/config/import").expect(t, http.StatusNotFound, "environment &#34;nowhere&#34; not found")
}
