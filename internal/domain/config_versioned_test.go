package domain

import (
	"fmt"
	"strings"
	"testing"
)

// A document carries only the content of every versioned kind: its
// version state is stripped by Canonicalize and refused by Validate, per
// section.
func TestConfigDocumentVersionedSections(t *testing.T) {
	on := true
	d := &ConfigDocument{FormatVersion: ConfigFormatVersion, SourceEnvironment: "development",
		Workflows: []Workflow{*validWorkflow()}, Guides: []Guide{*validGuide()}}
	names := map[string]bool{}
	for _, s := range d.VersionedSections() {
		names[s.Kind.Name] = true
		for _, o := range s.Objects {
			*o.GetVersionState() = VersionState{Active: &on, SHA: "abc", OriginEnvironment: "development"}
			o.GetMeta().Version = 3
		}
	}
	for _, k := range VersionedKinds {
		if !names[k.Name] {
			t.Errorf("versioned kind %s has no section in VersionedSections", k.Name)
		}
	}
	problems := fmt.Sprint(d.Validate())
	for _, want := range []string{"workflows[0].active", "{workflows[0] sha and origin_environment", "guides[0].active", "{guides[0] sha and origin_environment"} {
		if !strings.Contains(problems, want) {
			t.Errorf("Validate does not refuse %s: %s", want, problems)
		}
	}
	d.Canonicalize()
	for _, s := range d.VersionedSections() {
		for _, o := range s.Objects {
			if *o.GetVersionState() != (VersionState{}) || o.GetMeta().Version != 0 {
				t.Errorf("%s %s kept its version state: %+v", s.Kind.Noun, o.ObjectKey(), *o.GetVersionState())
			}
		}
	}
	if p := d.Validate(); len(p) > 0 {
		t.Errorf("a canonical document has problems: %v", p)
	}
	if got := fmt.Sprint(d.Guides[0].ActivationURLPatterns); got != "[/dashboard /docs/** /projects/*/settings]" {
		t.Errorf("patterns not canonical: %s", got)
	}
	d.VersionedSections()[1].Remove(map[string]bool{"spring-launch": true})
	if len(d.Guides) != 0 || len(d.Workflows) != 1 {
		t.Errorf("Remove took %d guides and %d workflows", 1-len(d.Guides), 1-len(d.Workflows))
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
