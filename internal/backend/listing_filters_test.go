package backend_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// keysOf walks a listing to its end, a page of limit at a time, and
// returns the keys in the order the pages gave them.
func (a *api) keysOf(t *testing.T, token, path string, limit int) []string {
	t.Helper()
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	var keys []string
	cursor := ""
	for pages := 0; ; pages++ {
		page := a.expect(a.do(token, "GET", fmt.Sprintf("%s%slimit=%d&cursor=%s", path, sep, limit, cursor), ""), 200).json()
		for _, it := range page["items"].([]any) {
			keys = append(keys, it.(map[string]any)["key"].(string))
		}
		next, _ := page["next_cursor"].(string)
		if next == "" {
			return keys
		}
		if pages > 50 {
			t.Fatal("pagination does not end")
		}
		cursor = next
	}
}

// key_prefix narrows every keyed listing to the keys starting with it,
// across pages, and stops at the first key past them.
func TestListingKeyPrefix(t *testing.T) {
	a := newAPI(t)
	for _, k := range []string{"app.a", "app.b", "app.c", "app.d", "app.e", "apo.z", "apq", "b.x", "ap"} {
		a.expect(a.do(a.owner, "PUT", "/v1/environments/development/permissions/"+k, `{"name":"x"}`), 201)
	}
	if got := a.keysOf(t, a.owner, "/v1/environments/development/permissions?key_prefix=app.", 2); fmt.Sprint(got) != "[app.a app.b app.c app.d app.e]" {
		t.Errorf("key_prefix=app. gave %v", got)
	}
	if got := a.keysOf(t, a.owner, "/v1/environments/development/permissions?key_prefix=ap", 100); fmt.Sprint(got) != "[ap apo.z app.a app.b app.c app.d app.e apq]" {
		t.Errorf("key_prefix=ap gave %v", got)
	}
	if got := a.keysOf(t, a.owner, "/v1/environments/development/permissions?key_prefix=zz", 100); len(got) != 0 {
		t.Errorf("key_prefix=zz gave %v", got)
	}
	for _, k := range []string{"ada", "adam", "bob"} {
		a.expect(a.do(a.owner, "PUT", "/v1/identities/"+k, fmt.Sprintf(`{"email":"%s@example.com","name":"x"}`, k)), 201)
	}
	if got := a.keysOf(t, a.owner, "/v1/identities?key_prefix=ad", 1); fmt.Sprint(got) != "[ada adam]" {
		t.Errorf("identities key_prefix=ad gave %v", got)
	}
}

// origin_environment keeps the versioned objects born in one environment:
// what a team adopting production-born guides lists.
func TestListingOriginEnvironment(t *testing.T) {
	eachVersionedKind(t, func(t *testing.T, kind domain.Kind, body func(string) string) {
		a := newAPI(t)
		a.channels("development", "production")
		a.expect(a.do(a.owner, "PUT", "/v1/settings", `{"production_write_access":true}`), 200)
		at := func(env, key string) string {
			return "/v1/environments/" + env + "/" + kind.Collection + "/" + versionedKey(kind, key)
		}
		a.expect(a.do(a.owner, "PUT", at("development", "promoted"), body("v1")), 201)
		a.expect(a.do(a.owner, "POST", "/v1/environments/production/promote", `{"from":"development"}`), 200)
		a.expect(a.do(a.owner, "PUT", at("production", "born"), body("v1")), 201)
		list := "/v1/environments/production/" + kind.Collection
		if got := names(kind, a.keysOf(t, a.owner, list+"?origin_environment=production", 1)); fmt.Sprint(got) != "[born]" {
			t.Errorf("origin_environment=production gave %v", got)
		}
		if got := names(kind, a.keysOf(t, a.owner, list+"?origin_environment=development", 1)); fmt.Sprint(got) != "[promoted]" {
			t.Errorf("origin_environment=development gave %v", got)
		}
		if got := names(kind, a.keysOf(t, a.owner, list, 1)); fmt.Sprint(got) != "[born promoted]" {
			t.Errorf("unfiltered gave %v", got)
		}
	})
}

// A query parameter the route does not take is refused, naming it and
// what the route takes, on every kind of route: a misspelt filter never
// turns into an unfiltered listing.
func TestUnknownQueryParameterRefused(t *testing.T) {
	a := newAPI(t)
	for _, path := range []string{
		"/v1/environments/development/permissions?key_prefx=app",
		"/v1/environments/development/role-assignments?role=editor",
		"/v1/identities?origin_environment=production",
		"/v1/whoami?verbose=1",
	} {
		r := a.expect(a.do(a.owner, "GET", path, ""), 400)
		name := path[strings.Index(path, "?")+1 : strings.Index(path, "=")]
		details, _ := r.json()["details"].([]any)
		if len(details) != 1 || details[0].(map[string]any)["field"] != name || !strings.Contains(fmt.Sprint(details[0]), "is not a query parameter") {
			t.Errorf("%s: %s", path, r.body)
		}
	}
	if r := a.expect(a.do(a.owner, "GET", "/v1/environments/development/permissions?key_prefx=app", ""), 400); !strings.Contains(string(r.body), "key_prefix") {
		t.Errorf("the refusal does not say what the route takes: %s", r.body)
	}
	a.expect(a.do(a.owner, "GET", "/v1/environments/development/role-assignments?role_key=editor&identity_key=ada&limit=5", ""), 200)
}
