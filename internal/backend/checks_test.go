package backend_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// accessFixture writes, in env, docs.read/docs.write, an editor role
// granting both, the hierarchy org → team → squad and ada as editor at
// team; grace is an identity with no roles.
func (a *api) accessFixture(env string) {
	a.t.Helper()
	for _, p := range []string{"docs.read", "docs.write"} {
		a.expect(a.do(a.owner, "PUT", "/v1/environments/"+env+"/permissions/"+p, `{"name":"`+p+`"}`), 201)
	}
	a.expect(a.do(a.owner, "PUT", "/v1/environments/"+env+"/roles/editor", `{"name":"Editor","permissions":["docs.read","docs.write"]}`), 201)
	a.expect(a.do(a.owner, "PUT", "/v1/environments/"+env+"/hierarchy-nodes/org", `{"name":"Org"}`), 201)
	a.expect(a.do(a.owner, "PUT", "/v1/environments/"+env+"/hierarchy-nodes/team", `{"name":"Team","parent_key":"org"}`), 201)
	a.expect(a.do(a.owner, "PUT", "/v1/environments/"+env+"/hierarchy-nodes/squad", `{"name":"Squad","parent_key":"team"}`), 201)
	for _, who := range []string{"ada", "grace"} {
		if r := a.do(a.owner, "PUT", "/v1/identities/"+who, `{"name":"`+who+`","email":"`+who+`@example.com"}`); r.status != 201 && r.status != 200 {
			a.t.Fatalf("identity %s: %d %s", who, r.status, r.body)
		}
	}
	a.expect(a.do(a.owner, "PUT", "/v1/environments/"+env+"/role-assignments/ada/editor/team", `{}`), 201)
}

type accessAnswer struct {
	Allowed   bool     `json:"allowed"`
	GrantedBy []string `json:"granted_by"`
	Path      []string `json:"path"`
}

func (a *api) checkAccess(token, env, identity, permission, node string, want int) (accessAnswer, response) {
	a.t.Helper()
	r := a.expect(a.do(token, "POST", "/v1/environments/"+env+"/access/check",
		fmt.Sprintf(`{"identity_key":%q,"permission":%q,"node_key":%q}`, identity, permission, node)), want)
	var ans accessAnswer
	if want == 200 {
		if err := json.Unmarshal(r.body, &ans); err != nil {
			a.t.Fatal(err)
		}
	}
	return ans, r
}

func TestAccessCheckOverTheAPI(t *testing.T) {
	a := newAPI(t)
	a.accessFixture("development")
	ans, _ := a.checkAccess(a.owner, "development", "ada", "docs.write", "squad", 200)
	if !ans.Allowed || !slices.Equal(ans.GrantedBy, []string{"development/ada/editor/team"}) || !slices.Equal(ans.Path, []string{"squad", "team", "org"}) {
		t.Errorf("at a descendant: %+v", ans)
	}
	if ans, _ := a.checkAccess(a.owner, "development", "ada", "docs.write", "org", 200); ans.Allowed || len(ans.GrantedBy) != 0 || ans.GrantedBy == nil {
		t.Errorf("at the parent of the assignment: %+v (granted_by must be an empty list)", ans)
	}
	if ans, _ := a.checkAccess(a.owner, "development", "grace", "docs.read", "team", 200); ans.Allowed {
		t.Errorf("an identity without roles: %+v", ans)
	}

	// What does not exist is refused, naming the field.
	for field, q := range map[string][3]string{
		"identity_key": {"nobody", "docs.read", "team"},
		"permission":   {"ada", "docs.delete", "team"},
		"node_key":     {"ada", "docs.read", "nowhere"},
	} {
		_, r := a.checkAccess(a.owner, "development", q[0], q[1], q[2], 400)
		if d := r.json()["details"].([]any); d[0].(map[string]any)["field"] != field {
			t.Errorf("%s missing: %s", field, r.body)
		}
	}
	_, r := a.checkAccess(a.owner, "development", "ada", "docs read", "team", 400)
	if !strings.Contains(string(r.body), `"permission"`) {
		t.Errorf("a malformed key: %s", r.body)
	}

	// Another environment has its own configuration: the assignment does
	// not reach it, and its own nodes are what exist there.
	a.environment("staging")
	a.checkAccess(a.owner, "staging", "ada", "docs.write", "squad", 400)
	a.checkAccess(a.owner, "nowhere", "ada", "docs.write", "squad", 404)

	// A read-only key and a viewer may check: a check changes nothing.
	a.checkAccess(a.key("development", domain.ScopeReadOnly), "development", "ada", "docs.write", "team", 200)
	a.checkAccess(a.token(domain.RoleViewer), "development", "ada", "docs.write", "team", 200)
	// A key of another environment does not learn this one exists.
	a.checkAccess(a.key("staging", domain.ScopeReadWrite), "development", "ada", "docs.write", "team", 404)

	// Nothing is written: the audit log does not grow.
	before := len(a.expect(a.do(a.owner, "GET", "/v1/audit?limit=1000", ""), 200).json()["items"].([]any))
	a.checkAccess(a.owner, "development", "ada", "docs.write", "team", 200)
	if after := len(a.expect(a.do(a.owner, "GET", "/v1/audit?limit=1000", ""), 200).json()["items"].([]any)); after != before {
		t.Errorf("a check wrote %d audit entries", after-before)
	}
}

// plainFixture is the access fixture in development, with a read-only key
// of development (viewer) and a key of another environment (other).
func plainFixture(t *testing.T) (a *api, viewer, other string) {
	a = newAPI(t)
	a.accessFixture("development")
	a.environment("staging")
	return a, a.key("development", domain.ScopeReadOnly), a.key("staging", domain.ScopeReadWrite)
}

// TestPlainAccessCheckAnswersAsHuma sends each question twice: plain,
// which the server answers before huma (checks_plain.go), and with one
// character of the identity's key escaped, which only huma reads. Both
// must be answered alike, to the byte: allowed or not, refused, or with
// headers the plain path leaves to huma.
func TestPlainAccessCheckAnswersAsHuma(t *testing.T) {
	a, viewer, other := plainFixture(t)
	type ask struct {
		token, env, identity, permission, node string
		headers                                []string
	}
	for _, q := range []ask{
		{a.owner, "development", "ada", "docs.write", "squad", nil},
		{viewer, "development", "ada", "docs.write", "org", nil},
		{viewer, "development", "grace", "docs.read", "team", []string{"Accept", "application/json"}},
		{viewer, "development", "ada", "docs.read", "team", []string{"Accept", "*/*"}},
		{viewer, "development", "ada", "docs.read", "team", []string{"Accept", "text/html"}},
		{viewer, "development", "ada", "docs.read", "team", []string{"Content-Type", "application/json; charset=utf-8"}},
		{viewer, "development", "ada", "docs.delete", "team", nil},
		{viewer, "development", "ada", "docs.read", "nowhere", nil},
		{viewer, "development", "ada", "docs read", "team", nil},
		{viewer, "development", "ada", "", "team", nil},
		{other, "development", "ada", "docs.read", "team", nil},
		{a.owner, "nowhere", "ada", "docs.read", "team", nil},
	} {
		path := "/v1/environments/" + q.env + "/access/check"
		plain := a.do(q.token, "POST", path, fmt.Sprintf(` { "node_key" :%q,"identity_key":%q,
			"permission":%q}`+"\n", q.node, q.identity, q.permission), q.headers...)
		escaped := a.do(q.token, "POST", path, fmt.Sprintf(`{"node_key":%q,"identity_key":"\u%04x%s","permission":%q}`,
			q.node, q.identity[0], q.identity[1:], q.permission), q.headers...)
		if !answeredAlike(plain, escaped) {
			t.Errorf("%+v:\nplain   %d %s %s\nthrough huma %d %s %s", q, plain.status, plain.header.Get("Content-Type"), plain.body,
				escaped.status, escaped.header.Get("Content-Type"), escaped.body)
		}
	}
	// A body huma refuses is refused whatever its form.
	for _, body := range []string{
		`{"identity_key":"ada","permission":"docs.read"}`,
		`{"identity_key":"ada","permission":"docs.read","node_key":"team","extra":"x"}`,
		`{"Identity_key":"ada","permission":"docs.read","node_key":"team"}`,
		`{"identity_key":"ada","permission":"docs.read","node_key":7}`,
		`{"identity_key":"ada","permission":"docs.read","node_key":"team"} {}`,
	} {
		a.expect(a.do(viewer, "POST", "/v1/environments/development/access/check", body), 400)
	}
}

// answeredAlike says two answers are the same to the byte: status, body
// and the headers that describe it.
func answeredAlike(x, y response) bool {
	for _, h := range []string{"Content-Type", "Content-Length", "Transfer-Encoding"} {
		if x.header.Get(h) != y.header.Get(h) {
			return false
		}
	}
	return x.status == y.status && string(x.body) == string(y.body)
}

// TestPlainAccessBatchAnswersAsHuma sends each batch twice: with the first
// question's identity key as written and with its first character escaped,
// which only huma reads. Both must be answered alike, to the byte: plain
// batches the server answers before huma (checks_plain.go), and every
// batch it must leave to huma — refused, too large, or in another form.
func TestPlainAccessBatchAnswersAsHuma(t *testing.T) {
	a, viewer, other := plainFixture(t)
	// batch renders questions in the plain form, with JSON whitespace
	// between tokens; its first identity key is left as %s.
	batch := func(qs ...[3]string) string {
		items := make([]string, len(qs))
		for i, q := range qs {
			identity := "%s"
			if i > 0 {
				identity = q[0]
			}
			items[i] = fmt.Sprintf(`{ "permission":%q,"identity_key" : "%s",
				"node_key":%q}`, q[1], identity, q[2])
		}
		return " { \"checks\" :\n[" + strings.Join(items, " ,") + "] }\n"
	}
	allowed, refused := [3]string{"ada", "docs.write", "squad"}, [3]string{"ada", "docs.write", "org"}
	type ask struct {
		token, env, body string
		headers          []string
	}
	for _, q := range []ask{
		{a.owner, "development", batch(allowed, refused, [3]string{"grace", "docs.read", "team"}), nil},
		{viewer, "development", batch(refused), []string{"Accept", "application/json"}},
		{viewer, "development", batch(allowed), []string{"Accept", "*/*"}},
		{viewer, "development", batch(allowed), []string{"Accept", "text/html"}},
		{viewer, "development", batch(allowed), []string{"Content-Type", "application/json; charset=utf-8"}},
		{viewer, "development", batch(slices.Repeat([][3]string{allowed}, domain.MaxAccessChecks)...), nil},
		{viewer, "development", batch(slices.Repeat([][3]string{allowed}, domain.MaxAccessChecks+1)...), nil},
		{viewer, "development", batch(allowed, [3]string{"ada", "docs.read", "nowhere"}, [3]string{"nobody", "docs.read", "team"}), nil},
		{viewer, "development", batch([3]string{"ada", "docs.delete", "team"}), nil},
		{viewer, "development", batch([3]string{"ada", "docs read", "team"}), nil},
		{viewer, "development", batch([3]string{"ada", "", "team"}), nil},
		{other, "development", batch(allowed), nil},
		{a.owner, "nowhere", batch(allowed), nil},
		// Forms huma alone reads or refuses.
		{viewer, "development", `{"checks":[{"identity_key":"%s","permission":"docs.read","node_key":"team"}],"checks":[{"identity_key":"grace","permission":"docs.read","node_key":"team"}]}`, nil},
		{viewer, "development", `{"checks":[{"identity_key":"%s","permission":"docs.read","node_key":"team","node_key":"org"}]}`, nil},
		{viewer, "development", `{"checks":[{"identity_key":"%s","permission":"docs.read","node_key":"team"}],"extra":1}`, nil},
		{viewer, "development", `{"Checks":[{"identity_key":"%s","permission":"docs.read","node_key":"team"}]}`, nil},
		{viewer, "development", `{"checks":[{"identity_key":"%s","permission":"docs.read","node_key":"team"},]}`, nil},
		{viewer, "development", `{"checks":[{"identity_key":"%s","permission":"docs.read","node_key":"team"},null]}`, nil},
		{viewer, "development", `{"checks":[{"identity_key":"%s","permission":"docs.read","node_key":"team"}]} []`, nil},
		{viewer, "development", `{"checks":{"identity_key":"%s","permission":"docs.read","node_key":"team"}}`, nil},
		{viewer, "development", `{"checks":[{"identity_key":"%s","permission":"docs.read","node_key":"team"},{"identity_key":"gr\u0061ce","permission":"docs.read","node_key":"team"}]}`, nil},
		{viewer, "development", `{"checks":[{"identity_key":"%s","permission":"docs.read","node_key":"team"}],"checks":[]}`, nil},
	} {
		path := "/v1/environments/" + q.env + "/access/batch-check"
		plain := a.do(q.token, "POST", path, strings.Replace(q.body, "%s", "ada", 1), q.headers...)
		escaped := a.do(q.token, "POST", path, strings.Replace(q.body, "%s", `\u0061da`, 1), q.headers...)
		if !answeredAlike(plain, escaped) {
			t.Errorf("%.300s %v:\nplain   %d %s %.300s\nthrough huma %d %s %.300s", q.body, q.headers, plain.status, plain.header.Get("Content-Type"), plain.body,
				escaped.status, escaped.header.Get("Content-Type"), escaped.body)
		}
	}
	// A batch huma refuses is refused whatever its form.
	for _, body := range []string{
		`{"checks":[]}`,
		`{"checks":[{"identity_key":"ada","permission":"docs.read"}]}`,
		`{"checks":[{"identity_key":"ada","permission":"docs.read","node_key":"team"}],"extra":1}`,
		`{"checks":[{"identity_key":"ada","permission":"docs.read","node_key":"team"}]} {}`,
		`{}`,
	} {
		a.expect(a.do(viewer, "POST", "/v1/environments/development/access/batch-check", body), 400)
	}
}

func TestAccessBatchCheckOverTheAPI(t *testing.T) {
	a := newAPI(t)
	a.accessFixture("development")
	r := a.expect(a.do(a.owner, "POST", "/v1/environments/development/access/batch-check", `{"checks":[
		{"identity_key":"ada","permission":"docs.write","node_key":"team"},
		{"identity_key":"ada","permission":"docs.write","node_key":"org"},
		{"identity_key":"grace","permission":"docs.read","node_key":"squad"}]}`), 200)
	var out struct {
		Results []struct {
			IdentityKey string `json:"identity_key"`
			NodeKey     string `json:"node_key"`
			accessAnswer
		} `json:"results"`
	}
	if err := json.Unmarshal(r.body, &out); err != nil {
		t.Fatal(err)
	}
	if len(out.Results) != 3 || !out.Results[0].Allowed || out.Results[1].Allowed || out.Results[2].Allowed || out.Results[1].NodeKey != "org" || out.Results[2].IdentityKey != "grace" {
		t.Errorf("results %+v", out.Results)
	}

	r = a.expect(a.do(a.owner, "POST", "/v1/environments/development/access/batch-check", `{"checks":[
		{"identity_key":"ada","permission":"docs.write","node_key":"team"},
		{"identity_key":"ada","permission":"docs.write","node_key":"nowhere"},
		{"identity_key":"nobody","permission":"docs.write","node_key":"team"}]}`), 400)
	var fields []string
	for _, d := range r.json()["details"].([]any) {
		fields = append(fields, d.(map[string]any)["field"].(string))
	}
	if !slices.Equal(fields, []string{"checks[1].node_key", "checks[2].identity_key"}) {
		t.Errorf("fields %v: %s", fields, r.body)
	}
	a.expect(a.do(a.owner, "POST", "/v1/environments/development/access/batch-check", `{"checks":[]}`), 400)
	many := strings.TrimSuffix(strings.Repeat(`{"identity_key":"ada","permission":"docs.write","node_key":"team"},`, domain.MaxAccessChecks+1), ",")
	a.expect(a.do(a.owner, "POST", "/v1/environments/development/access/batch-check", `{"checks":[`+many+`]}`), 400)
}

// previewFixture writes, in development, the channels postmark and
// twilio, a welcome workflow (an email whose templates read the recipient,
// tenant, data and branding, a delay, an sms only for recipients with a
// phone) and the tenant acme.
func (a *api) previewFixture() {
	a.t.Helper()
	a.expect(a.do(a.owner, "PUT", "/v1/environments/development/channels/postmark", `{"name":"Postmark","type":"email","service":"postmark"}`), 201)
	a.expect(a.do(a.owner, "PUT", "/v1/environments/development/channels/twilio", `{"name":"Twilio","type":"sms","service":"twilio"}`), 201)
	a.expect(a.do(a.owner, "PUT", "/v1/environments/development/workflows/welcome", `{"name":"Welcome","categories":["onboarding"],
		"conditions":{"rules":[{"variable":"data.plan","operator":"not_equal_to","argument":"none"}]},
		"steps":[
		{"ref":"email","channel":{"type":"email","key":"postmark","subject":"Welcome to {{ tenant.name }}, {{ recipient.name }}","body":"Plan {{ tenant.properties.plan }}, colour {{ branding.primary_color }}, {{ data.plan }}"}},
		{"ref":"wait","delay":{"duration":"1d"}},
		{"ref":"sms","conditions":{"rules":[{"variable":"recipient.phone","operator":"not_empty"}]},"channel":{"type":"sms","key":"twilio","body":"{{ 1 | divided_by: 0 }}"}}]}`), 201)
	a.expect(a.do(a.owner, "PUT", "/v1/environments/development/tenants/acme", `{"name":"Acme","properties":{"plan":"pro"},
		"branding":{"primary_color":"#FF0000"},"preference_set":{"channel_types":{"email":true},"categories":{},"workflows":{}}}`), 201)
}

// preview previews workflow key of development.
func (a *api) preview(token, key, body string, want int) (domain.WorkflowPreview, response) {
	a.t.Helper()
	r := a.expect(a.do(token, "POST", "/v1/environments/development/workflows/"+key+"/preview", body), want)
	var p domain.WorkflowPreview
	if want == 200 {
		if err := json.Unmarshal(r.body, &p); err != nil {
			a.t.Fatal(err)
		}
	}
	return p, r
}

func TestWorkflowPreviewOverTheAPI(t *testing.T) {
	a := newAPI(t)
	a.previewFixture()
	p, _ := a.preview(a.owner, "welcome", `{"recipient":{"name":"Ada","phone":"+1555"},"tenant":"acme","data":{"plan":"pro"}}`, 200)
	if !p.Runs || !p.TenantFound || len(p.Steps) != 3 {
		t.Fatalf("preview %+v", p)
	}
	email, wait, sms := p.Steps[0], p.Steps[1], p.Steps[2]
	if !email.Runs || email.Rendered["subject"] != "Welcome to Acme, Ada" || email.Rendered["body"] != "Plan pro, colour #FF0000, pro" || email.ChannelKey != "postmark" {
		t.Errorf("email %+v", email)
	}
	if !wait.Runs || wait.Kind != "delay" || wait.Rendered != nil {
		t.Errorf("delay %+v", wait)
	}
	// A template error is the step's, not the request's.
	if !sms.Runs || !strings.Contains(sms.Errors["body"], "division by zero") {
		t.Errorf("sms %+v", sms)
	}

	// A missing tenant is an empty one; the workflow's conditions are judged.
	p, _ = a.preview(a.owner, "welcome", `{"recipient":{"name":"Ada"},"tenant":"not-yet","data":{"plan":"none"}}`, 200)
	if p.Runs || p.TenantFound || p.Steps[0].Runs || p.Steps[0].Rendered["subject"] != "Welcome to , Ada" || !strings.Contains(p.Reason, `data.plan not_equal_to "none" does not hold`) {
		t.Errorf("a missing tenant and a failing condition: %+v", p)
	}
	// The recipient's preferences override the tenant's defaults.
	p, _ = a.preview(a.owner, "welcome", `{"recipient":{"preferences":{"channel_types":{"email":false}}},"tenant":"acme"}`, 200)
	if p.Steps[0].Runs || !strings.Contains(p.Steps[0].Reason, "opted out of email messages (the recipient's preference)") {
		t.Errorf("opted out: %+v", p.Steps[0])
	}

	a.preview(a.owner, "nothing", `{}`, 404)
	a.preview(a.owner, "welcome", `{"recipient":[1]}`, 400)
	a.preview(a.owner, "welcome", `{"recipient":{"preferences":{"channel_types":{"email":"no"}}}}`, 400)
	a.preview(a.owner, "we", `{}`, 400)

	// A viewer of an environment that obfuscates customer data previews
	// the tenant's properties redacted, as it reads them.
	a.expect(a.do(a.owner, "PUT", "/v1/environments/development", `{"name":"Development","obfuscate_customer_data":true}`), 200)
	p, _ = a.preview(a.token(domain.RoleViewer), "welcome", `{"tenant":"acme","data":{"plan":"pro"}}`, 200)
	if body := p.Steps[0].Rendered["body"]; strings.Contains(body, "pro,") || !strings.Contains(body, "[redacted]") {
		t.Errorf("a viewer's preview shows customer data: %q", body)
	}
	p, _ = a.preview(a.owner, "welcome", `{"tenant":"acme","data":{"plan":"pro"}}`, 200)
	if body := p.Steps[0].Rendered["body"]; !strings.HasPrefix(body, "Plan pro,") {
		t.Errorf("the owner's preview: %q", body)
	}
}

// The environment's variables and branding reach the templates: the
// tenant's colour over the environment's, the environment's logo where the
// tenant has none, a plain variable's value, and a sensitive variable's
// mask, never its value.
func TestWorkflowPreviewReadsVariablesAndBranding(t *testing.T) {
	a := newAPI(t)
	const secret = "sk-live-preview-secret"
	a.expect(a.do(a.owner, "PUT", "/v1/environments/development/channels/postmark", `{"name":"Postmark","type":"email","service":"postmark"}`), 201)
	a.expect(a.do(a.owner, "PUT", "/v1/environments/development/variables/app_url", `{"value":"https://dev.example.com"}`), 201)
	a.expect(a.do(a.owner, "PUT", "/v1/environments/development/variables/api_token", `{"value":"`+secret+`","sensitive":true}`), 201)
	a.expect(a.do(a.owner, "PUT", "/v1/environments/development/branding", `{"primary_color":"#111111","logo_url":"https://cdn.example.com/logo.png"}`), 201)
	a.expect(a.do(a.owner, "PUT", "/v1/environments/development/tenants/acme", `{"name":"Acme","branding":{"primary_color":"#FF0000"}}`), 201)
	a.expect(a.do(a.owner, "PUT", "/v1/environments/development/workflows/welcome", `{"name":"Welcome","steps":[
		{"ref":"email","channel":{"type":"email","key":"postmark","subject":"{{ vars.app_url }}","body":"{{ branding.primary_color }} {{ branding.logo_url }} {{ vars.api_token }} {{ vars.api_token | size }}"}}]}`), 201)

	p, r := a.preview(a.owner, "welcome", `{"tenant":"acme"}`, 200)
	email := p.Steps[0]
	if email.Rendered["subject"] != "https://dev.example.com" || email.Rendered["body"] != "#FF0000 https://cdn.example.com/logo.png [sensitive] 11" {
		t.Errorf("rendered %+v", email.Rendered)
	}
	if p.Branding.PrimaryColor != "#FF0000" || p.Branding.LogoURL != "https://cdn.example.com/logo.png" {
		t.Errorf("branding %+v", p.Branding)
	}
	if strings.Contains(string(r.body), secret) {
		t.Errorf("the preview carries a sensitive value: %s", r.body)
	}
	// Without a tenant, the environment's branding alone.
	if p, _ := a.preview(a.owner, "welcome", `{}`, 200); !strings.HasPrefix(p.Steps[0].Rendered["body"], "#111111 ") {
		t.Errorf("without a tenant: %q", p.Steps[0].Rendered["body"])
	}
}

// A preview reads the environment's reusable content in its transaction:
// the email's layout, the partials it renders and the translations of the
// recipient's locale, falling back to the environment's default locale.
func TestWorkflowPreviewRendersLayoutPartialsAndTranslations(t *testing.T) {
	a := newAPI(t)
	at := "/v1/environments/development/"
	a.expect(a.do(a.owner, "PUT", at+"channels/postmark", `{"name":"Postmark","type":"email","service":"postmark"}`), 201)
	a.expect(a.do(a.owner, "PUT", at+"email-layouts/default", `{"name":"Default","html_layout":"<main>{{ content }}</main>","text_layout":"{{ content }}"}`), 201)
	a.expect(a.do(a.owner, "PUT", at+"partials/sign-off", `{"name":"Sign-off","type":"html","content":"<em>{{ who }}</em>","input_fields":[{"key":"who"}]}`), 201)
	a.expect(a.do(a.owner, "PUT", at+"translations/en", `{"strings":{"hi":"Hello {{ recipient.name }}"}}`), 201)
	a.expect(a.do(a.owner, "PUT", at+"translations/de", `{"strings":{"hi":"Hallo {{ recipient.name }}"}}`), 201)
	a.expect(a.do(a.owner, "PUT", at+"workflows/welcome", `{"name":"Welcome","steps":[
		{"ref":"email","channel":{"type":"email","key":"postmark","layout_key":"default","subject":"x","body":"{{ \"hi\" | t }} {% render 'sign-off', who: \"Arbor\" %}"}}]}`), 201)

	p, _ := a.preview(a.owner, "welcome", `{"recipient":{"name":"Ada","locale":"de-AT"}}`, 200)
	if email := p.Steps[0]; email.Rendered["body"] != "<main>Hallo Ada <em>Arbor</em></main>" || email.Locale != "de" {
		t.Errorf("de-AT: %+v (%s)", email, p.LocaleReason)
	}
	p, _ = a.preview(a.owner, "welcome", `{"recipient":{"name":"Ada","locale":"fr"}}`, 200)
	if email := p.Steps[0]; email.Rendered["body"] != "<main>Hello Ada <em>Arbor</em></main>" || email.Locale != "en" {
		t.Errorf("fr falls back to en: %+v (%s)", email, p.LocaleReason)
	}
	// The environment's default locale picks the fallback.
	a.expect(a.do(a.owner, "PUT", "/v1/environments/development", `{"name":"Development","default_locale":"de"}`), 200)
	p, _ = a.preview(a.owner, "welcome", `{"recipient":{"name":"Ada"}}`, 200)
	if email := p.Steps[0]; email.Locale != "de" || !strings.Contains(p.LocaleReason, "the environment's default locale de") {
		t.Errorf("default de: %+v (%s)", email, p.LocaleReason)
	}
}
