package domain

import (
	"slices"
	"testing"
)

func validPartial() *Partial {
	return &Partial{Key: "button", Name: "Button", Type: "html", Content: `<a href="{{ url }}">{{ label }}</a>`,
		InputFields: []PartialInputField{{Key: "url", Label: "Link"}, {Key: "label"}}}
}

func TestPartialValidate(t *testing.T) {
	if p := validPartial().Validate(); len(p) > 0 {
		t.Fatalf("a valid partial has problems: %v", p)
	}
	cases := map[string]struct {
		mutate func(*Partial)
		field  string
	}{
		"short key":       {func(p *Partial) { p.Key = "ab" }, "key"},
		"unknown type":    {func(p *Partial) { p.Type = "pdf" }, "type"},
		"no content":      {func(p *Partial) { p.Content = " " }, "content"},
		"input not ident": {func(p *Partial) { p.InputFields[0].Key = "Url Link" }, "input_fields[0].key"},
		"input twice":     {func(p *Partial) { p.InputFields[1].Key = "url" }, "input_fields[1].key"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			p := validPartial()
			c.mutate(p)
			if fields := problemFields(p.Validate()); !slices.Contains(fields, c.field) {
				t.Errorf("problems at %v, want %s", fields, c.field)
			}
		})
	}
}
