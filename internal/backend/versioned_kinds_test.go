package backend_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// versionedBodies make, per versioned kind, a body whose content is
// variant; a versioned kind without one fails the tests below.
var versionedBodies = map[string]func(variant string) string{
	domain.KindWorkflow.Name: workflowBody,
	domain.KindGuide.Name:    guideBody,
	domain.KindPartial.Name: func(variant string) string {
		return fmt.Sprintf(`{"name":%q,"type":"html","content":"<a href=\"{{ url }}\">Open</a>","input_fields":[{"key":"url","label":"Link"}]}`, variant)
	},
	domain.KindTranslation.Name: func(variant string) string {
		return fmt.Sprintf(`{"strings":{"welcome":%q}}`, variant)
	},
	domain.KindEmailLayout.Name: func(variant string) string {
		return fmt.Sprintf(`{"name":%q,"html_layout":"<html><body>{{ content }}</body></html>","text_layout":"{{ content }}","footer_links":[{"text":"Preferences","url":"https://app.example.com/preferences"}]}`, variant)
	},
}

// versionedKey is name as a key of kind: a translation's key names its
// locale (here after name as its namespace), every other kind's is name.
func versionedKey(kind domain.Kind, name string) string {
	if kind == domain.KindTranslation {
		return name + ".en"
	}
	return name
}

func eachVersionedKind(t *testing.T, test func(t *testing.T, kind domain.Kind, body func(string) string)) {
	for _, kind := range domain.VersionedKinds {
		body, ok := versionedBodies[kind.Name]
		if !ok {
			t.Errorf("versioned kind %s has no body in versionedBodies", kind.Name)
			continue
		}
		t.Run(kind.Name, func(t *testing.T) { test(t, kind, body) })
	}
}

func inactive(body string) string {
	return `{"active":false,` + strings.TrimPrefix(body, "{")
}

// The raw API enforces the promotion rule on every write path of every
// versioned kind: the same matrix for workflows and guides.
func TestVersionedKindsPromotionOverTheAPI(t *testing.T) {
	eachVersionedKind(t, func(t *testing.T, kind domain.Kind, body func(string) string) {
		a := newAPI(t)
		a.environment("staging")
		a.channels("development", "staging", "production")
		keyOf := func(name string) string { return versionedKey(kind, name) }
		at := func(env, key string) string {
			return "/v1/environments/" + env + "/" + kind.Collection + "/" + keyOf(key)
		}
		put := func(env, key, b string, want int) response {
			t.Helper()
			return a.expect(a.do(a.owner, "PUT", at(env, key), b), want)
		}
		v1, v2 := body("v1"), body("v2")

		created := put("development", "welcome", v1, 201).json()
		if created["origin_environment"] != "development" || len(created["sha"].(string)) != 64 {
			t.Fatalf("created: %v", created)
		}
		if _, has := created["active"]; has != domain.HasActive(kind) || (has && created["active"] != true) {
			t.Fatalf("created with active %v; the kind has an active flag: %t", created["active"], domain.HasActive(kind))
		}
		r := put("production", "welcome", v1, 409)
		if r.code() != "promotion_refused" || !strings.Contains(string(r.body), kind.Noun+` \"`+keyOf("welcome")+`\" does not exist in staging: apply it to staging first`) ||
			!strings.Contains(string(r.body), "development → staging → production") {
			t.Errorf("skip staging: %s", r.body)
		}
		staged := put("staging", "welcome", v1, 201).json()
		prod := put("production", "welcome", v1, 201).json()
		if staged["sha"] != created["sha"] || prod["sha"] != created["sha"] || prod["origin_environment"] != "development" {
			t.Errorf("promoted copies differ: %v %v", staged, prod)
		}
		r = put("production", "welcome", v2, 409)
		if !strings.Contains(string(r.body), "differs from its version in staging") {
			t.Errorf("production before staging: %s", r.body)
		}
		put("staging", "welcome", v2, 409)
		put("development", "welcome", v2, 200)
		put("production", "welcome", v2, 409)
		put("staging", "welcome", v2, 200)
		put("production", "welcome", v2, 200)
		// Active switches anywhere, without promotion, and stays put.
		if domain.HasActive(kind) {
			if got := put("production", "welcome", inactive(v2), 200).json(); got["active"] != false {
				t.Errorf("active not switched: %v", got)
			}
			if got := a.expect(a.do(a.owner, "GET", at("staging", "welcome"), ""), 200).json(); got["active"] != true {
				t.Errorf("active leaked to staging: %v", got)
			}
		} else {
			r := put("production", "welcome", inactive(v2), 400)
			if !strings.Contains(string(r.body), "active") {
				t.Errorf("a %s has no active flag: %s", kind.Noun, r.body)
			}
		}
		// Deletion follows the order too.
		r = a.expect(a.do(a.owner, "DELETE", at("production", "welcome"), ""), 409)
		if !strings.Contains(string(r.body), "still exists in staging") {
			t.Errorf("delete in production first: %s", r.body)
		}
		a.expect(a.do(a.owner, "DELETE", at("staging", "welcome"), ""), 409)
		a.expect(a.do(a.owner, "DELETE", at("development", "welcome"), ""), 204)
		a.expect(a.do(a.owner, "DELETE", at("staging", "welcome"), ""), 204)
		a.expect(a.do(a.owner, "DELETE", at("production", "welcome"), ""), 204)
		put("staging", "fresh", v1, 409)
	})
}

// Production write access and origin protection, for every versioned kind.
func TestVersionedKindsProductionWriteAccess(t *testing.T) {
	eachVersionedKind(t, func(t *testing.T, kind domain.Kind, body func(string) string) {
		a := newAPI(t)
		a.channels("development", "production")
		keyOf := func(name string) string { return versionedKey(kind, name) }
		at := func(env, key string) string {
			return "/v1/environments/" + env + "/" + kind.Collection + "/" + keyOf(key)
		}
		pm := a.token(domain.RoleProductionMember)
		v1, v2 := body("v1"), body("v2")
		r := a.expect(a.do(a.owner, "PUT", at("production", "campaign"), v1), 409)
		if !strings.Contains(string(r.body), "turn production write access on") {
			t.Errorf("born in production, access off: %s", r.body)
		}
		a.expect(a.do(pm, "PUT", at("production", "campaign"), v1), 403)

		a.expect(a.do(a.owner, "PUT", "/v1/settings", `{"production_write_access":true}`), 200)
		if born := a.expect(a.do(pm, "PUT", at("production", "campaign"), v1), 201).json(); born["origin_environment"] != "production" {
			t.Fatalf("origin %v", born["origin_environment"])
		}
		a.expect(a.do(pm, "PUT", at("production", "campaign"), v2), 200)
		r = a.expect(a.do(a.owner, "PUT", at("development", "campaign"), v1), 409)
		if !strings.Contains(string(r.body), kind.Noun+` \"`+keyOf("campaign")+`\" was created in production and is edited only there`) {
			t.Errorf("production-born key in development: %s", r.body)
		}
		a.expect(a.do(a.owner, "PUT", at("development", "welcome"), v1), 201)
		a.expect(a.do(a.owner, "PUT", at("production", "welcome"), v1), 201)
		r = a.expect(a.do(pm, "PUT", at("production", "welcome"), v2), 409)
		if !strings.Contains(string(r.body), "is edited only in development") {
			t.Errorf("development-born edited in production: %s", r.body)
		}

		a.expect(a.do(a.owner, "PUT", "/v1/settings", `{"production_write_access":false}`), 200)
		r = a.expect(a.do(a.owner, "PUT", at("production", "campaign"), body("v3")), 409)
		if !strings.Contains(string(r.body), "only while production write access is on") {
			t.Errorf("frozen: %s", r.body)
		}
		if domain.HasActive(kind) {
			a.expect(a.do(a.owner, "PUT", at("production", "campaign"), inactive(v2)), 200)
		}
		a.expect(a.do(a.owner, "PUT", at("production", "campaign"), v2), 200)
		a.expect(a.do(a.owner, "DELETE", at("production", "campaign"), ""), 409)
	})
}

// Every versioned kind keeps its versions and answers its promotion state.
func TestVersionedKindsVersionsAndPromotionEndpoint(t *testing.T) {
	eachVersionedKind(t, func(t *testing.T, kind domain.Kind, body func(string) string) {
		a := newAPI(t)
		a.channels("development")
		base := "/v1/environments/development/" + kind.Collection + "/" + versionedKey(kind, "welcome")
		a.expect(a.do(a.owner, "PUT", base, body("v1")), 201)
		second := a.expect(a.do(a.owner, "PUT", base, body("v2")), 200).json()
		page := a.expect(a.do(a.owner, "GET", base+"/versions?limit=1", ""), 200).json()
		items := page["items"].([]any)
		if len(items) != 1 || items[0].(map[string]any)["version"].(float64) != 2 || page["next_cursor"] == nil {
			t.Fatalf("newest version page: %v", page)
		}
		older := a.expect(a.do(a.owner, "GET", base+"/versions?cursor="+page["next_cursor"].(string), ""), 200).json()["items"].([]any)
		if len(older) != 1 || older[0].(map[string]any)["sha"] == second["sha"] {
			t.Errorf("older versions: %v", older)
		}
		key := a.key("production", domain.ScopeReadOnly)
		p := a.expect(a.do(key, "GET", "/v1/environments/production/"+kind.Collection+"/"+versionedKey(kind, "welcome")+"/promotion", ""), 200).json()
		if p["kind"] != kind.Name || p["below_environment"] != "development" || p["below"].(map[string]any)["sha"] != second["sha"] || p["current"] != nil {
			t.Errorf("promotion: %v", p)
		}
		a.expect(a.do(key, "GET", "/v1/environments/development/"+kind.Collection+"/"+versionedKey(kind, "welcome")+"/promotion", ""), 404)
		a.expect(a.do(a.owner, "GET", "/v1/environments/development/"+kind.Collection+"/"+versionedKey(kind, "nobody")+"/versions", ""), 404)
	})
}

// The promotion states route answers, a page at a time, what the promotion
// route answers for each key that exists in some environment, and gives
// what a key it does not list (one that exists nowhere) would answer.
func TestVersionedKindsPromotionStates(t *testing.T) {
	eachVersionedKind(t, func(t *testing.T, kind domain.Kind, body func(string) string) {
		a := newAPI(t)
		a.channels("development")
		a.channels("production")
		keyOf := func(name string) string { return versionedKey(kind, name) }
		at := func(env, key string) string {
			return "/v1/environments/" + env + "/" + kind.Collection + "/" + keyOf(key)
		}
		for _, key := range []string{"alpha", "beta", "delta", "gamma"} {
			a.expect(a.do(a.owner, "PUT", at("development", key), body(key)), 201)
		}
		// beta reaches production as it is; gamma changes in development
		// after reaching production.
		a.expect(a.do(a.owner, "PUT", at("production", "beta"), body("beta")), 201)
		a.expect(a.do(a.owner, "PUT", at("production", "gamma"), body("gamma")), 201)
		a.expect(a.do(a.owner, "PUT", at("development", "gamma"), body("gamma v2")), 200)
		key := a.key("production", domain.ScopeReadOnly)
		states := "/v1/environments/production/promotion-states/" + kind.Collection
		var listed []any
		cursor := ""
		for pages := 0; ; pages++ {
			page := a.expect(a.do(key, "GET", states+"?limit=3&cursor="+cursor, ""), 200).json()
			if page["kind"] != kind.Name || page["environment"] != "production" || fmt.Sprint(page["order"]) != "[development production]" || page["production_write_access"] != false {
				t.Errorf("page %d: %v", pages, page)
			}
			listed = append(listed, page["items"].([]any)...)
			next, _ := page["next_cursor"].(string)
			if next == "" {
				if pages != 1 {
					t.Errorf("4 keys in pages of 3 made %d pages", pages+1)
				}
				break
			}
			cursor = next
		}
		var keys []string
		for _, it := range listed {
			item := it.(map[string]any)
			k := item["key"].(string)
			keys = append(keys, k)
			one := a.expect(a.do(key, "GET", "/v1/environments/production/"+kind.Collection+"/"+k+"/promotion", ""), 200).json()
			if fmt.Sprint(one) != fmt.Sprint(item) {
				t.Errorf("%s: listed %v, the promotion route answers %v", k, item, one)
			}
		}
		if want := fmt.Sprint([]string{keyOf("alpha"), keyOf("beta"), keyOf("delta"), keyOf("gamma")}); fmt.Sprint(keys) != want {
			t.Errorf("listed keys %v", keys)
		}
		absent := a.expect(a.do(key, "GET", at("production", "nowhere")+"/promotion", ""), 200).json()
		if absent["current"] != nil || absent["below"] != nil || absent["origin_environment"] != nil {
			t.Errorf("a key that exists nowhere: %v", absent)
		}
		a.expect(a.do(key, "GET", "/v1/environments/development/promotion-states/"+kind.Collection, ""), 404)
		a.expect(a.do(key, "GET", states+"?cursor=%25%25", ""), 400)
	})
}

// The promotion states an environment's key lists are the keys of that
// environment and the one below: a development key never lists a key
// that exists only in production, and learns that production took a key
// only by asking for that key, which the listing tells it to do. Every listed item is what the promotion
// route answers for it, whatever the page size (small pages leave keys of
// the environments further down past their windows).
func TestPromotionStatesListOnlyTheEnvironmentAndTheOneBelow(t *testing.T) {
	eachVersionedKind(t, func(t *testing.T, kind domain.Kind, body func(string) string) {
		a := newAPI(t)
		a.environment("staging")
		a.channels("development", "staging", "production")
		at := func(env, key string) string {
			return "/v1/environments/" + env + "/" + kind.Collection + "/" + versionedKey(kind, key)
		}
		for _, key := range []string{"a-dev", "b-dev", "c-dev", "d-promoted", "e-dev", "f-promoted"} {
			a.expect(a.do(a.owner, "PUT", at("development", key), body(key)), 201)
		}
		for _, key := range []string{"d-promoted", "f-promoted"} {
			a.expect(a.do(a.owner, "PUT", at("staging", key), body(key)), 201)
			a.expect(a.do(a.owner, "PUT", at("production", key), body(key)), 201)
		}
		a.expect(a.do(a.owner, "PUT", "/v1/settings", `{"production_write_access":true}`), 200)
		a.expect(a.do(a.owner, "PUT", at("production", "secret-campaign"), body("secret")), 201)
		a.expect(a.do(a.owner, "PUT", "/v1/settings", `{"production_write_access":false}`), 200)

		list := func(key, env string, limit int) ([]string, map[string]any) {
			t.Helper()
			var keys []string
			cursor := ""
			for {
				page := a.expect(a.do(key, "GET", fmt.Sprintf("/v1/environments/%s/promotion-states/%s?limit=%d&cursor=%s", env, kind.Collection, limit, cursor), ""), 200).json()
				for _, it := range page["items"].([]any) {
					item := it.(map[string]any)
					k := item["key"].(string)
					keys = append(keys, names(kind, []string{k})[0])
					one := a.expect(a.do(key, "GET", "/v1/environments/"+env+"/"+kind.Collection+"/"+k+"/promotion", ""), 200).json()
					if fmt.Sprint(one) != fmt.Sprint(item) {
						t.Errorf("%s, pages of %d: %s listed %v, the promotion route answers %v", env, limit, k, item, one)
					}
				}
				next, _ := page["next_cursor"].(string)
				if next == "" {
					return keys, page
				}
				if page["check_unlisted_keys"] != nil {
					t.Errorf("%s: check_unlisted_keys on a page before the last: %v", env, page)
				}
				cursor = next
			}
		}
		for _, c := range []struct {
			env, want     string
			checkUnlisted any
		}{
			{"development", "[a-dev b-dev c-dev d-promoted e-dev f-promoted]", true},
			{"staging", "[a-dev b-dev c-dev d-promoted e-dev f-promoted]", true},
			// Development's own keys have not reached staging: listed
			// from production, each is checked by itself.
			{"production", "[d-promoted f-promoted secret-campaign]", true},
		} {
			key := a.key(c.env, domain.ScopeReadOnly)
			for _, limit := range []int{1, 2, 100} {
				keys, last := list(key, c.env, limit)
				if fmt.Sprint(keys) != c.want || last["check_unlisted_keys"] != c.checkUnlisted {
					t.Errorf("%s, pages of %d: listed %v (check_unlisted_keys %v), want %s (%v)", c.env, limit, keys, last["check_unlisted_keys"], c.want, c.checkUnlisted)
				}
			}
		}
		// Asked for that key, the rule says production took it: a plan
		// creating it in development is refused as the write would be.
		dev := a.key("development", domain.ScopeReadWrite)
		taken := a.expect(a.do(dev, "GET", at("development", "secret-campaign")+"/promotion", ""), 200).json()
		if taken["origin_environment"] != "production" || taken["current"] != nil || taken["below"] != nil {
			t.Errorf("the promotion of a production-born key asked from development: %v", taken)
		}
		if r := a.do(dev, "PUT", at("development", "secret-campaign"), body("mine")); r.status != 409 || !strings.Contains(string(r.body), "was created in production") {
			t.Errorf("creating a production-born key in development: %d %s", r.status, r.body)
		}
		// With every key in development and no production-born one,
		// development's listing leaves out nothing that matters.
		a.expect(a.do(a.owner, "PUT", "/v1/settings", `{"production_write_access":true}`), 200)
		a.expect(a.do(a.owner, "DELETE", at("production", "secret-campaign"), ""), 204)
		if _, last := list(a.key("development", domain.ScopeReadOnly), "development", 100); last["check_unlisted_keys"] != nil {
			t.Errorf("no production-born object left, yet the listing says %v", last["check_unlisted_keys"])
		}
	})
}

// names are keys of kind as the names versionedKey made them from.
func names(kind domain.Kind, keys []string) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = strings.TrimSuffix(k, versionedKey(kind, ""))
	}
	return out
}
