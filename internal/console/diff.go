package console

import (
	"bytes"
	"encoding/json"
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
// document that would replace it, section by section. bornInTarget names,
// per versioned section, the objects created in the target, which a
// document from elsewhere never removes.
func diffDocuments(target, incoming []byte, bornInTarget map[string][]string) ([]sectionDiff, error) {
	have, err := sectionsOf(target)
	if err != nil {
		return nil, fmt.Errorf("reading the target's configuration: %w", err)
	}
	want, err := sectionsOf(incoming)
	if err != nil {
		return nil, fmt.Errorf("reading the document: %w", err)
	}
	var out []sectionDiff
	for _, s := range domain.ConfigSections {
		d := sectionDiff{Name: s.Name}
		h, w := have[s.Name], want[s.Name]
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
			if _, ok := w[key]; ok {
				continue
			}
			if slices.Contains(bornInTarget[s.Name], key) {
				d.Kept = append(d.Kept, key)
			} else {
				d.Removed = append(d.Removed, key)
			}
		}
		out = append(out, d)
	}
	return out, nil
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

// sectionsOf reads a canonical document's objects per section, keyed by
// key, each in compact JSON.
func sectionsOf(doc []byte) (map[string]map[string][]byte, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(doc, &raw); err != nil {
		return nil, err
	}
	out := map[string]map[string][]byte{}
	for _, s := range domain.ConfigSections {
		var items []json.RawMessage
		if err := json.Unmarshal(raw[s.Name], &items); err != nil {
			return nil, fmt.Errorf("section %s: %w", s.Name, err)
		}
		m := map[string][]byte{}
		for _, item := range items {
			var k struct {
				Key string `json:"key"`
			}
			if err := json.Unmarshal(item, &k); err != nil {
				return nil, err
			}
			var buf bytes.Buffer
			if err := json.Compact(&buf, item); err != nil {
				return nil, err
			}
			m[k.Key] = buf.Bytes()
		}
		out[s.Name] = m
	}
	return out, nil
}

func sortedKeys(m map[string][]byte) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
