package backend_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

func workflowBody(body string) string {
	return fmt.Sprintf(`{"name":"Welcome","steps":[{"ref":"email","channel":{"type":"email","key":"postmark","subject":"Hi","body":%q}}]}`, body)
}

func (a *api) putWorkflow(token, env, key, body string, want int) response {
	a.t.Helper()
	return a.expect(a.do(token, "PUT", "/v1/environments/"+env+"/workflows/"+key, body), want)
}

// The raw API enforces the promotion rule on every write path.
func TestWorkflowPromotionOverTheAPI(t *testing.T) {
	a := newAPI(t)
	a.environment("staging")
	a.channels("development", "staging", "production")
	v1, v2 := workflowBody("v1"), workflowBody("v2")

	created := a.putWorkflow(a.owner, "development", "welcome", v1, 201).json()
	if created["origin_environment"] != "development" || created["active"] != true || len(created["sha"].(string)) != 64 {
		t.Fatalf("created: %v", created)
	}
	// Skipping staging is refused, naming staging and the order.
	r := a.putWorkflow(a.owner, "production", "welcome", v1, 409)
	if r.code() != "promotion_refused" || !strings.Contains(string(r.body), "apply it to staging first") || !strings.Contains(string(r.body), "development → staging → production") {
		t.Errorf("skip: %s", r.body)
	}
	// Promotion: the same content, environment by environment.
	staged := a.putWorkflow(a.owner, "staging", "welcome", v1, 201).json()
	prod := a.putWorkflow(a.owner, "production", "welcome", v1, 201).json()
	if staged["sha"] != created["sha"] || prod["sha"] != created["sha"] || prod["origin_environment"] != "development" {
		t.Errorf("promoted copies differ: %v %v", staged, prod)
	}
	// A change goes to development first.
	a.putWorkflow(a.owner, "production", "welcome", v2, 409)
	a.putWorkflow(a.owner, "staging", "welcome", v2, 409)
	a.putWorkflow(a.owner, "development", "welcome", v2, 200)
	a.putWorkflow(a.owner, "production", "welcome", v2, 409)
	a.putWorkflow(a.owner, "staging", "welcome", v2, 200)
	a.putWorkflow(a.owner, "production", "welcome", v2, 200)
	// Active switches anywhere, without promotion.
	inactive := strings.Replace(v2, `{"name"`, `{"active":false,"name"`, 1)
	if got := a.putWorkflow(a.owner, "production", "welcome", inactive, 200).json(); got["active"] != false {
		t.Errorf("active not switched: %v", got)
	}
	if got := a.expect(a.do(a.owner, "GET", "/v1/environments/staging/workflows/welcome", ""), 200).json(); got["active"] != true {
		t.Errorf("active leaked to staging: %v", got)
	}
	// Deletion follows the order too.
	r = a.expect(a.do(a.owner, "DELETE", "/v1/environments/production/workflows/welcome", ""), 409)
	if !strings.Contains(string(r.body), "still exists in staging") {
		t.Errorf("delete in production first: %s", r.body)
	}
	a.expect(a.do(a.owner, "DELETE", "/v1/environments/staging/workflows/welcome", ""), 409)
	a.expect(a.do(a.owner, "DELETE", "/v1/environments/development/workflows/welcome", ""), 204)
	a.expect(a.do(a.owner, "DELETE", "/v1/environments/staging/workflows/welcome", ""), 204)
	a.expect(a.do(a.owner, "DELETE", "/v1/environments/production/workflows/welcome", ""), 204)
	// A new workflow cannot start above development.
	a.putWorkflow(a.owner, "staging", "fresh", v1, 409)
}

func TestProductionWriteAccess(t *testing.T) {
	a := newAPI(t)
	a.channels("development", "production")
	v1, v2 := workflowBody("v1"), workflowBody("v2")
	pm := a.token(domain.RoleProductionMember)
	// Off: no workflow is born in production; production_member is unusable.
	a.putWorkflow(a.owner, "production", "campaign", v1, 409)
	a.putWorkflow(pm, "production", "campaign", v1, 403)

	a.expect(a.do(a.owner, "PUT", "/v1/settings", `{"production_write_access":true}`), 200)
	born := a.putWorkflow(pm, "production", "campaign", v1, 201).json()
	if born["origin_environment"] != "production" {
		t.Fatalf("origin %v", born["origin_environment"])
	}
	a.putWorkflow(pm, "production", "campaign", v2, 200)
	// Its key is refused elsewhere.
	r := a.putWorkflow(a.owner, "development", "campaign", v1, 409)
	if !strings.Contains(string(r.body), "created in production and is edited only there") {
		t.Errorf("production-born key in development: %s", r.body)
	}
	// A development-born workflow stays editable only in development.
	a.putWorkflow(a.owner, "development", "welcome", v1, 201)
	a.putWorkflow(a.owner, "production", "welcome", v1, 201)
	a.putWorkflow(pm, "production", "welcome", v2, 409)
	// production_member sees production only.
	a.expect(a.do(pm, "GET", "/v1/environments/development/workflows/welcome", ""), 404)

	// Off again: production-born workflows freeze, active still switches.
	a.expect(a.do(a.owner, "PUT", "/v1/settings", `{"production_write_access":false}`), 200)
	r = a.putWorkflow(a.owner, "production", "campaign", workflowBody("v3"), 409)
	if !strings.Contains(string(r.body), "only while production write access is on") {
		t.Errorf("frozen: %s", r.body)
	}
	a.putWorkflow(a.owner, "production", "campaign", strings.Replace(v2, `{"name"`, `{"active":false,"name"`, 1), 200)
	a.expect(a.do(a.owner, "DELETE", "/v1/environments/production/workflows/campaign", ""), 409)
}

func TestWorkflowVersionsAndPromotionEndpoint(t *testing.T) {
	a := newAPI(t)
	a.channels("development")
	a.putWorkflow(a.owner, "development", "welcome", workflowBody("v1"), 201)
	second := a.putWorkflow(a.owner, "development", "welcome", workflowBody("v2"), 200).json()
	page := a.expect(a.do(a.owner, "GET", "/v1/environments/development/workflows/welcome/versions?limit=1", ""), 200).json()
	items := page["items"].([]any)
	if len(items) != 1 || items[0].(map[string]any)["version"].(float64) != 2 || page["next_cursor"] == nil {
		t.Fatalf("newest version page: %v", page)
	}
	older := a.expect(a.do(a.owner, "GET", "/v1/environments/development/workflows/welcome/versions?cursor="+page["next_cursor"].(string), ""), 200).json()["items"].([]any)
	if len(older) != 1 || older[0].(map[string]any)["sha"] == second["sha"] {
		t.Errorf("older versions: %v", older)
	}
	// A production key reads what the rule needs about the environment below.
	key := a.key("production", domain.ScopeReadOnly)
	var p domain.Promotion
	body := a.expect(a.do(key, "GET", "/v1/environments/production/workflows/welcome/promotion", ""), 200).body
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatal(err)
	}
	if p.BelowEnvironment != "development" || p.Below == nil || p.Below.SHA != second["sha"] || p.Current != nil || p.Origin != "development" {
		t.Errorf("promotion: %s", body)
	}
	if _, err := p.CheckWrite(second["sha"].(string)); err != nil {
		t.Errorf("the rule refuses the promotion the backend would accept: %v", err)
	}
	// But not another environment's.
	a.expect(a.do(key, "GET", "/v1/environments/development/workflows/welcome/promotion", ""), 404)
}

func TestWorkflowValidationOverTheAPI(t *testing.T) {
	a := newAPI(t)
	r := a.putWorkflow(a.owner, "development", "no", `{"name":"x","steps":[{"ref":"a","delay":{"duration":"soon"}},{"ref":"a","channel":{"type":"sms","key":"twilio","body":"b","subject":"s"}}]}`, 400)
	for _, field := range []string{`"key"`, `"steps[0].delay.duration"`, `"steps[1].ref"`, `"steps[1].channel.subject"`} {
		if !strings.Contains(string(r.body), field) {
			t.Errorf("no detail for %s: %s", field, r.body)
		}
	}
}
