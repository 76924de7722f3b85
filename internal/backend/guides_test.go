package backend_test

import (
	"fmt"
	"strings"
	"testing"
)

func guideBody(title string) string {
	return fmt.Sprintf(`{"name":"Spring launch","type":"modal","channel_key":"in-app","content":{"title":%q,"body":"Hello {{ recipient.name }}"},"activation_url_patterns":["/projects/*","/dashboard"],"audience":{"rules":[{"variable":"recipient.plan","operator":"equal_to","argument":"pro"}]},"priority":5}`, title)
}

// A guide's content is validated by its type, every problem under its
// field, and its activation patterns are stored as a set.
func TestGuideValidationOverTheAPI(t *testing.T) {
	a := newAPI(t)
	a.channels("development")
	at := "/v1/environments/development/guides/"
	for body, fields := range map[string][]string{
		`{"name":"x","type":"modal","channel_key":"in-app","content":{"button_text":"Go","image_url":"img.png"},"activation_url_patterns":["dashboard","/a/**/b"],"audience":{"rules":[{"variable":"recipient.plan","operator":"equal_to"}]}}`: {
			`"content.title"`, `"content.body"`, `"content.button_url"`, `"content.image_url"`, `"activation_url_patterns"`, `"audience.rules[0].argument"`},
		`{"name":"x","type":"banner","channel_key":"in-app","content":{"body":"b"},"audience":{"rules":[{"variable":"recipient.plan","operator":"like"}]},"priority":-1}`: {
			`"audience.rules[0].operator"`, `"priority"`},
	} {
		r := a.expect(a.do(a.owner, "PUT", at+"bad", body), 400)
		for _, field := range fields {
			if !strings.Contains(string(r.body), field) {
				t.Errorf("no detail for %s: %s", field, r.body)
			}
		}
	}
	r := a.expect(a.do(a.owner, "PUT", at+"toast", `{"name":"x","type":"toast","channel_key":"in-app","content":{"body":"b"}}`), 400)
	if !strings.Contains(string(r.body), `"type"`) {
		t.Errorf("unknown type: %s", r.body)
	}
	banner := a.expect(a.do(a.owner, "PUT", at+"banner", `{"name":"Banner","type":"banner","channel_key":"in-app","content":{"body":"Maintenance tonight"},"activation_url_patterns":["/b","/a","/b"]}`), 201).json()
	if fmt.Sprint(banner["activation_url_patterns"]) != "[/a /b]" || banner["priority"] != nil {
		t.Errorf("banner stored as %v", banner)
	}
}

// Guides filter by type, channel and active.
func TestGuideListFilters(t *testing.T) {
	a := newAPI(t)
	for _, channel := range []string{"web", "mobile"} {
		a.expect(a.do(a.owner, "PUT", "/v1/environments/development/channels/"+channel, inAppChannel), 201)
	}
	for _, g := range []struct{ key, typ, channel string }{{"g-a", "banner", "web"}, {"g-b", "modal", "web"}, {"g-c", "banner", "mobile"}} {
		b := fmt.Sprintf(`{"name":"G","type":%q,"channel_key":%q,"content":{"title":"T","body":"B"}}`, g.typ, g.channel)
		if g.key == "g-c" {
			b = inactive(b)
		}
		a.expect(a.do(a.owner, "PUT", "/v1/environments/development/guides/"+g.key, b), 201)
	}
	for query, want := range map[string]string{
		"type=banner": "[g-a g-c]", "channel_key=web": "[g-a g-b]", "active=false": "[g-c]", "type=banner&active=true": "[g-a]", "": "[g-a g-b g-c]",
	} {
		var keys []string
		for _, it := range a.expect(a.do(a.owner, "GET", "/v1/environments/development/guides?"+query, ""), 200).json()["items"].([]any) {
			keys = append(keys, it.(map[string]any)["key"].(string))
		}
		if fmt.Sprint(keys) != want {
			t.Errorf("%s: %v, want %s", query, keys, want)
		}
	}
}

// The channel-reference rule holds for guides as for workflows: a guide's
// channel_key names an in_app_feed channel of the environment written, on
// every write path, and a channel is neither deleted nor retyped while a
// guide shows through it.
func TestGuidesShowThroughInAppChannelsOfTheirEnvironment(t *testing.T) {
	a := newAPI(t)
	a.environment("staging")
	guide := guideBody("v1")
	at := func(env string) string { return "/v1/environments/" + env + "/guides/launch" }
	// Missing: refused, naming the field, the channel and what to create.
	r := a.expect(a.do(a.owner, "PUT", at("development"), guide), 400)
	a.expectDetail(r, "channel_key", `channel "in-app" does not exist in environment development`, `create an in_app_feed channel "in-app"`)
	// Of another type: refused, naming both types.
	a.expect(a.do(a.owner, "PUT", dev+"channels/in-app", postmarkChannel), 201)
	a.expectDetail(a.expect(a.do(a.owner, "PUT", at("development"), guide), 400), "channel_key", "an email channel, not in_app_feed")
	a.expect(a.do(a.owner, "PUT", dev+"channels/in-app", inAppChannel), 200)
	a.expect(a.do(a.owner, "PUT", at("development"), guide), 201)

	// Promotion and import into an environment without the channel are
	// refused, naming it; nothing changes there.
	r = a.expect(a.do(a.owner, "POST", "/v1/environments/staging/promote", `{"from":"development"}`), 409)
	a.expectDetail(r, "guides[0].channel_key", `channel "in-app" does not exist in environment staging`)
	a.expect(a.do(a.owner, "GET", at("staging"), ""), 404)
	a.importDoc("staging", a.export("development"), 409)
	a.inAppChannels("staging")
	a.expect(a.do(a.owner, "POST", "/v1/environments/staging/promote", `{"from":"development"}`), 200)

	// A channel in use stays, and keeps its type, naming the guide.
	r = a.expect(a.do(a.owner, "DELETE", "/v1/environments/staging/channels/in-app", ""), 409)
	if !strings.Contains(string(r.body), `guide \"launch\"`) {
		t.Errorf("the refused delete does not name the guide: %s", r.body)
	}
	r = a.expect(a.do(a.owner, "PUT", "/v1/environments/staging/channels/in-app", postmarkChannel), 409)
	if !strings.Contains(string(r.body), `guide \"launch\"`) || !strings.Contains(string(r.body), "cannot change to email") {
		t.Errorf("the refused retype does not say why: %s", r.body)
	}
	a.expect(a.do(a.owner, "DELETE", at("development"), ""), 204)
	a.expect(a.do(a.owner, "DELETE", at("staging"), ""), 204)
	a.expect(a.do(a.owner, "DELETE", "/v1/environments/staging/channels/in-app", ""), 204)
}
