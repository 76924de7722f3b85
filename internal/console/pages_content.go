package console

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// Reusable content, per environment: email layouts, partials and
// translations, each with its origin, promotion status, versions and
// their diff, its templates shown as source, and, in production with
// production write access on, the forms that create and edit
// production-born ones, as for guides.
func init() {
	env := Prefix + "environments/{env}/"
	register(&group{Order: 38, Section: "Notifications", Environment: true, Links: []link{
		{"Email layouts", env + domain.KindEmailLayout.Collection},
	}}, versionedPages(layoutEditor, "email_layouts", "layout.html")...)
	register(&group{Order: 38, Section: "Notifications", Environment: true, Links: []link{
		{"Partials", env + domain.KindPartial.Collection},
	}}, versionedPages(partialEditor, "partials", "partial.html")...)
	register(&group{Order: 38, Section: "Notifications", Environment: true, Links: []link{
		{"Translations", env + domain.KindTranslation.Collection},
	}}, versionedPages(translationEditor, "translations", "translation.html")...)
	funcs["locale"] = func(key string) string { _, l := domain.SplitTranslationKey(key); return l }
	funcs["namespace"] = func(key string) string { n, _ := domain.SplitTranslationKey(key); return n }
	funcs["sortedKeys"] = func(m map[string]string) []string { return slices.Sorted(maps.Keys(m)) }
}

// blankRows is how many empty rows a form's repeated field offers for
// adding to it.
const blankRows = 2

const workflowKeyHelp = "3–255 lowercase letters, digits, _ and -; it cannot change later."

var layoutEditor = contentEditor[domain.EmailLayout, *domain.EmailLayout]{
	Kind: domain.KindEmailLayout,
	Blank: func(*http.Request) *domain.EmailLayout {
		return &domain.EmailLayout{HTMLLayout: "<html><body>{{ content }}</body></html>", TextLayout: "{{ content }}"}
	},
	Read: func(r *http.Request, l *domain.EmailLayout) *domain.FieldError {
		l.Name = r.PostFormValue("name")
		l.HTMLLayout, l.TextLayout = normalizeNewlines(r.PostFormValue("html_layout")), normalizeNewlines(r.PostFormValue("text_layout"))
		l.FooterLinks = readRows(r, "footer_links", domain.MaxFooterLinks, func(get func(string) string) (domain.FooterLink, bool) {
			link := domain.FooterLink{Text: get("text"), URL: get("url")}
			return link, link != domain.FooterLink{}
		})
		return nil
	},
	Form: func(_ *http.Request, f contentForm[domain.EmailLayout]) any {
		var values [][]string
		for _, l := range rows(f.Object.FooterLinks, blankRows, domain.MaxFooterLinks) {
			values = append(values, []string{l.Text, l.URL})
		}
		return layoutForm{contentForm: f, Links: repeat("footer_links", "Footer links (leave a row empty to remove it)",
			[]repeatedPart{{Part: "text", Label: "Link %d text"}, {Part: "url", Label: "Link %d URL"}}, values)}
	},
	CheckKey: domain.CheckWorkflowKey,
	KeyHelp:  workflowKeyHelp,
}

// layoutForm is the form of an email layout, with a row per footer link
// (footer_links[0].text) and empty ones to add links with.
type layoutForm struct {
	contentForm[domain.EmailLayout]
	Links repeatedField
}

var partialEditor = contentEditor[domain.Partial, *domain.Partial]{
	Kind:  domain.KindPartial,
	Blank: func(*http.Request) *domain.Partial { return &domain.Partial{Type: "html"} },
	Read: func(r *http.Request, p *domain.Partial) *domain.FieldError {
		p.Name, p.Type, p.Content = r.PostFormValue("name"), r.PostFormValue("type"), normalizeNewlines(r.PostFormValue("content"))
		p.InputFields = readRows(r, "input_fields", domain.MaxPartialInputFields, func(get func(string) string) (domain.PartialInputField, bool) {
			in := domain.PartialInputField{Key: get("key"), Label: get("label")}
			return in, in != domain.PartialInputField{}
		})
		return nil
	},
	Form: func(_ *http.Request, f contentForm[domain.Partial]) any {
		var values [][]string
		for _, in := range rows(f.Object.InputFields, blankRows, domain.MaxPartialInputFields) {
			values = append(values, []string{in.Key, in.Label})
		}
		return partialForm{contentForm: f, Types: domain.PartialTypes, Inputs: repeat("input_fields", "Inputs (leave a row empty to remove it)",
			[]repeatedPart{{Part: "key", Label: "Input %d key"}, {Part: "label", Label: "Input %d label"}}, values)}
	},
	CheckKey: domain.CheckWorkflowKey,
	KeyHelp:  workflowKeyHelp + " Templates render it with {% render 'key' %}.",
}

// partialForm is the form of a partial, with a row per input field
// (input_fields[0].key) and empty ones to add inputs with.
type partialForm struct {
	contentForm[domain.Partial]
	Types  []string
	Inputs repeatedField
}

// A translation's form has a field per string, named as the API's JSON
// (strings.welcome): emptied, the string is removed, so the recipient
// falls back to the default locale's. Rows named new_strings[0].key and
// new_strings[0].value add strings.
var translationEditor = contentEditor[domain.Translation, *domain.Translation]{
	Kind:  domain.KindTranslation,
	Blank: func(*http.Request) *domain.Translation { return &domain.Translation{Strings: map[string]string{}} },
	Read: func(r *http.Request, t *domain.Translation) *domain.FieldError {
		if err := r.ParseForm(); err != nil {
			return &domain.FieldError{Field: "strings", Message: err.Error()}
		}
		if t.Strings == nil {
			t.Strings = map[string]string{}
		}
		for name, values := range r.PostForm {
			key, ok := strings.CutPrefix(name, "strings.")
			switch value := normalizeNewlines(values[0]); {
			case !ok:
			case value == "":
				delete(t.Strings, key)
			default:
				t.Strings[key] = value
			}
		}
		// Every added row is checked before any is taken, so that a
		// refused form shows each again where it was.
		added := addedStrings(r)
		for i, s := range added {
			at := fmt.Sprintf("new_strings[%d].", i)
			switch _, exists := t.Strings[s.Key]; {
			case s.Key == "":
				return &domain.FieldError{Field: at + "key", Message: "is required with a text: the key templates read it by ({{ \"key\" | t }})"}
			case s.Value == "":
				return &domain.FieldError{Field: at + "value", Message: fmt.Sprintf("is required: write the text of %q", s.Key)}
			case exists:
				return &domain.FieldError{Field: at + "key", Message: fmt.Sprintf("%q is a string already: change its text above", s.Key)}
			}
		}
		for _, s := range added {
			t.Strings[s.Key] = s.Value
		}
		return nil
	},
	Form: func(r *http.Request, f contentForm[domain.Translation]) any {
		// A refused form shows again the rows that were sent and not
		// taken; a saved string shows as a field of its own.
		var added []addedString
		if r.Method == http.MethodPost {
			for _, s := range addedStrings(r) {
				if v, ok := f.Object.Strings[s.Key]; !ok || v != s.Value {
					added = append(added, s)
				}
			}
		}
		var values [][]string
		for _, a := range rows(added, blankRows+1, len(added)+blankRows+1) {
			values = append(values, []string{a.Key, a.Value})
		}
		return translationForm{contentForm: f, Added: repeat("new_strings", "New strings",
			[]repeatedPart{{Part: "key", Label: "New string %d key"}, {Part: "value", Label: "New string %d text", Lines: 2}}, values)}
	},
	CheckKey: domain.CheckTranslationKey,
	KeyHelp:  "Its locale, a BCP 47 tag such as en, en-US or pt-BR, optionally after a namespace and a dot (billing.en-US); it cannot change later.",
}

// addedString is a row that adds a string to a translation.
type addedString struct{ Key, Value string }

// addedStrings are the rows the form sent that add strings, in order; row
// i is named new_strings[i].
func addedStrings(r *http.Request) []addedString {
	var out []addedString
	for i := 0; ; i++ {
		at := fmt.Sprintf("new_strings[%d].", i)
		if _, sent := r.PostForm[at+"key"]; !sent {
			return out
		}
		if s := (addedString{Key: strings.TrimSpace(r.PostFormValue(at + "key")), Value: normalizeNewlines(r.PostFormValue(at + "value"))}); s != (addedString{}) {
			out = append(out, s)
		}
	}
}

// translationForm is the form of a translation.
type translationForm struct {
	contentForm[domain.Translation]
	Added repeatedField
}
