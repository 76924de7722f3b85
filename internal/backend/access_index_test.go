package backend_test

import (
	"fmt"
	"testing"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// Access checks answer from an index in memory (access_index.go); these
// tests prove it is never older than a write whose response came back,
// whichever replica made the write. On PostgreSQL the two APIs are two
// replicas of one database; on SQLite the second is another handle on the
// same file, as the embedded provider or an operator command writing
// behind a running serve is.

// allowedOn asks b, expecting 200, whether ada holds permission at node.
func (a *api) allowedOn(token, permission, node string) bool {
	a.t.Helper()
	ans, _ := a.checkAccess(token, "development", "ada", permission, node, 200)
	return ans.Allowed
}

func TestReplicasAccessChecksNeverStale(t *testing.T) {
	a := newAPI(t)
	b := a.replica()
	a.accessFixture("development")
	reader := a.key("development", domain.ScopeReadOnly)
	const env = "/v1/environments/development"
	// Each write flips whether ada holds docs.write at squad: want is the
	// answer after it.
	writes := []struct {
		what   string
		method string
		path   string
		body   string
		want   bool
	}{
		{"assignment deleted", "DELETE", env + "/role-assignments/ada/editor/team", "", false},
		{"assignment created", "PUT", env + "/role-assignments/ada/editor/team", `{}`, true},
		{"permission taken from the role", "PUT", env + "/roles/editor", `{"name":"Editor","permissions":["docs.read"]}`, false},
		{"permission given back", "PUT", env + "/roles/editor", `{"name":"Editor","permissions":["docs.read","docs.write"]}`, true},
		{"node moved out from under the assignment", "PUT", env + "/hierarchy-nodes/squad", `{"name":"Squad","parent_key":"org"}`, false},
		{"node moved back", "PUT", env + "/hierarchy-nodes/squad", `{"name":"Squad","parent_key":"team"}`, true},
	}
	for round := range 5 {
		for _, w := range writes {
			// b's index is warm with the answer before the write.
			if got := b.allowedOn(reader, "docs.write", "squad"); got == w.want {
				t.Fatalf("round %d, before %s: b answers %v already", round, w.what, got)
			}
			status := a.do(a.owner, w.method, w.path, w.body).status
			if status >= 300 {
				t.Fatalf("round %d, %s: HTTP %d", round, w.what, status)
			}
			for _, r := range []*api{b, a} {
				if got := r.allowedOn(reader, "docs.write", "squad"); got != w.want {
					t.Fatalf("round %d, after %s answered %d: a check answers allowed=%v, the answer before the write", round, w.what, status, got)
				}
			}
		}
		// Objects created through a are known to b's next check: a new
		// identity and permission are answered, not refused as missing.
		who, perm := fmt.Sprintf("new-%d", round), fmt.Sprintf("docs.new%d", round)
		a.expect(a.do(a.owner, "PUT", "/v1/identities/"+who, `{"name":"New","email":"`+who+`@example.com"}`), 201)
		a.expect(a.do(a.owner, "PUT", env+"/permissions/"+perm, `{"name":"New"}`), 201)
		if ans, _ := b.checkAccess(reader, "development", who, perm, "org", 200); ans.Allowed {
			t.Fatalf("round %d: a new identity holds a new permission: %+v", round, ans)
		}
	}

	// A batch is answered from the same index as single checks.
	r := b.expect(b.do(reader, "POST", env+"/access/batch-check",
		`{"checks":[{"identity_key":"ada","permission":"docs.write","node_key":"squad"},{"identity_key":"grace","permission":"docs.write","node_key":"squad"}]}`), 200)
	results := r.json()["results"].([]any)
	if results[0].(map[string]any)["allowed"] != true || results[1].(map[string]any)["allowed"] != false {
		t.Fatalf("batch: %s", r.body)
	}

	// An environment deleted through a is gone for b's checks, and one
	// created again under its slug starts empty.
	a.environment("staging")
	a.accessFixture("staging")
	if ans, _ := b.checkAccess(reader, "development", "ada", "docs.write", "squad", 200); !ans.Allowed {
		t.Fatal("development's answer changed with staging's writes")
	}
	if ans, _ := b.checkAccess(b.owner, "staging", "ada", "docs.write", "squad", 200); !ans.Allowed {
		t.Fatal("staging's fixture does not grant")
	}
	a.expect(a.do(a.owner, "DELETE", "/v1/environments/staging?force=true", ""), 204)
	b.checkAccess(b.owner, "staging", "ada", "docs.write", "squad", 404)
	a.environment("staging")
	_, r = b.checkAccess(b.owner, "staging", "ada", "docs.write", "squad", 400)
	if r.code() != string(domain.CodeValidation) {
		t.Fatalf("staging created again answers from the deleted one's index: %s", r.body)
	}
}

// A credential revoked through one replica is refused by the other from
// the revocation's response on, though it was just used there.
func TestReplicasRefuseARevokedCredentialAtOnce(t *testing.T) {
	a := newAPI(t)
	b := a.replica()
	a.accessFixture("development")
	key := a.expect(a.do(a.owner, "POST", "/v1/environments/development/api-keys", `{"name":"app","scope":"read_only"}`), 201).json()
	tok := a.expect(a.do(a.owner, "POST", "/v1/tokens", `{"name":"app","role":"viewer"}`), 201).json()
	revoke := map[string][2]string{
		"API key":       {key["secret"].(string), "/v1/environments/development/api-keys/" + key["id"].(string)},
		"account token": {tok["secret"].(string), "/v1/tokens/" + tok["id"].(string)},
	}
	for what, c := range revoke {
		secret, path := c[0], c[1]
		b.checkAccess(secret, "development", "ada", "docs.write", "squad", 200)
		b.expect(b.do(secret, "GET", "/v1/environments/development/permissions/docs.read", ""), 200)
		a.expect(a.do(a.owner, "DELETE", path, ""), 204)
		b.checkAccess(secret, "development", "ada", "docs.write", "squad", 401)
		b.expect(b.do(secret, "GET", "/v1/environments/development/permissions/docs.read", ""), 401)
		a.checkAccess(secret, "development", "ada", "docs.write", "squad", 401)
		t.Logf("%s refused by both replicas", what)
	}
	// A write reads the credential alone (resolve): a revoked one is
	// refused all the same.
	writer := a.expect(a.do(a.owner, "POST", "/v1/environments/development/api-keys", `{"name":"ci","scope":"read_write"}`), 201).json()
	secret := writer["secret"].(string)
	b.expect(b.do(secret, "PUT", "/v1/environments/development/permissions/w1", `{"name":"W"}`, "If-None-Match", "*"), 201)
	b.expect(b.do(secret, "DELETE", "/v1/environments/development/permissions/w1", ""), 204)
	a.expect(a.do(a.owner, "DELETE", "/v1/environments/development/api-keys/"+writer["id"].(string), ""), 204)
	b.expect(b.do(secret, "PUT", "/v1/environments/development/permissions/w2", `{"name":"W"}`, "If-None-Match", "*"), 401)
	b.expect(b.do(secret, "DELETE", "/v1/environments/development/permissions/docs.read", ""), 401)
	b.expect(b.do(a.owner, "GET", "/v1/environments/development/permissions/w2", ""), 404)
}
