package domain

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// documentWithSamples is a document with one sample object (variant v1)
// in the section of every versioned kind.
func documentWithSamples(t *testing.T) *ConfigDocument {
	t.Helper()
	d := &ConfigDocument{FormatVersion: ConfigFormatVersion, SourceEnvironment: "development"}
	for _, s := range d.VersionedSections() {
		sample, ok := versionedSamples[s.Kind.Name]
		if !ok {
			t.Fatalf("versioned kind %s has no sample in versionedSamples", s.Kind.Name)
		}
		items := reflect.ValueOf(s.Items).Elem()
		items.Set(reflect.Append(items, reflect.ValueOf(sample("v1")).Elem()))
	}
	return d
}

// A document carries only the content of every versioned kind: its
// version state (and active flag, where the kind has one) is stripped by
// Canonicalize and refused by Validate, per section.
func TestConfigDocumentVersionedSections(t *testing.T) {
	on := true
	d := documentWithSamples(t)
	var want []string
	for _, s := range d.VersionedSections() {
		if len(s.Objects) != 1 {
			t.Fatalf("section %s holds %d objects, want its sample", s.Name, len(s.Objects))
		}
		o := s.Objects[0]
		*o.GetVersionState() = VersionState{SHA: "abc", OriginEnvironment: "development"}
		want = append(want, "{"+s.Name+"[0] sha and origin_environment")
		if a, ok := o.(Activatable); ok {
			a.GetActivation().Active = &on
			want = append(want, s.Name+"[0].active")
		}
		o.GetMeta().Version = 3
	}
	problems := fmt.Sprint(d.Validate())
	for _, w := range want {
		if !strings.Contains(problems, w) {
			t.Errorf("Validate does not refuse %s: %s", w, problems)
		}
	}
	d.Canonicalize()
	for _, s := range d.VersionedSections() {
		for _, o := range s.Objects {
			active := false
			if a, ok := o.(Activatable); ok {
				active = a.GetActivation().Active != nil
			}
			if *o.GetVersionState() != (VersionState{}) || active || o.GetMeta().Version != 0 {
				t.Errorf("%s %s kept its version state: %+v", s.Kind.Noun, o.ObjectKey(), *o.GetVersionState())
			}
		}
	}
	if p := d.Validate(); len(p) > 0 {
		t.Errorf("a canonical document has problems: %v", p)
	}
	for n, s := range d.VersionedSections() {
		key := s.Objects[0].ObjectKey()
		s.Remove(map[string]bool{key: true})
		for m, other := range d.VersionedSections() {
			if got, want := len(other.Objects), map[bool]int{true: 0, false: 1}[m <= n]; got != want {
				t.Errorf("after removing %s from %s, %s holds %d objects, want %d", key, s.Name, other.Name, got, want)
			}
		}
	}
}

// Sets are stored in one canonical form in a document.
func TestConfigDocumentCanonicalGuidePatterns(t *testing.T) {
	d := &ConfigDocument{Guides: []Guide{*validGuide()}}
	d.Canonicalize()
	if got := fmt.Sprint(d.Guides[0].ActivationURLPatterns); got != "[/dashboard /docs/** /projects/*/settings]" {
		t.Errorf("patterns not canonical: %s", got)
	}
}

// A document without a guides section is refused, never read as "no
// guides".
func TestConfigDocumentNeedsGuides(t *testing.T) {
	_, err := DecodeConfigDocument([]byte(`{"format_version":1,"source_environment":"development","permissions":[],"roles":[],"hierarchy_nodes":[],"oauth_clients":[],"webhooks":[],"workflows":[]}`))
	if err == nil || !strings.Contains(fmt.Sprint(err.(*Error).Details), "guides") {
		t.Fatalf("a document without guides: %v", err)
	}
}
