package console_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/arborhq/terraform-provider-arbor/internal/console"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// hostile is what every text field receives.
const hostile = `<script>alert("arbor")</script>`

// samples are a valid object of every kind: the start of the hostile one.
// A kind without a sample fails TestEveryPageEscapesUserText.
var samples = map[string]struct{ key, body string }{
	domain.KindPermission.Name:     {"docs.read", `{"name":"Read","description":"d"}`},
	domain.KindRole.Name:           {"reader", `{"name":"Reader","description":"d","permissions":["docs.read"]}`},
	domain.KindHierarchyNode.Name:  {"acme", `{"name":"Acme"}`},
	domain.KindRoleAssignment.Name: {"ada/reader/acme", `{}`},
	domain.KindOAuthClient.Name:    {"dash", `{"name":"Dashboard","redirect_uris":["https://app.example.com/cb"],"scopes":["openid"]}`},
	domain.KindWebhook.Name:        {"sink", `{"url":"https://hooks.example.com/x","events":["role.updated"]}`},
	domain.KindTenant.Name:         {"t1", `{"name":"Tenant","properties":{"note":"n","nested":{"deep":"d"}}}`},
	domain.KindWorkflow.Name:       {"welcome", `{"name":"Welcome","description":"d","steps":[{"ref":"wait","delay":{"duration":"1h"}}]}`},
	domain.KindGuide.Name:          {"launch", `{"name":"Launch","description":"d","type":"banner","channel_key":"in-app","content":{"title":"t","body":"New"}}`},
	domain.KindChannel.Name:        {"in-app", `{"name":"In-app","type":"in_app_feed","service":"arbor"}`},
	domain.KindChannelGroup.Name:   {"feeds", `{"name":"Feeds","channel_type":"in_app_feed","operator":"all","channel_rules":[{"channel_key":"in-app","rule_type":"if","conditions":{"rules":[{"variable":"recipient.plan","operator":"equal_to","argument":"pro"}]}}]}`},
	domain.KindVariable.Name:       {"app_url", `{"value":"https://app.example.com","description":"d"}`},
	domain.KindIdentity.Name:       {"ada", `{"name":"Ada","email":"ada@example.com"}`},
	domain.KindPartial.Name:        {"button", `{"name":"Button","type":"html","content":"<a href=\"{{ url }}\">Open</a>","input_fields":[{"key":"url","label":"Link"}]}`},
	domain.KindTranslation.Name:    {"en-US", `{"strings":{"welcome":"Welcome"}}`},
	domain.KindEmailLayout.Name:    {"default", `{"name":"Default","html_layout":"<html><body>{{ content }}</body></html>","text_layout":"{{ content }}","footer_links":[{"text":"Help","url":"https://help.example.com"}]}`},
}

// writeHostile writes obj with every string the API accepts replaced by
// hostile: each field the API refuses is put back to its sample value.
func writeHostile(t *testing.T, s *site, path, sample string) {
	t.Helper()
	var base any
	if err := json.Unmarshal([]byte(sample), &base); err != nil {
		t.Fatal(err)
	}
	keep := map[string]bool{}
	var last *domain.Error
	for range 20 {
		body, _ := json.Marshal(poison(base, "", keep))
		status, apiErr := put(s, path, string(body))
		if status < 300 {
			return
		}
		if apiErr == nil || len(apiErr.Details) == 0 {
			t.Fatalf("PUT %s %s: %d %+v", path, body, status, apiErr)
		}
		for _, d := range apiErr.Details {
			keep[d.Field] = true
		}
		last = apiErr
	}
	t.Fatalf("PUT %s: still refused: %+v", path, last)
}

// poison replaces the strings of v, but for the fields in keep (by their
// API names, such as content.title or steps[0].ref), with hostile.
func poison(v any, at string, keep map[string]bool) any {
	switch x := v.(type) {
	case string:
		for field := range keep {
			if field == at || strings.HasPrefix(at, field+".") || strings.HasPrefix(at, field+"[") || strings.HasPrefix(field, at+"[") {
				return x
			}
		}
		return hostile
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = poison(e, fmt.Sprintf("%s[%d]", at, i), keep)
		}
		return out
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			name := k
			if at != "" {
				name = at + "." + k
			}
			out[k] = poison(e, name, keep)
		}
		return out
	}
	return v
}

func put(s *site, path, body string) (int, *domain.Error) {
	req, _ := http.NewRequest("PUT", s.url+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+s.owner)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode < 300 {
		return resp.StatusCode, nil
	}
	var e domain.Error
	if json.Unmarshal(b, &e) != nil {
		return resp.StatusCode, nil
	}
	return resp.StatusCode, &e
}

// Every text field of every kind holds a script, and every page of the
// console shows it as text, never as markup.
func TestEveryPageEscapesUserText(t *testing.T) {
	s := newSite(t)
	keys := seedSamples(t, s, func(path, body string) { writeHostile(t, s, path, body) })
	// Account-level text: an environment's name and description, a token's
	// name, all shown on pages.
	s.api(s.owner, "PUT", "/v1/environments/development", `{"name":"Development `+jsonEscape(hostile)+`","description":`+jsonQuote(hostile)+`}`, &struct{}{})
	s.api(s.owner, "POST", "/v1/tokens", `{"name":`+jsonQuote(hostile)+`,"role":"viewer"}`, &struct{}{})

	b := s.browser()
	b.signIn(s.owner)
	shown := 0
	for _, pattern := range console.PagesShown() {
		path, ok := fill(pattern, keys)
		if !ok {
			t.Errorf("%s: no object to show on it; teach fill its parameters", pattern)
			continue
		}
		p := b.get(path + queryFor(path))
		if p.status != http.StatusOK {
			t.Errorf("%s: %d", path, p.status)
			continue
		}
		if strings.Contains(p.body, "<script>alert") {
			t.Errorf("%s shows user text as markup", path)
		}
		if strings.Contains(p.body, "&lt;script&gt;alert") {
			shown++
		}
	}
	if shown == 0 {
		t.Error("no page showed the hostile text at all: the test proves nothing")
	}
}

// seedSamples writes what the samples refer to, then an object of every
// kind with write (plain PUTs, or hostile ones), and returns each kind's
// key by collection. A kind without a sample fails the test.
func seedSamples(t *testing.T, s *site, write func(path, body string)) map[string]string {
	t.Helper()
	for _, w := range [][2]string{
		{"/v1/environments/development/permissions/docs.read", `{"name":"Read"}`},
		{"/v1/environments/development/roles/reader", `{"name":"Reader","permissions":["docs.read"]}`},
		{"/v1/environments/development/hierarchy-nodes/acme", `{"name":"Acme"}`},
		{"/v1/identities/ada", `{"name":"Ada","email":"ada@example.com"}`},
		{"/v1/environments/development/channels/in-app", `{"name":"In-app","type":"in_app_feed","service":"arbor"}`},
	} {
		s.api(s.owner, "PUT", w[0], w[1], &struct{}{})
	}
	keys := map[string]string{}
	for _, k := range domain.Kinds {
		sample, ok := samples[k.Name]
		if !ok {
			t.Errorf("kind %s has no sample here: add one, so its pages are visited", k.Name)
			continue
		}
		path := "/v1/" + k.Collection + "/" + sample.key
		if !k.Account {
			path = "/v1/environments/development/" + k.Collection + "/" + sample.key
		}
		write(path, sample.body)
		keys[k.Collection] = sample.key
	}
	return keys
}

// queryFor is the query a page needs to show something: a promotion's
// source, an access check's question.
func queryFor(path string) string {
	switch {
	case strings.HasSuffix(path, "/promote"):
		// A promotion names another environment than its target.
		if strings.Contains(path, "/development/") {
			return "?from=production"
		}
		return "?from=development"
	case strings.HasSuffix(path, "/diff"):
		return "?from=1&to=1"
	case strings.HasSuffix(path, "/access/check"):
		return "?" + url.Values{"identity_key": {"ada"}, "permission": {"docs.read"}, "node_key": {"acme"}}.Encode()
	}
	return ""
}

// fill puts an object's key in each parameter of a page pattern.
func fill(pattern string, keys map[string]string) (string, bool) {
	path := strings.ReplaceAll(pattern, "{env}", "development")
	segs := strings.Split(path, "/")
	for i, seg := range segs {
		if seg != "{key}" && seg != "{id}" {
			continue
		}
		key, ok := keys[segs[i-1]]
		if !ok {
			return "", false
		}
		segs[i] = key
	}
	out := strings.Join(segs, "/")
	if strings.Contains(out, "{") {
		return "", false
	}
	return out, true
}

func jsonQuote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func jsonEscape(s string) string {
	q := jsonQuote(s)
	return q[1 : len(q)-1]
}

// Every form the console takes refuses a field that is not UTF-8, naming
// it, before anything is written: the API refuses such text rather than
// replace it, and a form's value sent on as JSON would be replaced with
// U+FFFD. Each form is sent a copy of the site's state with one field
// broken, so a form that wrote anything would show in its export.
func TestEveryFormRefusesTextThatIsNotUTF8(t *testing.T) {
	s := newSite(t)
	keys := seedSamples(t, s, func(path, body string) { s.api(s.owner, "PUT", path, body, &struct{}{}) })
	var token struct {
		ID string `json:"id"`
	}
	s.api(s.owner, "POST", "/v1/tokens", `{"name":"support","role":"viewer"}`, &token)
	keys["tokens"] = token.ID
	var apiKey struct {
		ID string `json:"id"`
	}
	s.api(s.owner, "POST", "/v1/environments/development/api-keys", `{"name":"ci","scope":"read_only"}`, &apiKey)
	keys["api-keys"] = apiKey.ID
	s.api(s.owner, "PUT", "/v1/settings", `{"production_write_access":true}`, &struct{}{})
	b := s.browser()
	b.signIn(s.owner)
	export := func() string {
		var doc json.RawMessage
		s.api(s.owner, "GET", "/v1/environments/development/config", "", &doc)
		var audit json.RawMessage
		s.api(s.owner, "GET", "/v1/audit?limit=1", "", &audit)
		return string(doc) + string(audit)
	}
	before := export()
	posted := 0
	for _, pattern := range console.PagesPosted() {
		path, ok := fill(pattern, keys)
		if !ok {
			t.Errorf("%s: no object to post to; teach fill its parameters", pattern)
			continue
		}
		form := url.Values{"name": {"Bad \xff name"}, "version": {"1"}, "key": {"bad"}}
		p := b.post(path, form)
		if p.status != http.StatusBadRequest || !strings.Contains(p.body, "field name holds text that is not valid UTF-8") {
			t.Errorf("%s: %d, not refused naming the field:\n%.600s", path, p.status, p.body)
		}
		posted++
		// The same fields as a multipart form, which a page reads as
		// well (but the import's review, which reads its upload as it
		// comes, and whose document the backend checks).
		if slices.Contains(console.PagesReviewing(), pattern) {
			continue
		}
		if p := b.postMultipart(path, form); p.status != http.StatusBadRequest || !strings.Contains(p.body, "field name holds text that is not valid UTF-8") {
			t.Errorf("%s, multipart: %d, not refused naming the field:\n%.600s", path, p.status, p.body)
		}
	}
	if posted < 10 {
		t.Fatalf("only %d forms posted to: the registry is not what the test walks", posted)
	}
	if after := export(); after != before {
		t.Error("a refused form wrote")
	}
}
