package domain

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// EncodedObjects finds every object of an encoded document, with its key,
// as the bytes Encode wrote for it: the same bytes as the object encoded
// alone at its depth. Nested keys, and strings that look like the lines
// around an object, are not taken for objects or keys.
func TestEncodedObjectsSplitsAnEncoding(t *testing.T) {
	d := documentWithSamples(t)
	d.Permissions = []Permission{
		{Key: "docs.read", Name: "Read", Description: "two lines:\n    },\n    {\n      \"key\": \"not-a-key\""},
		{Key: "docs.write", Name: "Write"},
	}
	d.HierarchyNodes = []HierarchyNode{{Key: "acme", Name: "Acme"}}
	d.Canonicalize()
	encoded, err := d.Encode()
	if err != nil {
		t.Fatal(err)
	}
	split, err := EncodedObjects(encoded)
	if err != nil {
		t.Fatal(err)
	}
	if split.SourceEnvironment != "development" {
		t.Errorf("source environment %q", split.SourceEnvironment)
	}
	got := split.Sections
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(encoded, &fields); err != nil {
		t.Fatal(err)
	}
	for _, s := range ConfigSections {
		var items []json.RawMessage
		if err := json.Unmarshal(fields[s.Name], &items); err != nil {
			t.Fatal(err)
		}
		objects, ok := got[s.Name]
		if !ok || len(objects) != len(items) {
			t.Fatalf("section %s: %d objects found, the document holds %d", s.Name, len(objects), len(items))
		}
		for i, o := range objects {
			var key struct {
				Key string `json:"key"`
			}
			if err := json.Unmarshal(items[i], &key); err != nil {
				t.Fatal(err)
			}
			var alone bytes.Buffer
			if err := json.Indent(&alone, items[i], "    ", "  "); err != nil {
				t.Fatal(err)
			}
			if o.Key != key.Key || string(o.Bytes) != "    "+alone.String() {
				t.Errorf("section %s object %d: key %q, bytes\n%s\nwant key %q, bytes\n    %s", s.Name, i, o.Key, o.Bytes, key.Key, alone.String())
			}
		}
	}
	if keys := got["permissions"]; len(keys) != 2 || keys[0].Key != "docs.read" || keys[1].Key != "docs.write" {
		t.Errorf("permissions: %+v", keys)
	}
}

// Anything Encode did not write is refused, never read differently.
func TestEncodedObjectsRefusesOtherEncodings(t *testing.T) {
	d := documentWithSamples(t)
	d.Permissions = []Permission{{Key: "docs.read", Name: "Read"}}
	d.Canonicalize()
	encoded, err := d.Encode()
	if err != nil {
		t.Fatal(err)
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, encoded); err != nil {
		t.Fatal(err)
	}
	for name, doc := range map[string]string{
		"compact":          compact.String(),
		"cut short":        string(encoded[:len(encoded)/2]),
		"trailing content": string(encoded) + "{}\n",
		"tabs":             strings.ReplaceAll(string(encoded), "  ", "\t"),
		"no key":           strings.Replace(string(encoded), `"key": "docs.read",`, `"name2": "x",`, 1),
		"empty":            "",
	} {
		if _, err := EncodedObjects([]byte(doc)); err == nil {
			t.Errorf("%s: read without error", name)
		}
	}
}

// A document as Encode writes it decodes as it is; the same bytes with one
// member name's case changed are refused on that member, as any document
// naming a field other than exactly is.
func TestDecodeConfigDocumentKeepsNamesExactInAnEncoding(t *testing.T) {
	d := documentWithSamples(t)
	d.Permissions = []Permission{{Key: "docs.read", Name: "Read"}}
	d.Canonicalize()
	encoded, err := d.Encode()
	if err != nil {
		t.Fatal(err)
	}
	for _, doc := range [][]byte{encoded, bytes.TrimSpace(encoded)} {
		if _, err := DecodeConfigDocument(doc); err != nil {
			t.Fatalf("an encoding refused: %v", err)
		}
	}
	renamed := bytes.Replace(encoded, []byte(`"name": "Read"`), []byte(`"Name": "Read"`), 1)
	for _, doc := range [][]byte{renamed, bytes.TrimSpace(renamed)} {
		_, err = DecodeConfigDocument(doc)
		var de *Error
		if !errors.As(err, &de) || len(de.Details) != 1 || de.Details[0].Field != "permissions[0].Name" {
			t.Errorf("an encoding with a name's case changed: %v", err)
		}
	}
}

// A document assembled from its objects' encodings is Encode's output, byte
// for byte: with every section holding objects, with some empty, and with
// strings JSON escapes (HTML characters, which Encode does not escape,
// quotes, newlines, other scripts).
func TestAssembleIsEncode(t *testing.T) {
	full := documentWithSamples(t)
	full.Permissions = []Permission{
		{Key: "docs.read", Name: "Read <b>&</b> \"quoted\"", Description: "two lines:\n    },\n  ]\n  \"roles\": []"},
		{Key: "docs.write", Name: "Écrire — 書く"},
	}
	full.Roles = []Role{{Key: "reader", Name: "Reader", Permissions: []string{"docs.write", "docs.read"}}}
	full.HierarchyNodes = []HierarchyNode{{Key: "acme", Name: "Acme"}, {Key: "acme-eu", Name: "Acme EU", ParentKey: "acme"}}
	full.OAuthClients = []OAuthClient{{Key: "app", Name: "App", RedirectURIs: []string{"https://app.example.com/cb?a=1&b=2"}}}
	full.Webhooks = []Webhook{{Key: "sink", URL: "https://hooks.example.com/x", Events: []string{"role.created"}}}
	full.Canonicalize()
	for _, s := range ConfigSections {
		if n := full.Counts()[s.Name]; n == 0 {
			t.Fatalf("section %s holds no object: give it one here", s.Name)
		}
	}
	sparse := *full
	sparse.Permissions, sparse.Workflows = nil, []Workflow{}
	empty := &ConfigDocument{FormatVersion: ConfigFormatVersion, SourceEnvironment: "production"}
	for name, d := range map[string]*ConfigDocument{"every section": full, "some sections empty": &sparse, "no object": empty} {
		t.Run(name, func(t *testing.T) {
			want, err := d.Encode()
			if err != nil {
				t.Fatal(err)
			}
			split, err := EncodedObjects(want)
			if err != nil {
				t.Fatal(err)
			}
			sections := map[string][]EncodedObject{}
			for _, s := range ConfigSections {
				items, ok := d.SectionItems(s.Kind)
				if !ok {
					t.Fatalf("no items for section %s", s.Name)
				}
				list := reflect.ValueOf(items).Elem()
				for i := range list.Len() {
					o := list.Index(i).Addr().Interface()
					b, err := EncodeObject(o)
					if err != nil {
						t.Fatal(err)
					}
					key := o.(Object).ObjectKey()
					if got := split.Sections[s.Name][i]; got.Key != key || !bytes.Equal(got.Bytes, b) {
						t.Errorf("section %s object %d: EncodeObject wrote\n%s\nEncode\n%s", s.Name, i, b, got.Bytes)
					}
					sections[s.Name] = append(sections[s.Name], EncodedObject{Key: key, Bytes: b})
				}
			}
			got, err := d.Assemble(sections)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("assembled:\n%s\nencoded:\n%s", got, want)
			}
			if version, err := d.AssembledVersion(sections); err != nil || version != ConfigVersionOf(want) {
				t.Errorf("assembled version %s (%v), the encoding's %s", version, err, ConfigVersionOf(want))
			}
		})
	}
	// A section the document's format version predates cannot be filled.
	old := &ConfigDocument{FormatVersion: 1, SourceEnvironment: "development"}
	if _, err := old.Assemble(map[string][]EncodedObject{"partials": {{Key: "p", Bytes: []byte("    {}")}}}); err == nil {
		t.Error("a version-1 document was assembled with partials")
	}
}

// EncodeObjects is EncodedObjects of Encode's output: for a document of
// every section, of a version older than some sections, with empty
// sections, and with many objects (more than one goroutine's share).
func TestEncodeObjectsIsEncodeSplit(t *testing.T) {
	full := documentWithSamples(t)
	for i := range 1000 {
		full.Permissions = append(full.Permissions, Permission{Key: fmt.Sprintf("p%04d", i), Name: fmt.Sprintf(`P <%d> & "q"`, i)})
	}
	full.HierarchyNodes = []HierarchyNode{{Key: "acme", Name: "Acme"}}
	full.Canonicalize()
	old := &ConfigDocument{FormatVersion: 1, SourceEnvironment: "staging", Permissions: []Permission{{Key: "docs.read", Name: "Read"}}}
	old.Canonicalize()
	empty := &ConfigDocument{FormatVersion: ConfigFormatVersion, SourceEnvironment: "development"}
	empty.Canonicalize()
	for name, d := range map[string]*ConfigDocument{"full": full, "version 1": old, "empty": empty} {
		// Encode writes the sections newer than an older document as
		// null, which no split reads: the oracle encodes it as a current
		// document and leaves those sections out.
		current := *d
		current.FormatVersion = ConfigFormatVersion
		current.Canonicalize()
		for _, s := range current.sections() {
			s.emptyIfNil()
		}
		encoded, err := current.Encode()
		if err != nil {
			t.Fatal(err)
		}
		want, err := EncodedObjects(encoded)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, s := range d.sections() {
			if s.since > d.FormatVersion {
				delete(want.Sections, s.Kind.Section())
			}
		}
		got, err := d.EncodeObjects()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: objects differ from the encoding split:\n%v\n%v", name, got, want)
		}
	}
}

// appendIndented writes what json.Indent writes, byte for byte, for the
// values encoding/json writes (compact) and for the same with whitespace
// between their tokens.
func TestAppendIndentedIsJSONIndent(t *testing.T) {
	values := []string{
		`{}`, `[]`, `""`, `0`, `true`, `null`, `{"a":[]}`, `{"a":{}}`, `[[],{},[[]]]`,
		`{"key":"k","name":"a \"quoted\" {name}: [x], y","n":-1.5e3,"list":[1,2,{"x":null}],"empty":{},"none":[]}`,
		`{"s":"back\\slash\\\\","u":"\u2028 é <b>&amp;</b>","nested":{"deeper":{"deepest":[true,false]}}}`,
		" { \"a\" : [ 1 , 2 ] ,\n\t\"b\" : { } , \"c\" : [ ] } ",
	}
	d := documentWithSamples(t)
	for _, s := range d.sections() {
		list := reflect.ValueOf(s.items).Elem()
		for i := range list.Len() {
			b, err := json.Marshal(list.Index(i).Interface())
			if err != nil {
				t.Fatal(err)
			}
			values = append(values, string(b))
		}
	}
	for _, v := range values {
		checkIndented(t, []byte(v))
	}
}

func checkIndented(t *testing.T, v []byte) {
	t.Helper()
	// json.Indent keeps whitespace after the value, which encoding/json
	// never writes.
	v = bytes.TrimRight(v, " \t\r\n")
	var want bytes.Buffer
	if json.Indent(&want, v, "    ", "  ") != nil {
		return
	}
	if got := appendIndented(nil, v, []byte("    "), "  "); !bytes.Equal(got, want.Bytes()) {
		t.Errorf("%s:\nindented as\n%s\njson.Indent writes\n%s", v, got, want.Bytes())
	}
}

func FuzzAppendIndented(f *testing.F) {
	for _, s := range []string{`{"a":[1,{"b":""}],"c":{}}`, `["\"",{}]`, ` [ { } ] `} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, v []byte) {
		if !json.Valid(v) {
			return
		}
		checkIndented(t, v)
	})
}
