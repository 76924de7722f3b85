package domain

import (
	"slices"
	"testing"
)

func validEmailLayout() *EmailLayout {
	return &EmailLayout{
		Key:         "default",
		Name:        "Default",
		HTMLLayout:  "<html><body>{{ content }}<footer>{% for l in layout.footer_links %}<a href=\"{{ l.url }}\">{{ l.text }}</a>{% endfor %}</footer></body></html>",
		TextLayout:  "{{- content -}}\n\n-- Acme",
		FooterLinks: []FooterLink{{Text: "Preferences", URL: "https://app.example.com/preferences"}},
	}
}

func TestEmailLayoutValidate(t *testing.T) {
	if p := validEmailLayout().Validate(); len(p) > 0 {
		t.Fatalf("a valid layout has problems: %v", p)
	}
	cases := map[string]struct {
		mutate func(*EmailLayout)
		field  string
	}{
		"short key":               {func(l *EmailLayout) { l.Key = "ab" }, "key"},
		"no name":                 {func(l *EmailLayout) { l.Name = "" }, "name"},
		"no html":                 {func(l *EmailLayout) { l.HTMLLayout = "" }, "html_layout"},
		"html without content":    {func(l *EmailLayout) { l.HTMLLayout = "<html></html>" }, "html_layout"},
		"html with content twice": {func(l *EmailLayout) { l.HTMLLayout = "{{ content }}{{content}}" }, "html_layout"},
		"text without content":    {func(l *EmailLayout) { l.TextLayout = "Acme" }, "text_layout"},
		"link without text":       {func(l *EmailLayout) { l.FooterLinks[0].Text = "" }, "footer_links[0].text"},
		"link not http":           {func(l *EmailLayout) { l.FooterLinks[0].URL = "javascript:alert(1)" }, "footer_links[0].url"},
		"too many links": {func(l *EmailLayout) {
			l.FooterLinks = slices.Repeat(l.FooterLinks, MaxFooterLinks+1)
		}, "footer_links"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			l := validEmailLayout()
			c.mutate(l)
			if fields := problemFields(l.Validate()); !slices.Contains(fields, c.field) {
				t.Errorf("problems at %v, want %s", fields, c.field)
			}
		})
	}
}

// No footer links and an empty list are the same content.
func TestEmailLayoutSHA(t *testing.T) {
	a, b := validEmailLayout(), validEmailLayout()
	a.FooterLinks, b.FooterLinks = nil, []FooterLink{}
	if ContentSHA(a) != ContentSHA(b) {
		t.Error("no footer links and an empty list hash differently")
	}
	b.Name = "Other"
	if ContentSHA(a) == ContentSHA(b) {
		t.Error("a different name hashes the same")
	}
}
