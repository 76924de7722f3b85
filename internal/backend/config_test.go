package backend_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// seedConfig writes a configuration of every section, plus operational
// state (identities, assignments, API keys, tenants) and the channel its
// workflow sends through, into env.
func (a *api) seedConfig(env string) {
	a.t.Helper()
	puts := []struct{ path, body string }{
		{"permissions/documents.read", `{"name":"Read documents","description":"View <any> document & its history"}`},
		{"permissions/documents.write", `{"name":"Write documents"}`},
		{"permissions/billing.read", `{"name":"Read billing"}`},
		{"roles/viewer", `{"name":"Viewer","permissions":["documents.read"]}`},
		{"roles/editor", `{"name":"Editor","description":"Edits","permissions":["documents.write","documents.read"]}`},
		{"hierarchy-nodes/global", `{"name":"Global"}`},
		{"hierarchy-nodes/emea", `{"name":"EMEA","parent_key":"global"}`},
		{"hierarchy-nodes/emea-north", `{"name":"EMEA North","parent_key":"emea"}`},
		{"oauth-clients/dashboard", `{"name":"Dashboard","redirect_uris":["https://app.example.com/cb","http://localhost:3000/cb"],"scopes":["openid","profile"]}`},
		{"webhooks/audit-sink", `{"url":"https://hooks.example.com/arbor","events":["role.updated","role.created"],"enabled":true}`},
		{"channels/postmark", postmarkChannel},
		{"channels/in-app", inAppChannel},
		{"workflows/welcome", `{"name":"Welcome","categories":["onboarding"],"trigger_data_schema":{"type":"object"},"steps":[{"ref":"email","channel":{"type":"email","key":"postmark","subject":"Hi","body":"<b>Welcome</b>"}}]}`},
		{"guides/launch", `{"name":"Launch","type":"banner","channel_key":"in-app","content":{"body":"Projects are here"},"activation_url_patterns":["/projects/**","/dashboard"],"active":false}`},
		{"tenants/acme", `{"name":"Acme","properties":{"plan":"pro"}}`},
	}
	for _, p := range puts {
		a.expect(a.do(a.owner, "PUT", "/v1/environments/"+env+"/"+p.path, p.body), 201)
	}
	a.do(a.owner, "PUT", "/v1/identities/ada", `{"email":"ada@example.com","name":"Ada"}`)
	a.expect(a.do(a.owner, "PUT", "/v1/environments/"+env+"/role-assignments/ada/editor/emea", `{}`), 201)
	a.key(env, domain.ScopeReadOnly)
}

func (a *api) export(env string) string {
	a.t.Helper()
	return string(a.expect(a.do(a.owner, "GET", "/v1/environments/"+env+"/config", ""), 200).body)
}

func (a *api) importDoc(env, doc string, want int, query ...string) response {
	a.t.Helper()
	q := ""
	if len(query) > 0 {
		q = "?" + query[0]
	}
	return a.expect(a.do(a.owner, "PUT", "/v1/environments/"+env+"/config"+q, doc), want)
}

func TestExportIsCanonical(t *testing.T) {
	a := newAPI(t)
	a.seedConfig("development")
	first := a.do(a.owner, "GET", "/v1/environments/development/config", "")
	second := a.export("development")
	if string(first.body) != second {
		t.Fatal("two exports of the same configuration differ")
	}
	if cd := first.header.Get("Content-Disposition"); !strings.Contains(cd, `development-config-`) || !strings.HasSuffix(cd, `.json"`) {
		t.Errorf("Content-Disposition %q", cd)
	}
	if first.header.Get("X-Arbor-Exported-At") == "" {
		t.Error("no export time header")
	}
	doc := second
	for _, never := range []string{"ada", "acme", "client_id", "secret", "arbk_", `"active"`, `"sha"`, `"version"`, "created_at"} {
		if strings.Contains(doc, never) {
			t.Errorf("the export carries %q:\n%s", never, doc)
		}
	}
	for _, want := range []string{`"format_version": 2`, `"source_environment": "development"`, "View <any> document & its history", `"events": [` + "\n" + `        "role.created",`} {
		if !strings.Contains(doc, want) {
			t.Errorf("the export lacks %q:\n%s", want, doc)
		}
	}
	// Sections and objects in key order.
	if strings.Index(doc, `"billing.read"`) > strings.Index(doc, `"documents.read"`) || strings.Index(doc, `"key": "editor"`) > strings.Index(doc, `"key": "viewer"`) {
		t.Errorf("objects are not in key order:\n%s", doc)
	}
}

// Export, import into an empty environment, export again: the same bytes.
func TestExportImportExportRoundTrip(t *testing.T) {
	a, b := newAPI(t), newAPI(t)
	a.seedConfig("development")
	doc := a.export("development")
	b.channels("development")
	res := b.importDoc("development", doc, 200).json()
	if got := b.export("development"); got != doc {
		t.Fatalf("the round trip changed the document:\n--- before\n%s\n--- after\n%s", doc, got)
	}
	created := res["created"].(map[string]any)
	for section, n := range map[string]float64{"permissions": 3, "roles": 2, "hierarchy_nodes": 3, "oauth_clients": 1, "webhooks": 1, "workflows": 1, "guides": 1} {
		if created[section] != n {
			t.Errorf("created %s = %v, want %v", section, created[section], n)
		}
	}
	// Importing it again changes nothing.
	again := b.importDoc("development", doc, 200).json()
	for _, count := range []string{"created", "updated", "deleted"} {
		for _, section := range domain.ConfigSections {
			if n := again[count].(map[string]any)[section.Name]; n != float64(0) {
				t.Errorf("a second import %s %v %s: %v", count, n, section.Name, again)
			}
		}
	}
}

func TestImportReplaces(t *testing.T) {
	a := newAPI(t)
	a.seedConfig("development")
	a.environment("staging")
	a.channels("staging")
	a.expect(a.do(a.owner, "PUT", "/v1/environments/staging/permissions/old.only", `{"name":"Only in staging"}`), 201)
	a.expect(a.do(a.owner, "PUT", "/v1/environments/staging/permissions/documents.read", `{"name":"Stale name"}`), 201)
	res := a.importDoc("staging", a.export("development"), 200).json()
	if res["deleted"].(map[string]any)["permissions"] != 1.0 || res["updated"].(map[string]any)["permissions"] != 1.0 {
		t.Errorf("result %v", res)
	}
	a.expect(a.do(a.owner, "GET", "/v1/environments/staging/permissions/old.only", ""), 404)
	if got := a.expect(a.do(a.owner, "GET", "/v1/environments/staging/permissions/documents.read", ""), 200).json()["name"]; got != "Read documents" {
		t.Errorf("name %v", got)
	}
	dev := strings.Replace(a.export("development"), `"source_environment": "development"`, `"source_environment": "staging"`, 1)
	if a.export("staging") != dev {
		t.Error("staging does not hold development's configuration after the import")
	}
}

// A document with one bad reference changes nothing, and every problem is
// reported in one answer.
func TestImportIsAtomic(t *testing.T) {
	a := newAPI(t)
	a.seedConfig("development")
	before := a.export("development")
	var doc domain.ConfigDocument
	if err := json.Unmarshal([]byte(before), &doc); err != nil {
		t.Fatal(err)
	}
	doc.Permissions = append(doc.Permissions, domain.Permission{Key: "new.one", Name: "New"})
	doc.Roles[0].Permissions = append(doc.Roles[0].Permissions, "no.such.permission")
	doc.HierarchyNodes[0].ParentKey = "nowhere"
	doc.Webhooks[0].URL = "not a url"
	b, _ := json.Marshal(doc)
	r := a.importDoc("development", string(b), 400)
	for _, want := range []string{`roles[0].permissions`, `no.such.permission`, `hierarchy_nodes[0].parent_key`, `webhooks[0].url`} {
		if !strings.Contains(string(r.body), want) {
			t.Errorf("the answer does not report %s: %s", want, r.body)
		}
	}
	if after := a.export("development"); after != before {
		t.Errorf("a refused import changed the environment")
	}
	// Documents are read strictly.
	a.importDoc("development", `{"format_version":1,"permisions":[]}`, 400) //nolint:misspell // the misspelt field is the point: an unknown field is refused
	a.importDoc("development", `{"format_version":2}`, 400)
	a.importDoc("development", `not json`, 400)
	r = a.importDoc("development", strings.Replace(before, `"url": "https://hooks.example.com/arbor"`, `"url": "https://hooks.example.com/arbor", "signing_secret": "whsec_from_elsewhere_1234"`, 1), 400)
	if !strings.Contains(string(r.body), "carries no secrets") {
		t.Errorf("a document with a secret: %s", r.body)
	}
}

func TestImportLeavesOperationalStateAlone(t *testing.T) {
	a := newAPI(t)
	a.seedConfig("development")
	a.environment("staging")
	a.seedConfig("staging")
	// Everything but the workflow goes.
	var doc domain.ConfigDocument
	if err := json.Unmarshal([]byte(a.export("development")), &doc); err != nil {
		t.Fatal(err)
	}
	doc.Permissions, doc.Roles, doc.HierarchyNodes, doc.OAuthClients, doc.Webhooks = []domain.Permission{}, []domain.Role{}, []domain.HierarchyNode{}, []domain.OAuthClient{}, []domain.Webhook{}
	b, _ := json.Marshal(doc)
	empty := string(b)
	// The editor role and the emea node still have an assignment.
	r := a.importDoc("staging", empty, 409)
	if !strings.Contains(string(r.body), `ada/editor/emea`) || !strings.Contains(string(r.body), "prune_assignments=true") {
		t.Errorf("refusal: %s", r.body)
	}
	// Removing a development-born workflow from staging waits for development.
	doc.Workflows = []domain.Workflow{}
	b, _ = json.Marshal(doc)
	if r := a.importDoc("staging", string(b), 409, "prune_assignments=true"); !strings.Contains(string(r.body), `welcome\" still exists in development`) {
		t.Errorf("workflow removal: %s", r.body)
	}
	res := a.importDoc("staging", empty, 200, "prune_assignments=true").json()
	if res["pruned_role_assignments"] != 1.0 {
		t.Errorf("pruned %v", res["pruned_role_assignments"])
	}
	a.expect(a.do(a.owner, "GET", "/v1/environments/staging/tenants/acme", ""), 200)
	a.expect(a.do(a.owner, "GET", "/v1/identities/ada", ""), 200)
	if keys := a.expect(a.do(a.owner, "GET", "/v1/environments/staging/api-keys", ""), 200).json()["items"].([]any); len(keys) != 1 {
		t.Errorf("API keys %v", keys)
	}
	if got := a.expect(a.do(a.owner, "GET", "/v1/environments/staging/roles", ""), 200).json()["items"].([]any); len(got) != 0 {
		t.Errorf("staging roles %v", got)
	}
}

func TestImportSecrets(t *testing.T) {
	a, b := newAPI(t), newAPI(t)
	a.seedConfig("development")
	doc := a.export("development")
	b.channels("development")
	// New to the target: fresh secrets, returned once.
	res := b.importDoc("development", doc, 200).json()
	creds := res["new_oauth_client_secrets"].(map[string]any)["dashboard"].(map[string]any)
	signing := res["new_webhook_signing_secrets"].(map[string]any)["audit-sink"].(string)
	sourceClient := a.expect(a.do(a.owner, "GET", "/v1/environments/development/oauth-clients/dashboard", ""), 200).json()["client_id"]
	if creds["client_id"] == sourceClient || creds["client_secret"] == "" || signing == "" {
		t.Fatalf("new objects did not get fresh secrets: %v %v", creds, signing)
	}
	sourceSigning, err := a.srv.WebhookSigningSecret(context.Background(), "development", "audit-sink")
	if err != nil || sourceSigning == signing {
		t.Fatalf("the source's signing secret travelled (%v)", err)
	}
	if got, _ := b.srv.WebhookSigningSecret(context.Background(), "development", "audit-sink"); got != signing {
		t.Error("the returned signing secret is not the stored one")
	}
	// Existing in the target: they keep their own.
	changed := strings.Replace(doc, `"Dashboard"`, `"Customer dashboard"`, 1)
	changed = strings.Replace(changed, `"enabled": true`, `"enabled": false`, 1)
	res = b.importDoc("development", changed, 200).json()
	if res["new_oauth_client_secrets"] != nil || res["new_webhook_signing_secrets"] != nil {
		t.Errorf("existing objects got new secrets: %v", res)
	}
	client := b.expect(b.do(b.owner, "GET", "/v1/environments/development/oauth-clients/dashboard", ""), 200).json()
	if client["client_id"] != creds["client_id"] || client["name"] != "Customer dashboard" {
		t.Errorf("the client's id changed or its name did not: %v", client)
	}
	if got, _ := b.srv.WebhookSigningSecret(context.Background(), "development", "audit-sink"); got != signing {
		t.Error("an existing webhook's signing secret changed")
	}
	if strings.Contains(b.export("development"), signing) {
		t.Error("the export carries the signing secret")
	}
}

func TestPromoteAndClone(t *testing.T) {
	a := newAPI(t)
	a.seedConfig("development")
	a.environment("staging")
	a.channels("staging", "production")
	res := a.expect(a.do(a.owner, "POST", "/v1/environments/staging/promote", `{"from":"development"}`), 200).json()
	if res["source_environment"] != "development" || res["created"].(map[string]any)["roles"] != 2.0 {
		t.Errorf("promote: %v", res)
	}
	// Workflows obey the promotion rule here too: development's content
	// reaches production while staging holds the same...
	a.expect(a.do(a.owner, "POST", "/v1/environments/production/promote", `{"from":"development"}`), 200)
	// ...but a change made in development since is refused, naming staging,
	// and nothing changes.
	a.expect(a.do(a.owner, "PUT", "/v1/environments/development/workflows/welcome", `{"name":"Welcome v2"}`), 200)
	before := a.export("production")
	r := a.expect(a.do(a.owner, "POST", "/v1/environments/production/promote", `{"from":"development"}`), 409)
	if !strings.Contains(string(r.body), "apply this change to staging first") {
		t.Errorf("skip: %s", r.body)
	}
	if a.export("production") != before {
		t.Error("a refused promotion changed production")
	}
	// A clone of an environment whose workflows and guides send through
	// channels gets the channels' definitions, never their credentials, so
	// it holds them too; the answer says which channels need credentials.
	r = a.expect(a.do(a.owner, "POST", "/v1/environments", `{"slug":"prodcopy","name":"Copy","copy_from":"production"}`), 201)
	if got := r.json()["copy"].(map[string]any)["created"].(map[string]any)["guides"]; got != 1.0 {
		t.Errorf("the clone of production did not copy its guide: %s", r.body)
	}
	a.expect(a.do(a.owner, "GET", "/v1/environments/prodcopy/channels/in-app", ""), 200)
	a.expect(a.do(a.owner, "GET", "/v1/environments/prodcopy/channels/postmark", ""), 200)
	a.expect(a.do(a.owner, "DELETE", "/v1/environments/prodcopy?force=true", ""), 204)
	// ...while staging, promoted the workflow version that sends through
	// none and without the guide (every guide shows through a channel), is.
	a.expect(a.do(a.owner, "DELETE", "/v1/environments/development/guides/launch", ""), 204)
	a.expect(a.do(a.owner, "POST", "/v1/environments/staging/promote", `{"from":"development"}`), 200)
	// A clone starts with the source's configuration, in one transaction.
	env := a.expect(a.do(a.owner, "POST", "/v1/environments", `{"slug":"qa","name":"QA","copy_from":"staging"}`), 201).json()
	if env["slug"] != "qa" {
		t.Fatalf("clone: %v", env)
	}
	staging := strings.Replace(a.export("staging"), `"staging"`, `"qa"`, 1)
	if a.export("qa") != staging {
		t.Error("the clone's configuration differs from its source's")
	}
	// A refused clone leaves no environment behind.
	a.expect(a.do(a.owner, "POST", "/v1/environments", `{"slug":"uat","name":"UAT","copy_from":"nowhere"}`), 400)
	a.expect(a.do(a.owner, "GET", "/v1/environments/uat", ""), 404)
	// Viewers and members cannot move configuration; every move is audited.
	member := a.token(domain.RoleMember)
	a.expect(a.do(member, "POST", "/v1/environments/staging/promote", `{"from":"development"}`), 403)
	audit := string(a.expect(a.do(a.owner, "GET", "/v1/audit?environment=qa", ""), 200).body)
	if !strings.Contains(audit, `"action":"import"`) || !strings.Contains(audit, `"source_environment":"staging"`) {
		t.Errorf("audit: %s", audit)
	}
	// A promotion is audited as one, naming its source.
	a.expect(a.do(a.owner, "POST", "/v1/environments/qa/promote", `{"from":"staging"}`), 200)
	audit = string(a.expect(a.do(a.owner, "GET", "/v1/audit?environment=qa&limit=1", ""), 200).body)
	if !strings.Contains(audit, `"action":"promote"`) || !strings.Contains(audit, `"source_environment":"staging"`) {
		t.Errorf("the promotion's audit: %s", audit)
	}
}

// Exports read while writes go on, from several goroutines at once, each
// answer what one snapshot held, and the kept exports end as the ones made
// anew: the kept parts are shared between copies and requests (run it
// with -race).
func TestKeptExportsUnderConcurrentReadsAndWrites(t *testing.T) {
	a := newAPI(t)
	a.seedConfig("development")
	done := make(chan struct{})
	errs := make(chan error, 8)
	for range 3 {
		go func() {
			for {
				select {
				case <-done:
					errs <- nil
					return
				default:
				}
				r, err := a.send(a.owner, "GET", "/v1/environments/development/config", "")
				if err == nil && r.status != 200 {
					err = fmt.Errorf("export: %d %s", r.status, r.body)
				}
				if err == nil && r.header.Get("ETag") != strconv.Quote(domain.ConfigVersionOf(r.body)) {
					err = fmt.Errorf("export's ETag %s is not its body's version %s", r.header.Get("ETag"), domain.ConfigVersionOf(r.body))
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for i := range 40 {
		path := fmt.Sprintf("/v1/environments/development/permissions/p-%d", i%7)
		if i%3 == 2 {
			a.send(a.owner, "DELETE", path, "")
			continue
		}
		if r, err := a.send(a.owner, "PUT", path, fmt.Sprintf(`{"name":"P %d"}`, i)); err != nil || r.status >= 300 {
			t.Fatalf("PUT %s: %v %d %s", path, err, r.status, r.body)
		}
		if _, err := a.send(a.owner, "PUT", "/v1/environments/development/tenants/t", fmt.Sprintf(`{"name":"T %d"}`, i)); err != nil {
			t.Fatal(err)
		}
	}
	close(done)
	for range 3 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if mismatch, err := a.srv.KeptCopyMismatch(context.Background()); err != nil || mismatch != "" {
		t.Fatalf("%v %s", err, mismatch)
	}
}
