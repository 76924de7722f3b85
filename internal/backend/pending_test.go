package backend_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// variantField is where each versioned kind's test body puts its variant.
var variantField = map[string]string{
	domain.KindWorkflow.Name:    "steps[0].channel.body",
	domain.KindGuide.Name:       "content.title",
	domain.KindEmailLayout.Name: "name",
	domain.KindPartial.Name:     "name",
	domain.KindTranslation.Name: "strings.welcome",
}

// Pending promotion lists, kind by kind, what the next promotion into an
// environment would carry: new, changed and removed objects, never those
// created there; it pages across kinds.
func TestPendingPromotion(t *testing.T) {
	a := newAPI(t)
	a.environment("staging")
	a.channels("development", "staging", "production")
	a.expect(a.do(a.owner, "PUT", "/v1/settings", `{"production_write_access":true}`), 200)
	var want []string
	for _, kind := range domain.VersionedKinds {
		body, ok := versionedBodies[kind.Name]
		if !ok {
			t.Fatalf("versioned kind %s has no body in versionedBodies", kind.Name)
		}
		at := func(env, key string) string {
			return "/v1/environments/" + env + "/" + kind.Collection + "/" + versionedKey(kind, key)
		}
		for _, env := range []string{"development", "staging", "production"} {
			a.expect(a.do(a.owner, "PUT", at(env, "changed"), body("v1")), 201)
			a.expect(a.do(a.owner, "PUT", at(env, "same"), body("v1")), 201)
		}
		a.expect(a.do(a.owner, "PUT", at("development", "changed"), body("v2")), 200)
		a.expect(a.do(a.owner, "PUT", at("development", "new"), body("v1")), 201)
		a.expect(a.do(a.owner, "PUT", at("development", "removed"), body("v1")), 201)
		a.expect(a.do(a.owner, "PUT", at("staging", "removed"), body("v1")), 201)
		a.expect(a.do(a.owner, "DELETE", at("development", "removed"), ""), 204)
		a.expect(a.do(a.owner, "PUT", at("production", "born-here"), body("p")), 201)
		want = append(want, kind.Name+" changed changed", kind.Name+" new new", kind.Name+" removed removed")
	}

	var got []string
	var first domain.PendingPromotion
	cursor := ""
	for pages := 0; ; pages++ {
		r := a.expect(a.do(a.owner, "GET", "/v1/environments/staging/pending-promotion?limit=2"+cursor, ""), 200)
		var page domain.PendingPromotions
		if err := json.Unmarshal(r.body, &page); err != nil {
			t.Fatal(err)
		}
		if page.BelowEnvironment != "development" || pages > 10 {
			t.Fatalf("page %d: %s", pages, r.body)
		}
		for _, it := range page.Items {
			got = append(got, it.Kind+" "+strings.TrimSuffix(it.Key, versionedKey(domain.KindTranslation, ""))+" "+it.Change)
			if first.Key == "" {
				first = it
			}
		}
		if page.NextCursor == "" {
			break
		}
		cursor = "&cursor=" + page.NextCursor
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("pending in staging:\n got %v\nwant %v", got, want)
	}
	if first.Below == nil || first.Current == nil || first.Below.SHA == first.Current.SHA || first.Below.Version != 2 || first.Current.Version != 1 {
		t.Errorf("a changed item's copies: %+v %+v", first.Below, first.Current)
	}
	// Production waits only for what staging has that it has not (each
	// kind's "removed", still in staging); what was born in production is
	// never pending; nothing is promoted into development.
	for env, n := range map[string]int{"production": len(domain.VersionedKinds), "development": 0} {
		if items := a.expect(a.do(a.owner, "GET", "/v1/environments/"+env+"/pending-promotion", ""), 200).json()["items"].([]any); len(items) != n {
			t.Errorf("pending in %s: %v", env, items)
		}
	}
	// A viewer reads it; a key of another environment does not.
	a.expect(a.do(a.token(domain.RoleViewer), "GET", "/v1/environments/staging/pending-promotion", ""), 200)
	a.expect(a.do(a.key("development", domain.ScopeReadOnly), "GET", "/v1/environments/staging/pending-promotion", ""), 404)
}

// The diff names the fields that differ between two versions, here or
// against another environment's copy, and says which versions it read.
func TestVersionDiff(t *testing.T) {
	eachVersionedKind(t, func(t *testing.T, kind domain.Kind, body func(string) string) {
		a := newAPI(t)
		a.environment("staging")
		a.channels("development", "staging")
		at := func(env string) string {
			return "/v1/environments/" + env + "/" + kind.Collection + "/" + versionedKey(kind, "launch")
		}
		a.expect(a.do(a.owner, "PUT", at("development"), body("v1")), 201)
		a.expect(a.do(a.owner, "PUT", at("staging"), body("v1")), 201)
		// A write of the same content: switching active where the kind has
		// it, else the same body again.
		same := body("v1")
		if domain.HasActive(kind) {
			same = inactive(same)
		}
		a.expect(a.do(a.owner, "PUT", at("development"), same), 200)
		a.expect(a.do(a.owner, "PUT", at("development"), body("v2")), 200)

		diff := func(path, query string, want int) domain.VersionDiff {
			t.Helper()
			var d domain.VersionDiff
			r := a.expect(a.do(a.owner, "GET", path+"/diff"+query, ""), want)
			if want == 200 {
				if err := json.Unmarshal(r.body, &d); err != nil {
					t.Fatal(err)
				}
			}
			return d
		}
		field := variantField[kind.Name]
		// Default: the current version against the one before it; active
		// is no content, so versions 2 and 3 differ only by the variant.
		d := diff(at("development"), "", 200)
		if d.From.Version != 2 || d.To.Version != 3 || len(d.Changes) != 1 || d.Changes[0].Field != field ||
			d.Changes[0].Change != domain.FieldChanged || d.Changes[0].Before != "v1" || d.Changes[0].After != "v2" {
			t.Errorf("default diff: %+v", d)
		}
		if d := diff(at("development"), "?from=1&to=2", 200); len(d.Changes) != 0 || d.From.SHA != d.To.SHA {
			t.Errorf("active switched: %+v", d)
		}
		// What the next promotion into staging would change.
		d = diff(at("staging"), "?to_environment=development", 200)
		if d.From.Environment != "staging" || d.From.Version != 1 || d.To.Environment != "development" || d.To.Version != 3 || len(d.Changes) != 1 || d.Changes[0].Before != "v1" || d.Changes[0].After != "v2" {
			t.Errorf("against development: %+v", d)
		}
		diff(at("development"), "?from=9", 404)
		diff(at("development"), "?to=1&to_environment=staging", 400)
		diff(at("staging"), "", 400) // one version: nothing before it
		stagingKey := a.key("staging", domain.ScopeReadOnly)
		a.expect(a.do(stagingKey, "GET", at("staging")+"/diff?to_environment=development", ""), 404)
	})
}

// The promotion state says, per environment the credential may see, which
// copy it holds and how it compares with the environment below.
func TestPromotionStatusAcrossEnvironments(t *testing.T) {
	eachVersionedKind(t, func(t *testing.T, kind domain.Kind, body func(string) string) {
		a := newAPI(t)
		a.environment("staging")
		a.channels("development", "staging", "production")
		at := func(env string) string {
			return "/v1/environments/" + env + "/" + kind.Collection + "/" + versionedKey(kind, "launch")
		}
		for _, env := range []string{"development", "staging"} {
			a.expect(a.do(a.owner, "PUT", at(env), body("v1")), 201)
		}
		a.expect(a.do(a.owner, "PUT", at("development"), body("v2")), 200)
		var p domain.Promotion
		if err := json.Unmarshal(a.expect(a.do(a.owner, "GET", at("staging")+"/promotion", ""), 200).body, &p); err != nil {
			t.Fatal(err)
		}
		var statuses []string
		for _, c := range p.Environments {
			statuses = append(statuses, c.Environment+":"+c.Status)
		}
		if want := []string{"development:origin", "staging:changed", "production:absent"}; !reflect.DeepEqual(statuses, want) {
			t.Errorf("statuses %v, want %v", statuses, want)
		}
		if p.Environments[0].Version != 2 || p.Environments[1].Version != 1 {
			t.Errorf("versions: %+v", p.Environments)
		}
		// A key of staging sees staging and the environment below, not
		// production.
		r := a.expect(a.do(a.key("staging", domain.ScopeReadOnly), "GET", at("staging")+"/promotion", ""), 200).json()
		if envs := r["environments"].([]any); len(envs) != 2 {
			t.Errorf("a staging key sees %v", envs)
		}
		states := a.expect(a.do(a.owner, "GET", "/v1/environments/staging/promotion-states/"+kind.Collection, ""), 200).json()
		if envs := states["items"].([]any)[0].(map[string]any)["environments"].([]any); len(envs) != 3 {
			t.Errorf("promotion states: %v", envs)
		}
	})
}
