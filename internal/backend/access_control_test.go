package backend_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

const dev = "/v1/environments/development/"

// details returns "field: message" for every detail of an error answer.
func (r response) details() []string {
	var out []string
	ds, _ := r.json()["details"].([]any)
	for _, d := range ds {
		m := d.(map[string]any)
		out = append(out, fmt.Sprintf("%s: %s", m["field"], m["message"]))
	}
	return out
}

// expectDetail fails unless the answer has a detail on field containing all
// of the given fragments.
func (a *api) expectDetail(r response, field string, fragments ...string) {
	a.t.Helper()
	for _, d := range r.details() {
		f, msg, _ := strings.Cut(d, ": ")
		if f != field {
			continue
		}
		ok := true
		for _, frag := range fragments {
			ok = ok && strings.Contains(msg, frag)
		}
		if ok {
			return
		}
	}
	a.t.Errorf("no detail on %s containing %q: %s", field, fragments, r.body)
}

func keysOf(r response) []string {
	var keys []string
	for _, it := range r.json()["items"].([]any) {
		m := it.(map[string]any)
		if k, ok := m["key"].(string); ok {
			keys = append(keys, k)
		} else {
			keys = append(keys, domain.RoleAssignmentKey(m["identity_key"].(string), m["role_key"].(string), m["node_key"].(string)))
		}
	}
	return keys
}

func strs(v any) []string {
	var out []string
	for _, s := range v.([]any) {
		out = append(out, s.(string))
	}
	return out
}

func TestRolePermissionJoins(t *testing.T) {
	a := newAPI(t)
	for _, p := range []string{"docs.read", "docs.write"} {
		a.expect(a.do(a.owner, "PUT", dev+"permissions/"+p, `{"name":"x"}`), 201)
	}
	// The set is stored deduplicated and sorted.
	role := a.expect(a.do(a.owner, "PUT", dev+"roles/editor", `{"name":"Editor","permissions":["docs.write","docs.read","docs.write"]}`), 201).json()
	if got := strs(role["permissions"]); !slices.Equal(got, []string{"docs.read", "docs.write"}) {
		t.Errorf("permissions %v", got)
	}
	// No permissions at all is an empty set, not an absent one.
	if got := a.expect(a.do(a.owner, "PUT", dev+"roles/nobody", `{"name":"Nobody"}`), 201).json()["permissions"]; fmt.Sprint(got) != "[]" {
		t.Errorf("a role without permissions answers %v", got)
	}
	// Unknown permissions are refused, each named, under the field.
	r := a.expect(a.do(a.owner, "PUT", dev+"roles/editor", `{"name":"Editor","permissions":["docs.read","docs.delete","docs.admin"]}`), 400)
	a.expectDetail(r, "permissions", `permission "docs.delete" does not exist in environment development`)
	a.expectDetail(r, "permissions", `"docs.admin"`)
	a.expectDetail(a.expect(a.do(a.owner, "PUT", dev+"roles/editor", `{"name":"Editor","permissions":["not a key"]}`), 400), "permissions", `"not a key" must be`)
	// The refused write changed nothing.
	if got := strs(a.expect(a.do(a.owner, "GET", dev+"roles/editor", ""), 200).json()["permissions"]); len(got) != 2 {
		t.Errorf("after a refused write: %v", got)
	}

	if got := keysOf(a.expect(a.do(a.owner, "GET", dev+"roles?permission=docs.write", ""), 200)); !slices.Equal(got, []string{"editor"}) {
		t.Errorf("roles granting docs.write: %v", got)
	}
	// A permission a role grants is never silently unlinked.
	r = a.expect(a.do(a.owner, "DELETE", dev+"permissions/docs.write", ""), 409)
	if !strings.Contains(string(r.body), `role \"editor\"`) {
		t.Errorf("the refusal does not name the role: %s", r.body)
	}
	// Replacing the set releases the permission.
	a.expect(a.do(a.owner, "PUT", dev+"roles/editor", `{"name":"Editor","permissions":["docs.read"]}`), 200)
	a.expect(a.do(a.owner, "DELETE", dev+"permissions/docs.write", ""), 204)
	// Roles live in their environment: staging has no such permission.
	a.environment("staging")
	a.expectDetail(a.expect(a.do(a.owner, "PUT", "/v1/environments/staging/roles/editor", `{"name":"Editor","permissions":["docs.read"]}`), 400),
		"permissions", "environment staging")
}

func TestHierarchyRules(t *testing.T) {
	a := newAPI(t)
	node := func(key, parent string) response {
		body := `{"name":"` + key + `"}`
		if parent != "" {
			body = `{"name":"` + key + `","parent_key":"` + parent + `"}`
		}
		return a.do(a.owner, "PUT", dev+"hierarchy-nodes/"+key, body)
	}
	a.expect(node("global", ""), 201)
	a.expect(node("emea", "global"), 201)
	a.expect(node("france", "emea"), 201)
	a.expect(node("apac", ""), 201)

	// Cycles: a node cannot move under itself or its descendants.
	a.expectDetail(a.expect(node("global", "france"), 400), "parent_key", "global → emea → france")
	a.expectDetail(a.expect(node("emea", "emea"), 400), "parent_key", "own parent")
	a.expectDetail(a.expect(node("emea", "nowhere"), 400), "parent_key", `hierarchy node "nowhere" does not exist`)

	// Moving a node moves its subtree.
	a.expect(node("emea", "apac"), 200)
	if got := keysOf(a.expect(a.do(a.owner, "GET", dev+"hierarchy-nodes?parent_key=apac", ""), 200)); !slices.Equal(got, []string{"emea"}) {
		t.Errorf("children of apac: %v", got)
	}
	if got := a.expect(a.do(a.owner, "GET", dev+"hierarchy-nodes/france", ""), 200).json()["parent_key"]; got != "emea" {
		t.Errorf("france's parent after the move: %v", got)
	}
	if got := keysOf(a.expect(a.do(a.owner, "GET", dev+"hierarchy-nodes?roots_only=true", ""), 200)); !slices.Equal(got, []string{"apac", "global"}) {
		t.Errorf("roots: %v", got)
	}
	// Becoming a root again.
	a.expect(node("emea", ""), 200)
	a.expect(node("emea", "apac"), 200)

	// A node with children or assignments is deleted only with cascade.
	a.expect(a.do(a.owner, "PUT", "/v1/identities/ada", `{"email":"ada@example.com","name":"Ada"}`), 201)
	a.expect(a.do(a.owner, "PUT", dev+"roles/viewer", `{"name":"Viewer"}`), 201)
	a.expect(a.do(a.owner, "PUT", dev+"role-assignments/ada/viewer/france", `{}`), 201)
	a.expect(a.do(a.owner, "PUT", dev+"role-assignments/ada/viewer/apac", `{}`), 201)
	r := a.expect(a.do(a.owner, "DELETE", dev+"hierarchy-nodes/apac", ""), 409)
	for _, want := range []string{`hierarchy node \"emea\"`, `role assignment \"ada/viewer/apac\"`, "cascade=true"} {
		if !strings.Contains(string(r.body), want) {
			t.Errorf("the refusal does not say %s: %s", want, r.body)
		}
	}
	a.expect(a.do(a.owner, "DELETE", dev+"hierarchy-nodes/apac?cascade=false", ""), 409)
	a.expect(a.do(a.owner, "DELETE", dev+"hierarchy-nodes/apac?cascade=true", ""), 204)
	for _, gone := range []string{"hierarchy-nodes/apac", "hierarchy-nodes/emea", "hierarchy-nodes/france", "role-assignments/ada/viewer/france", "role-assignments/ada/viewer/apac"} {
		a.expect(a.do(a.owner, "GET", dev+gone, ""), 404)
	}
	if got := keysOf(a.expect(a.do(a.owner, "GET", dev+"hierarchy-nodes", ""), 200)); !slices.Equal(got, []string{"global"}) {
		t.Errorf("nodes after the cascade: %v", got)
	}
	// Every object the cascade deleted is in the audit log.
	var deleted []string
	for _, e := range a.expect(a.do(a.owner, "GET", "/v1/audit?environment=development", ""), 200).json()["items"].([]any) {
		if m := e.(map[string]any); m["action"] == "delete" {
			deleted = append(deleted, m["kind"].(string)+" "+m["key"].(string))
			// Cascaded deletes name the delete that was asked for.
			if detail, _ := m["detail"].(map[string]any); m["key"] != "apac" && detail["cascade_from"] != "apac" {
				t.Errorf("the delete of %s %s is not recorded as a cascade from apac: %v", m["kind"], m["key"], m["detail"])
			}
		}
	}
	slices.Sort(deleted)
	want := []string{"hierarchy_node apac", "hierarchy_node emea", "hierarchy_node france", "role_assignment ada/viewer/apac", "role_assignment ada/viewer/france"}
	if !slices.Equal(deleted, want) {
		t.Errorf("audited deletes %v, want %v", deleted, want)
	}
}

func TestIdentities(t *testing.T) {
	a := newAPI(t)
	ada := a.expect(a.do(a.owner, "PUT", "/v1/identities/ada", `{"email":"Ada@Example.com","name":"Ada Lovelace"}`), 201).json()
	if _, ok := ada["environment"]; ok {
		t.Errorf("an identity answers with an environment: %v", ada)
	}
	// Emails are unique across the account, whatever their case.
	r := a.expect(a.do(a.owner, "PUT", "/v1/identities/grace", `{"email":"ada@example.COM","name":"Grace"}`), 409)
	a.expectDetail(r, "email", `identity "ada"`)
	a.expectDetail(a.expect(a.do(a.owner, "PUT", "/v1/identities/grace", `{"email":"grace","name":"Grace"}`), 400), "email", "email address")
	// The holder may change the case of its own address.
	a.expect(a.do(a.owner, "PUT", "/v1/identities/ada", `{"email":"ada@example.com","name":"Ada Lovelace"}`), 200)
	if got := keysOf(a.expect(a.do(a.owner, "GET", "/v1/identities?email=ADA@EXAMPLE.COM", ""), 200)); !slices.Equal(got, []string{"ada"}) {
		t.Errorf("by email: %v", got)
	}

	// Identities are managed with account tokens only, and seen from every environment.
	key := a.key("development", domain.ScopeReadWrite)
	a.expect(a.do(key, "GET", "/v1/identities/ada", ""), 200)
	a.expect(a.do(key, "PUT", "/v1/identities/grace", `{"email":"grace@example.com","name":"Grace"}`), 403)
	a.expect(a.do(key, "DELETE", "/v1/identities/ada", ""), 403)
	viewer := a.token(domain.RoleViewer)
	a.expect(a.do(viewer, "GET", "/v1/identities", ""), 200)
	a.expect(a.do(viewer, "PUT", "/v1/identities/grace", `{"email":"grace@example.com","name":"Grace"}`), 403)
	member := a.token(domain.RoleMember)
	a.expect(a.do(member, "PUT", "/v1/identities/grace", `{"email":"grace@example.com","name":"Grace"}`), 201)
	a.expect(a.do(member, "DELETE", "/v1/identities/grace", ""), 204)
	// A deleted identity's email is free again.
	a.expect(a.do(a.owner, "PUT", "/v1/identities/hopper", `{"email":"grace@example.com","name":"Grace Hopper"}`), 201)
}

func TestRoleAssignments(t *testing.T) {
	a := newAPI(t)
	a.environment("staging")
	a.expect(a.do(a.owner, "PUT", "/v1/identities/ada", `{"email":"ada@example.com","name":"Ada"}`), 201)
	a.expect(a.do(a.owner, "PUT", "/v1/identities/grace", `{"email":"grace@example.com","name":"Grace"}`), 201)
	for _, env := range []string{"development", "staging"} {
		base := "/v1/environments/" + env + "/"
		a.expect(a.do(a.owner, "PUT", base+"roles/editor", `{"name":"Editor"}`), 201)
		a.expect(a.do(a.owner, "PUT", base+"roles/viewer", `{"name":"Viewer"}`), 201)
		a.expect(a.do(a.owner, "PUT", base+"hierarchy-nodes/emea", `{"name":"EMEA"}`), 201)
	}
	path := dev + "role-assignments/ada/editor/emea"
	got := a.expect(a.do(a.owner, "PUT", path, `{}`, "If-None-Match", "*"), 201).json()
	if got["identity_key"] != "ada" || got["role_key"] != "editor" || got["node_key"] != "emea" || got["environment"] != "development" {
		t.Errorf("created assignment: %v", got)
	}
	// The triple is unique: it is the assignment's key.
	a.expect(a.do(a.owner, "PUT", path, `{}`, "If-None-Match", "*"), 412)
	a.expect(a.do(a.owner, "PUT", path, `{"identity_key":"ada","role_key":"editor","node_key":"emea"}`), 200)
	a.expectDetail(a.expect(a.do(a.owner, "PUT", path, `{"role_key":"viewer"}`), 400), "role_key", `"viewer" differs`)
	if n := len(keysOf(a.expect(a.do(a.owner, "GET", dev+"role-assignments", ""), 200))); n != 1 {
		t.Errorf("%d assignments, want 1", n)
	}
	// All three must exist; each missing one is named under its field.
	r := a.expect(a.do(a.owner, "PUT", dev+"role-assignments/nobody/owner/mars", `{}`), 400)
	a.expectDetail(r, "identity_key", `identity "nobody" does not exist`)
	a.expectDetail(r, "role_key", `role "owner" does not exist in environment development`)
	a.expectDetail(r, "node_key", `hierarchy node "mars" does not exist in environment development`)
	a.expectDetail(a.expect(a.do(a.owner, "PUT", dev+"role-assignments/ada/editor/bad%20key", `{}`), 400), "node_key", "must be")

	a.expect(a.do(a.owner, "PUT", dev+"role-assignments/ada/viewer/emea", `{}`), 201)
	a.expect(a.do(a.owner, "PUT", dev+"role-assignments/grace/viewer/emea", `{}`), 201)
	a.expect(a.do(a.owner, "PUT", "/v1/environments/staging/role-assignments/ada/editor/emea", `{}`), 201)
	for query, want := range map[string][]string{
		"":                                  {"ada/editor/emea", "ada/viewer/emea", "grace/viewer/emea"},
		"?identity_key=ada":                 {"ada/editor/emea", "ada/viewer/emea"},
		"?role_key=viewer":                  {"ada/viewer/emea", "grace/viewer/emea"},
		"?node_key=emea&identity_key=grace": {"grace/viewer/emea"},
		"?node_key=apac":                    nil,
	} {
		if got := keysOf(a.expect(a.do(a.owner, "GET", dev+"role-assignments"+query, ""), 200)); !slices.Equal(got, want) {
			t.Errorf("assignments%s: %v, want %v", query, got, want)
		}
	}

	// Nothing an assignment joins can be deleted while it exists; the
	// refusal names the assignments.
	for _, c := range []struct{ path, want string }{
		{dev + "roles/viewer", `role assignment \"ada/viewer/emea\", role assignment \"grace/viewer/emea\"`},
		{dev + "hierarchy-nodes/emea", `role assignment \"ada/editor/emea\"`},
		{"/v1/identities/ada", `role assignment \"ada/editor/emea\" in development`},
		{"/v1/identities/ada", `role assignment \"ada/editor/emea\" in staging`},
	} {
		r := a.expect(a.do(a.owner, "DELETE", c.path, ""), 409)
		if !strings.Contains(string(r.body), c.want) {
			t.Errorf("DELETE %s: the refusal does not name %s: %s", c.path, c.want, r.body)
		}
	}
	a.expect(a.do(a.owner, "DELETE", path, "", "If-Match", `"1"`), 412)
	a.expect(a.do(a.owner, "DELETE", path, "", "If-Match", `"2"`), 204)
	a.expect(a.do(a.owner, "GET", path, ""), 404)
	a.expect(a.do(a.owner, "DELETE", path, ""), 404)
	a.expect(a.do(a.owner, "DELETE", dev+"role-assignments/ada/viewer/emea", ""), 204)
	a.expect(a.do(a.owner, "DELETE", "/v1/environments/staging/role-assignments/ada/editor/emea", ""), 204)
	a.expect(a.do(a.owner, "DELETE", "/v1/identities/ada", ""), 204)
}

func TestOAuthClientSecretIsShownOnce(t *testing.T) {
	a := newAPI(t)
	path := dev + "oauth-clients/dashboard"
	created := a.expect(a.do(a.owner, "PUT", path, `{"name":"Dashboard","redirect_uris":["https://app.example.com/cb","http://localhost:8080/cb","https://app.example.com/cb"],"scopes":["openid","email"]}`), 201).json()
	id, _ := created["client_id"].(string)
	secret, _ := created["client_secret"].(string)
	if !strings.HasPrefix(id, domain.ClientIDPrefix) || !strings.HasPrefix(secret, domain.ClientSecretPrefix) || len(secret) < 40 {
		t.Fatalf("created: %v", created)
	}
	if got := strs(created["redirect_uris"]); !slices.Equal(got, []string{"http://localhost:8080/cb", "https://app.example.com/cb"}) {
		t.Errorf("redirect_uris %v", got)
	}
	if got := strs(created["scopes"]); !slices.Equal(got, []string{"email", "openid"}) {
		t.Errorf("scopes %v", got)
	}
	read := a.expect(a.do(a.owner, "GET", path, ""), 200)
	list := a.expect(a.do(a.owner, "GET", dev+"oauth-clients", ""), 200)
	// A writer sending a secret neither sets nor stores it.
	updated := a.expect(a.do(a.owner, "PUT", path, `{"name":"Dashboard v2","client_id":"mine","client_secret":"chosen-by-the-writer"}`), 200)
	for name, r := range map[string]response{"read": read, "list": list, "update": updated} {
		if strings.Contains(string(r.body), "client_secret") || strings.Contains(string(r.body), secret) {
			t.Errorf("the %s answer shows a secret: %s", name, r.body)
		}
	}
	if got := updated.json()["client_id"]; got != id {
		t.Errorf("client_id changed from %s to %v", id, got)
	}
	if got := updated.json()["redirect_uris"]; fmt.Sprint(got) != "[]" {
		t.Errorf("redirect_uris after a write without them: %v", got)
	}
	raw := string(a.databaseBytes())
	for _, s := range []string{secret, secret[len(domain.ClientSecretPrefix):], "chosen-by-the-writer"} {
		if strings.Contains(raw, s) {
			t.Errorf("%q is stored in clear", s)
		}
	}
	// Redirect URIs: absolute https, or http only for localhost.
	for _, bad := range []string{"http://app.example.com/cb", "/cb", "https://app.example.com/cb#x"} {
		a.expectDetail(a.expect(a.do(a.owner, "PUT", path, `{"name":"D","redirect_uris":["`+bad+`"]}`), 400), "redirect_uris", bad)
	}
	a.expectDetail(a.expect(a.do(a.owner, "PUT", path, `{"name":"D","scopes":["has space"]}`), 400), "scopes", `"has space"`)
	// A recreated client gets new credentials.
	a.expect(a.do(a.owner, "DELETE", path, ""), 204)
	again := a.expect(a.do(a.owner, "PUT", path, `{"name":"Dashboard"}`), 201).json()
	if again["client_id"] == id || again["client_secret"] == secret {
		t.Errorf("a recreated client reuses credentials: %v", again)
	}
}

func TestWebhookSigningSecret(t *testing.T) {
	a := newAPI(t)
	ctx := context.Background()
	stored := func(key string) string {
		t.Helper()
		s, err := a.srv.WebhookSigningSecret(ctx, "development", key)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	path := dev + "webhooks/audit"
	body := `{"url":"https://hooks.example.com/arbor","events":["role.updated","role.created","role.updated"],"enabled":true`
	created := a.expect(a.do(a.owner, "PUT", path, body+`}`), 201).json()
	generated, _ := created["signing_secret"].(string)
	if !strings.HasPrefix(generated, domain.SigningSecretPrefix) || stored("audit") != generated {
		t.Fatalf("generated secret %q, stored %q", generated, stored("audit"))
	}
	if got := strs(created["events"]); !slices.Equal(got, []string{"role.created", "role.updated"}) {
		t.Errorf("events %v", got)
	}
	// Reads never show it, and a write without one keeps it.
	read := a.expect(a.do(a.owner, "GET", path, ""), 200)
	list := a.expect(a.do(a.owner, "GET", dev+"webhooks", ""), 200)
	update := a.expect(a.do(a.owner, "PUT", path, `{"url":"https://hooks.example.com/v2","events":["role.created"],"enabled":false}`), 200)
	for name, r := range map[string]response{"read": read, "list": list, "update": update} {
		if strings.Contains(string(r.body), "signing_secret") {
			t.Errorf("the %s answer shows the secret: %s", name, r.body)
		}
	}
	if stored("audit") != generated {
		t.Error("a write without a secret changed it")
	}
	// A supplied secret replaces the stored one and is not echoed.
	const supplied = "supplied-secret-0123456789"
	r := a.expect(a.do(a.owner, "PUT", path, body+`,"signing_secret":"`+supplied+`"}`), 200)
	if strings.Contains(string(r.body), "signing_secret") || stored("audit") != supplied {
		t.Errorf("after supplying a secret: answer %s, stored %q", r.body, stored("audit"))
	}
	// Supplied at creation: nothing generated, nothing shown.
	r = a.expect(a.do(a.owner, "PUT", dev+"webhooks/billing", body+`,"signing_secret":"`+supplied+`-2"}`), 201)
	if strings.Contains(string(r.body), "signing_secret") || stored("billing") != supplied+"-2" {
		t.Errorf("supplied at creation: answer %s, stored %q", r.body, stored("billing"))
	}
	// A refused secret is not repeated in the refusal.
	r = a.expect(a.do(a.owner, "PUT", path, body+`,"signing_secret":"short sec"}`), 400)
	a.expectDetail(r, "signing_secret", "16–255")
	if strings.Contains(string(r.body), "short sec") {
		t.Errorf("the refusal repeats the secret: %s", r.body)
	}
	a.expectDetail(a.expect(a.do(a.owner, "PUT", path, `{"url":"ftp://x","events":["role.updated"],"enabled":true}`), 400), "url", "http")
	// The document says events holds at least one event; the schema refuses
	// an empty or null list before the domain sees it.
	a.expectDetail(a.expect(a.do(a.owner, "PUT", path, `{"url":"https://x.example","events":[],"enabled":true}`), 400), "events", "1")
	a.expectDetail(a.expect(a.do(a.owner, "PUT", path, `{"url":"https://x.example","events":null,"enabled":true}`), 400), "events")
	raw := string(a.databaseBytes())
	for _, s := range []string{generated, generated[len(domain.SigningSecretPrefix):], supplied} {
		if strings.Contains(raw, s) {
			t.Errorf("%q is stored in clear", s)
		}
	}
	// The secret goes with its webhook.
	a.expect(a.do(a.owner, "DELETE", path, ""), 204)
	if _, err := a.srv.WebhookSigningSecret(ctx, "development", "audit"); err == nil {
		t.Error("a deleted webhook still has a signing secret")
	}
}

// accessCollections is one object of each access-control collection, with
// a body that writes it.
var accessCollections = []struct{ item, body string }{
	{"roles/editor", `{"name":"Editor","permissions":["docs.read"]}`},
	{"hierarchy-nodes/emea", `{"name":"EMEA"}`},
	{"role-assignments/ada/editor/emea", `{}`},
	{"oauth-clients/dashboard", `{"name":"Dashboard","redirect_uris":["https://app.example.com/cb"]}`},
	{"webhooks/audit", `{"url":"https://hooks.example.com","events":["role.updated"],"enabled":true}`},
}

func (a *api) accessObjects(env string) {
	a.t.Helper()
	a.expect(a.do(a.owner, "PUT", "/v1/environments/"+env+"/permissions/docs.read", `{"name":"Read"}`), 201)
	for _, c := range accessCollections {
		a.expect(a.do(a.owner, "PUT", "/v1/environments/"+env+"/"+c.item, c.body), 201)
	}
}

func TestAccessControlIsolationAndRoles(t *testing.T) {
	a := newAPI(t)
	a.expect(a.do(a.owner, "PUT", "/v1/identities/ada", `{"email":"ada@example.com","name":"Ada"}`), 201)
	a.accessObjects("production")
	a.accessObjects("development")
	devKey := a.key("development", domain.ScopeReadWrite)
	readOnly := a.key("development", domain.ScopeReadOnly)
	viewer := a.token(domain.RoleViewer)
	member := a.token(domain.RoleMember)
	for _, c := range accessCollections {
		collection, _, _ := strings.Cut(c.item, "/")
		prod, devItem := "/v1/environments/production/"+c.item, dev+c.item
		// A development key cannot tell production's objects exist.
		for _, req := range [][3]string{{"GET", prod, ""}, {"GET", "/v1/environments/production/" + collection, ""}, {"PUT", prod, c.body}, {"DELETE", prod, ""}} {
			if r := a.do(devKey, req[0], req[1], req[2]); r.status != 404 || !strings.Contains(string(r.body), "not found") {
				t.Errorf("development key %s %s: %d %s", req[0], req[1], r.status, r.body)
			}
		}
		a.expect(a.do(devKey, "GET", devItem, ""), 200)
		// read_only keys and viewers read and never write.
		for name, cred := range map[string]string{"read_only key": readOnly, "viewer": viewer} {
			a.expect(a.do(cred, "GET", devItem, ""), 200)
			a.expect(a.do(cred, "GET", dev+collection, ""), 200)
			for _, req := range [][3]string{{"PUT", devItem, c.body}, {"DELETE", devItem, ""}} {
				if r := a.do(cred, req[0], req[1], req[2]); r.status != 403 {
					t.Errorf("%s %s %s: %d, want 403: %s", name, req[0], req[1], r.status, r.body)
				}
			}
		}
		a.expect(a.do(member, "PUT", devItem, c.body), 200)
		a.expect(a.do(devKey, "PUT", devItem, c.body), 200)
	}
	// Nothing changed in production.
	for _, c := range accessCollections {
		if v := a.expect(a.do(a.owner, "GET", "/v1/environments/production/"+c.item, ""), 200).json()["version"]; v != 1.0 {
			t.Errorf("production %s is at version %v", c.item, v)
		}
	}
}

func TestForceDeletingAnEnvironmentTakesItsJoins(t *testing.T) {
	a := newAPI(t)
	a.environment("staging")
	a.expect(a.do(a.owner, "PUT", "/v1/identities/ada", `{"email":"ada@example.com","name":"Ada"}`), 201)
	a.accessObjects("staging")
	a.expect(a.do(a.owner, "PUT", "/v1/environments/staging/hierarchy-nodes/france", `{"name":"France","parent_key":"emea"}`), 201)
	r := a.expect(a.do(a.owner, "DELETE", "/v1/environments/staging", ""), 409)
	if !strings.Contains(string(r.body), "1 role assignment(s)") {
		t.Errorf("the refusal does not count the assignments: %s", r.body)
	}
	a.expect(a.do(a.owner, "DELETE", "/v1/environments/staging?force=true", ""), 204)
	// The identity is no longer held by staging's assignment.
	a.expect(a.do(a.owner, "DELETE", "/v1/identities/ada", ""), 204)
}

// Role assignments are listed by identity, node or role, and by any two
// of them together, through the store's references.
func TestRoleAssignmentFilters(t *testing.T) {
	a := newAPI(t)
	dev := "/v1/environments/development/"
	for _, id := range []string{"ada", "bob"} {
		a.expect(a.do(a.owner, "PUT", "/v1/identities/"+id, `{"email":"`+id+`@example.com","name":"`+id+`"}`), 201)
	}
	for _, role := range []string{"editor", "viewer"} {
		a.expect(a.do(a.owner, "PUT", dev+"roles/"+role, `{"name":"`+role+`"}`), 201)
	}
	for _, node := range []string{"emea", "apac"} {
		a.expect(a.do(a.owner, "PUT", dev+"hierarchy-nodes/"+node, `{"name":"`+node+`"}`), 201)
	}
	for _, key := range []string{"ada/editor/emea", "ada/viewer/apac", "bob/editor/apac", "bob/viewer/emea"} {
		a.expect(a.do(a.owner, "PUT", dev+"role-assignments/"+key, `{}`), 201)
	}
	for query, want := range map[string]string{
		"node_key=emea":                   "ada/editor/emea bob/viewer/emea",
		"role_key=editor":                 "ada/editor/emea bob/editor/apac",
		"identity_key=bob":                "bob/editor/apac bob/viewer/emea",
		"node_key=apac&role_key=editor":   "bob/editor/apac",
		"identity_key=ada&node_key=apac":  "ada/viewer/apac",
		"role_key=viewer&limit=1":         "ada/viewer/apac",
		"identity_key=bob&role_key=admin": "",
	} {
		var got []string
		for _, e := range a.expect(a.do(a.owner, "GET", dev+"role-assignments?"+query, ""), 200).json()["items"].([]any) {
			m := e.(map[string]any)
			got = append(got, m["identity_key"].(string)+"/"+m["role_key"].(string)+"/"+m["node_key"].(string))
		}
		if strings.Join(got, " ") != want {
			t.Errorf("%s: %v, want %s", query, got, want)
		}
	}
}
