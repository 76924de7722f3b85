package domain

import (
	"slices"
	"strings"
	"testing"
)

func TestVariableValidate(t *testing.T) {
	for _, key := range []string{"app_url", "_x", "A1"} {
		if p := (&Variable{Key: key, Value: "v"}).Validate(); len(p) > 0 {
			t.Errorf("%q: %v", key, p)
		}
	}
	cases := map[string]struct {
		v     Variable
		field string
	}{
		"dash in key":      {Variable{Key: "app-url"}, "key"},
		"digit first":      {Variable{Key: "1st"}, "key"},
		"dot in key":       {Variable{Key: "app.url"}, "key"},
		"empty key":        {Variable{Key: ""}, "key"},
		"long value":       {Variable{Key: "k", Value: strings.Repeat("é", MaxVariableValueLength+1)}, "value"},
		"invalid UTF-8":    {Variable{Key: "k", Value: "\xff"}, "value"},
		"long description": {Variable{Key: "k", Description: strings.Repeat("d", MaxDescriptionLength+1)}, "description"},
	}
	for name, c := range cases {
		if p := c.v.Validate(); !slices.Contains(problemFields(p), c.field) {
			t.Errorf("%s: no problem at %s: %v", name, c.field, p)
		}
	}
}

func TestCheckVariableWrite(t *testing.T) {
	plain := &Variable{Key: "k", Value: "v"}
	secret := &Variable{Key: "k", Sensitive: true}
	cases := []struct {
		name      string
		old, next *Variable
		refused   bool
	}{
		{"create plain", nil, &Variable{Key: "k", Value: "v"}, false},
		{"create plain empty", nil, &Variable{Key: "k"}, false},
		{"create sensitive with value", nil, &Variable{Key: "k", Value: "s", Sensitive: true}, false},
		{"create sensitive without value", nil, &Variable{Key: "k", Sensitive: true}, true},
		{"keep sensitive value", secret, &Variable{Key: "k", Sensitive: true, Description: "new"}, false},
		{"seal without value", plain, &Variable{Key: "k", Sensitive: true}, true},
		{"seal with value", plain, &Variable{Key: "k", Value: "s", Sensitive: true}, false},
		{"publish without value", secret, &Variable{Key: "k"}, true},
		{"publish with value", secret, &Variable{Key: "k", Value: "v"}, false},
	}
	for _, c := range cases {
		p := CheckVariableWrite(c.old, c.next)
		if got := len(p) > 0; got != c.refused {
			t.Errorf("%s: refused %t, want %t (%v)", c.name, got, c.refused, p)
		}
		if len(p) > 0 && p[0].Field != "value" {
			t.Errorf("%s: problem names %q, want value", c.name, p[0].Field)
		}
	}
}
