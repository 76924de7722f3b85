package backend_test

import (
	"testing"
)

// A layout holds the message exactly once in each form, and its footer
// links are absolute http(s) URLs: every problem is named by its field.
func TestEmailLayoutValidationOverTheAPI(t *testing.T) {
	a := newAPI(t)
	at := "/v1/environments/development/email-layouts/"
	r := a.expect(a.do(a.owner, "PUT", at+"bad", `{"name":"Bad","html_layout":"<p>{{ content }}</p>{{content}}","text_layout":"no message","footer_links":[{"text":"","url":"ftp://example.com"}]}`), 400)
	a.expectDetail(r, "html_layout", "exactly one", "it has 2")
	a.expectDetail(r, "text_layout", "exactly one")
	a.expectDetail(r, "footer_links[0].text", "must not be empty")
	a.expectDetail(r, "footer_links[0].url", "http")
	created := a.expect(a.do(a.owner, "PUT", at+"plain", `{"name":"Plain","html_layout":"{{- content -}}","text_layout":"{{ content }}"}`), 201).json()
	if _, has := created["footer_links"]; has {
		t.Errorf("a layout without footer links answers %v", created)
	}
}
