package domain

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// A document decodes to what encoding/json, strict, decodes it to: the
// samples of every kind, in a document as Encode writes it and compacted.
func TestDecodeConfigDocumentReadsAsEncodingJSON(t *testing.T) {
	d := documentWithSamples(t)
	d.Permissions = []Permission{{Key: "docs.read", Name: "Read <b>&</b>", Description: "two\nlines"}}
	d.Roles = []Role{{Key: "reader", Name: "Reader", Permissions: []string{"docs.read"}}}
	d.HierarchyNodes = []HierarchyNode{{Key: "acme", Name: "Acme"}, {Key: "acme-eu", Name: "Acme EU", ParentKey: "acme"}}
	d.OAuthClients = []OAuthClient{{Key: "app", Name: "App", RedirectURIs: []string{"https://app.example.com/cb"}}}
	d.Webhooks = []Webhook{{Key: "sink", URL: "https://hooks.example.com/x", Events: []string{"role.created"}}}
	d.Canonicalize()
	encoded, err := d.Encode()
	if err != nil {
		t.Fatal(err)
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, encoded); err != nil {
		t.Fatal(err)
	}
	for name, doc := range map[string][]byte{"encoded": encoded, "compact": compact.Bytes()} {
		got, err := DecodeConfigDocument(doc)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var want ConfigDocument
		dec := json.NewDecoder(bytes.NewReader(doc))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&want); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(*got, want) {
			t.Errorf("%s: decoded\n%+v\nencoding/json decodes\n%+v", name, *got, want)
		}
		again, err := got.Encode()
		if err != nil || !bytes.Equal(again, encoded) {
			t.Errorf("%s: encodes again as\n%s", name, again)
		}
	}
}

// A document that does not decode is refused on the field where it fails,
// named as the API names fields, for each way it can fail.
func TestDecodeConfigDocumentNamesTheField(t *testing.T) {
	const sections = `"permissions":[],"roles":[],"hierarchy_nodes":[],"oauth_clients":[],"webhooks":[],"workflows":[],"guides":[]`
	doc := func(rest string) string {
		return `{"format_version":1,"source_environment":"development",` + rest + `}`
	}
	for _, c := range []struct {
		name, doc, field, says string
	}{
		{"unknown document field", doc(sections + `,"rolez":[]`), "rolez", "not a field"},
		{"unknown object field", doc(strings.Replace(sections, `"permissions":[]`, `"permissions":[{"key":"p","name":"P","colour":"red"}]`, 1)), "permissions[0].colour", "not a field"},
		{"a name's case changed", doc(strings.Replace(sections, `"roles":[]`, `"roles":[{"key":"r","Name":"R"}]`, 1)), "roles[0].Name", "case-sensitive"},
		{"a name given twice", doc(strings.Replace(sections, `"permissions":[]`, `"permissions":[{"key":"p","name":"P","name":"Q"}]`, 1)), "permissions[0].name", "more than once"},
		{"a section given twice", doc(sections + `,"roles":[]`), "roles", "more than once"},
		{"a string for a number", `{"format_version":"1","source_environment":"development",` + sections + `}`, "format_version", "must be an integer, not a string"},
		{"a number for a string, deep", doc(strings.Replace(sections, `"workflows":[]`, `"workflows":[{"key":"w","name":"W","steps":[{"ref":"s","channel":{"subject":5}}]}]`, 1)), "workflows[0].steps[0].channel.subject", "must be a string, not a number"},
		{"an object for a list", doc(strings.Replace(sections, `"roles":[]`, `"roles":{}`, 1)), "roles", "must be an array, not an object"},
		{"not JSON", `{"format_version":1,`, "", "not valid JSON"},
		{"two values", doc(sections) + `{}`, "", "single JSON object"},
		{"empty", "  \n", "", "empty"},
	} {
		_, err := DecodeConfigDocument([]byte(c.doc))
		var de *Error
		if !errors.As(err, &de) || len(de.Details) != 1 {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if got := de.Details[0]; got.Field != c.field || !strings.Contains(got.Message, c.says) {
			t.Errorf("%s: field %q: %s; want field %q saying %q", c.name, got.Field, got.Message, c.field, c.says)
		}
	}
}
