package domain

import (
	"fmt"
	"strings"
)

// KindEmailLayout is the kind of email layouts: the HTML and text around
// every email step's body, versioned like workflows.
var KindEmailLayout = Kind{Name: "email_layout", Noun: "email layout", Collection: "email-layouts"}

// MaxFooterLinks caps an email layout's footer links.
const MaxFooterLinks = 20

// layoutContents counts the places of the message in a layout: the
// Liquid output {{ content }}, with optional whitespace control
// ({{- content -}}) and any ASCII space inside, as the regexp
// \{\{-?\s*content\s*-?\}\} finds them, without one: a layout is checked
// for every one of a document of thousands.
func layoutContents(v string) int {
	n := 0
	for {
		i := strings.Index(v, "{{")
		if i < 0 {
			return n
		}
		end, ok := contentOutput(v[i+2:])
		if !ok {
			// The second { may open the output: {{{ content }}.
			v = v[i+1:]
			continue
		}
		n++
		v = v[i+2+end:]
	}
}

// contentOutput reports whether v, following a {{, holds the rest of a
// {{ content }} output, and where it ends.
func contentOutput(v string) (int, bool) {
	i := 0
	if i < len(v) && v[i] == '-' {
		i++
	}
	for i < len(v) && isRegexpSpace(v[i]) {
		i++
	}
	if !strings.HasPrefix(v[i:], "content") {
		return 0, false
	}
	i += len("content")
	for i < len(v) && isRegexpSpace(v[i]) {
		i++
	}
	if i < len(v) && v[i] == '-' {
		i++
	}
	if !strings.HasPrefix(v[i:], "}}") {
		return 0, false
	}
	return i + 2, true
}

// isRegexpSpace is \s of Go's regexps: [\t\n\f\r ].
func isRegexpSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'
}

// LayoutContentRule says where a layout puts the message, for
// documentation.
const LayoutContentRule = "exactly one `{{ content }}`, where the email step's body goes"

// EmailLayout wraps the body of every email step that names it: its HTML
// and text each hold the message once ({{ content }}), and its footer
// links show under every email. Content under the promotion rule, like a
// workflow; it has no active flag, since workflows use it rather than run
// it.
type EmailLayout struct {
	Key         string       `json:"key" doc:"Identifier: 3–255 lowercase letters, digits, _ and -; taken from the path on writes, so a body may leave it out or repeat it." example:"default"`
	Name        string       `json:"name" doc:"Display name."`
	HTMLLayout  string       `json:"html_layout" doc:"The HTML around the message, a template with exactly one {{ content }}, where the email step's body goes."`
	TextLayout  string       `json:"text_layout" doc:"The plain text around the message, a template with exactly one {{ content }}."`
	FooterLinks []FooterLink `json:"footer_links,omitempty" doc:"Links shown under every email (templates read them as layout.footer_links), in order; at most 20."`
	VersionState
	Meta
}

// FooterLink is one link under the emails of a layout.
type FooterLink struct {
	Text string `json:"text" doc:"The link's text." example:"Preferences"`
	URL  string `json:"url" doc:"Absolute http(s) URL it opens." example:"https://app.example.com/preferences"`
}

func (l *EmailLayout) ObjectKey() string     { return l.Key }
func (l *EmailLayout) SetObjectKey(k string) { l.Key = k }
func (l *EmailLayout) References() []Ref {
	return partialRefs(l.Templates())
}

// Templates are the layout's two templates.
func (l *EmailLayout) Templates() map[string]string {
	return map[string]string{"html_layout": l.HTMLLayout, "text_layout": l.TextLayout}
}
func (l *EmailLayout) ChannelUses() []ChannelUse { return nil }
func (l *EmailLayout) ApplyDefaults()            {}

// Validate checks the layout, reporting every problem with its field.
func (l *EmailLayout) Validate() Problems {
	var p Problems
	if msg := CheckWorkflowKey(l.Key); msg != "" {
		p.Add("key", "%s", msg)
	}
	checkText(&p, "name", l.Name, MaxNameLength, true)
	checkLayout(&p, "html_layout", l.HTMLLayout)
	checkLayout(&p, "text_layout", l.TextLayout)
	if len(l.FooterLinks) > MaxFooterLinks {
		p.Add("footer_links", "must have at most %d links (got %d)", MaxFooterLinks, len(l.FooterLinks))
	}
	for i, link := range l.FooterLinks {
		at := fmt.Sprintf("footer_links[%d]", i)
		checkText(&p, at+".text", link.Text, MaxNameLength, true)
		if msg := CheckHTTPURL(link.URL); msg != "" {
			p.Add(at+".url", "%s", msg)
		}
	}
	checkTemplates(&p, l.Templates())
	return p
}

// checkLayout checks a layout template: its length, and exactly one
// {{ content }}.
func checkLayout(p *Problems, field, v string) {
	checkTemplate(p, field, v, true)
	switch n := layoutContents(v); {
	case v == "":
	case n == 0:
		p.Add(field, "must hold %s", LayoutContentRule)
	case n > 1:
		p.Add(field, "must hold %s (it has %d)", LayoutContentRule, n)
	}
}

// emailLayoutContent is what a layout's sha covers: everything but its
// key, version state and metadata.
type emailLayoutContent struct {
	Name        string       `json:"name"`
	HTMLLayout  string       `json:"html_layout"`
	TextLayout  string       `json:"text_layout"`
	FooterLinks []FooterLink `json:"footer_links"`
}

// VersionedContent is what a layout's sha covers; no footer links and an
// empty list are the same content.
func (l *EmailLayout) VersionedContent() any {
	links := l.FooterLinks
	if links == nil {
		links = []FooterLink{}
	}
	return emailLayoutContent{Name: l.Name, HTMLLayout: l.HTMLLayout, TextLayout: l.TextLayout, FooterLinks: links}
}
