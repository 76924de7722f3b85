package console_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/arborhq/terraform-provider-arbor/internal/console"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// contentSamples are a valid object of every versioned kind the console
// edits, with the keys of one born in development, of one born in
// production and of one to create. A kind
// whose pages write content without a sample fails
// TestContentFormsWriteOnlyWhereTheirPageShowsAForm.
var contentSamples = map[string]struct{ existing, born, created, body string }{
	domain.KindWorkflow.Name:    {"digest", "prod-digest", "", `{"name":"Digest","steps":[{"ref":"email","channel":{"type":"email","key":"postmark","subject":"Digest","body":"Hello {{ recipient.name }}"}}]}`},
	domain.KindGuide.Name:       {"tip", "prod-tip", "made", `{"name":"Tip","type":"banner","channel_key":"in-app","content":{"body":"A tip"},"priority":1}`},
	domain.KindEmailLayout.Name: {"plain", "prod-plain", "made", `{"name":"Plain","html_layout":"<p>{{ content }}</p>","text_layout":"{{ content }}","footer_links":[{"text":"Help","url":"https://help.example.com"}]}`},
	domain.KindPartial.Name:     {"sign", "prod-sign", "made", `{"name":"Sign","type":"text","content":"The team","input_fields":[{"key":"who","label":"Who"}]}`},
	domain.KindTranslation.Name: {"de", "prod.de", "it", `{"strings":{"hello":"Hallo"}}`},
}

// formOf is the form that writes body, its fields named as the API's
// JSON fields (content.body, footer_links[0].text), as the console's
// forms name them.
func formOf(t *testing.T, body string) url.Values {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatal(err)
	}
	form := url.Values{}
	var walk func(name string, v any)
	walk = func(name string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, e := range v {
				walk(strings.TrimPrefix(name+"."+k, "."), e)
			}
		case []any:
			for i, e := range v {
				walk(fmt.Sprintf("%s[%d]", name, i), e)
			}
		default:
			form.Set(name, fmt.Sprint(v))
		}
	}
	walk("", v)
	return form
}

// Every form that creates or edits content is refused, with nothing
// written, exactly where its page shows no form: in development and
// staging, in production while production write access is off, and on an
// object born elsewhere. The forms are those the console registers, and
// the same form is taken where the page shows it, so a refusal is the
// rule's and not the form's.
func TestContentFormsWriteOnlyWhereTheirPageShowsAForm(t *testing.T) {
	pages := console.PagesWritingContent()
	if len(pages) == 0 {
		t.Fatal("no page writes content: the test proves nothing")
	}
	s := newSite(t)
	seedNotifications(s)
	member, owner := s.browser(), s.browser()
	member.signIn(s.token(string(domain.RoleMember)))
	owner.signIn(s.owner)

	type write struct {
		kind   domain.Kind
		isNew  bool
		sample struct{ existing, born, created, body string }
	}
	var writes []write
	for _, pattern := range pages {
		collection := strings.Split(strings.TrimPrefix(pattern, "/console/environments/{env}/"), "/")[0]
		i := slices.IndexFunc(domain.VersionedKinds, func(k domain.Kind) bool { return k.Collection == collection })
		if i < 0 {
			t.Errorf("%s writes no versioned kind", pattern)
			continue
		}
		kind := domain.VersionedKinds[i]
		sample, ok := contentSamples[kind.Name]
		if !ok {
			t.Errorf("kind %s has no sample here: add one, so its forms are tried", kind.Name)
			continue
		}
		writes = append(writes, write{kind: kind, isNew: strings.HasSuffix(pattern, "/new"), sample: sample})
		if !strings.HasSuffix(pattern, "/new") {
			// The object edited: born in development and promoted, and
			// another born in production.
			for _, env := range []string{"development", "staging", "production"} {
				s.api(s.owner, "PUT", "/v1/environments/"+env+"/"+collection+"/"+sample.existing, sample.body, &struct{}{})
			}
			s.api(s.owner, "PUT", "/v1/environments/production/"+collection+"/"+sample.born, sample.body, &struct{}{})
		}
	}
	// send posts the write's form as b in env to the object key (an
	// existing one's edit, or the creation of key) and reports the status
	// and whether the API then holds a write made by it.
	send := func(b *browser, w write, env, key string) (int, bool) {
		t.Helper()
		form := formOf(t, w.sample.body)
		path := "/console/environments/" + env + "/" + w.kind.Collection + "/"
		if w.isNew {
			form.Set("key", key)
			path += "new"
		} else {
			form.Set("version", "1")
			path += key + "/edit"
		}
		p := b.post(path, form)
		var meta domain.Meta
		status := s.api(s.owner, "GET", "/v1/environments/"+env+"/"+w.kind.Collection+"/"+key, "", nil)
		if status == http.StatusOK {
			s.api(s.owner, "GET", "/v1/environments/"+env+"/"+w.kind.Collection+"/"+key, "", &meta)
		}
		written := (w.isNew && status == http.StatusOK) || (!w.isNew && meta.Version > 1)
		return p.status, written
	}
	refused := func(what string, b *browser, w write, env, key string) {
		t.Helper()
		status, written := send(b, w, env, key)
		if status != http.StatusForbidden && status != http.StatusConflict || written {
			t.Errorf("%s %s of %s in %s: status %d, written %v; want refused, nothing written", what, map[bool]string{true: "creation", false: "edit"}[w.isNew], w.kind.Name, env, status, written)
		}
	}
	for _, w := range writes {
		key := w.sample.existing
		if w.isNew {
			key = w.sample.created
		}
		refused("a member's", member, w, "development", key)
		refused("a member's", member, w, "staging", key)
		if !w.isNew {
			refused("the owner's", owner, w, "production", key)
		}
	}
	s.api(s.owner, "PUT", "/v1/settings", `{"production_write_access":false}`, &struct{}{})
	for _, w := range writes {
		key := w.sample.born
		if w.isNew {
			key = w.sample.created
		}
		refused("with production write access off, the owner's", owner, w, "production", key)
	}
	// The same forms are taken where their page shows them.
	s.api(s.owner, "PUT", "/v1/settings", `{"production_write_access":true}`, &struct{}{})
	for _, w := range writes {
		key := w.sample.born
		if w.isNew {
			key = w.sample.created
		}
		if status, written := send(owner, w, "production", key); status != http.StatusSeeOther || !written && w.isNew {
			t.Errorf("the owner's %s of %s in production: status %d; want it saved", map[bool]string{true: "creation", false: "edit"}[w.isNew], w.kind.Name, status)
		}
	}
}

// A template that does not parse is refused by the backend's write, and
// the form shows the refusal on the template's field with what was typed;
// nothing is saved.
func TestContentFormsRefuseTemplatesThatDoNotParse(t *testing.T) {
	s := newSite(t)
	seedContent(s)
	b := s.browser()
	b.signIn(s.token(string(domain.RoleProductionMember)))
	b.post("/console/environments/production/workflows/spring/edit", url.Values{"version": {"1"},
		"steps[0].channel.subject": {"Hi {{ data.x"}, "steps[0].channel.body": {"{% if %}<p>{{ | }}"}}).
		expect(t, http.StatusBadRequest, `id="steps[0].channel.subject-error"`, `id="steps[0].channel.body-error"`, "is not a valid template", `value="Hi {{ data.x"`)
	b.post("/console/environments/production/partials/new", url.Values{"key": {"teaser"}, "name": {"Teaser"}, "type": {"html"},
		"content": {"{% if x %}<b>{{ label }}"}}).
		expect(t, http.StatusBadRequest, `id="content-error"`, `unterminated &#34;if&#34; block`)
	var wf domain.Workflow
	s.api(s.owner, "GET", "/v1/environments/production/workflows/spring", "", &wf)
	if wf.Version != 1 {
		t.Errorf("the refused form saved the workflow: %+v", wf)
	}
	if status := s.api(s.owner, "GET", "/v1/environments/production/partials/teaser", "", nil); status != http.StatusNotFound {
		t.Errorf("the refused form created the partial: %d", status)
	}
}
