package backend_test

import (
	"testing"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// A token is revoked only in the version the caller saw, as every other
// versioned object is deleted.
func TestTokenDeleteHonoursIfMatch(t *testing.T) {
	a := newAPI(t)
	created := a.expect(a.do(a.owner, "POST", "/v1/tokens", `{"name":"ci","role":"viewer"}`), 201)
	id, secret := created.json()["id"].(string), created.json()["secret"].(string)
	tag := a.expect(a.do(a.owner, "GET", "/v1/tokens/"+id, ""), 200).header.Get("ETag")
	if tag == "" || created.header.Get("ETag") != tag {
		t.Fatalf("ETag of the created token %q, of the read %q", created.header.Get("ETag"), tag)
	}
	if r := a.expect(a.do(a.owner, "DELETE", "/v1/tokens/"+id, "", "If-Match", `"7"`), 412); r.code() != string(domain.CodePreconditionFailed) {
		t.Errorf("stale If-Match: %s", r.body)
	}
	a.expect(a.do(secret, "GET", "/v1/whoami", ""), 200)
	a.expect(a.do(a.owner, "DELETE", "/v1/tokens/"+id, "", "If-Match", tag), 204)
	a.expect(a.do(secret, "GET", "/v1/whoami", ""), 401)
}

// enabled may be left out of a webhook write, and is then true, as the
// document's default says; false is kept.
func TestWebhookEnabledDefaultsToTrue(t *testing.T) {
	a := newAPI(t)
	path := "/v1/environments/development/webhooks/audit"
	const body = `{"url":"https://hooks.example.com/arbor","events":["role.updated"]`
	for _, step := range []struct {
		body   string
		status int
		want   bool
	}{
		{body + `}`, 201, true},
		{body + `,"enabled":false}`, 200, false},
		{body + `}`, 200, true},
	} {
		r := a.expect(a.do(a.owner, "PUT", path, step.body), step.status)
		if got := r.json()["enabled"]; got != step.want {
			t.Errorf("%s: enabled %v, want %v", step.body, got, step.want)
		}
		if got := a.expect(a.do(a.owner, "GET", path, ""), 200).json()["enabled"]; got != step.want {
			t.Errorf("%s: read back enabled %v, want %v", step.body, got, step.want)
		}
	}
}

// A role assignment's body may repeat any of the path's keys and leave out
// the others; a differing key is refused, naming it.
func TestRoleAssignmentBodyMayRepeatSomeKeys(t *testing.T) {
	a := newAPI(t)
	dev := "/v1/environments/development/"
	a.expect(a.do(a.owner, "PUT", "/v1/identities/ada", `{"email":"ada@example.com","name":"Ada"}`), 201)
	a.expect(a.do(a.owner, "PUT", dev+"roles/editor", `{"name":"Editor"}`), 201)
	a.expect(a.do(a.owner, "PUT", dev+"hierarchy-nodes/emea", `{"name":"EMEA"}`), 201)
	path := dev + "role-assignments/ada/editor/emea"
	a.expect(a.do(a.owner, "PUT", path, `{"identity_key":"ada"}`), 201)
	a.expect(a.do(a.owner, "PUT", path, `{"role_key":"editor","node_key":"emea"}`), 200)
	a.expectDetail(a.expect(a.do(a.owner, "PUT", path, `{"node_key":"apac"}`), 400), "node_key", "differs")
}

// An object read back is accepted as the body of its next write, the
// fields the server sets ignored: for every kind of keyed object.
func TestObjectReadBackIsAWritableBody(t *testing.T) {
	a := newAPI(t)
	dev := "/v1/environments/development/"
	a.expect(a.do(a.owner, "PUT", "/v1/identities/ada", `{"email":"ada@example.com","name":"Ada"}`), 201)
	a.expect(a.do(a.owner, "PUT", dev+"roles/editor", `{"name":"Editor"}`), 201)
	a.expect(a.do(a.owner, "PUT", dev+"hierarchy-nodes/emea", `{"name":"EMEA"}`), 201)
	a.channels("development")
	a.chatChannels("development")
	paths := map[string]string{
		domain.KindPermission.Collection:     dev + "permissions/docs.read",
		domain.KindRole.Collection:           dev + "roles/editor",
		domain.KindHierarchyNode.Collection:  dev + "hierarchy-nodes/emea",
		domain.KindRoleAssignment.Collection: dev + "role-assignments/ada/editor/emea",
		domain.KindOAuthClient.Collection:    dev + "oauth-clients/dashboard",
		domain.KindWebhook.Collection:        dev + "webhooks/audit",
		domain.KindTenant.Collection:         dev + "tenants/acme",
		domain.KindChannel.Collection:        dev + "channels/sendgrid",
		domain.KindChannelGroup.Collection:   dev + "channel-groups/chat",
		domain.KindVariable.Collection:       dev + "variables/app_url",
		domain.KindIdentity.Collection:       "/v1/identities/ada",
	}
	bodies := map[string]string{
		domain.KindPermission.Collection:     `{"name":"Read"}`,
		domain.KindRoleAssignment.Collection: `{}`,
		domain.KindOAuthClient.Collection:    `{"name":"Dashboard"}`,
		domain.KindWebhook.Collection:        `{"url":"https://hooks.example.com/arbor","events":["role.updated"]}`,
		domain.KindTenant.Collection:         `{"name":"Acme","properties":{"tier":"gold"}}`,
		domain.KindChannel.Collection:        postmarkChannel,
		domain.KindChannelGroup.Collection:   chatGroup,
		domain.KindVariable.Collection:       `{"value":"https://app.example.com","description":"Links in messages"}`,
	}
	// Every versioned kind's object is its sample of the promotion tests.
	for _, k := range domain.VersionedKinds {
		if body, ok := versionedBodies[k.Name]; ok {
			paths[k.Collection] = dev + k.Collection + "/" + versionedKey(k, "welcome")
			bodies[k.Collection] = body("v1")
		}
	}
	for _, k := range domain.Kinds {
		path, ok := paths[k.Collection]
		if !ok {
			t.Errorf("kind %s: add an object of it to this test", k.Name)
			continue
		}
		if body, ok := bodies[k.Collection]; ok {
			a.expect(a.do(a.owner, "PUT", path, body), 201)
		}
		read := a.expect(a.do(a.owner, "GET", path, ""), 200)
		written := a.expect(a.do(a.owner, "PUT", path, string(read.body), "If-Match", read.header.Get("ETag")), 200)
		if got, want := written.json()["version"], read.json()["version"].(float64)+1; got != want {
			t.Errorf("%s: version %v after writing back version %v", k.Name, got, read.json()["version"])
		}
	}
}
