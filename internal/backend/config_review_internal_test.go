package backend

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// encodeKnowing encodes an uploaded document as EncodeObjects does, whether
// it takes objects from the target (objects sent as the target holds
// them) or encodes them (objects changed, added, escaped otherwise,
// compact, or made to look, line by line, like another section's).
func TestEncodeKnowingIsEncodeObjects(t *testing.T) {
	doc := &domain.ConfigDocument{FormatVersion: domain.ConfigFormatVersion, SourceEnvironment: "development"}
	for i := range 300 {
		doc.Permissions = append(doc.Permissions, domain.Permission{Key: fmt.Sprintf("p%03d", i), Name: fmt.Sprintf("P %d <&>", i)})
	}
	doc.HierarchyNodes = []domain.HierarchyNode{{Key: "acme", Name: "Acme"}, {Key: "acme-eu", Name: "Acme EU", ParentKey: "acme"}}
	doc.Canonicalize()
	encoded, err := doc.Encode()
	if err != nil {
		t.Fatal(err)
	}
	// The target holds the same, but one permission changed, one missing,
	// and one more.
	target := *doc
	target.Permissions = append([]domain.Permission{}, doc.Permissions[1:]...)
	target.Permissions[0].Name = "changed"
	target.Permissions = append(target.Permissions, domain.Permission{Key: "zz", Name: "only in the target"})
	have, err := target.EncodeObjects()
	if err != nil {
		t.Fatal(err)
	}
	// The same name in an object's bytes with an escape the export does
	// not write: still split, not the target's bytes, encoded anew.
	escaped := bytes.Replace(encoded, []byte(`"name": "P 7 <&>"`), []byte(`"name": "P 7 \u003c&>"`), 1)
	var compact bytes.Buffer
	if err := json.Compact(&compact, encoded); err != nil {
		t.Fatal(err)
	}
	// Lines laid out as an export's that close the section inside an
	// object's bytes: the structure, not the layout, delimits the objects.
	crafted := bytes.Replace(encoded, []byte("      \"name\": \"P 1 <&>\"\n    },"), []byte("      \"name\": \"P 1 <&>\"}, {\"key\": \"p002\", \"name\": \"EVIL\"}], \"roles\": [{\"key\": \"r\", \"name\": \"R\"\n    },"), 1)
	crafted = bytes.Replace(crafted, []byte("\"roles\": [],"), nil, 1)
	// The same objects as the export's, two of them swapped: a section out
	// of key order, compared with the target's through a map.
	_, sent, err := domain.DecodeConfigDocumentSent(encoded)
	if err != nil {
		t.Fatal(err)
	}
	first, second := sent["permissions"][3].Bytes, sent["permissions"][4].Bytes
	swapped := bytes.Replace(encoded, append(append(append([]byte{}, first...), ",\n    "...), second...), append(append(append([]byte{}, second...), ",\n    "...), first...), 1)
	if bytes.Equal(swapped, encoded) {
		t.Fatal("the objects were not swapped")
	}
	for name, upload := range map[string][]byte{"an export": encoded, "an escape": escaped, "compact": compact.Bytes(), "crafted": crafted, "out of order": swapped} {
		decoded, uploaded, err := domain.DecodeConfigDocumentSent(upload)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		decoded.Canonicalize()
		if uploaded == nil {
			t.Fatalf("%s: no objects as sent", name)
		}
		want, err := decoded.EncodeObjects()
		if err != nil {
			t.Fatal(err)
		}
		taken := takenOf(uploaded, have)
		got, err := encodeKnowing(decoded, taken)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: encoded otherwise than EncodeObjects", name)
		}
		// An export's objects, in key order or not, are mostly the
		// target's (all but the two changed and missing there).
		if n := len(taken["permissions"]); (name == "an export" || name == "out of order") && n != len(doc.Permissions)-2 {
			t.Errorf("%s: %d permissions taken as the target holds them, want %d", name, n, len(doc.Permissions)-2)
		}
		// What it says was sent as the target holds it is the target's
		// bytes, and the object's encoding.
		for section, objects := range got.Sections {
			targets := map[string][]byte{}
			for _, o := range have.Sections[section] {
				targets[o.Key] = o.Bytes
			}
			for _, o := range objects {
				if b := taken[section][o.Key]; b != nil && (!bytes.Equal(b, targets[o.Key]) || !bytes.Equal(b, o.Bytes)) {
					t.Errorf("%s: %s %q said sent as the target holds it, and it is not", name, section, o.Key)
				}
			}
		}
	}
}

// diffSection says of sections in key order, walked side by side, what it
// says of the same sections compared through a map: over random sections
// sharing some keys, some with the same bytes.
func TestDiffSectionInKeyOrderIsUnordered(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	for range 500 {
		var have, want []domain.EncodedObject
		for k := range rnd.IntN(40) {
			key := fmt.Sprintf("k%03d", k*3+rnd.IntN(3))
			if rnd.IntN(3) > 0 {
				have = append(have, domain.EncodedObject{Key: key, Bytes: []byte{byte(rnd.IntN(2))}})
			}
			if rnd.IntN(3) > 0 {
				want = append(want, domain.EncodedObject{Key: key, Bytes: []byte{byte(rnd.IntN(2))}})
			}
		}
		if !inKeyOrder(have) || !inKeyOrder(want) {
			t.Fatal("the sections made are not in key order")
		}
		got, expected := diffSection("s", have, want), diffUnordered(SectionChange{Name: "s"}, have, want)
		if !reflect.DeepEqual(got, expected) {
			t.Fatalf("have %v want %v:\nwalked %+v\nmapped %+v", have, want, got, expected)
		}
	}
}
