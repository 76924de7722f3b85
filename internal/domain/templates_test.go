package domain

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/osteele/liquid/parser"
)

func TestCheckTemplateSyntax(t *testing.T) {
	for source, want := range map[string]string{
		"Hello {{ recipient.name }}":                                "",
		`{{ "welcome" | t }} {% render 'button', label: "Open" %}`:  "",
		"{% for l in layout.footer_links %}{{ l.url }}{% endfor %}": "",
		"{% raw %}{{ not closed{% endraw %}":                        "",
		"{% comment %}{% if {% endcomment %}":                       "",
		"{{- x -}}\n{{ y\n}}":                                       "",
		"{% if x %}<b>{{ label }}":                                  `unterminated "if" block`,
		"{% if %}<p>{{ | }}":                                        "syntax error",
		"Hi {{ data.x":                                              `{{ at "{{ data.x" is never closed with }}`,
		"{{ x }} and {% if y":                                       `{% at "{% if y" is never closed with %}`,
		"{% render button %}":                                       "render takes a partial's key in quotes",
		"{{ and }}":                                                 "syntax error",
	} {
		// The second answer is the memory's: the same as the first.
		for range 2 {
			got := CheckTemplateSyntax(source)
			if want == "" && got != "" || want != "" && !strings.Contains(got, want) {
				t.Errorf("%q: %q, want %q", source, got, want)
			}
		}
	}
	// Past its bound the memory starts again, and answers as before.
	parsedTemplates.mu.Lock()
	parsedTemplates.bytes = maxParsedBytes
	parsedTemplates.mu.Unlock()
	const fresh = "{% if bound %}<i>{{ label }}"
	if got := CheckTemplateSyntax(fresh); !strings.Contains(got, `unterminated "if" block`) {
		t.Errorf("after the memory's bound: %q", got)
	}
	if parsedTemplates.bytes != len(fresh) {
		t.Errorf("the memory kept %d bytes past its bound", parsedTemplates.bytes)
	}
}

// A template read as plain (not handed to the library) is one the library
// parses, with no opening left in its text: tried on random templates
// made of the characters that matter.
func TestPlainTemplatesParse(t *testing.T) {
	pieces := []string{"{{", "}}", "{%", "%}", "-", " ", "\n", "|", ".", "'", `"`, "a", "b1", "_c", "t", "and", "empty", "{", "}", "%"}
	inner := pieces[4:]
	rng := rand.New(rand.NewPCG(1, 2))
	plain := 0
	for i := range 50_000 {
		var b strings.Builder
		for range 1 + rng.IntN(10) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		if i%2 == 0 {
			// Half are an output around what an output may hold.
			b.WriteString("{{")
			for range rng.IntN(8) {
				b.WriteString(inner[rng.IntN(len(inner))])
			}
			b.WriteString("}}")
		}
		source := b.String()
		if !plainTemplate(source) || !strings.Contains(source, "{{") {
			continue
		}
		plain++
		if _, err := templateParser().cfg.Compile(source, parser.SourceLoc{}); err != nil {
			t.Errorf("%q is read as plain, but the library refuses it: %v", source, err)
		}
		if open, _ := unclosed(source); open != "" {
			t.Errorf("%q is read as plain, but leaves %s in its text", source, open)
		}
	}
	if plain < 1000 {
		t.Fatalf("only %d random templates with an output were plain: the test proves little", plain)
	}
}
