package console_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// seedAccess gives development a small tree, roles and an assignment.
func seedAccess(s *site) {
	for _, w := range [][2]string{
		{"/v1/environments/development/permissions/docs.read", `{"name":"Read documents"}`},
		{"/v1/environments/development/permissions/docs.write", `{"name":"Write documents"}`},
		{"/v1/environments/development/roles/reader", `{"name":"Reader","permissions":["docs.read"]}`},
		{"/v1/environments/development/hierarchy-nodes/acme", `{"name":"Acme"}`},
		{"/v1/environments/development/hierarchy-nodes/emea", `{"name":"EMEA","parent_key":"acme"}`},
		{"/v1/identities/ada", `{"name":"Ada","email":"ada@example.com"}`},
		{"/v1/environments/development/role-assignments/ada/reader/acme", `{}`},
		{"/v1/environments/development/oauth-clients/dash", `{"name":"Dashboard","redirect_uris":["https://app.example.com/cb"],"scopes":["openid"]}`},
		{"/v1/environments/development/webhooks/sink", `{"url":"https://hooks.example.com/x","events":["role.updated"]}`},
		{"/v1/environments/development/tenants/t1", `{"name":"Tenant One","properties":{"email":"boss@customer.example","plan":"gold"}}`},
	} {
		s.api(s.owner, "PUT", w[0], w[1], &struct{}{})
	}
}

func TestAccessControlPages(t *testing.T) {
	s := newSite(t)
	seedAccess(s)
	b := s.browser()
	b.signIn(s.owner)
	for path, texts := range map[string][]string{
		"/console/environments/development/access":                {"Access control", "roles"},
		"/console/environments/development/hierarchy-nodes":       {"acme"},
		"/console/environments/development/hierarchy-nodes/emea":  {"Roots", "acme", "EMEA"},
		"/console/environments/development/hierarchy-nodes/acme":  {"emea", "ada"},
		"/console/environments/development/identities":            {"ada", "reader", "acme"},
		"/console/environments/development/identities/ada":        {"ada@example.com", "reader"},
		"/console/environments/development/roles":                 {"reader", "docs.read"},
		"/console/environments/development/roles/reader":          {"docs.read", "ada"},
		"/console/environments/development/permissions":           {"docs.read", "Read documents"},
		"/console/environments/development/permissions/docs.read": {"reader"},
		"/console/environments/development/oauth-clients":         {"dash", "https://app.example.com/cb"},
		"/console/environments/development/webhooks":              {"sink", "role.updated"},
		"/console/environments/development/api-keys":              {"No API keys"},
		"/console/environments/development/tenants":               {"t1"},
		"/console/environments/development/tenants/t1":            {"boss@customer.example"},
		"/console/environments/production/roles":                  {"No roles in production"},
		"/console/environments/development/access/check":          {"identity_key", "node_key"},
	} {
		b.get(path).expect(t, http.StatusOK, texts...)
	}
	// Every page has the switcher, pointing at the same page elsewhere.
	p := b.get("/console/environments/development/roles")
	if !strings.Contains(p.body, `href="/console/environments/production/roles"`) {
		t.Errorf("no switcher link to production's roles:\n%s", p.body)
	}
	b.get("/console/environments/development/roles/nope").expect(t, http.StatusNotFound, "nope")
	b.get("/console/environments/nowhere/roles").expect(t, http.StatusNotFound)
}

func TestAccessCheckSaysWhy(t *testing.T) {
	s := newSite(t)
	seedAccess(s)
	b := s.browser()
	b.signIn(s.token("viewer"))
	q := url.Values{"identity_key": {"ada"}, "permission": {"docs.read"}, "node_key": {"emea"}}
	b.get("/console/environments/development/access/check?"+q.Encode()).
		expect(t, http.StatusOK, "Allowed", "development/ada/reader/acme", "emea", "acme")
	q.Set("permission", "docs.write")
	b.get("/console/environments/development/access/check?"+q.Encode()).expect(t, http.StatusOK, "Not allowed")
	// A question the API refuses is answered on its field.
	q.Set("identity_key", "nobody")
	b.get("/console/environments/development/access/check?"+q.Encode()).expect(t, http.StatusBadRequest, "<code>identity_key</code>", "nobody")
}

func TestViewersSeeObfuscatedTenantData(t *testing.T) {
	s := newSite(t)
	seedAccess(s)
	s.api(s.owner, "PUT", "/v1/environments/development", `{"name":"Development","obfuscate_customer_data":true}`, &struct{}{})
	viewer := s.browser()
	viewer.signIn(s.token("viewer"))
	p := viewer.get("/console/environments/development/tenants/t1").expect(t, http.StatusOK, "Tenant One")
	if strings.Contains(p.body, "boss@customer.example") || strings.Contains(p.body, "gold") {
		t.Errorf("a viewer sees customer data:\n%s", p.body)
	}
	owner := s.browser()
	owner.signIn(s.owner)
	owner.get("/console/environments/development/tenants/t1").expect(t, http.StatusOK, "boss@customer.example")
}
