package backend_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/danielgtaylor/huma/v2"

	"github.com/arborhq/terraform-provider-arbor/internal/backend"
)

// hostileCase is one request that must be refused.
type hostileCase struct {
	name   string
	method string
	target string
	body   string
	header http.Header
	// field, when set, is the field the refusal's details must name.
	field string
}

// state is everything a refused write could have changed, as the API
// shows it: the development environment's export, its operational state,
// and the account.
func (a *api) state() string {
	a.t.Helper()
	var b strings.Builder
	for _, path := range []string{
		"/v1/environments", "/v1/environments/development/config", "/v1/environments/development/tenants",
		"/v1/environments/development/role-assignments", "/v1/environments/development/api-keys",
		"/v1/environments/development/workflows", "/v1/identities", "/v1/tokens", "/v1/settings",
	} {
		r := a.serve(http.MethodGet, path, "", a.ownerJSON())
		fmt.Fprintf(&b, "%s %d\n%s\n", path, r.status, r.body)
	}
	return b.String()
}

// pathTricks are path parameter values that ServeMux would clean, or that
// smuggle a separator into a key.
var pathTricks = map[string]string{
	"dot":           ".",
	"dotdot":        "..",
	"encoded dot":   "%2e",
	"encoded dots":  "%2E%2E",
	"empty":         "",
	"encoded slash": "a%2Fb",
	"slash dotdot":  "a%2F..",
	"invalid UTF-8": "a%FF%FEb",
}

// hostileCases generates, from the route table, the requests every write
// route must refuse.
func (a *api) hostileCases() []hostileCase {
	var cases []hostileCase
	for _, r := range a.routes() {
		if !r.writes() {
			continue
		}
		add := func(c hostileCase) {
			c.name = r.String() + ": " + c.name
			c.method = r.method
			if c.target == "" {
				c.target = r.url(nil)
			}
			if c.header == nil {
				c.header = a.ownerJSON()
			}
			cases = append(cases, c)
		}
		for _, param := range r.params() {
			for trick, value := range pathTricks {
				add(hostileCase{name: param + " " + trick, target: r.url(map[string]string{param: value}), body: "{}"})
			}
		}
		add(hostileCase{name: "two Authorization headers", body: "{}", header: http.Header{
			"Authorization": {"Bearer " + a.owner, "Bearer " + a.owner}, "Content-Type": {"application/json"}}, field: "Authorization"})
		add(hostileCase{name: "no credential", body: "{}", header: http.Header{"Content-Type": {"application/json"}}})
		add(hostileCase{name: "unknown scheme", body: "{}", header: http.Header{"Authorization": {"Basic " + a.owner}, "Content-Type": {"application/json"}}})
		if hasParam(r.op, "If-Match") {
			h := a.ownerJSON()
			h.Set("If-Match", "not-a-version")
			add(hostileCase{name: "malformed If-Match", body: "{}", header: h})
		}
		if !r.takesBody() {
			continue
		}
		for _, ct := range []string{"text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=\"unterminated"} {
			h := a.ownerJSON()
			h.Set("Content-Type", ct)
			add(hostileCase{name: "Content-Type " + ct, body: "{}", header: h})
		}
		for name, body := range map[string]string{
			"empty body":             "",
			"null body":              "null",
			"array body":             "[]",
			"string body":            `"x"`,
			"truncated JSON":         `{"`,
			"two documents":          "{} {}",
			"unknown field":          `{"zz_no_such_field":1}`,
			"invalid UTF-8 in a key": "{\"a\xff\":1}",
			"deep nesting":           `{"zz":` + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + `}`,
			"oversize body":          `{"zz":"` + strings.Repeat("x", int(r.op.MaxBodyBytes)) + `"}`,
		} {
			add(hostileCase{name: name, body: body})
		}
		schema := a.bodySchema(r)
		if requiresWritable(schema) {
			add(hostileCase{name: "missing required fields", body: "{}"})
		}
		for _, prop := range writableProperties(schema) {
			p := schema.Properties[prop]
			add(hostileCase{name: prop + " wrong type", body: fmt.Sprintf(`{%q:%s}`, prop, wrongValue(p))})
			add(hostileCase{name: prop + " nested too deep", body: fmt.Sprintf(`{%q:%s%s}`, prop, strings.Repeat("[", backend.MaxJSONDepth+1), strings.Repeat("]", backend.MaxJSONDepth+1)),
				field: prop + strings.Repeat("[0]", backend.MaxJSONDepth-1)})
			if p.Type != "string" {
				continue
			}
			add(hostileCase{name: prop + " invalid UTF-8", body: fmt.Sprintf("{%q:\"a\xff\xfeb\"}", prop), field: prop})
			add(hostileCase{name: prop + " lone high surrogate", body: fmt.Sprintf(`{%q:"a\ud800b"}`, prop), field: prop})
			add(hostileCase{name: prop + " lone low surrogate", body: fmt.Sprintf(`{%q:"a\udc00b"}`, prop), field: prop})
			add(hostileCase{name: prop + " reversed surrogates", body: fmt.Sprintf(`{%q:"\udc00\ud800"}`, prop), field: prop})
			add(hostileCase{name: prop + " oversize string", body: fmt.Sprintf(`{%q:%q}`, prop, strings.Repeat("é", 70000))})
		}
	}
	return cases
}

// requiresWritable reports whether a body schema requires a field the
// client sends (read-only fields are the server's).
func requiresWritable(s *huma.Schema) bool {
	if s == nil {
		return false
	}
	for _, name := range s.Required {
		if p := s.Properties[name]; p != nil && !p.ReadOnly {
			return true
		}
	}
	return false
}

func hasParam(op *huma.Operation, name string) bool {
	for _, p := range op.Parameters {
		if strings.EqualFold(p.Name, name) {
			return true
		}
	}
	return false
}

// wrongValue is a JSON value of another type than the schema's.
func wrongValue(s *huma.Schema) string {
	switch s.Type {
	case "string":
		return "12345"
	case "object", "":
		return `"not an object"`
	}
	return `"not a ` + s.Type + `"`
}

// leakedInternals are words of Go and of encoding/json, which an answer
// must not use: details speak of fields and JSON types.
var leakedInternals = []string{"Go struct", "Go value", "json:", "domain.", "backend.", "[]string", "int64", "float64", "map["}

// TestHostileRequestsAreRefused sends, to every write route of the route
// table, requests a hostile or careless client would: path tricks, bad
// headers, malformed, mistyped, oversize, deeply nested or non-UTF-8
// bodies. Each must be a 4xx (never a redirect, never a success), name the
// field where one is at fault, speak no Go, and leave everything as it was.
func TestHostileRequestsAreRefused(t *testing.T) {
	a := newAPI(t)
	a.seedConfig("development")
	before := a.state()
	cases := a.hostileCases()
	t.Logf("%d hostile requests over %d routes", len(cases), len(a.routes()))
	for _, c := range cases {
		r := a.serve(c.method, c.target, c.body, c.header)
		if r.status < 400 || r.status >= 500 {
			t.Errorf("%s: status %d, want a 4xx: %.300s", c.name, r.status, r.body)
			continue
		}
		if c.field != "" && !hasDetailOn(r, c.field) {
			t.Errorf("%s: no detail names %s: %.300s", c.name, c.field, r.body)
		}
		for _, leak := range leakedInternals {
			if strings.Contains(string(r.body), leak) {
				t.Errorf("%s: the answer speaks of %q: %.300s", c.name, leak, r.body)
			}
		}
	}
	if after := a.state(); after != before {
		t.Errorf("hostile requests changed the state:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

func hasDetailOn(r response, field string) bool {
	for _, d := range r.details() {
		if f, _, _ := strings.Cut(d, ": "); f == field {
			return true
		}
	}
	return false
}

// TestNoRouteRedirects sends path tricks to every route, reads included:
// ServeMux answers a path it would clean with a redirect to another object
// (DELETE …/permissions/.. → 307 to the environment), which a client that
// follows redirects then acts on. Every one must be refused in place.
func TestNoRouteRedirects(t *testing.T) {
	a := newAPI(t)
	a.environment("qa")
	n := 0
	for _, r := range a.routes() {
		for _, param := range r.params() {
			for trick, value := range pathTricks {
				for _, env := range []string{"development", "qa"} {
					target := r.url(map[string]string{"env": env, param: value})
					if param == "env" {
						target = r.url(map[string]string{param: value})
					}
					res := a.serve(r.method, target, "{}", a.ownerJSON())
					n++
					if res.status >= 300 && res.status < 400 || res.header.Get("Location") != "" {
						t.Errorf("%s with %s %s (%s): %d Location %q", r, param, trick, target, res.status, res.header.Get("Location"))
					}
					if res.status != http.StatusBadRequest && res.status != http.StatusNotFound {
						t.Errorf("%s with %s %s (%s): status %d, want 400 or 404: %.200s", r, param, trick, target, res.status, res.body)
					}
				}
			}
		}
	}
	t.Logf("%d requests with path tricks", n)
	// The request of the report: a client that follows redirects would
	// have deleted qa.
	a.expect(a.do(a.owner, "DELETE", "/v1/environments/qa/permissions/..", ""), 400)
	a.expect(a.do(a.owner, "GET", "/v1/environments/qa", ""), 200)
}
