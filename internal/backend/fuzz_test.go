package backend_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/danielgtaylor/huma/v2"

	"github.com/arborhq/terraform-provider-arbor/internal/backend"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// The fuzz targets drive the request decoders with arbitrary bodies. Their
// property: the answer is a 4xx or a success, never a 5xx, and what a
// success stored reads back as what was sent. Seeds live in
// testdata/fuzz/<target>; plain go test runs them, make fuzz explores.

// FuzzCheckJSONStrings: the strict pre-check never panics, and a JSON text
// it passes decodes without a single U+FFFD that the text did not spell.
func FuzzCheckJSONStrings(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		problem := backend.CheckJSONStrings(b)
		if problem != nil || !json.Valid(b) {
			return
		}
		if !utf8.Valid(b) {
			t.Fatalf("passed invalid UTF-8: %q", b)
		}
		var v any
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatal(err)
		}
		if got, spelled := replacementsIn(v), spelledReplacements(b); got != spelled {
			t.Fatalf("decoding %q made %d U+FFFD, the text spells %d", b, got, spelled)
		}
	})
}

// replacementsIn counts U+FFFD in a decoded value's strings and keys.
func replacementsIn(v any) int {
	switch v := v.(type) {
	case string:
		return strings.Count(v, "\uFFFD")
	case []any:
		n := 0
		for _, e := range v {
			n += replacementsIn(e)
		}
		return n
	case map[string]any:
		n := 0
		for k, e := range v {
			n += strings.Count(k, "\uFFFD") + replacementsIn(e)
		}
		return n
	}
	return 0
}

// spelledReplacements counts the U+FFFD a JSON text spells, raw or as
// \ufffd. Only valid texts are counted; outside strings a valid text has
// no backslash or U+FFFD, and members are not duplicated by the fuzzer
// often enough to matter (a duplicate only lowers the decoded count).
func spelledReplacements(b []byte) int {
	n := bytes.Count(b, []byte("\uFFFD"))
	for i := 0; i < len(b); i++ {
		if b[i] != '\\' {
			continue
		}
		if i+5 < len(b) && b[i+1] == 'u' && strings.EqualFold(string(b[i+2:i+6]), "fffd") {
			n++
		}
		i++
	}
	return n
}

// fuzzAPI is a backend for one fuzz target, seeded with what bodies may
// refer to.
func fuzzAPI(f *testing.F) *api {
	a := newAPI(f)
	a.seedConfig("development")
	return a
}

// FuzzConfigDocument imports arbitrary documents: a refusal is a 4xx and
// changes nothing; an accepted document is exactly what the environment
// exports afterwards.
func FuzzConfigDocument(f *testing.F) {
	a := fuzzAPI(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		before := a.serve(http.MethodGet, "/v1/environments/development/config", "", a.ownerJSON())
		r := a.serve(http.MethodPut, "/v1/environments/development/config?prune_assignments=true", string(body), a.ownerJSON())
		after := a.serve(http.MethodGet, "/v1/environments/development/config", "", a.ownerJSON())
		switch {
		case r.status >= 500:
			t.Fatalf("status %d for %q: %s", r.status, body, r.body)
		case r.status >= 400:
			if !bytes.Equal(before.body, after.body) {
				t.Fatalf("refused (%d) but changed the configuration: %q", r.status, body)
			}
			return
		}
		sent, err := domain.DecodeConfigDocument(body)
		if err != nil {
			t.Fatalf("accepted a document the domain refuses: %v", err)
		}
		sent.SourceEnvironment = "development"
		sent.Canonicalize()
		canonical, err := sent.Encode()
		if err != nil {
			t.Fatal(err)
		}
		// Defaults the server fills in (a workflow's trigger frequency)
		// are no change to what was sent.
		var want, got any
		if err := json.Unmarshal(canonical, &want); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(after.body, &got); err != nil {
			t.Fatal(err)
		}
		// Workflows born in the target, unknown to the document's source,
		// are kept, and the answer says so.
		var answer domain.ImportResult
		if err := json.Unmarshal(r.body, &answer); err != nil {
			t.Fatal(err)
		}
		exported := got.(map[string]any)
		exported["workflows"] = slices.DeleteFunc(exported["workflows"].([]any), func(wf any) bool {
			return slices.Contains(answer.Kept["workflows"], wf.(map[string]any)["key"].(string))
		})
		if !sameJSON(want, got) {
			t.Fatalf("imported %q, exported\n%s\nwant\n%s", body, after.body, canonical)
		}
	})
}

// FuzzWorkflowBody writes arbitrary workflow bodies (steps, conditions,
// trigger data schemas).
func FuzzWorkflowBody(f *testing.F) {
	a := fuzzAPI(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		a.checkPut(t, "/v1/environments/development/workflows/fuzzed", "PUT /v1/environments/{env}/workflows/{key}", body)
	})
}

// FuzzTenantBody writes arbitrary tenant bodies (properties, branding,
// preference sets).
func FuzzTenantBody(f *testing.F) {
	a := fuzzAPI(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		a.checkPut(t, "/v1/environments/development/tenants/fuzzed", "PUT /v1/environments/{env}/tenants/{key}", body)
	})
}

// FuzzPutBody writes arbitrary bodies to every PUT route of the route
// table; route picks one.
func FuzzPutBody(f *testing.F) {
	a := fuzzAPI(f)
	var puts []route
	for _, r := range a.routes() {
		if r.method == http.MethodPut && r.takesBody() && !strings.HasSuffix(r.path, "/config") {
			puts = append(puts, r)
		}
	}
	f.Fuzz(func(t *testing.T, pick uint8, body []byte) {
		r := puts[int(pick)%len(puts)]
		target := r.url(map[string]string{"key": "fuzzed", "identity_key": "ada", "role_key": "viewer", "node_key": "global"})
		a.checkPut(t, target, r.String(), body)
	})
}

// checkPut sends body to a PUT route and holds it to the property: never
// a 5xx, and a success reads back every field sent as sent.
func (a *api) checkPut(t *testing.T, target, pattern string, body []byte) {
	r := a.serve(http.MethodPut, target, string(body), a.ownerJSON())
	if r.status >= 500 {
		t.Fatalf("%s: status %d for %q: %s", pattern, r.status, body, r.body)
	}
	if r.status >= 300 {
		return
	}
	var sent map[string]any
	if err := json.Unmarshal(body, &sent); err != nil {
		t.Fatalf("%s: accepted %q, which is not a JSON object: %v", pattern, body, err)
	}
	read := a.serve(http.MethodGet, target, "", a.ownerJSON())
	if read.status != http.StatusOK {
		// Some writes have no read of their own (settings answer in place).
		read = r
	}
	var stored map[string]any
	if err := json.Unmarshal(read.body, &stored); err != nil {
		t.Fatal(err)
	}
	schema := a.routeSchema(pattern)
	for field, value := range sent {
		if p := schemaProperty(a, schema, field); p == nil || p.ReadOnly || p.WriteOnly || isSecretField(field) {
			continue
		}
		got, ok := stored[field]
		if !ok && isZeroJSON(value) {
			continue
		}
		if !sameJSON(value, got) {
			t.Fatalf("%s: sent %s = %s, stored %s (body %q)", pattern, field, mustMarshal(value), mustMarshal(got), body)
		}
	}
}

// isSecretField names the write-only secrets a read never returns.
func isSecretField(field string) bool {
	return strings.Contains(field, "secret")
}

func (a *api) routeSchema(pattern string) *huma.Schema {
	for _, r := range a.routes() {
		if r.String() == pattern {
			return a.bodySchema(r)
		}
	}
	return nil
}

func schemaProperty(a *api, s *huma.Schema, name string) *huma.Schema {
	if s == nil {
		return nil
	}
	p := s.Properties[name]
	if p != nil && p.Ref != "" {
		p = a.srv.OpenAPI().Components.Schemas.SchemaFromRef(p.Ref)
	}
	return p
}

// sameJSON compares a sent value with its stored form: objects by the
// members sent (the server adds defaults), lists of strings as the sets
// the API keeps them as, the rest exactly.
func sameJSON(sent, stored any) bool {
	switch s := sent.(type) {
	case map[string]any:
		m, ok := stored.(map[string]any)
		if !ok {
			return len(s) == 0 && stored == nil
		}
		for k, v := range s {
			got, present := m[k]
			if !present && isZeroJSON(v) {
				continue
			}
			if !sameJSON(v, got) {
				return false
			}
		}
		return true
	case []any:
		l, ok := stored.([]any)
		if !ok {
			return len(s) == 0 && stored == nil
		}
		if set, isSet := stringSet(s); isSet {
			got, _ := stringSet(l)
			return slices.Equal(set, got)
		}
		if len(l) != len(s) {
			return false
		}
		for i := range s {
			if !sameJSON(s[i], l[i]) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(sent, stored)
}

// stringSet is a list of strings as a sorted set, when it is one.
func stringSet(l []any) ([]string, bool) {
	out := make([]string, 0, len(l))
	for _, v := range l {
		s, ok := v.(string)
		if !ok {
			return nil, false
		}
		out = append(out, s)
	}
	slices.Sort(out)
	return slices.Compact(out), true
}

func mustMarshal(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// isZeroJSON reports a decoded JSON value that is its Go field's zero
// value, which encoding omits (so a round trip drops it).
func isZeroJSON(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case string:
		return v == ""
	case bool:
		return !v
	case float64:
		return v == 0
	case []any:
		return len(v) == 0
	case map[string]any:
		return len(v) == 0
	}
	return false
}
