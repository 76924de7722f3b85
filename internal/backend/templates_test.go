package backend_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// templatedBodies are, per versioned kind, an object with each sort of
// field its kind holds templates in set (a workflow's channel step inside
// a branch too); a versioned kind with templates and no body here fails
// TestEveryTemplateMustParse.
var templatedBodies = map[string]string{
	domain.KindWorkflow.Name: `{"name":"Welcome","steps":[
		{"ref":"email","channel":{"type":"email","key":"postmark","subject":"Hi {{ recipient.name }}","body":"Hello"}},
		{"ref":"push","channel":{"type":"push","key":"fcm","subject":"Hi","body":"Hello","action_url":"https://app.example.com/{{ data.id }}"}},
		{"ref":"call","fetch":{"method":"POST","url":"https://hooks.example.com/x","body":"{\"id\": \"{{ data.id }}\"}"}},
		{"ref":"route","branch":{"branches":[{"name":"pro","conditions":{"rules":[{"variable":"recipient.plan","operator":"equal_to","argument":"pro"}]},
			"steps":[{"ref":"pro-email","channel":{"type":"email","key":"postmark","subject":"For pro","body":"{% if data.x %}x{% endif %}"}}]}]}}]}`,
	domain.KindGuide.Name:       guideBody("New"),
	domain.KindPartial.Name:     `{"name":"Button","type":"html","content":"<a href=\"{{ url }}\">Open</a>","input_fields":[{"key":"url","label":"Link"}]}`,
	domain.KindTranslation.Name: `{"strings":{"welcome":"Welcome, {{ recipient.name }}","bye":"Bye"}}`,
	domain.KindEmailLayout.Name: `{"name":"Default","html_layout":"<html><body>{{ content }}</body></html>","text_layout":"{{ content }}"}`,
}

// brokenTemplates do not parse: a tag without its end, an output without
// its closing braces, an expression the parser refuses.
var brokenTemplates = []string{"{% if x %}<b>{{ label }}", "Hi {{ data.x", "{% if %}<p>{{ | }}"}

// Every template of every versioned kind, its fields found by the kind's
// own Templates, is refused through the API when it does not parse, with
// a 400 naming the field; the object is not written.
func TestEveryTemplateMustParse(t *testing.T) {
	a := newAPI(t)
	a.channels("development")
	a.expect(a.do(a.owner, "PUT", "/v1/environments/development/channels/fcm", `{"name":"FCM","type":"push","service":"fcm"}`), 201)
	tried := 0
	for _, kind := range domain.VersionedKinds {
		section, _ := (&domain.ConfigDocument{}).VersionedSection(kind)
		obj := reflect.New(reflect.TypeOf(section.Items).Elem().Elem()).Interface()
		templated, ok := obj.(domain.Templated)
		if !ok {
			continue
		}
		body, ok := templatedBodies[kind.Name]
		if !ok {
			t.Errorf("versioned kind %s holds templates and has no body in templatedBodies", kind.Name)
			continue
		}
		if err := json.Unmarshal([]byte(body), obj); err != nil {
			t.Fatal(err)
		}
		key := versionedKey(kind, "templated")
		at := "/v1/environments/development/" + kind.Collection + "/" + key
		fields := 0
		for field, source := range templated.Templates() {
			if source == "" {
				// A field its step's type does not use (an email's
				// action_url): the body sets it on a step that uses it.
				continue
			}
			fields++
			for _, broken := range brokenTemplates {
				r := a.expect(a.do(a.owner, "PUT", at, withField(t, body, field, broken)), 400)
				var e domain.Error
				if err := json.Unmarshal(r.body, &e); err != nil || !slices.ContainsFunc(e.Details, func(d domain.FieldError) bool {
					return d.Field == field && strings.Contains(d.Message, "is not a valid template")
				}) {
					t.Errorf("%s %s = %q: the refusal does not name the field: %s", kind.Name, field, broken, r.body)
				}
			}
		}
		if fields == 0 {
			t.Errorf("%s: the body sets none of its templates", kind.Name)
		}
		tried += fields
		a.expect(a.do(a.owner, "GET", at, ""), 404)
		a.expect(a.do(a.owner, "PUT", at, body), 201)
	}
	if tried == 0 {
		t.Fatal("no template was tried: the test proves nothing")
	}
}

// pathPart is one step of a field's name: a name, or an index in brackets.
var pathPart = regexp.MustCompile(`[^.\[\]]+|\[\d+\]`)

// withField is body with the field named as the API names it
// (steps[0].channel.subject, strings.welcome) set to value.
func withField(t *testing.T, body, field, value string) string {
	t.Helper()
	var doc any
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatal(err)
	}
	parts := pathPart.FindAllString(field, -1)
	var set func(v any, i int) any
	set = func(v any, i int) any {
		if i == len(parts) {
			return value
		}
		if p := parts[i]; strings.HasPrefix(p, "[") {
			list, ok := v.([]any)
			n, _ := strconv.Atoi(strings.Trim(p, "[]"))
			if !ok || n >= len(list) {
				t.Fatalf("%s: no %s in %s", field, p, body)
			}
			list[n] = set(list[n], i+1)
			return list
		}
		obj, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("%s: no %s in %s", field, parts[i], body)
		}
		obj[parts[i]] = set(obj[parts[i]], i+1)
		return obj
	}
	out, err := json.Marshal(set(doc, 0))
	if err != nil {
		t.Fatal(fmt.Errorf("%s: %w", field, err))
	}
	return string(out)
}
