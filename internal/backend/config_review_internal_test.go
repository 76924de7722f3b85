package backend

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"testing"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// encodeKnowing encodes an uploaded document as EncodeObjects does, whether
// it takes objects from the target (an export's layout, objects the
// target holds as they are), encodes them (objects changed, added, or
// written by hand in the export's layout) or cannot split the upload (a
// compact document).
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
	want, err := doc.EncodeObjects()
	if err != nil {
		t.Fatal(err)
	}
	for name, upload := range map[string][]byte{"an export": encoded, "an escape": escaped, "compact": compact.Bytes()} {
		decoded, err := domain.DecodeConfigDocument(upload)
		if err != nil {
			t.Fatal(err)
		}
		decoded.Canonicalize()
		uploaded, _ := domain.EncodedObjects(upload)
		if name != "compact" && uploaded == nil {
			t.Fatalf("%s: not split", name)
		}
		got, err := encodeKnowing(&reviewSource{doc: decoded, uploaded: uploaded}, have)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: encoded otherwise than EncodeObjects", name)
		}
	}
}
