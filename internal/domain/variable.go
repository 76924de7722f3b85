package domain

import (
	"regexp"
	"unicode/utf8"
)

// KindVariable is the kind of variables.
var KindVariable = Kind{Name: "variable", Noun: "variable", Collection: "variables"}

// MaxVariableValueLength caps a variable's value, in characters.
const MaxVariableValueLength = 4096

var variableKeyPattern = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// VariableKeyRule describes a variable key, for documentation: templates
// reach a variable as vars.<key>, so the key is an identifier.
const VariableKeyRule = "1–255 letters, digits and _, not starting with a digit"

// CheckVariableKey returns a message when k is not a variable key.
func CheckVariableKey(k string) string {
	if len(k) > MaxKeyLength || !variableKeyPattern.MatchString(k) {
		return "must be " + VariableKeyRule
	}
	return ""
}

// Variable is a value templates of one environment read as vars.<key>:
// an app URL, a support address, a sender name. Variables are each
// environment's own: never promoted or exported; copy_from copies those
// that are not sensitive into a new environment. A sensitive value
// is sealed apart from the stored body and never returned.
type Variable struct {
	Key         string `json:"key" doc:"Identifier: templates read the value as vars.<key>; taken from the path on writes, so a body may leave it out or repeat it." example:"app_url"`
	Value       string `json:"value,omitempty" doc:"The value. Of a sensitive variable: write-only (a write without it keeps the one stored) and never returned."`
	Description string `json:"description,omitempty" doc:"What the value is for."`
	Sensitive   bool   `json:"sensitive,omitempty" doc:"Whether the value is a secret: sealed, never returned, exported or logged. A write that changes it must carry the value, so a secret never becomes readable by a flag."`
	Meta
}

func (v *Variable) ObjectKey() string     { return v.Key }
func (v *Variable) SetObjectKey(k string) { v.Key = k }
func (v *Variable) References() []Ref     { return nil }

// Validate checks the variable's fields. Messages about a sensitive value
// never repeat it.
func (v *Variable) Validate() Problems {
	var p Problems
	if msg := CheckVariableKey(v.Key); msg != "" {
		p.Add("key", "%s", msg)
	}
	checkText(&p, "description", v.Description, MaxDescriptionLength, false)
	switch n := utf8.RuneCountInString(v.Value); {
	case !utf8.ValidString(v.Value):
		p.Add("value", "must be valid UTF-8")
	case n > MaxVariableValueLength:
		p.Add("value", "must be at most %d characters (got %d)", MaxVariableValueLength, n)
	}
	return p
}

// CheckVariableWrite judges a write of next over old (nil when the
// variable is new) beyond next's own fields: a sensitive variable is
// created with its value, and a write that turns sensitive on or off
// carries the value, so an unseen secret is never published, nor a
// published value silently sealed.
func CheckVariableWrite(old, next *Variable) Problems {
	var p Problems
	switch {
	case next.Value != "":
	case old == nil && next.Sensitive:
		p.Add("value", "is required to create a sensitive variable")
	case old != nil && old.Sensitive != next.Sensitive:
		p.Add("value", "is required when sensitive changes (from %t to %t)", old.Sensitive, next.Sensitive)
	}
	return p
}
