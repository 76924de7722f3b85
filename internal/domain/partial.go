package domain

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// KindPartial is the kind of partials: template pieces that templates
// render by key ({% render 'key' %}), versioned like workflows.
var KindPartial = Kind{Name: "partial", Noun: "partial", Collection: "partials"}

// PartialTypes are the formats a partial is written in.
var PartialTypes = []string{"html", "markdown", "text"}

// Partial limits: a partial is a piece of a message, and its content is
// at most 4,096 characters, within the limit every string argument has at
// plan.
const (
	MaxPartialInputFields = 50
	MaxPartialContent     = 4_096
)

// partialInputKey is the name a template passes an input under:
// {% render 'button', label: "Open" %}.
var partialInputKey = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,63}$`)

// Partial is a reusable piece of template: templates render it with
// {% render 'key' %}, passing the inputs it declares. Content under the
// promotion rule, like a workflow; it has no active flag, since
// templates use it rather than run it.
type Partial struct {
	Key         string              `json:"key" doc:"Identifier: 3–255 lowercase letters, digits, _ and -, as templates name it in {% render 'key' %}; taken from the path on writes." example:"button"`
	Name        string              `json:"name" doc:"Display name."`
	Type        string              `json:"type" values:"partial_types" doc:"The format it is written in."`
	Content     string              `json:"content" doc:"The partial, a Liquid template of at most 4,096 characters; it reads its inputs by name."`
	InputFields []PartialInputField `json:"input_fields,omitempty" doc:"The inputs it takes, in order; at most 50."`
	VersionState
	Meta
}

// PartialInputField is one input of a partial.
type PartialInputField struct {
	Key   string `json:"key" doc:"Name the template passes it under and the partial reads: a lowercase identifier." example:"label"`
	Label string `json:"label,omitempty" doc:"What an editor shows for it."`
}

func (p *Partial) ObjectKey() string     { return p.Key }
func (p *Partial) SetObjectKey(k string) { p.Key = k }
func (p *Partial) References() []Ref {
	return slices.DeleteFunc(partialRefs(p.Templates()), func(r Ref) bool { return r.Key == p.Key })
}
func (p *Partial) ChannelUses() []ChannelUse { return nil }

// Templates are the partial's one template, its content.
func (p *Partial) Templates() map[string]string { return map[string]string{"content": p.Content} }
func (p *Partial) ApplyDefaults()               {}

// Validate checks the partial, reporting every problem with its field.
func (p *Partial) Validate() Problems {
	var probs Problems
	if msg := CheckWorkflowKey(p.Key); msg != "" {
		probs.Add("key", "%s", msg)
	}
	checkText(&probs, "name", p.Name, MaxNameLength, true)
	if !slices.Contains(PartialTypes, p.Type) {
		probs.Add("type", "must be one of %s", strings.Join(PartialTypes, ", "))
	}
	checkTemplate(&probs, "content", p.Content, true)
	if n := utf8.RuneCountInString(p.Content); n > MaxPartialContent {
		probs.Add("content", "must be at most %d characters (got %d)", MaxPartialContent, n)
	}
	if len(p.InputFields) > MaxPartialInputFields {
		probs.Add("input_fields", "must have at most %d fields (got %d)", MaxPartialInputFields, len(p.InputFields))
	}
	seen := map[string]bool{}
	for i, f := range p.InputFields {
		at := fmt.Sprintf("input_fields[%d]", i)
		switch {
		case !partialInputKey.MatchString(f.Key):
			probs.Add(at+".key", "must be a lowercase identifier of at most 64 characters (letters, digits, _; not starting with a digit)")
		case seen[f.Key]:
			probs.Add(at+".key", "%q appears twice", f.Key)
		}
		seen[f.Key] = true
		checkText(&probs, at+".label", f.Label, MaxNameLength, false)
	}
	checkTemplates(&probs, p.Templates())
	return probs
}

// partialContent is what a partial's sha covers.
type partialContent struct {
	Name        string              `json:"name"`
	Type        string              `json:"type"`
	Content     string              `json:"content"`
	InputFields []PartialInputField `json:"input_fields"`
}

// VersionedContent is what a partial's sha covers; no input fields and an
// empty list are the same content.
func (p *Partial) VersionedContent() any {
	fields := p.InputFields
	if fields == nil {
		fields = []PartialInputField{}
	}
	return partialContent{Name: p.Name, Type: p.Type, Content: p.Content, InputFields: fields}
}
