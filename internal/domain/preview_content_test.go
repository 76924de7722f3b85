package domain

import (
	"strings"
	"testing"
	"time"
)

// contentInput is a workflow whose email uses a layout, a partial and
// translations in en and fr, with a namespaced fr string.
func contentInput(recipient string) PreviewInput {
	wf := &Workflow{Key: "welcome", Name: "Welcome", Steps: []Step{{Ref: "email", Channel: &ChannelStep{
		Type: "email", Key: "postmark", LayoutKey: "default",
		Subject: `{{ "subject" | t }}`,
		Body:    `<p>{{ "greeting" | t }}</p>{% render 'button', label: "billing:pay" | t, url: data.url %}`,
	}}}}
	return PreviewInput{
		Workflow: wf,
		Request:  PreviewRequest{Recipient: JSONObject(recipient), Data: JSONObject(`{"url":"https://example.com/pay"}`)},
		Layouts: map[string]*EmailLayout{"default": {Key: "default", Name: "Default",
			HTMLLayout:  `<html>{{ content }}<footer>{% for l in layout.footer_links %}<a href="{{ l.url }}">{{ l.text }}</a>{% endfor %}</footer></html>`,
			TextLayout:  "{{ content }}",
			FooterLinks: []FooterLink{{Text: "Preferences", URL: "https://example.com/prefs"}}}},
		Partials: map[string]*Partial{"button": {Key: "button", Name: "Button", Type: "html",
			Content:     `<a class="button" href="{{ url }}">{{ label }}</a>{{ recipient.name }}`,
			InputFields: []PartialInputField{{Key: "label"}, {Key: "url"}}}},
		Translations: []Translation{
			{Key: "en", Strings: map[string]string{"subject": "Welcome", "greeting": "Hello {{ recipient.name }}"}},
			{Key: "fr", Strings: map[string]string{"subject": "Bienvenue", "greeting": "Bonjour {{ recipient.name }}"}},
			{Key: "billing.en", Strings: map[string]string{"pay": "Pay"}},
			{Key: "billing.fr", Strings: map[string]string{"pay": "Payer"}},
		},
		DefaultLocale: "en",
	}
}

func TestPreviewRendersTheLayoutPartialsAndTranslations(t *testing.T) {
	cases := []struct {
		name, recipient, locale, reason, subject, body string
	}{
		{"recipient's locale", `{"name":"Ada","locale":"fr"}`, "fr", "the recipient's locale fr", "Bienvenue",
			`<html><p>Bonjour Ada</p><a class="button" href="https://example.com/pay">Payer</a><footer><a href="https://example.com/prefs">Preferences</a></footer></html>`},
		{"language alone", `{"name":"Ada","locale":"fr-CA"}`, "fr", "no translation holds the recipient's locale fr-CA: its language fr", "Bienvenue",
			`<html><p>Bonjour Ada</p><a class="button" href="https://example.com/pay">Payer</a><footer><a href="https://example.com/prefs">Preferences</a></footer></html>`},
		{"default locale", `{"name":"Ada","locale":"de"}`, "en", "no translation holds the recipient's locale de: the environment's default locale en", "Welcome",
			`<html><p>Hello Ada</p><a class="button" href="https://example.com/pay">Pay</a><footer><a href="https://example.com/prefs">Preferences</a></footer></html>`},
		{"no locale", `{"name":"Ada"}`, "en", "the recipient has no locale: the environment's default locale en", "Welcome",
			`<html><p>Hello Ada</p><a class="button" href="https://example.com/pay">Pay</a><footer><a href="https://example.com/prefs">Preferences</a></footer></html>`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := preview(t, contentInput(c.recipient))
			email := stepOf(t, p, "email")
			if len(email.Errors) > 0 {
				t.Fatalf("errors: %v", email.Errors)
			}
			// The partial's scope is its inputs only: recipient.name
			// renders empty inside it.
			if email.Locale != c.locale || p.LocaleReason != c.reason || email.Rendered["subject"] != c.subject || email.Rendered["body"] != c.body {
				t.Errorf("got locale %q (%q), subject %q, body\n%s", email.Locale, p.LocaleReason, email.Rendered["subject"], email.Rendered["body"])
			}
		})
	}
}

func TestPreviewFallsBackStringByString(t *testing.T) {
	in := contentInput(`{"name":"Ada","locale":"fr-CA"}`)
	in.Translations = append(in.Translations, Translation{Key: "fr-CA", Strings: map[string]string{"subject": "Bienvenue (CA)"}})
	in.DefaultLocale = "fr"
	email := stepOf(t, preview(t, in), "email")
	if email.Locale != "fr-CA" || email.Rendered["subject"] != "Bienvenue (CA)" || !strings.Contains(email.Rendered["body"], "Bonjour Ada") {
		t.Errorf("%+v", email)
	}
}

func TestPreviewContentErrorsAreTheStepsErrors(t *testing.T) {
	cases := map[string]struct {
		body, want string
		edit       func(*PreviewInput)
	}{
		"missing string":      {body: `{{ "nope" | t }}`, want: `no translation holds "nope" in en`},
		"missing namespaced":  {body: `{{ "billing:nope" | t }}`, want: `no translation of namespace billing holds "nope" in fr, en`},
		"missing partial":     {body: `{% render 'nope' %}`, want: `partial "nope" does not exist in this environment`},
		"undeclared input":    {body: `{% render 'button', lable: "x" %}`, want: `partial "button" takes no input "lable" (it takes label, url)`},
		"malformed render":    {body: `{% render button %}`, want: `render takes a partial's key in quotes`},
		"missing layout":      {body: `x`, want: `layout "default" does not exist`, edit: func(in *PreviewInput) { in.Layouts = nil }},
		"partial reads files": {body: `{% render 'button', label: "x" %}`, want: "include is not available", edit: func(in *PreviewInput) { in.Partials["button"].Content = `{% include '/etc/passwd' %}` }},
		"partial cycle": {body: `{% render 'a' %}`, want: "partial a renders itself: partial a → partial b → partial a", edit: func(in *PreviewInput) {
			in.Partials = map[string]*Partial{"a": {Key: "a", Content: `{% render 'b' %}`}, "b": {Key: "b", Content: `{% render 'a' %}`}}
		}},
		"partial depth": {body: `{% render 'p0' %}`, want: "render one another more than 5 deep", edit: func(in *PreviewInput) {
			in.Partials = map[string]*Partial{}
			for i := range 8 {
				in.Partials["p"+string(rune('0'+i))] = &Partial{Content: "{% render 'p" + string(rune('1'+i)) + "' %}"}
			}
		}},
		"translation cycle": {body: `{{ "loop" | t }}`, want: `translation loop renders itself`, edit: func(in *PreviewInput) {
			in.Translations = append(in.Translations, Translation{Key: "fr", Strings: map[string]string{"loop": `{{ "loop" | t }}`}})
		}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			in := contentInput(`{"locale":"fr"}`)
			if name == "missing string" {
				in = contentInput(`{}`)
			}
			if c.edit != nil {
				c.edit(&in)
			}
			in.Workflow.Steps[0].Channel.Body = c.body
			email := stepOf(t, preview(t, in), "email")
			if !strings.Contains(email.Errors["body"], c.want) || email.Rendered["body"] != "" {
				t.Errorf("body error %q, want %q (rendered %q)", email.Errors["body"], c.want, email.Rendered["body"])
			}
		})
	}
}

// hostileTemplates each try to make a preview run without bound; every
// one must end as the step's error, soon.
var hostileTemplates = map[string]struct{ body, want string }{
	"huge empty loop":        {`{% for i in (1..100000000) %}{% endfor %}`, "loop at most 20000 times"},
	"nested empty loops":     {`{% for i in (1..10000) %}{% for j in (1..10000) %}{% for k in (1..10000) %}{% endfor %}{% endfor %}{% endfor %}`, "loop at most 20000 times"},
	"tablerow":               {`{% tablerow i in (1..100000000) %}{% endtablerow %}`, "loop at most 20000 times"},
	"loop in a partial":      {`{% for i in (1..1000) %}{% render 'spin' %}{% endfor %}`, "loop at most 20000 times"},
	"recursive partial":      {`{% render 'self' %}`, "renders itself"},
	"output bomb":            {`{% for i in (1..20000) %}{{ data.kb }}{% endfor %}`, "longer than 1 MiB"},
	"capture bomb":           {`{% capture s %}{% for i in (1..20000) %}{{ data.kb }}{% endfor %}{% endcapture %}`, "longer than 1 MiB"},
	"append doubling":        {`{% assign s = data.kb %}{% for i in (1..40) %}{% assign s = s | append: s %}{% endfor %}`, "longer than 1 MiB"},
	"replace explosion":      {`{% assign s = data.kb | append: data.kb | append: data.kb %}{{ s | replace: "x", s }}`, "longer than 1 MiB"},
	"join of a huge range":   {`{{ (1..100000000) | join: "," }}`, "longer than 10000"},
	"sort of a huge range":   {`{{ (1..100000000) | sort | first }}`, "longer than 10000"},
	"split and join":         {`{% assign a = data.kb | split: "" %}{{ a | join: data.kb }}`, "longer than 1 MiB"},
	"concat doubling":        {`{% assign a = data.kb | split: "" %}{% for i in (1..30) %}{% assign a = a | concat: a %}{% endfor %}`, "longer than 10000"},
	"costly iterations":      {`{% assign big = data.kb | append: data.kb | append: data.kb | append: data.kb | append: data.kb | append: data.kb %}{% for i in (1..20000) %}{% assign a = big | split: "" | sort | reverse | join: "" %}{% endfor %}`, "longer than 2s"},
	"uniq of distinct items": {`{% assign a = (1..10000) | join: "," | split: "," %}{% for i in (1..1000) %}{% assign b = a | uniq %}{% endfor %}`, "longer than 2s"},
	"loop over concatenated": {`{% for i in (1..100) %}{% for j in (1..100) %}{% for k in (1..100) %}x{% endfor %}{% endfor %}{% endfor %}`, "loop at most 20000 times"},
}

func TestPreviewBoundsHostileTemplates(t *testing.T) {
	for name, c := range hostileTemplates {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			in := contentInput(`{}`)
			in.Request.Data = JSONObject(`{"kb":"` + strings.Repeat("x", 1024) + `"}`)
			in.Partials["spin"] = &Partial{Key: "spin", Content: `{% for i in (1..1000) %}{% endfor %}`}
			in.Partials["self"] = &Partial{Key: "self", Content: `{% render 'self' %}`}
			in.Workflow.Steps[0].Channel.LayoutKey = ""
			in.Workflow.Steps[0].Channel.Body = c.body
			start := time.Now()
			email := stepOf(t, preview(t, in), "email")
			took := time.Since(start)
			if !strings.Contains(email.Errors["body"], c.want) {
				t.Errorf("body error %q, want %q", email.Errors["body"], c.want)
			}
			if took > PreviewRenderTime+500*time.Millisecond {
				t.Errorf("took %s", took)
			}
			t.Logf("%s: %s", name, took)
		})
	}
}

// The time bound holds across a preview's steps: once spent, the
// remaining templates say so rather than render.
func TestPreviewStopsAtItsDeadline(t *testing.T) {
	in := contentInput(`{}`)
	in.Workflow.Steps[0].Channel.LayoutKey = ""
	in.Workflow.Steps[0].Channel.Body = "x"
	p, err := PreviewWorkflow(in)
	if err != nil {
		t.Fatal(err)
	}
	p.content.budget.deadline = time.Now().Add(-time.Second)
	rendered, errs := p.content.channel(in.Workflow.Steps[0].Channel)
	if len(rendered) != 0 || !strings.Contains(errs["body"], "took longer than") {
		t.Errorf("rendered %v, errors %v", rendered, errs)
	}
}

func TestLocaleChain(t *testing.T) {
	holds := func(locales ...string) func(string) bool {
		return func(l string) bool {
			for _, h := range locales {
				if h == l {
					return true
				}
			}
			return false
		}
	}
	cases := []struct {
		recipient any
		def       string
		held      []string
		chain     string
		locale    string
	}{
		{"pt-BR", "en-US", []string{"pt-BR", "pt", "en"}, "pt-BR pt en-US en", "pt-BR"},
		{"pt-BR", "en-US", []string{"pt", "en"}, "pt en-US en", "pt"},
		{"pt-BR", "en-US", []string{"en"}, "en", "en"},
		{"en_GB", "", []string{"en"}, "en", "en"},
		{42, "fr", nil, "fr", "fr"},
		{"!!", "fr-CA", []string{"fr"}, "fr", "fr"},
	}
	for _, c := range cases {
		chain, locale, reason := localeChain(c.recipient, c.def, holds(c.held...))
		if strings.Join(chain, " ") != c.chain || locale != c.locale || reason == "" {
			t.Errorf("%v/%s: chain %v locale %s (%s)", c.recipient, c.def, chain, locale, reason)
		}
	}
}

// The standard tags, rebuilt to count iterations, behave as Liquid's.
func TestBoundedLiquidKeepsLiquidsTags(t *testing.T) {
	cases := map[string]string{
		`{% for i in (1..5) reversed offset:1 limit:2 %}{{ i }}{% endfor %}`:                                                    "43",
		`{% for i in (1..5) %}{% if i == 2 %}{% continue %}{% endif %}{% if i == 4 %}{% break %}{% endif %}{{ i }}{% endfor %}`: "13",
		`{% for i in data.empty %}x{% else %}empty{% endfor %}`:                                                                 "empty",
		`{% for i in (1..3) %}{{ forloop.index }}{{ forloop.last }}{% cycle 'a', 'b' %}{% endfor %}`:                            "1falsea2falseb3truea",
		`{% tablerow i in (1..3) cols:2 %}{{ i }}{% endtablerow %}`:                                                             `<tr class="row1"><td class="col1">1</td><td class="col2">2</td></tr><tr class="row2"><td class="col1">3</td></tr>`,
		`{% assign x = "a,b" | split: "," %}{{ x | join: "-" }}{% capture c %}[{{ x.size }}]{% endcapture %}{{ c }}`:            "a-b[2]",
		`{% case 2 %}{% when 1 %}one{% when 2, 3 %}two{% else %}other{% endcase %}`:                                             "two",
		`{% unless false %}u{% else %}n{% endunless %}{% if false %}a{% elsif true %}b{% endif %}`:                              "ub",
		`{{ "a,b,a,c" | split: "," | uniq | join: "" }}{{ data.twice | uniq | size }}`:                                          "abc1",
		`{% raw %}{{ x }}{% endraw %}{% comment %}no{% endcomment %}`:                                                           "{{ x }}",
		`{% for p in data.map %}{{ p[0] }}={{ p[1] }};{% endfor %}`:                                                             "a=1;b=2;",
	}
	for source, want := range cases {
		in := contentInput(`{}`)
		in.Request.Data = JSONObject(`{"map":{"b":2,"a":1},"empty":[],"twice":[{"a":1,"b":[2]},{"b":[2],"a":1}]}`)
		in.Workflow.Steps[0].Channel.LayoutKey = ""
		in.Workflow.Steps[0].Channel.Body = source
		email := stepOf(t, preview(t, in), "email")
		if got := email.Rendered["body"]; got != want {
			t.Errorf("%s: got %q (%v), want %q", source, got, email.Errors, want)
		}
	}
}

// FuzzPreviewTemplate renders any body: a preview never panics and ends
// within its time bound. The hostile templates are its seeds.
func FuzzPreviewTemplate(f *testing.F) {
	for _, c := range hostileTemplates {
		f.Add(c.body)
	}
	f.Add(`{% render 'button', label: "a, b", url: (1..3) %}{{ "billing:pay" | t }}`)
	f.Fuzz(func(t *testing.T, body string) {
		in := contentInput(`{"locale":"fr"}`)
		in.Request.Data = JSONObject(`{"kb":"` + strings.Repeat("x", 1024) + `"}`)
		in.Partials["spin"] = &Partial{Key: "spin", Content: `{% for i in (1..1000) %}{% endfor %}`}
		in.Partials["self"] = &Partial{Key: "self", Content: `{% render 'self' %}`}
		in.Workflow.Steps[0].Channel.Body = body
		start := time.Now()
		if _, err := PreviewWorkflow(in); err != nil {
			t.Fatal(err)
		}
		if took := time.Since(start); took > PreviewRenderTime+time.Second {
			t.Errorf("took %s", took)
		}
	})
}
