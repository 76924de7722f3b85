package backend_test

import (
	"encoding/json"
	"strings"
	"testing"

	arborapi "github.com/arborhq/terraform-provider-arbor/internal/api"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

func (a *api) accessImpact(token, env, body string, want int) (arborapi.AccessImpactAnswer, response) {
	a.t.Helper()
	r := a.expect(a.do(token, "POST", "/v1/environments/"+env+"/access/impact", body), want)
	var out arborapi.AccessImpactAnswer
	if want == 200 {
		if err := json.Unmarshal(r.body, &out); err != nil {
			a.t.Fatal(err)
		}
	}
	return out, r
}

func grantLines(gs []domain.AccessGrant) string {
	var lines []string
	for _, g := range gs {
		lines = append(lines, g.IdentityKey+" "+g.Permission+" "+g.NodeKey+" via "+g.Assignment)
	}
	return strings.Join(lines, "; ")
}

func TestAccessImpactOfAChangeSet(t *testing.T) {
	a := newAPI(t)
	a.accessFixture("development")
	auditBefore := len(a.expect(a.do(a.owner, "GET", "/v1/audit?environment=development", ""), 200).json()["items"].([]any))

	// Taking docs.write from editor takes it from ada at team and below.
	out, _ := a.accessImpact(a.owner, "development", `{"changes":{"put":[{"kind":"role","key":"editor","object":{"name":"Editor","permissions":["docs.read"]}}]}}`, 200)
	if got := grantLines(out.Removed); got != "ada docs.write team via development/ada/editor/team" || len(out.Added) != 0 || len(out.Refused) != 0 {
		t.Errorf("removed %q, added %v, refused %v", got, out.Added, out.Refused)
	}
	if out.Totals.Removed != 1 || out.Totals.IdentitiesLosing != 1 || out.Totals.RemovedAt[0].IdentityKeys[0] != "ada" || !strings.HasPrefix(out.ConfigVersion, "sha256-") {
		t.Errorf("totals %+v, version %q", out.Totals, out.ConfigVersion)
	}
	// Moving squad to a new root out from under team takes both from ada there.
	out, _ = a.accessImpact(a.owner, "development", `{"changes":{"put":[{"kind":"hierarchy_node","key":"squad","object":{"name":"Squad"}}]}}`, 200)
	if got := grantLines(out.Removed); got != "ada docs.read squad via development/ada/editor/team; ada docs.write squad via development/ada/editor/team" {
		t.Errorf("move: removed %q", got)
	}
	// Nothing was written, nothing audited.
	role := a.expect(a.do(a.owner, "GET", "/v1/environments/development/roles/editor", ""), 200).json()
	if len(role["permissions"].([]any)) != 2 {
		t.Errorf("the impact changed the role: %v", role)
	}
	if n := len(a.expect(a.do(a.owner, "GET", "/v1/audit?environment=development", ""), 200).json()["items"].([]any)); n != auditBefore {
		t.Errorf("the impact was audited: %d entries, %d before", n, auditBefore)
	}

	// What the backend would refuse changes nothing, and says why.
	for body, field := range map[string]string{
		`{"changes":{"delete":[{"kind":"role","key":"editor"}]}}`:                                                       "changes.delete[0]",
		`{"changes":{"delete":[{"kind":"hierarchy_node","key":"team"}]}}`:                                               "changes.delete[0]",
		`{"changes":{"delete":[{"kind":"permission","key":"docs.write"}]}}`:                                             "changes.delete[0]",
		`{"changes":{"put":[{"kind":"role","key":"editor","object":{"name":"Editor","permissions":["docs.delete"]}}]}}`: "changes.put[0]",
		`{"changes":{"put":[{"kind":"hierarchy_node","key":"org","object":{"name":"Org","parent_key":"squad"}}]}}`:      "changes.put[0]",
	} {
		out, _ := a.accessImpact(a.owner, "development", body, 200)
		if len(out.Refused) == 0 || out.Refused[0].Field != field || len(out.Removed)+len(out.Added) != 0 || !out.Empty() {
			t.Errorf("%s: refused %+v, removed %v", body, out.Refused, out.Removed)
		}
	}

	// Bad input is refused, naming the field.
	for body, field := range map[string]string{
		`{}`: "",
		`{"changes":{"put":[{"kind":"webhook","key":"w","object":{}}]}}`:                          "changes.put[0].kind",
		`{"changes":{"put":[{"kind":"role","key":"editor","object":{"name":"","bogus":1}}]}}`:     "changes.put[0].object",
		`{"changes":{"put":[{"kind":"role","key":"editor","object":{"name":""}}]}}`:               "changes.put[0].object.name",
		`{"changes":{"delete":[{"kind":"role","key":"no such key"}]}}`:                            "changes.delete[0].key",
		`{"document":{"format_version":1},"changes":{"delete":[{"kind":"role","key":"editor"}]}}`: "document.roles",
	} {
		_, r := a.accessImpact(a.owner, "development", body, 400)
		if d := r.json()["details"].([]any); d[0].(map[string]any)["field"] != field && !strings.Contains(string(r.body), `"`+field+`"`) {
			t.Errorf("%s: %s, want a problem at %q", body, r.body, field)
		}
	}

	// A read-only key may ask; a viewer of an environment that obfuscates
	// customer data hears counts only.
	a.accessImpact(a.key("development", domain.ScopeReadOnly), "development", `{"changes":{"delete":[{"kind":"role","key":"editor"}]}}`, 200)
	a.expect(a.do(a.owner, "PUT", "/v1/environments/development", `{"name":"Development","obfuscate_customer_data":true}`), 200)
	out, _ = a.accessImpact(a.token(domain.RoleViewer), "development", `{"changes":{"put":[{"kind":"role","key":"editor","object":{"name":"Editor"}}]}}`, 200)
	if !out.CustomerDataObfuscated || len(out.Removed) != 0 || out.Totals.Removed != 2 || out.Totals.RemovedAt[0].Identities != 1 || len(out.Totals.RemovedAt[0].IdentityKeys) != 0 || strings.Contains(grantLines(out.Removed), "ada") {
		t.Errorf("a viewer under obfuscation: %+v", out)
	}
}

func TestAccessImpactOfADocument(t *testing.T) {
	a := newAPI(t)
	a.accessFixture("development")
	export := a.expect(a.do(a.owner, "GET", "/v1/environments/development/config", ""), 200)
	var doc map[string]any
	if err := json.Unmarshal(export.body, &doc); err != nil {
		t.Fatal(err)
	}
	doc["roles"] = []any{}
	body, _ := json.Marshal(map[string]any{"document": doc})
	// Without prune_assignments the import would be refused: so is this.
	out, _ := a.accessImpact(a.owner, "development", string(body), 200)
	if len(out.Refused) == 0 || !strings.HasPrefix(out.Refused[0].Field, "document.roles") || !out.Empty() {
		t.Errorf("refused %+v, totals %+v", out.Refused, out.Totals)
	}
	body, _ = json.Marshal(map[string]any{"document": doc, "prune_assignments": true})
	out, _ = a.accessImpact(a.owner, "development", string(body), 200)
	if got := grantLines(out.Removed); got != "ada docs.read team via development/ada/editor/team; ada docs.write team via development/ada/editor/team" || len(out.Refused) != 0 {
		t.Errorf("removed %q, refused %v", got, out.Refused)
	}
	if etag := export.header.Get("ETag"); etag != `"`+out.ConfigVersion+`"` {
		t.Errorf("the export's ETag %s is not the version the impact measured, %s", etag, out.ConfigVersion)
	}
	doc["format_version"] = 7
	body, _ = json.Marshal(map[string]any{"document": doc})
	if _, r := a.accessImpact(a.owner, "development", string(body), 400); !strings.Contains(string(r.body), `"document.format_version"`) {
		t.Errorf("an invalid document: %s", r.body)
	}
}

func TestImportAtTheReviewedVersion(t *testing.T) {
	a := newAPI(t)
	a.accessFixture("development")
	export := a.expect(a.do(a.owner, "GET", "/v1/environments/development/config", ""), 200)
	var doc map[string]any
	if err := json.Unmarshal(export.body, &doc); err != nil {
		t.Fatal(err)
	}
	doc["roles"] = []any{map[string]any{"key": "editor", "name": "Editor", "permissions": []string{"docs.read"}}}
	changed, _ := json.Marshal(doc)
	etag := export.header.Get("ETag")

	// A dry run writes nothing and says what the import would do, at the
	// version it reviewed.
	dry := a.expect(a.do(a.owner, "PUT", "/v1/environments/development/config?dry_run=true", string(changed)), 200)
	var res domain.ImportResult
	if err := json.Unmarshal(dry.body, &res); err != nil {
		t.Fatal(err)
	}
	if !res.DryRun || `"`+res.ConfigVersion+`"` != etag || res.Diff["roles"].Updated[0] != "editor" || grantLines(res.AccessImpact.Removed) != "ada docs.write team via development/ada/editor/team" {
		t.Errorf("dry run: %s", dry.body)
	}
	if again := a.expect(a.do(a.owner, "GET", "/v1/environments/development/config", ""), 200); string(again.body) != string(export.body) {
		t.Error("the dry run changed the configuration")
	}

	// The dry run's impact_version is the access impact route's for the
	// same document. An assignment made since, outside the configuration
	// (its version stays), changes what the import does to people: an
	// import naming the reviewed impact is refused, and nothing is
	// written; one that changes nobody else's access still applies.
	impactBody, _ := json.Marshal(map[string]any{"document": doc})
	if answer, _ := a.accessImpact(a.owner, "development", string(impactBody), 200); res.ImpactVersion == "" || answer.ImpactVersion != res.ImpactVersion {
		t.Errorf("impact versions: dry run %q, access impact %q", res.ImpactVersion, answer.ImpactVersion)
	}
	a.expect(a.do(a.owner, "PUT", "/v1/environments/development/role-assignments/grace/editor/squad", `{}`), 201)
	if etagNow := a.expect(a.do(a.owner, "GET", "/v1/environments/development/config", ""), 200).header.Get("ETag"); etagNow != etag {
		t.Fatalf("an assignment moved the configuration's version: %s, %s", etag, etagNow)
	}
	stale := a.expect(a.do(a.owner, "PUT", "/v1/environments/development/config?impact_version="+res.ImpactVersion, string(changed), "If-Match", etag), 412)
	if !strings.Contains(string(stale.body), "what the change does to people in development has changed") {
		t.Errorf("the stale impact's 412: %s", stale.body)
	}
	if again := a.expect(a.do(a.owner, "GET", "/v1/environments/development/config", ""), 200); string(again.body) != string(export.body) {
		t.Error("a refused import changed the configuration")
	}
	a.expect(a.do(a.owner, "DELETE", "/v1/environments/development/role-assignments/grace/editor/squad", ""), 204)

	// Another write since the review makes the confirm stale: 412, naming
	// the version now.
	a.expect(a.do(a.owner, "PUT", "/v1/environments/development/permissions/docs.share", `{"name":"Share"}`), 201)
	now := a.expect(a.do(a.owner, "GET", "/v1/environments/development/config", ""), 200).header.Get("ETag")
	r := a.expect(a.do(a.owner, "PUT", "/v1/environments/development/config", string(changed), "If-Match", etag), 412)
	if !strings.Contains(string(r.body), strings.Trim(now, `"`)) {
		t.Errorf("the 412 does not name the current version %s: %s", now, r.body)
	}
	a.expect(a.do(a.owner, "POST", "/v1/environments/production/promote", `{"from":"development"}`, "If-Match", `"sha256-0"`), 412)

	// If-Match as RFC 9110 reads it: a weak tag never matches, a list
	// matches when one of its tags does (and the 412 names them plainly),
	// and * holds, for a configuration always exists.
	a.expect(a.do(a.owner, "PUT", "/v1/environments/development/config?dry_run=true", string(changed), "If-Match", "W/"+now), 412)
	if r := a.expect(a.do(a.owner, "PUT", "/v1/environments/development/config?dry_run=true", string(changed), "If-Match", `"x", "y"`), 412); !strings.Contains(string(r.body), `names version \"x\" or \"y\"`) {
		t.Errorf("the 412 of a list: %s", r.body)
	}
	a.expect(a.do(a.owner, "PUT", "/v1/environments/development/config?dry_run=true", string(changed), "If-Match", `"x", `+now), 200)
	a.expect(a.do(a.owner, "PUT", "/v1/environments/development/config?dry_run=true", string(changed), "If-Match", `*`), 200)

	// At the current version it applies, and reports the impact it had.
	r = a.expect(a.do(a.owner, "PUT", "/v1/environments/development/config", string(changed), "If-Match", now), 200)
	res = domain.ImportResult{}
	if err := json.Unmarshal(r.body, &res); err != nil || res.DryRun || res.AccessImpact.Totals.Removed != 1 || res.Diff["permissions"].Deleted[0] != "docs.share" {
		t.Errorf("the import: %s", r.body)
	}
}
