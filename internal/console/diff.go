package console

import (
	"bytes"
	"fmt"
	"slices"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// sectionDiff is what writing a configuration document would do to one
// section of the target: the keys added, changed and removed.
type sectionDiff struct {
	Name                    string
	Added, Changed, Removed []string
	// Kept are objects the document lacks that stay: workflows and guides
	// born in the target itself.
	Kept      []string
	Unchanged int
}

// Empty is true when the section does not change.
func (d sectionDiff) Empty() bool {
	return len(d.Added)+len(d.Changed)+len(d.Removed) == 0
}

// neverTouched is what an import or promotion leaves alone, whatever the
// document says (DESIGN: what a document carries).
var neverTouched = []string{
	"identities and their role assignments (unless you choose to remove the assignments of removed roles and nodes)",
	"API keys and account tokens",
	"tenants, channels, variables and branding",
	"secrets: OAuth client secrets and webhook signing secrets are generated anew for objects the document creates",
	"whether each workflow and guide is active in the target",
}

// diffDocuments compares the target's exported configuration with the
// document that would replace it, section by section, object by object
// as encoded: both are canonical encodings (an export, or a document put
// through canonical), in which equal objects are equal bytes. What the
// document lacks is Removed here; see keepBornInTarget. It returns the
// document's source environment too.
func diffDocuments(target, incoming []byte) ([]sectionDiff, string, error) {
	have, err := domain.EncodedObjects(target)
	if err != nil {
		return nil, "", fmt.Errorf("reading the target's configuration: %w", err)
	}
	want, err := domain.EncodedObjects(incoming)
	if err != nil {
		return nil, "", fmt.Errorf("reading the document: %w", err)
	}
	var out []sectionDiff
	for _, s := range domain.ConfigSections {
		d := sectionDiff{Name: s.Name}
		h, w := bytesByKey(have.Sections[s.Name]), bytesByKey(want.Sections[s.Name])
		for _, key := range sortedKeys(w) {
			switch old, ok := h[key]; {
			case !ok:
				d.Added = append(d.Added, key)
			case !bytes.Equal(old, w[key]):
				d.Changed = append(d.Changed, key)
			default:
				d.Unchanged++
			}
		}
		for _, key := range sortedKeys(h) {
			if _, ok := w[key]; !ok {
				d.Removed = append(d.Removed, key)
			}
		}
		out = append(out, d)
	}
	return out, want.SourceEnvironment, nil
}

// keepBornInTarget moves, in the section of kind, the objects created in
// the target itself (born) from Removed to Kept: a document from another
// environment never removes them.
func keepBornInTarget(sections []sectionDiff, kind domain.Kind, born map[string]bool) {
	for i := range sections {
		d := &sections[i]
		if d.Name != kind.Section() {
			continue
		}
		var removed []string
		for _, key := range d.Removed {
			if born[key] {
				d.Kept = append(d.Kept, key)
			} else {
				removed = append(removed, key)
			}
		}
		d.Removed = removed
	}
}

// canonical decodes, checks and re-encodes a document sent by a person, so
// that it compares with an export (which is canonical already) object by
// object.
func canonical(doc []byte) ([]byte, error) {
	d, err := domain.DecodeConfigDocument(doc)
	if err != nil {
		return nil, err
	}
	d.Canonicalize()
	return d.Encode()
}

// bytesByKey indexes a section's encoded objects by key.
func bytesByKey(objects []domain.EncodedObject) map[string][]byte {
	m := make(map[string][]byte, len(objects))
	for _, o := range objects {
		m[o.Key] = o.Bytes
	}
	return m
}

func sortedKeys(m map[string][]byte) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
