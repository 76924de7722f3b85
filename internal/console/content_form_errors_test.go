package console_test

import (
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/arborhq/terraform-provider-arbor/internal/console"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// newPages are the versioned kinds whose objects the console creates, by
// the pages it registers (…/new), each with its page's path in production.
func newPages(t *testing.T) map[domain.Kind]string {
	t.Helper()
	out := map[domain.Kind]string{}
	for _, pattern := range console.PagesWritingContent() {
		if !strings.HasSuffix(pattern, "/new") {
			continue
		}
		collection := strings.Split(strings.TrimPrefix(pattern, "/console/environments/{env}/"), "/")[0]
		i := slices.IndexFunc(domain.VersionedKinds, func(k domain.Kind) bool { return k.Collection == collection })
		if i < 0 {
			t.Fatalf("%s creates no versioned kind", pattern)
		}
		out[domain.VersionedKinds[i]] = strings.ReplaceAll(pattern, "{env}", "production")
	}
	if len(out) == 0 {
		t.Fatal("no page creates content: the test proves nothing")
	}
	return out
}

// A creation form sent with every field empty names every field the
// kind's rules refuse at once (the domain's Validate of an empty object),
// the key among them, not the key alone.
func TestCreationFormNamesEveryRefusedFieldAtOnce(t *testing.T) {
	s := newSite(t)
	seedNotifications(s)
	b := s.browser()
	b.signIn(s.owner)
	for kind, path := range newPages(t) {
		section, _ := (&domain.ConfigDocument{}).VersionedSection(kind)
		empty := reflect.New(reflect.TypeOf(section.Items).Elem().Elem()).Interface().(domain.VersionedObject)
		p := b.post(path, url.Values{"key": {""}}).expect(t, http.StatusBadRequest, "<code>key</code>: is required")
		for _, problem := range empty.Validate() {
			if !strings.Contains(p.body, "<code>"+problem.Field+"</code>:") {
				t.Errorf("%s: the refusal does not name %s (%s):\n%s", kind.Name, problem.Field, problem.Message, p.body)
			}
		}
	}
}

// A guide's refused form shows back what was typed, a priority that is
// no number included, beside every other problem.
func TestGuideFormShowsBackWhatWasTyped(t *testing.T) {
	s := newSite(t)
	seedNotifications(s)
	b := s.browser()
	b.signIn(s.owner)
	b.post("/console/environments/production/guides/new", url.Values{"key": {"tip"}, "name": {""}, "type": {"banner"}, "channel_key": {"in-app"},
		"content.body": {"A tip"}, "priority": {"abc"}}).
		expect(t, http.StatusBadRequest, `id="priority-error"`, `value="abc"`, "must be a whole number", `id="name-error"`, `value="in-app"`)
}

// A creation form whose key an object already has says so on the key
// field, for every kind the console creates.
func TestCreationFormWithATakenKeySaysSoOnTheKey(t *testing.T) {
	s := newSite(t)
	seedNotifications(s)
	b := s.browser()
	b.signIn(s.owner)
	for kind, path := range newPages(t) {
		sample, ok := contentSamples[kind.Name]
		if !ok {
			t.Errorf("kind %s has no sample in contentSamples", kind.Name)
			continue
		}
		s.api(s.owner, "PUT", "/v1/environments/production/"+kind.Collection+"/"+sample.created, sample.body, &struct{}{})
		form := formOf(t, sample.body)
		form.Set("key", sample.created)
		b.post(path, form).expect(t, http.StatusPreconditionFailed, `id="key-error"`, "is taken: a "+kind.Noun+" with this key exists in production already")
	}
}

// A translation's rows that add strings keep their problems on their own
// fields and stay rows, as typed: a key that is no string key, a key two
// rows add (named on the second), a row without its text.
func TestTranslationRowsKeepTheirProblems(t *testing.T) {
	s := newSite(t)
	seedContent(s)
	b := s.browser()
	b.signIn(s.owner)
	p := b.post("/console/environments/production/translations/new", url.Values{"key": {"de"},
		"new_strings[0].key": {"bad key"}, "new_strings[0].value": {"x"},
		"new_strings[1].key": {"dup"}, "new_strings[1].value": {"one"},
		"new_strings[2].key": {"dup"}, "new_strings[2].value": {"two"},
		"new_strings[3].key": {"empty"}, "new_strings[3].value": {""}}).
		expect(t, http.StatusBadRequest, `id="new_strings[0].key-error"`, "is not a string key", `name="new_strings[0].key" value="bad key"`,
			`id="new_strings[2].key-error"`, "is added by new string 2 already", `name="new_strings[2].value"`, `id="new_strings[3].value-error"`)
	if strings.Contains(p.body, `name="strings.`) || strings.Contains(p.body, `id="new_strings[1].key-error"`) {
		t.Errorf("a refused row became a string, or the first of two rows is blamed:\n%s", p.body)
	}
	if status := s.api(s.owner, "GET", "/v1/environments/production/translations/de", "", nil); status != http.StatusNotFound {
		t.Errorf("the refused form created the translation: %d", status)
	}
	// The same on an existing translation's form.
	b.post("/console/environments/production/translations/fr/edit", url.Values{"version": {"1"}, "strings.welcome": {"Bienvenue"}, "strings.bye": {"Au revoir"},
		"new_strings[0].key": {"dup"}, "new_strings[0].value": {"one"}, "new_strings[1].key": {"dup"}, "new_strings[1].value": {"two"}}).
		expect(t, http.StatusBadRequest, `id="new_strings[1].key-error"`, `name="strings.welcome"`, `name="new_strings[0].key" value="dup"`)
	var tr domain.Translation
	s.api(s.owner, "GET", "/v1/environments/production/translations/fr", "", &tr)
	if tr.Version != 1 {
		t.Errorf("the refused form saved the translation: %+v", tr)
	}
}
