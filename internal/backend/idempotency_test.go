package backend_test

import (
	"fmt"
	"testing"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// A lost answer is repaired by sending the same create again with the same
// Idempotency-Key, as the provider does with the key it derives from what
// it creates. Each case is one kind of create whose answer holds a secret
// shown once.
type replayCase struct {
	name string
	// create sends the create with an Idempotency-Key.
	create func(a *api, token, key string) response
	// secret is the one-time secret of an answer.
	secret string
	// remove deletes what an answer created.
	remove func(a *api, first response)
	// change edits it without deleting it.
	change func(a *api, first response)
	// changed is the status of the create once what it made was changed.
	changed int
}

func replayCases() []replayCase {
	dev := "/v1/environments/development/"
	oauth := `{"name":"Dashboard","redirect_uris":["https://app.example.com/cb"],"scopes":["openid"]}`
	hook := `{"url":"https://hooks.example.com/arbor","events":["role.updated"],"enabled":true}`
	return []replayCase{
		{
			name: "OAuth client",
			create: func(a *api, token, key string) response {
				return a.do(token, "PUT", dev+"oauth-clients/dashboard", oauth, "If-None-Match", "*", "Idempotency-Key", key)
			},
			secret: "client_secret",
			remove: func(a *api, _ response) { a.expect(a.do(a.owner, "DELETE", dev+"oauth-clients/dashboard", ""), 204) },
			change: func(a *api, _ response) {
				a.expect(a.do(a.owner, "PUT", dev+"oauth-clients/dashboard", `{"name":"Renamed"}`), 200)
			},
			changed: 412,
		},
		{
			name: "webhook",
			create: func(a *api, token, key string) response {
				return a.do(token, "PUT", dev+"webhooks/audit", hook, "If-None-Match", "*", "Idempotency-Key", key)
			},
			secret: "signing_secret",
			remove: func(a *api, _ response) { a.expect(a.do(a.owner, "DELETE", dev+"webhooks/audit", ""), 204) },
			change: func(a *api, _ response) {
				a.expect(a.do(a.owner, "PUT", dev+"webhooks/audit", `{"url":"https://hooks.example.com/other","events":["role.updated"],"enabled":true}`), 200)
			},
			changed: 412,
		},
		{
			name: "API key",
			create: func(a *api, token, key string) response {
				return a.do(token, "POST", dev+"api-keys", `{"name":"ci","scope":"read_write"}`, "Idempotency-Key", key)
			},
			secret: "secret",
			remove: func(a *api, first response) {
				a.expect(a.do(a.owner, "DELETE", dev+"api-keys/"+first.json()["id"].(string), ""), 204)
			},
			change: func(a *api, first response) {
				a.expect(a.do(a.owner, "PUT", dev+"api-keys/"+first.json()["id"].(string), `{"name":"ci","scope":"read_only"}`), 200)
			},
			// Its name is its natural key: still held by the changed key.
			changed: 409,
		},
		{
			name: "environment cloned from development",
			create: func(a *api, token, key string) response {
				return a.do(token, "POST", "/v1/environments", `{"slug":"qa","name":"QA","copy_from":"development"}`, "Idempotency-Key", key)
			},
			secret: "copy",
			remove: func(a *api, _ response) { a.expect(a.do(a.owner, "DELETE", "/v1/environments/qa?force=true", ""), 204) },
			change: func(a *api, _ response) {
				a.expect(a.do(a.owner, "PUT", "/v1/environments/qa", `{"name":"Quality"}`), 200)
			},
			changed: 409,
		},
	}
}

// seedClone gives development an OAuth client and a webhook, so a clone
// of it answers with new secrets of its own.
func seedClone(a *api) {
	a.expect(a.do(a.owner, "PUT", "/v1/environments/development/oauth-clients/portal", `{"name":"Portal","redirect_uris":["https://portal.example.com/cb"],"scopes":["openid"]}`), 201)
	a.expect(a.do(a.owner, "PUT", "/v1/environments/development/webhooks/sink", `{"url":"https://hooks.example.com/sink","events":["role.updated"],"enabled":true}`), 201)
}

func secretOf(c replayCase, r response) string {
	v := r.json()[c.secret]
	if v == nil || v == "" {
		return ""
	}
	return fmt.Sprint(v)
}

func TestLostCreateAnswerReplays(t *testing.T) {
	for _, c := range replayCases() {
		t.Run(c.name, func(t *testing.T) {
			a := newAPI(t)
			seedClone(a)
			first := a.expect(c.create(a, a.owner, "derived-1"), 201)
			again := a.expect(c.create(a, a.owner, "derived-1"), 201)
			if secretOf(c, first) == "" {
				t.Fatalf("the first answer has no %s: %s", c.secret, first.body)
			}
			if string(first.body) != string(again.body) {
				t.Fatalf("the repeated create did not replay the first answer:\n%s\n%s", first.body, again.body)
			}
		})
	}
	// The replayed API key works, and there is one.
	a := newAPI(t)
	key := a.expect(replayCases()[2].create(a, a.owner, "k"), 201).json()
	replayed := a.expect(replayCases()[2].create(a, a.owner, "k"), 201).json()
	who := a.expect(a.do(replayed["secret"].(string), "GET", "/v1/whoami", ""), 200).json()
	if who["id"] != key["id"] {
		t.Errorf("the replayed secret authenticates as %v, want key %v", who["id"], key["id"])
	}
	if keys := a.expect(a.do(a.owner, "GET", "/v1/environments/development/api-keys", ""), 200).json()["items"].([]any); len(keys) != 1 {
		t.Errorf("%d API keys after a replayed create, want 1", len(keys))
	}
}

// What was deleted since is never resurrected by a replay: the create runs
// as new, and is then what a repetition replays.
func TestReplayAfterDeleteCreatesAnew(t *testing.T) {
	for _, c := range replayCases() {
		t.Run(c.name, func(t *testing.T) {
			a := newAPI(t)
			seedClone(a)
			first := a.expect(c.create(a, a.owner, "derived-1"), 201)
			c.remove(a, first)
			second := a.expect(c.create(a, a.owner, "derived-1"), 201)
			if secretOf(c, second) == "" || secretOf(c, second) == secretOf(c, first) {
				t.Fatalf("the create after a delete did not run as new:\n%s\n%s", first.body, second.body)
			}
			if third := a.expect(c.create(a, a.owner, "derived-1"), 201); string(third.body) != string(second.body) {
				t.Fatalf("a repetition of the new create did not replay it:\n%s\n%s", second.body, third.body)
			}
		})
	}
	// The revoked key's secret stays revoked.
	a := newAPI(t)
	c := replayCases()[2]
	first := a.expect(c.create(a, a.owner, "k"), 201)
	c.remove(a, first)
	a.expect(c.create(a, a.owner, "k"), 201)
	a.expect(a.do(first.json()["secret"].(string), "GET", "/v1/whoami", ""), 401)
}

// What was changed since is never hidden by a replay: the create runs as
// new, and its precondition (or the natural key) answers honestly.
func TestReplayAfterChangeIsRefused(t *testing.T) {
	for _, c := range replayCases() {
		t.Run(c.name, func(t *testing.T) {
			a := newAPI(t)
			seedClone(a)
			first := a.expect(c.create(a, a.owner, "derived-1"), 201)
			c.change(a, first)
			a.expect(c.create(a, a.owner, "derived-1"), c.changed)
		})
	}
}

// The same key from another credential is another request: it runs as new.
func TestReplayIsPerPrincipal(t *testing.T) {
	for _, c := range replayCases() {
		t.Run(c.name, func(t *testing.T) {
			a := newAPI(t)
			seedClone(a)
			admin := a.token(domain.RoleAdmin)
			a.expect(c.create(a, a.owner, "derived-1"), 201)
			a.expect(c.create(a, admin, "derived-1"), c.changed)
		})
	}
}

// A clone's answer replays only while every object whose new secret it
// holds is still the one it copied.
func TestCloneReplayNeedsItsCopies(t *testing.T) {
	a := newAPI(t)
	seedClone(a)
	c := replayCases()[3]
	a.expect(c.create(a, a.owner, "derived-1"), 201)
	a.expect(a.do(a.owner, "DELETE", "/v1/environments/qa/webhooks/sink", ""), 204)
	a.expect(a.do(a.owner, "PUT", "/v1/environments/qa/webhooks/sink", `{"url":"https://hooks.example.com/sink","events":["role.updated"],"enabled":true}`), 201)
	a.expect(c.create(a, a.owner, "derived-1"), 409)
}

// API key names are unique per environment, on create and on rename, and
// the refusal names the field.
func TestAPIKeyNamesAreUniquePerEnvironment(t *testing.T) {
	a := newAPI(t)
	a.environment("qa")
	dev := "/v1/environments/development/api-keys"
	first := a.expect(a.do(a.owner, "POST", dev, `{"name":"ci","scope":"read_write"}`), 201).json()
	dup := a.expect(a.do(a.owner, "POST", dev, `{"name":"ci","scope":"read_only"}`), 409).json()
	if details, _ := dup["details"].([]any); len(details) != 1 || details[0].(map[string]any)["field"] != "name" {
		t.Errorf("the refusal does not name the field: %v", dup)
	}
	a.expect(a.do(a.owner, "POST", "/v1/environments/qa/api-keys", `{"name":"ci","scope":"read_write"}`), 201)
	other := a.expect(a.do(a.owner, "POST", dev, `{"name":"deploy","scope":"read_write"}`), 201).json()
	a.expect(a.do(a.owner, "PUT", dev+"/"+other["id"].(string), `{"name":"ci","scope":"read_write"}`), 409)
	// A key keeps its own name through an update.
	a.expect(a.do(a.owner, "PUT", dev+"/"+first["id"].(string), `{"name":"ci","scope":"read_only"}`), 200)
}
