package backend_test

import (
	"strings"
	"testing"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

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
