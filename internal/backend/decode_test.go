package backend_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// TestConfigImportNeedsEverySection: a document that lacks a section, or
// sends it as null, or lacks source_environment, is refused naming it and
// changes nothing; an empty list means "none". Generated from the
// document's sections.
func TestConfigImportNeedsEverySection(t *testing.T) {
	a := newAPI(t)
	a.seedConfig("development")
	before := a.export("development")
	var full map[string]any
	if err := json.Unmarshal([]byte(before), &full); err != nil {
		t.Fatal(err)
	}
	fields := []string{"source_environment"}
	for _, s := range domain.ConfigSections {
		fields = append(fields, s.Name)
	}
	for _, field := range fields {
		for _, how := range []string{"missing", "null"} {
			doc := map[string]any{}
			for k, v := range full {
				doc[k] = v
			}
			if how == "missing" {
				delete(doc, field)
			} else {
				doc[field] = nil
			}
			b, _ := json.Marshal(doc)
			r := a.importDoc("development", string(b), 400)
			a.expectDetail(r, field, "required")
			if got := a.export("development"); got != before {
				t.Fatalf("a document with %s %s changed the configuration:\n%s", field, how, got)
			}
		}
	}
	// Empty lists say "none": the import removes everything they cover.
	empty := map[string]any{"format_version": domain.ConfigFormatVersion, "source_environment": "development"}
	for _, s := range domain.ConfigSections {
		empty[s.Name] = []any{}
	}
	b, _ := json.Marshal(empty)
	res := a.importDoc("development", string(b), 200, "prune_assignments=true").json()
	if res["deleted"].(map[string]any)["webhooks"] != 1.0 {
		t.Errorf("empty lists: %v", res)
	}
}

// TestConfigImportSpeaksTheAPIsTypes: a mistyped document is refused with
// the field (with the index of its object) and the JSON type it needs, not
// encoding/json's Go types.
func TestConfigImportSpeaksTheAPIsTypes(t *testing.T) {
	a := newAPI(t)
	doc := `{"format_version":1,"source_environment":"development","permissions":[{"key":"p1","name":5}],"roles":[],"hierarchy_nodes":[],"oauth_clients":[],"webhooks":[],"workflows":[]}`
	r := a.importDoc("development", doc, 400)
	a.expectDetail(r, "permissions[0].name", "must be a string, not a number")
	r = a.importDoc("development", strings.Replace(doc, `"format_version":1`, `"format_version":"1"`, 1), 400)
	a.expectDetail(r, "format_version", "must be an integer, not a string")
	valid := strings.Replace(doc, `"name":5`, `"name":"P"`, 1)
	r = a.importDoc("development", strings.Replace(valid, `"roles":[]`, `"roles":[], "rolez":[]`, 1), 400)
	a.expectDetail(r, "rolez", "not a field")
	// A number no float64 holds is refused in words, on a huma route too.
	r = a.expect(a.do(a.owner, "PUT", "/v1/environments/development/permissions/p1", `{"name":"P","description":1e400}`), 400)
	for _, leak := range leakedInternals {
		if strings.Contains(string(r.body), leak) {
			t.Errorf("the answer speaks of %q: %s", leak, r.body)
		}
	}
}

// TestConfigImportRefusesOtherMediaTypes: the document route answers 415
// to a body that is not JSON, as every route does.
func TestConfigImportRefusesOtherMediaTypes(t *testing.T) {
	a := newAPI(t)
	a.seedConfig("development")
	before := a.export("development")
	for _, ct := range []string{"text/plain", "application/xml"} {
		r := a.expect(a.do(a.owner, "PUT", "/v1/environments/development/config", before, "Content-Type", ct), http.StatusUnsupportedMediaType)
		if r.code() != "unsupported_media_type" {
			t.Errorf("%s: code %q", ct, r.code())
		}
	}
	a.expect(a.do(a.owner, "PUT", "/v1/environments/development/config", before, "Content-Type", "application/json; charset=utf-8"), 200)
}

// TestInvalidStringsAreRefusedWhereTheyAre: invalid UTF-8 and unpaired
// surrogates are refused wherever they sit in a body, with the path of the
// field that holds them, and nothing is stored.
func TestInvalidStringsAreRefusedWhereTheyAre(t *testing.T) {
	a := newAPI(t)
	a.seedConfig("development")
	before := a.state()
	doc := strings.Replace(a.export("development"), `"name": "Read billing"`, "\"name\": \"Read \xffbilling\"", 1)
	for _, c := range []struct{ path, body, field string }{
		{"tenants/t1", "{\"name\":\"T\",\"properties\":{\"plan\":{\"tier\":[\"ok\",\"a\xff\xfeb\"]}}}", "properties.plan.tier[1]"},
		{"tenants/t1", `{"name":"T","properties":{"plan":"a\ud800b"}}`, "properties.plan"},
		{"tenants/t1", "{\"name\":\"T\",\"properties\":{\"pl\xe9an\":1}}", "properties"},
		{"workflows/w1", `{"name":"W","steps":[{"ref":"a","channel":{"type":"email","key":"postmark","subject":"Hi \udfff","body":"b"}}]}`, "steps[0].channel.subject"},
		{"permissions/p1", `{"name":"ok","description":"\ud83d\ude00 then \ud83d"}`, "description"},
		{"config", doc, "permissions[0].name"},
	} {
		r := a.expect(a.do(a.owner, "PUT", "/v1/environments/development/"+c.path, c.body), 400)
		a.expectDetail(r, c.field)
	}
	if after := a.state(); after != before {
		t.Errorf("refused bodies changed the state:\n%s", after)
	}
	// Well-formed pairs and U+FFFD sent on purpose are stored as sent.
	got := a.expect(a.do(a.owner, "PUT", "/v1/environments/development/permissions/p2", `{"name":"\ud83d\ude00 \ufffd é"}`), 201).json()
	if got["name"] != "😀 \ufffd é" {
		t.Errorf("name stored as %q", got["name"])
	}
}

// TestControlCharactersInNames: names and descriptions hold no control
// characters but tab and line breaks; free JSON values hold anything.
func TestControlCharactersInNames(t *testing.T) {
	a := newAPI(t)
	for _, c := range []struct{ path, body string }{
		{"/v1/environments/development/permissions/p1", `{"name":"a\u0000b"}`},
		{"/v1/environments/development/roles/r1", `{"name":"R","description":"bell \u0007"}`},
		{"/v1/environments/development/hierarchy-nodes/n1", `{"name":"esc \u001b[31m"}`},
		{"/v1/environments/development/tenants/t1", `{"name":"a\u0085"}`},
		{"/v1/identities/ada", `{"email":"ada@example.com","name":"A\u0000"}`},
		{"/v1/environments", `{"slug":"qa","name":"Q\u0000A"}`},
	} {
		method := "PUT"
		if c.path == "/v1/environments" {
			method = "POST"
		}
		r := a.expect(a.do(a.owner, method, c.path, c.body), 400)
		if !strings.Contains(string(r.body), "control character") {
			t.Errorf("%s: %s", c.path, r.body)
		}
	}
	a.expect(a.do(a.owner, "PUT", "/v1/environments/development/permissions/p1", `{"name":"P","description":"line one\n\tline two\r\n"}`), 201)
	props := `{"note":"nul \u0000 and bell \u0007 are data here"}`
	got := a.expect(a.do(a.owner, "PUT", "/v1/environments/development/tenants/t1", `{"name":"T","properties":`+props+`}`), 201).json()
	if b, _ := json.Marshal(got["properties"]); string(b) != props {
		t.Errorf("properties stored as %s, sent %s", b, props)
	}
}

// TestAuthorizationHeader: the scheme is case-insensitive; two
// Authorization headers are refused rather than one of them chosen.
func TestAuthorizationHeader(t *testing.T) {
	a := newAPI(t)
	for _, scheme := range []string{"Bearer", "bearer", "BEARER", "bEaReR"} {
		r := a.serve("GET", "/v1/whoami", "", http.Header{"Authorization": {scheme + " " + a.owner}})
		a.expect(r, 200)
	}
	a.expect(a.serve("GET", "/v1/whoami", "", http.Header{"Authorization": {"Bearer  " + a.owner + " "}}), 200)
	r := a.expect(a.serve("GET", "/v1/whoami", "", http.Header{"Authorization": {"Bearer " + a.owner, "Bearer " + a.owner}}), 400)
	a.expectDetail(r, "Authorization", "once")
	a.expect(a.serve("GET", "/v1/whoami", "", http.Header{"Authorization": {"Bearer" + a.owner}}), 401)
}

// TestEveryBodyRouteNeedsABody: an empty body is refused on every route
// that takes one (the role assignment PUT used to accept it), from the
// route table.
func TestEveryBodyRouteNeedsABody(t *testing.T) {
	a := newAPI(t)
	a.seedConfig("development")
	before := a.state()
	n := 0
	for _, r := range a.routes() {
		if !r.takesBody() {
			continue
		}
		n++
		target := r.url(nil)
		if strings.Contains(r.path, "role-assignments") {
			target = r.url(map[string]string{"identity_key": "ada", "role_key": "viewer", "node_key": "global"})
		}
		res := a.serve(r.method, target, "", a.ownerJSON())
		if res.status != http.StatusBadRequest || !strings.Contains(string(res.body), "body is required") {
			t.Errorf("%s with no body: %d %s", r, res.status, res.body)
		}
	}
	if n < 10 {
		t.Fatalf("only %d routes take a body", n)
	}
	if after := a.state(); after != before {
		t.Errorf("empty bodies changed the state:\n%s", after)
	}
}

// TestFieldNamesAreExact: encoding/json matches member names
// case-insensitively; the API does not, on huma's routes or in
// configuration documents.
func TestFieldNamesAreExact(t *testing.T) {
	a := newAPI(t)
	r := a.expect(a.do(a.owner, "PUT", "/v1/environments/development/permissions/p1", `{"NAME":"P"}`), 400)
	a.expectDetail(r, "name", "required")
	a.expect(a.do(a.owner, "PUT", "/v1/environments/development/workflows/w1", `{"name":"W","steps":[{"ref":"a","ChAnnel":{"type":"email","key":"k","subject":"s","body":"b"}}]}`), 400)
	doc := `{"format_version":1,"source_environment":"development","permissions":[{"key":"p1","Name":"P"}],"roles":[],"hierarchy_nodes":[],"oauth_clients":[],"webhooks":[],"workflows":[]}`
	a.expectDetail(a.importDoc("development", doc, 400), "permissions[0].Name", "case-sensitive")
	a.expect(a.do(a.owner, "GET", "/v1/environments/development/permissions/p1", ""), 404)
}

// TestConfigExportWithANameTwiceImports: the API takes a JSON object with a
// name given twice where it keeps objects as sent (a workflow's
// trigger_data_schema), so an export holding one imports, as encoding/json
// read it: the last one wins.
func TestConfigExportWithANameTwiceImports(t *testing.T) {
	a := newAPI(t)
	a.expect(a.do(a.owner, "PUT", "/v1/environments/development/workflows/welcome", `{"name":"Welcome","trigger_data_schema":{"type":"string","type":"object"}}`), 201)
	exported := a.export("development")
	if !strings.Contains(exported, `"type": "string",`) || !strings.Contains(exported, `"type": "object"`) {
		t.Fatalf("the export does not hold the schema as sent:\n%s", exported)
	}
	a.importDoc("development", exported, 200)
}
