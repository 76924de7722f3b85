package domain

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestDiffContentGuide(t *testing.T) {
	from := &Guide{Key: "launch", Name: "Launch", Type: "modal", ChannelKey: "in-app",
		Content:               GuideContent{Title: "New", Body: "Hello", ImageURL: "https://cdn.example.com/a.png"},
		ActivationURLPatterns: []string{"/b", "/a"}, Priority: 1}
	to := &Guide{Key: "launch", Name: "Launch", Type: "modal", ChannelKey: "in-app",
		Content:               GuideContent{Title: "New: projects", Body: "Hello", ButtonText: "Try", ButtonURL: "https://app.example.com"},
		ActivationURLPatterns: []string{"/a", "/b", "/c"}, Priority: 1}
	// Neither active, the metadata nor the order of a set is content.
	active := false
	to.Active, to.Version, to.ManagedBy = &active, 7, ManagedByTerraform

	got := DiffContent(from, to)
	want := []FieldChange{
		{Field: "activation_url_patterns[2]", Change: FieldAdded, After: "/c"},
		{Field: "content.button_text", Change: FieldAdded, After: "Try"},
		{Field: "content.button_url", Change: FieldAdded, After: "https://app.example.com"},
		{Field: "content.image_url", Change: FieldRemoved, Before: "https://cdn.example.com/a.png"},
		{Field: "content.title", Change: FieldChanged, Before: "New", After: "New: projects"},
	}
	if !reflect.DeepEqual(got, want) {
		g, _ := json.MarshalIndent(got, "", " ")
		t.Errorf("diff:\n%s", g)
	}
	if d := DiffContent(to, to); len(d) != 0 {
		t.Errorf("equal content differs: %v", d)
	}
	if ContentSHA(from) == ContentSHA(to) {
		t.Error("the test's versions have one sha")
	}
}

func TestDiffContentWorkflow(t *testing.T) {
	email := func(subject string) Step {
		return Step{Ref: "email", Channel: &ChannelStep{Type: "email", Key: "postmark", Subject: subject, Body: "Hi"}}
	}
	from := &Workflow{Key: "welcome", Name: "Welcome", Steps: []Step{email("Welcome")}}
	to := &Workflow{Key: "welcome", Name: "Welcome aboard", TriggerFrequency: DefaultTriggerFrequency,
		Steps: []Step{email("Welcome, {{ recipient.name }}"), {Ref: "wait", Delay: &DelayStep{Duration: "1d"}}}}
	got := DiffContent(from, to)
	fields := map[string]FieldChange{}
	for _, c := range got {
		fields[c.Field] = c
	}
	if len(got) != 3 {
		t.Errorf("%d changes, want 3 (a default written out is no change): %+v", len(got), got)
	}
	if c := fields["name"]; c.Change != FieldChanged || c.Before != "Welcome" || c.After != "Welcome aboard" {
		t.Errorf("name: %+v", c)
	}
	if c := fields["steps[0].channel.subject"]; c.Change != FieldChanged || c.After != "Welcome, {{ recipient.name }}" {
		t.Errorf("subject: %+v", c)
	}
	if c := fields["steps[1]"]; c.Change != FieldAdded || c.After.(map[string]any)["ref"] != "wait" {
		t.Errorf("added step: %+v", c)
	}
	// Reversed, the same fields with the sides swapped.
	for _, c := range DiffContent(to, from) {
		if f := fields[c.Field]; f.Field == "" || (f.Change == FieldAdded) != (c.Change == FieldRemoved) {
			t.Errorf("reversed %s: %+v against %+v", c.Field, c, f)
		}
	}
}
