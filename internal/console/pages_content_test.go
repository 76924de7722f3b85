package console_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/arborhq/terraform-provider-arbor/internal/api"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

const (
	layoutV1 = `{"name":"Default","html_layout":"<html><body>{{ content }}</body></html>","text_layout":"{{ content }}","footer_links":[{"text":"Preferences","url":"https://app.example.com/preferences"}]}`
	layoutV2 = `{"name":"Default","html_layout":"<html><body class=\"v2\">{{ content }}</body></html>","text_layout":"{{ content }}","footer_links":[{"text":"Preferences","url":"https://app.example.com/preferences"}]}`
)

// seedContent adds to seedNotifications reusable content of each kind: a
// development-born layout promoted to production and changed in
// development since, a development-born partial, and in production (write
// access on) a production-born layout, partial and translation (this one
// written by Terraform), and a workflow that uses the layout and the
// partial.
func seedContent(s *site) {
	seedNotifications(s)
	for _, env := range []string{"development", "staging", "production"} {
		s.api(s.owner, "PUT", "/v1/environments/"+env+"/email-layouts/default", layoutV1, &struct{}{})
	}
	s.api(s.owner, "PUT", "/v1/environments/development/email-layouts/default", layoutV2, &struct{}{})
	s.api(s.owner, "PUT", "/v1/environments/development/partials/signature", `{"name":"Signature","type":"text","content":"The team"}`, &struct{}{})
	s.api(s.owner, "PUT", "/v1/environments/production/email-layouts/seasonal", `{"name":"Seasonal","html_layout":"<div>{{ content }}</div>","text_layout":"{{ content }}"}`, &struct{}{})
	s.api(s.owner, "PUT", "/v1/environments/production/partials/promo", `{"name":"Promo","type":"html","content":"<b>{{ offer }}</b>","input_fields":[{"key":"offer","label":"Offer"}]}`, &struct{}{})
	req, _ := http.NewRequest("PUT", s.url+"/v1/environments/production/translations/fr", strings.NewReader(`{"strings":{"welcome":"Bienvenue","bye":"Au revoir"}}`))
	req.Header.Set("Authorization", "Bearer "+s.owner)
	req.Header.Set(api.HeaderManagedBy, domain.ManagedByTerraform)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusCreated {
		s.t.Fatalf("a Terraform write: %v %v", resp, err)
	}
	s.api(s.owner, "PUT", "/v1/environments/production/workflows/offer", `{"name":"Offer","steps":[{"ref":"email","channel":{"type":"email","key":"postmark","layout_key":"seasonal","subject":"Offer","body":"{% render 'promo', offer: 'Spring' %}"}}]}`, &struct{}{})
}

func TestEmailLayoutPartialAndTranslationPages(t *testing.T) {
	s := newSite(t)
	seedContent(s)
	b := s.browser()
	b.signIn(s.owner)
	for path, texts := range map[string][]string{
		"/console/environments/development/email-layouts":                                     {"default", "Originated in development"},
		"/console/environments/production/email-layouts":                                      {"default", "seasonal", "New email layout"},
		"/console/environments/development/email-layouts/default":                             {"&lt;html&gt;&lt;body class=&#34;v2&#34;&gt;{{ content }}", "Preferences", "https://app.example.com/preferences", "Versions in development", "Compare with version 1"},
		"/console/environments/production/email-layouts/default":                              {"Originated in development", "It is edited only in development", "Same as below", "Differs from below"},
		"/console/environments/development/email-layouts/default/diff?from=1&to=2":            {"html_layout", `class=&#34;v2&#34;`},
		"/console/environments/staging/email-layouts/default/diff?to_environment=development": {"html_layout"},
		"/console/environments/production/email-layouts/seasonal":                             {"Originated in production", "Edit email layout"},
		"/console/environments/production/email-layouts/seasonal/edit":                        {`name="html_layout"`, `name="text_layout"`, `name="footer_links[0].text"`, `name="footer_links[1].url"`, "Save email layout"},
		"/console/environments/production/email-layouts/new":                                  {`name="key"`, "Create email layout"},
		"/console/environments/development/email-layouts/new":                                 {"New email layouts are created in development only through Terraform or the API"},
		"/console/environments/production/partials":                                           {"promo", "html"},
		"/console/environments/production/partials/promo":                                     {"&lt;b&gt;{{ offer }}&lt;/b&gt;", "Offer", "{% render 'promo', offer: … %}", "Edit partial"},
		"/console/environments/production/partials/promo/edit":                                {`name="content"`, `name="input_fields[0].key"`, `value="offer"`, `name="input_fields[2].label"`},
		"/console/environments/development/partials/signature":                                {"The team", "was created in development"},
		"/console/environments/production/translations":                                       {"fr", "Managed by Terraform", "New translation"},
		"/console/environments/production/translations/fr":                                    {"Bienvenue", "Au revoir", "<code>welcome</code>", "Managed by Terraform"},
		"/console/environments/production/translations/fr/edit":                               {`name="strings.welcome"`, `name="new_strings[0].key"`, "its next <code>terraform apply</code> will put back", `data-confirm="Terraform manages this translation`},
		// The workflow page links the layout and the partial it uses.
		"/console/environments/production/workflows/offer": {`href="/console/environments/production/email-layouts/seasonal"`, `href="/console/environments/production/partials/promo"`},
	} {
		b.get(path).expect(t, http.StatusOK, texts...)
	}
	// A layout born in development shows its origin message in production,
	// not a form; a write sent anyway is refused as the API's rule refuses
	// it, with the same message.
	p := b.get("/console/environments/production/email-layouts/default/edit").expect(t, http.StatusOK, "It is edited only in development")
	if strings.Contains(p.body, `name="html_layout"`) {
		t.Error("a development-born layout offers a form in production")
	}
	b.post("/console/environments/production/email-layouts/default/edit", url.Values{"version": {"1"}, "name": {"Default"},
		"html_layout": {"<p>{{ content }}</p>"}, "text_layout": {"{{ content }}"}}).expect(t, http.StatusConflict, "It is edited only in development")
	var layout domain.EmailLayout
	s.api(s.owner, "GET", "/v1/environments/production/email-layouts/default", "", &layout)
	if layout.Version != 1 {
		t.Errorf("the refused write changed the layout: %+v", layout)
	}
}

func TestEmailLayoutFormNamesTheRefusedField(t *testing.T) {
	s := newSite(t)
	seedContent(s)
	b := s.browser()
	b.signIn(s.owner)
	form := url.Values{"key": {"plain"}, "name": {"Plain"}, "html_layout": {"<p>no place for the message</p>"}, "text_layout": {"{{ content }}"},
		"footer_links[0].text": {"Help"}, "footer_links[0].url": {"https://help.example.com"}}
	p := b.post("/console/environments/production/email-layouts/new", form).expect(t, http.StatusBadRequest, "must hold exactly one")
	if !strings.Contains(p.body, `id="html_layout-error"`) || !strings.Contains(p.body, `aria-describedby="html_layout-error"`) {
		t.Errorf("the refusal is not on html_layout:\n%s", p.body)
	}
	form.Set("html_layout", "<p>{{ content }}</p>")
	form.Set("footer_links[1].text", "Nowhere")
	b.post("/console/environments/production/email-layouts/new", form).expect(t, http.StatusBadRequest, `id="footer_links[1].url-error"`)
	form.Del("footer_links[1].text")
	b.post("/console/environments/production/email-layouts/new", form).expect(t, http.StatusSeeOther)
	var layout domain.EmailLayout
	s.api(s.owner, "GET", "/v1/environments/production/email-layouts/plain", "", &layout)
	if layout.OriginEnvironment != domain.Production || layout.HTMLLayout != "<p>{{ content }}</p>" || len(layout.FooterLinks) != 1 || layout.FooterLinks[0].URL != "https://help.example.com" {
		t.Errorf("the API holds %+v", layout)
	}
	// Created only where the page offers the form: not in development.
	b.post("/console/environments/development/email-layouts/new", form).expect(t, http.StatusForbidden, "Nothing was saved", "created in development only through Terraform or the API")
}

func TestPartialFormEditsAProductionBornPartial(t *testing.T) {
	s := newSite(t)
	seedContent(s)
	b := s.browser()
	b.signIn(s.owner)
	form := url.Values{"version": {"1"}, "name": {"Promo"}, "type": {"html"}, "content": {"<b>{{ offer }}</b> {{ until }}"},
		"input_fields[0].key": {"offer"}, "input_fields[0].label": {"Offer"}, "input_fields[1].key": {"Until"}}
	b.post("/console/environments/production/partials/promo/edit", form).
		expect(t, http.StatusBadRequest, `id="input_fields[1].key-error"`, "lowercase identifier", `value="Until"`)
	form.Set("input_fields[1].key", "until")
	b.post("/console/environments/production/partials/promo/edit", form).expect(t, http.StatusSeeOther)
	var partial domain.Partial
	s.api(s.owner, "GET", "/v1/environments/production/partials/promo", "", &partial)
	if partial.Version != 2 || partial.Content != "<b>{{ offer }}</b> {{ until }}" || len(partial.InputFields) != 2 || partial.InputFields[1].Key != "until" {
		t.Errorf("the API holds %+v", partial)
	}
	// A stale form (version 1 again) is refused, not applied.
	b.post("/console/environments/production/partials/promo/edit", form).expect(t, http.StatusPreconditionFailed)
	// A viewer reads, and is offered no form.
	v := s.browser()
	v.signIn(s.token(string(domain.RoleViewer)))
	p := v.get("/console/environments/production/partials/promo/edit").expect(t, http.StatusOK, "does not edit it")
	if strings.Contains(p.body, `name="content"`) {
		t.Error("a viewer is offered the form")
	}
}

func TestTranslationFormEditsAddsAndRemovesStrings(t *testing.T) {
	s := newSite(t)
	seedContent(s)
	b := s.browser()
	b.signIn(s.owner)
	form := url.Values{"version": {"1"}, "strings.welcome": {"Bienvenue, {{ recipient.name }}"}, "strings.bye": {""},
		"new_strings[0].key": {"thanks"}, "new_strings[0].value": {""}, "new_strings[1].key": {""}, "new_strings[1].value": {""}}
	b.post("/console/environments/production/translations/fr/edit", form).
		expect(t, http.StatusBadRequest, `id="new_strings[0].value-error"`, "write the text of", `value="thanks"`)
	form.Set("new_strings[0].value", "Merci")
	b.post("/console/environments/production/translations/fr/edit", form).expect(t, http.StatusSeeOther)
	var tr domain.Translation
	s.api(s.owner, "GET", "/v1/environments/production/translations/fr", "", &tr)
	want := map[string]string{"welcome": "Bienvenue, {{ recipient.name }}", "thanks": "Merci"}
	if tr.Version != 2 || len(tr.Strings) != 2 || tr.Strings["welcome"] != want["welcome"] || tr.Strings["thanks"] != want["thanks"] {
		t.Errorf("the API holds %+v", tr)
	}
	if tr.ManagedBy != domain.ManagedByTerraform {
		t.Error("the console's write took the translation out of Terraform's configuration")
	}
	// A key the API refuses is named on the key field; the row that adds
	// a string stays a row, as typed.
	p := b.post("/console/environments/production/translations/new", url.Values{"key": {"en_us"}, "new_strings[0].key": {"hi"}, "new_strings[0].value": {"Hi"}}).
		expect(t, http.StatusBadRequest, `id="key-error"`, "BCP 47", `name="new_strings[0].key" value="hi"`)
	if strings.Contains(p.body, `name="strings.hi"`) {
		t.Error("the refused row became a string of its own")
	}
	b.post("/console/environments/production/translations/new", url.Values{"key": {"billing.en-US"}, "new_strings[0].key": {"hi"}, "new_strings[0].value": {"Hi"}}).
		expect(t, http.StatusSeeOther)
	s.api(s.owner, "GET", "/v1/environments/production/translations/billing.en-US", "", &tr)
	if tr.Strings["hi"] != "Hi" || tr.OriginEnvironment != domain.Production {
		t.Errorf("the API holds %+v", tr)
	}
	b.get("/console/environments/production/translations").expect(t, http.StatusOK, "billing.en-US", "billing", "en-US")
}
