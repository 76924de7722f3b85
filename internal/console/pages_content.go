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
	Read: func(r *http.Request, l *domain.EmailLayout) domain.Problems {
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
	Read: func(r *http.Request, p *domain.Partial) domain.Problems {
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
	Read: func(r *http.Request, t *domain.Translation) domain.Problems {
		if err := r.ParseForm(); err != nil {
			return domain.Problems{{Field: "strings", Message: err.Error()}}
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
		// refused form shows each again where it was, with its problems
		// on its own fields.
		added := addedStrings(r)
		var problems domain.Problems
		adds := map[string]int{}
		for i, s := range added {
			at := fmt.Sprintf("new_strings[%d].", i)
			_, exists := t.Strings[s.Key]
			first, twice := adds[s.Key]
			switch {
			case s.Key == "":
				problems.Add(at+"key", "is required with a text: the key templates read it by ({{ \"key\" | t }})")
			case domain.CheckTranslationStringKey(s.Key) != "":
				problems.Add(at+"key", "%q %s", s.Key, domain.CheckTranslationStringKey(s.Key))
			case exists:
				problems.Add(at+"key", "%q is a string already: change its text above", s.Key)
			case twice:
				problems.Add(at+"key", "%q is added by new string %d already: a key has one text", s.Key, first+1)
			default:
				adds[s.Key] = i
			}
			if s.Value == "" && s.Key != "" {
				problems.Add(at+"value", "is required: write the text of %q", s.Key)
			}
		}
		if len(problems) > 0 {
			return problems
		}
		for _, s := range added {
			t.Strings[s.Key] = s.Value
		}
		return nil
	},
	Form: func(r *http.Request, f contentForm[domain.Translation]) any {
		// A refused form shows again every row as it was sent, although
		// the API refused the write with the rows' strings taken: a
		// string is a field of its own only once saved (or sent as one).
		var added []addedString
		shown := f.Object.Strings
		if r.Method == http.MethodPost {
			added = addedStrings(r)
			shown = maps.Clone(f.Object.Strings)
			for _, s := range added {
				if _, field := r.PostForm["strings."+s.Key]; !field {
					delete(shown, s.Key)
				}
			}
		}
		var values [][]string
		for _, a := range rows(added, blankRows+1, len(added)+blankRows+1) {
			values = append(values, []string{a.Key, a.Value})
		}
		return translationForm{contentForm: f, Strings: shown, Added: repeat("new_strings", "New strings",
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

// translationForm is the form of a translation: a field per string
// (Strings), and rows that add strings.
type translationForm struct {
	contentForm[domain.Translation]
	Strings map[string]string
	Added   repeatedField
}
