package domain

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/osteele/liquid/parser"
)

// Templates are Liquid (preview_liquid.go). One that does not parse would
// be stored and fail only when a preview or a send renders it, after the
// writer has gone; a write is refused instead, naming the field, with the
// parse a preview makes (its tags, render with its arguments, and its
// filters), so that what a write accepts a preview parses.

// Templated is an object that holds templates.
type Templated interface {
	// Templates are its templates by field, named as the API names the
	// field (steps[0].channel.subject, content.body, strings.welcome).
	Templates() map[string]string
}

// templateParser parses as a preview does; it holds no partial or
// translation, which only rendering reads.
var templateParser = sync.OnceValue(func() *contentRenderer { return newContentRenderer(PreviewInput{}, nil, nil) })

// CheckTemplateSyntax is why source does not parse as a template, or "".
func CheckTemplateSyntax(source string) string {
	if !strings.Contains(source, "{{") && !strings.Contains(source, "{%") {
		return ""
	}
	if _, err := templateParser().cfg.Compile(source, parser.SourceLoc{}); err != nil {
		return "is not a valid template: " + strings.TrimPrefix(err.Error(), "Liquid error: ")
	}
	if open, at := unclosed(source); open != "" {
		return fmt.Sprintf("is not a valid template: %s at %q is never closed with %s", open, at, closing[open])
	}
	return ""
}

var closing = map[string]string{"{{": "}}", "{%": "%}"}

// unclosed is the first {{ or {% the scanner leaves in the text, outside
// raw and comment blocks, with the text from it: the library renders such
// an opening as it is (its scanner's own TODO), so a message would go out
// with "{{ data.name" in it.
func unclosed(source string) (open, at string) {
	inside := ""
	for _, tok := range parser.Scan(source, parser.SourceLoc{}, nil) {
		switch {
		case tok.Type == parser.TagTokenType && inside == "" && (tok.Name == "raw" || tok.Name == "comment"):
			inside = "end" + tok.Name
		case tok.Type == parser.TagTokenType && tok.Name == inside:
			inside = ""
		case tok.Type == parser.TextTokenType && inside == "":
			i := strings.Index(tok.Source, "{{")
			if j := strings.Index(tok.Source, "{%"); j >= 0 && (i < 0 || j < i) {
				i = j
			}
			if i >= 0 {
				rest := []rune(tok.Source[i:])
				return tok.Source[i : i+2], string(rest[:min(len(rest), 20)])
			}
		}
	}
	return "", ""
}

// checkTemplates adds a problem for each of templates that does not
// parse, in the order of their fields.
func checkTemplates(p *Problems, templates map[string]string) {
	fields := make([]string, 0, len(templates))
	for f := range templates {
		fields = append(fields, f)
	}
	slices.Sort(fields)
	for _, f := range fields {
		if msg := CheckTemplateSyntax(templates[f]); msg != "" {
			p.Add(f, "%s", msg)
		}
	}
}
