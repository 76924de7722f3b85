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

func TestTenants(t *testing.T) {
	a := newAPI(t)
	body := `{"name":"Acme","properties":{"plan":"enterprise","seats":12345678901234567890},
		"branding":{"primary_color":"#0A7","primary_color_contrast":"#FFFFFF","logo_url":"https://acme.example/logo.png"},
		"preference_set":{"channel_types":{"email":true,"sms":false},"categories":{"billing":true},"workflows":null}}`
	got := a.expect(a.do(a.owner, "PUT", "/v1/environments/production/tenants/acme-42", body), 201).json()
	if got["branding"].(map[string]any)["primary_color"] != "#0A7" {
		t.Errorf("tenant %v", got)
	}
	raw := string(a.expect(a.do(a.owner, "GET", "/v1/environments/production/tenants/acme-42", ""), 200).body)
	if !strings.Contains(raw, `"seats":12345678901234567890`) {
		t.Errorf("properties lost precision: %s", raw)
	}
	r := a.expect(a.do(a.owner, "PUT", "/v1/environments/production/tenants/bad", `{"properties":[1]}`), 400)
	if !strings.Contains(string(r.body), `"field":"properties"`) {
		t.Errorf("properties not an object: %s", r.body)
	}
	r = a.expect(a.do(a.owner, "PUT", "/v1/environments/production/tenants/bad", `{"branding":{"primary_color":"blue","icon_url":"icon.png"},"preference_set":{"channel_types":{"fax":true}}}`), 400)
	for _, field := range []string{`"branding.primary_color"`, `"branding.icon_url"`, `"preference_set.channel_types"`} {
		if !strings.Contains(string(r.body), field) {
			t.Errorf("no detail for %s: %s", field, r.body)
		}
	}
	// Viewers see properties redacted where the environment obfuscates customer data.
	viewer := a.token(domain.RoleViewer)
	if raw := string(a.expect(a.do(viewer, "GET", "/v1/environments/production/tenants/acme-42", ""), 200).body); !strings.Contains(raw, "enterprise") {
		t.Errorf("redacted without obfuscation: %s", raw)
	}
	a.expect(a.do(a.owner, "PUT", "/v1/environments/production", `{"name":"Production","obfuscate_customer_data":true}`), 200)
	for _, path := range []string{"/v1/environments/production/tenants/acme-42", "/v1/environments/production/tenants"} {
		raw := string(a.expect(a.do(viewer, "GET", path, ""), 200).body)
		if strings.Contains(raw, "enterprise") || strings.Contains(raw, "12345678901234567890") || !strings.Contains(raw, `"plan":"[redacted]"`) {
			t.Errorf("%s for a viewer: %s", path, raw)
		}
	}
	if raw := string(a.expect(a.do(a.owner, "GET", "/v1/environments/production/tenants/acme-42", ""), 200).body); !strings.Contains(raw, "enterprise") {
		t.Errorf("owners see redacted data: %s", raw)
	}
}

// A filtered listing pages correctly whatever the filter leaves out,
// including when a page fills exactly at the end of what was examined.
func TestFilteredPagination(t *testing.T) {
	a := newAPI(t)
	for _, w := range []struct {
		key    string
		active bool
	}{{"wf-a", true}, {"wf-b", false}, {"wf-c", true}, {"wf-d", true}, {"wf-e", false}, {"wf-f", true}} {
		a.putWorkflow(a.owner, "development", w.key, fmt.Sprintf(`{"name":"W","active":%t}`, w.active), 201)
	}
	var keys []string
	path := "/v1/environments/development/workflows?active=true&limit=2"
	for pages := 0; ; pages++ {
		page := a.expect(a.do(a.owner, "GET", path, ""), 200).json()
		for _, it := range page["items"].([]any) {
			keys = append(keys, it.(map[string]any)["key"].(string))
		}
		next, _ := page["next_cursor"].(string)
		if next == "" || pages > 5 {
			break
		}
		path = "/v1/environments/development/workflows?active=true&limit=2&cursor=" + next
	}
	if fmt.Sprint(keys) != "[wf-a wf-c wf-d wf-f]" {
		t.Errorf("active workflows paged as %v", keys)
	}
}
