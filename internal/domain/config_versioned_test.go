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

// A document of every format version this build knows is read: each
// version needs the sections it has and refuses those it predates; an
// import of it leaves the kinds it predates untouched.
func TestConfigDocumentFormatVersions(t *testing.T) {
	doc := func(version int, sections []configSection) string {
		parts := []string{fmt.Sprintf(`"format_version":%d`, version), `"source_environment":"development"`}
		for _, s := range sections {
			parts = append(parts, fmt.Sprintf("%q:[]", s.Kind.Section()))
		}
		return "{" + strings.Join(parts, ",") + "}"
	}
	all := (&ConfigDocument{}).sections()
	for version := 1; version <= ConfigFormatVersion; version++ {
		var has, predates []configSection
		for _, s := range all {
			if s.since <= version {
				has = append(has, s)
			} else {
				predates = append(predates, s)
			}
		}
		d, err := DecodeConfigDocument([]byte(doc(version, has)))
		if err != nil {
			t.Fatalf("a version-%d document: %v", version, err)
		}
		if p := d.Validate(); len(p) > 0 {
			t.Errorf("a version-%d document has problems: %v", version, p)
		}
		var untouched []string
		for _, s := range predates {
			untouched = append(untouched, s.Kind.Section())
			if d.Carries(s.Kind) {
				t.Errorf("a version-%d document carries %s", version, s.Kind.Section())
			}
		}
		if got := d.Untouched(); fmt.Sprint(got) != fmt.Sprint(untouched) {
			t.Errorf("a version-%d document leaves %v untouched, want %v", version, got, untouched)
		}
		if len(predates) > 0 {
			_, err := DecodeConfigDocument([]byte(doc(version, all)))
			if err == nil || !strings.Contains(fmt.Sprint(err.(*Error).Details), "is not a section of a version-") {
				t.Errorf("a version-%d document with newer sections: %v", version, err)
			}
		}
	}
	d, err := DecodeConfigDocument([]byte(doc(ConfigFormatVersion+1, all)))
	if err == nil {
		err = d.Validate().Err()
	}
	if err == nil || !strings.Contains(fmt.Sprint(err.(*Error).Details), "format_version") {
		t.Errorf("a document of a later format: %v", err)
	}
}

// An object decoded from the bytes its canonical form encodes to, and put
// in canonical form, has that form's content sha: the backend takes an
// uploaded object sent as the target's encoding for the target's object,
// its content sha included, without hashing it.
func TestEncodedObjectsKeepTheirContentSHA(t *testing.T) {
	d := documentWithSamples(t)
	d.Canonicalize()
	encoded, err := d.Encode()
	if err != nil {
		t.Fatal(err)
	}
	again, err := DecodeConfigDocument(encoded)
	if err != nil {
		t.Fatal(err)
	}
	again.Canonicalize()
	sections, decoded := d.VersionedSections(), again.VersionedSections()
	for i, sec := range sections {
		if len(sec.Objects) == 0 || len(decoded[i].Objects) != len(sec.Objects) {
			t.Fatalf("%s: %d objects, %d decoded", sec.Kind.Name, len(sec.Objects), len(decoded[i].Objects))
		}
		for j, o := range sec.Objects {
			if got, want := ContentSHA(decoded[i].Objects[j]), ContentSHA(o); got != want {
				t.Errorf("%s %q: decoded from its encoding, content sha %s, its own %s", sec.Kind.Name, o.ObjectKey(), got, want)
			}
		}
	}
}
