package backend_test

import (
	"strings"
	"testing"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// Configuration documents move every versioned kind under the promotion
// rule: promote, import and clone carry content only, keep each
// environment's active flag, refuse a skipped environment naming the
// object's section, and keep what the target created itself.
func TestVersionedKindsInConfigDocuments(t *testing.T) {
	eachVersionedKind(t, func(t *testing.T, kind domain.Kind, body func(string) string) {
		a := newAPI(t)
		a.environment("staging")
		a.channels("development", "staging", "production")
		keyOf := func(name string) string { return versionedKey(kind, name) }
		at := func(env, key string) string {
			return "/v1/environments/" + env + "/" + kind.Collection + "/" + keyOf(key)
		}
		a.expect(a.do(a.owner, "PUT", at("development", "welcome"), body("v1")), 201)
		res := a.expect(a.do(a.owner, "POST", "/v1/environments/staging/promote", `{"from":"development"}`), 200).json()
		if res["created"].(map[string]any)[kind.Section()] != 1.0 {
			t.Fatalf("promote to staging: %v", res)
		}
		staged := a.expect(a.do(a.owner, "GET", at("staging", "welcome"), ""), 200).json()
		dev := a.expect(a.do(a.owner, "GET", at("development", "welcome"), ""), 200).json()
		if staged["sha"] != dev["sha"] || staged["origin_environment"] != "development" {
			t.Errorf("promoted copy %v, development %v", staged, dev)
		}
		// Active is staging's own: switched off there, a promotion keeps it off.
		if domain.HasActive(kind) {
			a.expect(a.do(a.owner, "PUT", at("staging", "welcome"), inactive(body("v1"))), 200)
		}
		a.expect(a.do(a.owner, "PUT", at("development", "welcome"), body("v2")), 200)
		a.expect(a.do(a.owner, "POST", "/v1/environments/staging/promote", `{"from":"development"}`), 200)
		if got := a.expect(a.do(a.owner, "GET", at("staging", "welcome"), ""), 200).json(); domain.HasActive(kind) && got["active"] != false {
			t.Errorf("a promotion switched staging's active flag: %v", got)
		}
		// Production before staging: refused, naming the section and
		// staging, and nothing changes.
		a.expect(a.do(a.owner, "PUT", at("development", "welcome"), body("v3")), 200)
		before := a.export("production")
		r := a.importDoc("production", a.export("development"), 409)
		if !strings.Contains(string(r.body), `"field":"`+kind.Section()+`[0]"`) || !strings.Contains(string(r.body), "apply this change to staging first") {
			t.Errorf("import skipping staging: %s", r.body)
		}
		if a.export("production") != before {
			t.Error("a refused import changed production")
		}
		// What staging created itself stays when development's document
		// lacks it.
		a.expect(a.do(a.owner, "DELETE", at("development", "welcome"), ""), 204)
		a.expect(a.do(a.owner, "PUT", "/v1/settings", `{"production_write_access":true}`), 200)
		res = a.expect(a.do(a.owner, "POST", "/v1/environments/staging/promote", `{"from":"development"}`), 200).json()
		if res["deleted"].(map[string]any)[kind.Section()] != 1.0 {
			t.Errorf("the promotion did not remove what development removed: %v", res)
		}
		a.expect(a.do(a.owner, "PUT", at("production", "own"), body("p1")), 201)
		res = a.expect(a.do(a.owner, "POST", "/v1/environments/production/promote", `{"from":"staging"}`), 200).json()
		if kept, _ := res["kept"].(map[string]any)[kind.Section()].([]any); len(kept) != 1 || kept[0] != keyOf("own") {
			t.Errorf("production's own %s not kept: %v", kind.Noun, res)
		}
		a.expect(a.do(a.owner, "GET", at("production", "own"), ""), 200)
	})
}

// Cloning production, or promoting from it, leaves out the objects of
// every versioned kind born there, naming their kind.
func TestProductionBornVersionedObjectsStayInProduction(t *testing.T) {
	eachVersionedKind(t, func(t *testing.T, kind domain.Kind, body func(string) string) {
		a := newAPI(t)
		a.channels("development", "production")
		keyOf := func(name string) string { return versionedKey(kind, name) }
		at := func(env, key string) string {
			return "/v1/environments/" + env + "/" + kind.Collection + "/" + keyOf(key)
		}
		a.expect(a.do(a.owner, "PUT", "/v1/settings", `{"production_write_access":true}`), 200)
		a.expect(a.do(a.owner, "PUT", at("development", "welcome"), body("v1")), 201)
		a.expect(a.do(a.owner, "PUT", at("production", "prod-born"), body("p")), 201)
		// Production holds only what a clone leaves out: the production-born
		// object.
		env := a.expect(a.do(a.owner, "POST", "/v1/environments", `{"slug":"qa","name":"QA","copy_from":"production"}`), 201).json()
		leftOut, _ := env["copy"].(map[string]any)["left_out"].([]any)
		if len(leftOut) != 1 || leftOut[0].(map[string]any)["kind"] != kind.Name || leftOut[0].(map[string]any)["key"] != keyOf("prod-born") ||
			!strings.Contains(leftOut[0].(map[string]any)["reason"].(string), "production-born "+kind.Noun+"s") {
			t.Fatalf("clone left out %v", leftOut)
		}
		a.expect(a.do(a.owner, "GET", at("qa", "prod-born"), ""), 404)
		// The clone has production's channels (definitions without their
		// credentials), so what sends through them can be written there.
		a.expect(a.do(a.owner, "GET", "/v1/environments/qa/channels/postmark", ""), 200)
		a.expect(a.do(a.owner, "PUT", at("qa", "welcome"), body("v1")), 201)
		a.expect(a.do(a.owner, "PUT", at("production", "welcome"), body("v1")), 201)
		r := a.expect(a.do(a.owner, "GET", "/v1/environments/production/config?for=development", ""), 200)
		if got := r.header.Get("X-Arbor-Left-Out"); got != kind.Name+"/"+keyOf("prod-born") {
			t.Errorf("X-Arbor-Left-Out %q", got)
		}
		if !strings.Contains(string(r.body), `"key": "`+keyOf("welcome")+`"`) || strings.Contains(string(r.body), `"`+keyOf("prod-born")+`"`) {
			t.Errorf("the export for development: %s", r.body)
		}
	})
}
