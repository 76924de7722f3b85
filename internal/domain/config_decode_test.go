package domain

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
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
		{"a timestamp that is not one", doc(strings.Replace(sections, `"permissions":[]`, `"permissions":[{"key":"p","name":"P","created_at":"2024-01-01 00:00:00"}]`, 1)), "permissions[0].created_at", "is not valid"},
		{"a string for a number", `{"format_version":"1","source_environment":"development",` + sections + `}`, "format_version", "must be an integer, not a string"},
		{"a number for a string, deep", doc(strings.Replace(sections, `"workflows":[]`, `"workflows":[{"key":"w","name":"W","steps":[{"ref":"s","channel":{"subject":5}}]}]`, 1)), "workflows[0].steps[0].channel.subject", "must be a string, not a number"},
		{"an object for a list", doc(strings.Replace(sections, `"roles":[]`, `"roles":{}`, 1)), "roles", "must be an array, not an object"},
		{"a number for an object in a list", doc(strings.Replace(sections, `"roles":[]`, `"roles":[{"key":"r","name":"R"},5,{"key":"s","name":"S"}]`, 1)), "roles[1]", "must be an object, not a number"},
		{"a problem in a list, then one after the document", doc(strings.Replace(sections, `"roles":[]`, `"roles":[{"key":"r","name":"R","colour":"red"}]`, 1)) + `}`, "roles[0].colour", "not a field"},
		{"not JSON", `{"format_version":1,`, "", "not valid JSON"},
		{"two values", doc(sections) + `{}`, "", "single JSON object"},
		{"empty", "  \n", "", "empty"},
	} {
		refusedOn(t, c.name, []byte(c.doc), c.field, c.says)
	}
}

// refusedOn checks that doc is refused with one problem, on field, saying
// says.
func refusedOn(t *testing.T, name string, doc []byte, field, says string) {
	t.Helper()
	_, err := DecodeConfigDocument(doc)
	var de *Error
	if !errors.As(err, &de) || len(de.Details) != 1 {
		t.Errorf("%s: %v", name, err)
		return
	}
	if got := de.Details[0]; got.Field != field || !strings.Contains(got.Message, says) {
		t.Errorf("%s: field %q: %s; want field %q saying %q", name, got.Field, got.Message, field, says)
	}
}

// A name given twice is read as encoding/json read it, the last one
// winning, as the API takes it: inside a JSON object kept as sent (a
// workflow's trigger_data_schema) and elsewhere.
func TestDecodeConfigDocumentTakesANameTwice(t *testing.T) {
	sections := `"permissions":[{"key":"p","name":"P","name":"Q"}],"roles":[],"hierarchy_nodes":[],"oauth_clients":[],"webhooks":[],"guides":[],` +
		`"workflows":[{"key":"welcome","name":"Welcome","trigger_data_schema":{"type":"object","type":"object"}}]`
	d, err := DecodeConfigDocument([]byte(`{"format_version":1,"source_environment":"development",` + sections + `}`))
	if err != nil {
		t.Fatal(err)
	}
	if d.Permissions[0].Name != "Q" || len(d.Workflows) != 1 {
		t.Errorf("decoded %+v %+v", d.Permissions, d.Workflows)
	}
}

// A section given twice is read as a name given twice: the last value
// wins, and each value is decoded, its problems named.
func TestDecodeConfigDocumentTakesASectionTwice(t *testing.T) {
	const rest = `"roles":[],"hierarchy_nodes":[],"oauth_clients":[],"webhooks":[],"workflows":[],"guides":[]`
	doc := func(sections string) []byte {
		return []byte(`{"format_version":1,"source_environment":"development",` + rest + `,` + sections + `}`)
	}
	d, err := DecodeConfigDocument(doc(`"permissions":null,"permissions":[{"key":"p","name":"P"},{"key":"q","name":"Q"}]`))
	if err != nil || len(d.Permissions) != 2 {
		t.Fatalf("null, then two permissions: %v %+v", err, d)
	}
	d, err = DecodeConfigDocument(doc(`"permissions":[{"key":"x","name":"X"}],"permissions":[{"key":"p","name":"P"},{"key":"q","name":"Q"}]`))
	if err != nil || len(d.Permissions) != 2 || d.Permissions[0].Key != "p" {
		t.Fatalf("one permission, then two: %v %+v", err, d)
	}
	for _, c := range []struct{ name, sections, field, says string }{
		{"a problem in the value that loses", `"permissions":[{"key":"p","name":"P","colour":"red"}],"permissions":[{"key":"p","name":"P"},{"key":"q","name":"Q"}]`, "permissions[0].colour", "not a field"},
		{"null winning", `"permissions":[{"key":"p","name":"P"},{"key":"q","name":"Q"}],"permissions":null`, "permissions", "is required"},
	} {
		refusedOn(t, c.name, doc(c.sections), c.field, c.says)
	}
}

// A section given twice, a list of many objects (decoded object by object)
// and one of few, either first, is read as any name given twice: the last
// value wins, and a problem in the one that loses is named all the same.
func TestDecodeConfigDocumentTakesALongAndAShortSectionTwice(t *testing.T) {
	decodeEachFrom.Store(3)
	t.Cleanup(func() { decodeEachFrom.Store(0) })
	const rest = `"roles":[],"hierarchy_nodes":[],"oauth_clients":[],"webhooks":[],"workflows":[],"guides":[]`
	const long, short = `[{"key":"a","name":"A"},{"key":"b","name":"B"},{"key":"c","name":"C"}]`, `[{"key":"p","name":"P"}]`
	doc := func(first, second string) []byte {
		return []byte(`{"format_version":1,"source_environment":"development","permissions":` + first + `,` + rest + `,"permissions":` + second + `}`)
	}
	for _, c := range []struct {
		first, second, want string
	}{{long, short, "p"}, {short, long, "a b c"}} {
		d, sent, err := DecodeConfigDocumentSent(doc(c.first, c.second))
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		for _, p := range d.Permissions {
			keys = append(keys, p.Key)
		}
		if strings.Join(keys, " ") != c.want {
			t.Errorf("%s then %s: decoded %v", c.first, c.second, keys)
		}
		sentAsDecoded(t, d, sent)
	}
	bad := strings.Replace(long, `"name":"B"`, `"name":"B","colour":"red"`, 1)
	refusedOn(t, "a problem in the long list that loses", doc(bad, short), "permissions[1].colour", "not a field")
	refusedOn(t, "a problem in the short list that loses", doc(`[{"key":"p","name":5}]`, long), "permissions[0].name", "must be a string")
}

// A list holding a null where an object would be decodes as it always
// has, to an empty object (which validation refuses), and then nothing is
// taken as sent: the document's structure is not that of objects.
func TestDecodeConfigDocumentSentTakesNothingOfANull(t *testing.T) {
	for _, from := range []int64{0, 1} {
		decodeEachFrom.Store(from)
		doc := `{"format_version":1,"source_environment":"development","permissions":[{"key":"p","name":"P"},null],` +
			`"roles":[{"key":"r","name":"R"}],"hierarchy_nodes":[],"oauth_clients":[],"webhooks":[],"workflows":[],"guides":[]}`
		d, sent, err := DecodeConfigDocumentSent([]byte(doc))
		if err != nil || len(d.Permissions) != 2 || d.Permissions[1] != (Permission{}) || len(d.Roles) != 1 {
			t.Errorf("from %d: %v %+v", from, err, d)
		}
		if sent != nil {
			t.Errorf("from %d: sent %v", from, sent)
		}
	}
	decodeEachFrom.Store(0)
}

// sentAsDecoded checks that each object sent decodes to the object
// decoded, in the section's order.
func sentAsDecoded(t *testing.T, d *ConfigDocument, sent SentObjects) {
	t.Helper()
	if sent == nil {
		return
	}
	for _, s := range d.sections() {
		list := reflect.ValueOf(s.items).Elem()
		objects := sent[s.Kind.Section()]
		if len(objects) != list.Len() {
			t.Errorf("%s: %d objects sent, %d decoded", s.Kind.Section(), len(objects), list.Len())
			continue
		}
		for i, o := range objects {
			one := reflect.New(list.Type().Elem())
			if err := jsonv2.Unmarshal(o.Bytes, one.Interface(), documentOptions); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(one.Elem().Interface(), list.Index(i).Interface()) || o.Key != one.Interface().(Object).ObjectKey() {
				t.Errorf("%s[%d] sent as %s, decoded as %+v", s.Kind.Section(), i, o.Bytes, list.Index(i).Interface())
			}
		}
	}
}

// The objects as sent are those the document's structure delimits, each
// with the key of the object decoded from it: lines laid out as an export's
// that close a section inside an object's bytes deceive nothing.
func TestDecodeConfigDocumentSentFollowsTheStructure(t *testing.T) {
	doc := "{\n  \"format_version\": 1,\n  \"source_environment\": \"development\",\n  \"permissions\": [\n" +
		"    {\n      \"key\": \"junk\",\n      \"name\": \"J\"}, {\"key\": \"p\", \"name\": \"EVIL\"}], \"hierarchy_nodes\": [{\"key\": \"h\", \"name\": \"H\"\n    },\n" +
		"    {\n      \"key\": \"p\",\n      \"name\": \"P\"\n    }\n  ],\n" +
		"  \"roles\": [],\n  \"oauth_clients\": [],\n  \"webhooks\": [],\n  \"workflows\": [],\n  \"guides\": []\n}\n"
	d, sent, err := DecodeConfigDocumentSent([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Permissions) != 2 || d.Permissions[1].Name != "EVIL" || len(d.HierarchyNodes) != 2 {
		t.Fatalf("decoded %+v %+v", d.Permissions, d.HierarchyNodes)
	}
	for _, o := range sent["permissions"] {
		if o.Key == "p" && string(o.Bytes) != `{"key": "p", "name": "EVIL"}` {
			t.Errorf("permission p as sent: %s", o.Bytes)
		}
	}
	for _, o := range sent["hierarchy_nodes"] {
		if o.Key == "p" && !strings.Contains(string(o.Bytes), `"name": "P"`) {
			t.Errorf("node p as sent: %s", o.Bytes)
		}
	}
	if len(sent["permissions"]) != 2 || len(sent["hierarchy_nodes"]) != 2 {
		t.Errorf("sent: %v", sent)
	}
	sentAsDecoded(t, d, sent)
}

// A field is named as the API names it from its JSON pointer: indexes in
// brackets where the document holds a list, and members of a value read by
// its own type (a JSON object kept as sent) by name, even when numeric.
func TestDocumentFieldNamesAsTheAPI(t *testing.T) {
	for ptr, want := range map[jsontext.Pointer]string{
		"":                                      "",
		"/format_version":                       "format_version",
		"/workflows/0/steps/1/channel/subject":  "workflows[0].steps[1].channel.subject",
		"/workflows/2/trigger_data_schema/type": "workflows[2].trigger_data_schema.type",
		"/workflows/2/trigger_data_schema/0":    "workflows[2].trigger_data_schema.0",
		"/permissions/3/no_such/4":              "permissions[3].no_such.4",
	} {
		if got := documentField(ptr); got != want {
			t.Errorf("%q named %q, want %q", ptr, got, want)
		}
	}
}

// keysIn answers as a set does, walking or not: keys asked in order of
// ordered lists, and of lists out of order.
func TestKeysInIsASet(t *testing.T) {
	objects := func(keys ...string) []VersionedObject {
		var l []VersionedObject
		for _, k := range keys {
			l = append(l, &Guide{Key: k})
		}
		return l
	}
	for _, c := range []struct{ objects, asking []VersionedObject }{
		{objects("a", "c", "e", "g"), objects("a", "b", "c", "d", "g", "h")},
		{objects(), objects("a")},
		{objects("b"), objects()},
		{objects("e", "a", "c"), objects("a", "b", "c", "e")},
		{objects("a", "c"), objects("c", "a", "b")},
	} {
		set := map[string]bool{}
		for _, o := range c.objects {
			set[o.ObjectKey()] = true
		}
		in := keysIn(c.objects, c.asking)
		for _, o := range c.asking {
			if got := in(o.ObjectKey()); got != set[o.ObjectKey()] {
				t.Errorf("%v asked %q: %v", c.objects, o.ObjectKey(), got)
			}
		}
	}
}

// A section decoded object by object, on several goroutines, reads as the
// document decoded whole: the decode tests above again, with every section
// that holds an object so decoded, problems named on the same fields.
func TestDecodeObjectByObjectReadsAsWhole(t *testing.T) {
	decodeEachFrom.Store(1)
	t.Cleanup(func() { decodeEachFrom.Store(0) })
	TestDecodeConfigDocumentReadsAsEncodingJSON(t)
	TestDecodeConfigDocumentNamesTheField(t)
	TestDecodeConfigDocumentTakesANameTwice(t)
	TestDecodeConfigDocumentTakesASectionTwice(t)
	TestDecodeConfigDocumentSentFollowsTheStructure(t)
	TestDecodeConfigDocumentKeepsNamesExactInAnEncoding(t)
}

// A large document, of many objects of every kind, decodes with its
// objects as sent, and they are what decoding each gives.
func TestDecodeConfigDocumentSentOfALargeDocument(t *testing.T) {
	doc := largeDocument(t, parallelDecode+1)
	d, sent, err := DecodeConfigDocumentSent(doc)
	if err != nil {
		t.Fatal(err)
	}
	if sent == nil {
		t.Fatal("nothing taken as sent")
	}
	for name, n := range d.Counts() {
		if n != parallelDecode+1 {
			t.Errorf("%s: %d objects", name, n)
		}
	}
	sentAsDecoded(t, d, sent)
}

// largeDocument is a document of n objects of every kind, as Encode writes
// it.
func largeDocument(tb testing.TB, n int) []byte {
	tb.Helper()
	d := &ConfigDocument{FormatVersion: ConfigFormatVersion, SourceEnvironment: "development"}
	for i := range n {
		key := fmt.Sprintf("k%06d", i)
		d.Permissions = append(d.Permissions, Permission{Key: key, Name: "Permission " + key, Description: "Reads the documents of " + key})
		d.Roles = append(d.Roles, Role{Key: key, Name: "Role " + key, Permissions: []string{key}})
		d.HierarchyNodes = append(d.HierarchyNodes, HierarchyNode{Key: key, Name: "Node " + key})
		d.OAuthClients = append(d.OAuthClients, OAuthClient{Key: key, Name: "Client " + key, RedirectURIs: []string{"https://" + key + ".example.com/cb"}})
		d.Webhooks = append(d.Webhooks, Webhook{Key: key, URL: "https://hooks.example.com/" + key, Events: []string{"role.created", "role.deleted"}})
	}
	for _, s := range d.VersionedSections() {
		items := reflect.ValueOf(s.Items).Elem()
		for i := range n {
			o := reflect.ValueOf(versionedSamples[s.Kind.Name](fmt.Sprintf("variant %d", i))).Elem()
			o.FieldByName("Key").SetString(fmt.Sprintf("k%06d", i))
			items.Set(reflect.Append(items, o))
		}
	}
	b, err := d.Encode()
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// BenchmarkDecodeConfigDocumentSent decodes a large document (2,000
// objects of every kind, each section decoded object by object) and a
// small one (50 of every kind, each section decoded at once), with the
// objects as sent, as a review of an upload does.
func BenchmarkDecodeConfigDocumentSent(b *testing.B) {
	for _, c := range []struct {
		name string
		n    int
	}{{"large", 2000}, {"small", 50}} {
		doc := largeDocument(b, c.n)
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(doc)))
			for b.Loop() {
				if _, sent, err := DecodeConfigDocumentSent(doc); err != nil || sent == nil {
					b.Fatal(err, sent == nil)
				}
			}
		})
	}
}

// BenchmarkEncodeObjects encodes every object of a large document (2,000
// of every kind), as a review encodes the objects an upload adds.
func BenchmarkEncodeObjects(b *testing.B) {
	doc, err := DecodeConfigDocument(largeDocument(b, 2000))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := doc.EncodeObjects(); err != nil {
			b.Fatal(err)
		}
	}
}
