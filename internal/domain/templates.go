package domain

import (
	"fmt"
	"regexp"
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
//
// Every object of an imported document is checked, so the check is cheap
// where it can be: the library compiles its scanner's expression on every
// parse (tens of microseconds a template), so a template of text and
// plain outputs alone (a variable or a string through filters, which
// always parses) is read here and not handed to the library.

// Templated is an object that holds templates.
type Templated interface {
	// Templates are its templates by field, named as the API names the
	// field (steps[0].channel.subject, content.body, strings.welcome).
	Templates() map[string]string
}

// templateParser parses as a preview does; it holds no partial or
// translation, which only rendering reads.
var templateParser = sync.OnceValue(func() *contentRenderer { return newContentRenderer(PreviewInput{}, nil, nil) })

// templateToken is the library's scanner's expression for the default
// delimiters ({{ }} and {% %}): an output, or a tag with its name,
// compiled once.
var templateToken = regexp.MustCompile(`{{-?\s*(.+?)\s*-?}}|{%-?\s*(\w+)(?:\s+((?:[^%]|%[^}])+?))?\s*-?%}`)

// liquidWords are the words an output's expression reads as operators or
// literals: an output with one is left to the library.
var liquidWords = map[string]bool{"and": true, "or": true, "contains": true, "in": true, "true": true, "false": true,
	"nil": true, "null": true, "empty": true, "blank": true}

// plainOutput reports whether an output's expression always parses: a
// variable with its properties, or a quoted string, through filters
// without arguments ({{ recipient.name }}, {{ "welcome" | t }}).
func plainOutput(s string) bool {
	if s != "" && (s[0] == '"' || s[0] == '\'') {
		end := strings.IndexByte(s[1:], s[0])
		if end < 0 {
			return false
		}
		s = s[end+2:]
	} else {
		for {
			n := identifier(s)
			if n == 0 {
				return false
			}
			if s = s[n:]; s == "" || s[0] != '.' {
				break
			}
			s = s[1:]
		}
	}
	for {
		if s = strings.TrimLeft(s, " \t"); s == "" {
			return true
		}
		if s[0] != '|' {
			return false
		}
		s = strings.TrimLeft(s[1:], " \t")
		n := identifier(s)
		if n == 0 {
			return false
		}
		s = s[n:]
	}
}

// identifier is the length of the plain identifier s starts with (a
// letter or _, then letters, digits and _), 0 for none or a liquidWord.
func identifier(s string) int {
	n := 0
	for n < len(s) && (s[n] == '_' || 'a' <= s[n] && s[n] <= 'z' || 'A' <= s[n] && s[n] <= 'Z' || n > 0 && '0' <= s[n] && s[n] <= '9') {
		n++
	}
	if liquidWords[s[:n]] {
		return 0
	}
	return n
}

// CheckTemplateSyntax is why source does not parse as a template, or "".
func CheckTemplateSyntax(source string) string {
	if !strings.Contains(source, "{{") && !strings.Contains(source, "{%") {
		return ""
	}
	if plainTemplate(source) {
		return ""
	}
	return parsedTemplates.check(source, func() string {
		if _, err := templateParser().cfg.Compile(source, parser.SourceLoc{}); err != nil {
			return "is not a valid template: " + strings.TrimPrefix(err.Error(), "Liquid error: ")
		}
		if open, at := unclosed(source); open != "" {
			return fmt.Sprintf("is not a valid template: %s at %q is never closed with %s", open, at, closing[open])
		}
		return ""
	})
}

// parsedTemplates remembers what the library said of the templates it
// parsed: about 20 µs and 37 KB of allocation each (its scanner's
// expression is compiled on every parse), which a document of 10,000
// workflows with tags would pay on every review, import and promotion.
// A template is checked when it is written, and the same text is checked
// again as each review and promotion carries it on: those are then read
// here. Bounded by the bytes of the templates held (maxParsedBytes): past
// it, the memory starts again.
var parsedTemplates = &templateMemo{}

const maxParsedBytes = 32 << 20

type templateMemo struct {
	mu    sync.Mutex
	said  map[string]string
	bytes int
}

func (m *templateMemo) check(source string, parse func() string) string {
	m.mu.Lock()
	msg, ok := m.said[source]
	m.mu.Unlock()
	if ok {
		return msg
	}
	msg = parse()
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.said == nil || m.bytes+len(source) > maxParsedBytes {
		m.said, m.bytes = map[string]string{}, 0
	}
	if _, ok := m.said[source]; !ok {
		// A copy: source may be a slice of a document of megabytes,
		// which the memory would otherwise keep whole.
		m.said[strings.Clone(source)] = msg
		m.bytes += len(source)
	}
	return msg
}

var closing = map[string]string{"{{": "}}", "{%": "%}"}

// plainTemplate reports whether source is text and plain outputs alone,
// each {{ closed by the first }} on its line, as the library's scanner
// reads an output: such a template parses, and leaves no opening in its
// text.
func plainTemplate(source string) bool {
	if strings.Contains(source, "{%") {
		return false
	}
	for rest := source; ; {
		i := strings.Index(rest, "{{")
		if i < 0 {
			return true
		}
		rest = rest[i+2:]
		j := strings.Index(rest, "}}")
		if j < 0 {
			return false
		}
		args := strings.TrimSpace(strings.TrimPrefix(rest[:j], "-"))
		args = strings.TrimSpace(strings.TrimSuffix(args, "-"))
		if strings.ContainsAny(rest[:j], "\n{") || !plainOutput(args) {
			return false
		}
		rest = rest[j+2:]
	}
}

// unclosed is the first {{ or {% the library's scanner leaves in the
// text, outside raw and comment blocks, with the text from it: the
// library renders such an opening as it is (its scanner's own TODO), so a
// message would go out with "{{ data.name" in it.
func unclosed(source string) (open, at string) {
	inside, from := "", 0
	text := func(s string) {
		if inside != "" || open != "" {
			return
		}
		i := strings.Index(s, "{{")
		if j := strings.Index(s, "{%"); j >= 0 && (i < 0 || j < i) {
			i = j
		}
		if i >= 0 {
			rest := []rune(s[i:])
			open, at = s[i:i+2], string(rest[:min(len(rest), 20)])
		}
	}
	for _, m := range templateToken.FindAllStringSubmatchIndex(source, -1) {
		text(source[from:m[0]])
		from = m[1]
		if m[4] < 0 {
			continue
		}
		switch name := source[m[4]:m[5]]; {
		case inside == "" && (name == "raw" || name == "comment"):
			inside = "end" + name
		case name == inside:
			inside = ""
		}
	}
	text(source[from:])
	return open, at
}

// checkTemplates adds a problem for each of templates that does not
// parse, in the order of their fields.
func checkTemplates(p *Problems, templates map[string]string) {
	var refused []FieldError
	for f, source := range templates {
		if msg := CheckTemplateSyntax(source); msg != "" {
			refused = append(refused, FieldError{Field: f, Message: msg})
		}
	}
	slices.SortFunc(refused, func(a, b FieldError) int { return strings.Compare(a.Field, b.Field) })
	*p = append(*p, refused...)
}
