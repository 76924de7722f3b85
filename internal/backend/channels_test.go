package backend_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/arborhq/terraform-provider-arbor/internal/backend"
)

// postmarkChannel is the email channel the workflow bodies of these tests
// send through (workflowBody, seedConfig).
const postmarkChannel = `{"name":"Postmark","type":"email","service":"postmark","settings":{"from_address":"hello@example.com"}}`

// channellessWorkflow sends through no channel: a clone's new environment
// has no channels, so a workflow copied into one must not need any.
const channellessWorkflow = `{"name":"Welcome","steps":[{"ref":"wait","delay":{"duration":"1h"}}]}`

// channels creates, in each environment, the channels the tests' workflows
// and guides send through: channels are each environment's own, so every environment
// a workflow reaches needs its own.
func (a *api) channels(envs ...string) {
	a.t.Helper()
	for _, env := range envs {
		a.expect(a.do(a.owner, "PUT", "/v1/environments/"+env+"/channels/postmark", postmarkChannel), 201)
	}
	a.inAppChannels(envs...)
}

// inAppChannel is the in-app channel the guide bodies of these tests show
// through (channel_key "in-app").
const inAppChannel = `{"name":"In-app","type":"in_app_feed","service":"arbor"}`

// inAppChannels creates, in each environment, the in-app channel the
// tests' guides show through.
func (a *api) inAppChannels(envs ...string) {
	a.t.Helper()
	for _, env := range envs {
		a.expect(a.do(a.owner, "PUT", "/v1/environments/"+env+"/channels/in-app", inAppChannel), 201)
	}
}

// A channel's credentials are sealed when written, kept by writes that do
// not carry them, replaced by writes that do, and never answered.
func TestChannelCredentialsAreWriteOnly(t *testing.T) {
	a := newAPI(t)
	const first, second = "pm-token-first-7c1d", "pm-token-second-93ab"
	body := func(credentials string) string {
		return `{"name":"Postmark","type":"email","service":"postmark","settings":{"from_address":"hello@example.com"}` + credentials + `}`
	}
	credentials := func(env, want string) {
		t.Helper()
		got, err := a.srv.ChannelCredentials(context.Background(), env, "postmark")
		if err != nil || !strings.Contains(string(got), want) {
			t.Errorf("stored credentials %q (%v), want them to hold %q", got, err, want)
		}
	}
	created := a.expect(a.do(a.owner, "PUT", dev+"channels/postmark", body(`,"credentials":{"server_token":"`+first+`"}`)), 201)
	credentials("development", first)
	updated := a.expect(a.do(a.owner, "PUT", dev+"channels/postmark", body(""), "If-Match", created.header.Get("ETag")), 200)
	credentials("development", first)
	rotated := a.expect(a.do(a.owner, "PUT", dev+"channels/postmark", body(`,"credentials":{"server_token":"`+second+`"}`)), 200)
	credentials("development", second)
	read := a.expect(a.do(a.owner, "GET", dev+"channels/postmark", ""), 200)
	list := a.expect(a.do(a.owner, "GET", dev+"channels", ""), 200)
	if read.json()["settings"].(map[string]any)["from_address"] != "hello@example.com" || !strings.Contains(string(list.body), `"postmark"`) {
		t.Errorf("the channel does not read back: %s %s", read.body, list.body)
	}
	for what, r := range map[string]response{"create": created, "update": updated, "rotation": rotated, "read": read, "list": list} {
		if strings.Contains(string(r.body), "credentials") || strings.Contains(string(r.body), "pm-token") {
			t.Errorf("the %s answers the credentials: %s", what, r.body)
		}
	}
	a.expectDetail(a.expect(a.do(a.owner, "PUT", dev+"channels/bad", body(`,"credentials":["`+first+`"]`)), 400), "credentials", "object")
	a.expectDetail(a.expect(a.do(a.owner, "PUT", dev+"channels/bad", `{"name":"Fax","type":"fax","service":"efax"}`), 400), "type", "email, sms")
}

// The channel-reference rule on every write path: a workflow's channel
// step names a channel of its type in the environment written, and a
// channel is neither deleted nor retyped while a workflow uses it.
func TestWorkflowsSendThroughChannelsOfTheirEnvironment(t *testing.T) {
	a := newAPI(t)
	a.environment("staging")
	welcome := workflowBody("v1")
	// Missing: refused, naming the field, the channel and what to create.
	r := a.putWorkflow(a.owner, "development", "welcome", welcome, 400)
	a.expectDetail(r, "steps[0].channel.key", `channel "postmark" does not exist in environment development`, `create an email channel "postmark"`)
	// Of another type: refused, naming both types.
	a.expect(a.do(a.owner, "PUT", dev+"channels/postmark", `{"name":"Postmark SMS?","type":"sms","service":"twilio"}`), 201)
	a.expectDetail(a.putWorkflow(a.owner, "development", "welcome", welcome, 400), "steps[0].channel.key", "an sms channel, not email")
	a.expect(a.do(a.owner, "PUT", dev+"channels/postmark", postmarkChannel), 200)
	a.putWorkflow(a.owner, "development", "welcome", welcome, 201)
	// An http step has no channel to send through.
	http := `{"name":"Hook","steps":[{"ref":"call","channel":{"type":"http","key":"postmark","body":"b"}}]}`
	a.expectDetail(a.putWorkflow(a.owner, "development", "hook", http, 400), "steps[0].channel.key", "no channel has type http")

	// Promotion and import into an environment without the channel are
	// refused, naming it; nothing changes there.
	r = a.expect(a.do(a.owner, "POST", "/v1/environments/staging/promote", `{"from":"development"}`), 409)
	a.expectDetail(r, "workflows[0].steps[0].channel.key", `channel "postmark" does not exist in environment staging`)
	a.expect(a.do(a.owner, "GET", "/v1/environments/staging/workflows/welcome", ""), 404)
	a.importDoc("staging", a.export("development"), 409)
	a.putWorkflow(a.owner, "staging", "welcome", welcome, 400)
	// Once staging has its own channel, the same promotion succeeds.
	a.channels("staging")
	a.expect(a.do(a.owner, "POST", "/v1/environments/staging/promote", `{"from":"development"}`), 200)
	a.expect(a.do(a.owner, "GET", "/v1/environments/staging/workflows/welcome", ""), 200)

	// A channel in use stays, and keeps its type, naming who uses it.
	r = a.expect(a.do(a.owner, "DELETE", "/v1/environments/staging/channels/postmark", ""), 409)
	if !strings.Contains(string(r.body), `workflow \"welcome\"`) {
		t.Errorf("the refused delete does not name the workflow: %s", r.body)
	}
	r = a.expect(a.do(a.owner, "PUT", "/v1/environments/staging/channels/postmark", `{"name":"P","type":"push","service":"fcm"}`), 409)
	if !strings.Contains(string(r.body), `workflow \"welcome\"`) || !strings.Contains(string(r.body), "cannot change to push") {
		t.Errorf("the refused retype does not say why: %s", r.body)
	}
	// Renaming it, or changing its settings, is fine.
	a.expect(a.do(a.owner, "PUT", "/v1/environments/staging/channels/postmark", `{"name":"Postmark (staging)","type":"email","service":"postmark"}`), 200)
	// Deleted in order (development, then staging, as the promotion rule
	// wants), the workflow no longer holds the channel.
	a.expect(a.do(a.owner, "DELETE", dev+"workflows/welcome", ""), 204)
	a.expect(a.do(a.owner, "DELETE", "/v1/environments/staging/workflows/welcome", ""), 204)
	a.expect(a.do(a.owner, "DELETE", "/v1/environments/staging/channels/postmark", ""), 204)
	a.expect(a.do(a.owner, "PUT", "/v1/environments/staging/channels/postmark", `{"name":"P","type":"push","service":"fcm"}`), 201)
}

// A sensitive variable's value is sealed, kept by writes that leave it
// out, and never answered; a plain one reads back as written.
func TestSensitiveVariablesAreWriteOnly(t *testing.T) {
	a := newAPI(t)
	const secret = "sk-live-4f1e9a0b"
	plain := a.expect(a.do(a.owner, "PUT", dev+"variables/app_url", `{"value":"https://app.example.com","description":"Links"}`), 201).json()
	if plain["value"] != "https://app.example.com" || plain["sensitive"] != nil {
		t.Errorf("plain variable: %v", plain)
	}
	a.expectDetail(a.expect(a.do(a.owner, "PUT", dev+"variables/api_token", `{"sensitive":true}`), 400), "value", "required to create a sensitive variable")
	answers := []response{
		a.expect(a.do(a.owner, "PUT", dev+"variables/api_token", `{"value":"`+secret+`","sensitive":true}`), 201),
		a.expect(a.do(a.owner, "PUT", dev+"variables/api_token", `{"sensitive":true,"description":"Kept"}`), 200),
		a.expect(a.do(a.owner, "GET", dev+"variables/api_token", ""), 200),
		a.expect(a.do(a.owner, "GET", dev+"variables", ""), 200),
	}
	for _, r := range answers {
		if strings.Contains(string(r.body), secret) {
			t.Errorf("an answer carries the sensitive value: %s", r.body)
		}
	}
	values, err := a.srv.VariableValues(context.Background(), "development")
	if err != nil || values["api_token"] != secret || values["app_url"] != "https://app.example.com" {
		t.Errorf("values %v (%v): templates would not read what was written", values, err)
	}
	// Turning sensitivity off or on needs the value in the same write.
	a.expectDetail(a.expect(a.do(a.owner, "PUT", dev+"variables/api_token", `{}`), 400), "value", "sensitive changes")
	a.expectDetail(a.expect(a.do(a.owner, "PUT", dev+"variables/app_url", `{"sensitive":true}`), 400), "value", "sensitive changes")
	a.expect(a.do(a.owner, "PUT", dev+"variables/app_url", `{"sensitive":true,"value":"https://sealed.example.com"}`), 200)
	if got := a.expect(a.do(a.owner, "GET", dev+"variables/app_url", ""), 200).json()["value"]; got != nil {
		t.Errorf("a sealed value reads back as %v", got)
	}
	a.expectDetail(a.expect(a.do(a.owner, "PUT", dev+"variables/app-url", `{"value":"x"}`), 400), "key", "letters, digits and _")
	// Each environment has its own.
	a.expect(a.do(a.owner, "GET", "/v1/environments/production/variables/api_token", ""), 404)
}

// Environment branding is a singleton: empty until first written, created
// by the first write only while never written, reset by a delete.
func TestEnvironmentBrandingIsASingleton(t *testing.T) {
	a := newAPI(t)
	path := dev + "branding"
	fresh := a.expect(a.do(a.owner, "GET", path, ""), 200)
	if fresh.json()["version"] != nil || fresh.json()["primary_color"] != nil || fresh.header.Get("ETag") != "" {
		t.Errorf("branding never written: %s (ETag %q)", fresh.body, fresh.header.Get("ETag"))
	}
	body := `{"primary_color":"#0A7CFF","logo_url":"https://cdn.example.com/logo.png"}`
	created := a.expect(a.do(a.owner, "PUT", path, body, "If-None-Match", "*"), 201)
	if created.json()["version"] != 1.0 || created.json()["environment"] != "development" || created.header.Get("ETag") != `"1"` {
		t.Errorf("created: %s", created.body)
	}
	r := a.expect(a.do(a.owner, "PUT", path, body, "If-None-Match", "*"), 412)
	if !strings.Contains(string(r.body), "import it") || !strings.Contains(string(r.body), "arbor_branding") {
		t.Errorf("a second create does not say to import: %s", r.body)
	}
	a.expect(a.do(a.owner, "PUT", path, `{"primary_color":"#000000"}`, "If-Match", `"1"`), 200)
	a.expect(a.do(a.owner, "PUT", path, body, "If-Match", `"1"`), 412)
	bad := a.expect(a.do(a.owner, "PUT", path, `{"primary_color":"blue","icon_url":"icon.png"}`), 400)
	a.expectDetail(bad, "primary_color", "hex colour")
	a.expectDetail(bad, "icon_url", "absolute http")
	if got := a.expect(a.do(a.owner, "GET", path, ""), 200).json()["primary_color"]; got != "#000000" {
		t.Errorf("a refused write changed the branding: %v", got)
	}
	// Production's is its own.
	if got := a.expect(a.do(a.owner, "GET", "/v1/environments/production/branding", ""), 200).json()["primary_color"]; got != nil {
		t.Errorf("production sees development's branding: %v", got)
	}
	a.expect(a.do(a.owner, "DELETE", path, "", "If-Match", `"1"`), 412)
	a.expect(a.do(a.owner, "DELETE", path, ""), 204)
	a.expect(a.do(a.owner, "DELETE", path, ""), 404)
	a.expect(a.do(a.owner, "PUT", path, body, "If-None-Match", "*"), 201)
	viewer := a.token("viewer")
	a.expect(a.do(viewer, "GET", path, ""), 200)
	a.expect(a.do(viewer, "PUT", path, body), 403)
}

// Channels, variables and branding are each environment's own: never in a
// configuration document, so never promoted or cloned; and their secrets
// reach neither the audit log nor the log.
func TestEnvironmentKindsStayInTheirEnvironment(t *testing.T) {
	logs := &lockedBuffer{}
	a := newAPI(t, func(c *backend.Config) {
		c.Logger = slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	const credential, sensitive = "pm-token-never-anywhere", "sk-never-anywhere"
	a.expect(a.do(a.owner, "PUT", dev+"channels/postmark", `{"name":"Postmark","type":"email","service":"postmark","credentials":{"server_token":"`+credential+`"}}`), 201)
	a.expect(a.do(a.owner, "PUT", dev+"variables/api_token", `{"value":"`+sensitive+`","sensitive":true}`), 201)
	a.expect(a.do(a.owner, "PUT", dev+"variables/app_url", `{"value":"https://dev.example.com"}`), 201)
	a.expect(a.do(a.owner, "PUT", dev+"branding", `{"primary_color":"#0A7CFF"}`), 201)
	// Refused writes carrying secrets are not logged with them either.
	a.expect(a.do(a.owner, "PUT", dev+"channels/broken", `{"name":"","type":"email","service":"postmark","credentials":{"server_token":"`+credential+`"}}`), 400)
	a.expect(a.do(a.owner, "PUT", dev+"variables/bad-key", `{"value":"`+sensitive+`","sensitive":true}`), 400)

	doc := a.export("development")
	for _, s := range []string{"postmark", "api_token", "app_url", "#0A7CFF", credential, sensitive} {
		if strings.Contains(doc, s) {
			t.Errorf("the export carries %q:\n%s", s, doc)
		}
	}
	a.environment("staging")
	a.expect(a.do(a.owner, "POST", "/v1/environments/staging/promote", `{"from":"development"}`), 200)
	// copy_from seeds a new environment with the channels' definitions,
	// without credentials, and the variables that are not sensitive; its
	// answer lists what to supply. Nothing else of them travels.
	created := a.expect(a.do(a.owner, "POST", "/v1/environments", `{"slug":"qa","name":"QA","copy_from":"development"}`), 201)
	want := `"needs":[{"kind":"channel","key":"postmark","needs":"credentials"},{"kind":"variable","key":"api_token","needs":"value"}]`
	if !strings.Contains(string(created.body), want) {
		t.Errorf("the copy's answer does not list what it needs (%s): %s", want, created.body)
	}
	for _, env := range []string{"staging", "qa"} {
		base := "/v1/environments/" + env + "/"
		if got := a.expect(a.do(a.owner, "GET", base+"branding", ""), 200).json()["primary_color"]; got != nil {
			t.Errorf("%s got development's branding %v", env, got)
		}
		a.expect(a.do(a.owner, "GET", base+"variables/api_token", ""), 404)
	}
	a.expect(a.do(a.owner, "GET", "/v1/environments/staging/channels/postmark", ""), 404)
	a.expect(a.do(a.owner, "GET", "/v1/environments/staging/variables/app_url", ""), 404)
	qa := "/v1/environments/qa/"
	channel := a.expect(a.do(a.owner, "GET", qa+"channels/postmark", ""), 200).json()
	if channel["service"] != "postmark" || channel["needs_credentials"] != true {
		t.Errorf("the copied channel: %v", channel)
	}
	if got, err := a.srv.ChannelCredentials(context.Background(), "qa", "postmark"); err != nil || got != nil {
		t.Errorf("the copied channel holds credentials %q (%v)", got, err)
	}
	if got := a.expect(a.do(a.owner, "GET", qa+"variables/app_url", ""), 200).json()["value"]; got != "https://dev.example.com" {
		t.Errorf("the copied variable's value: %v", got)
	}
	// A write that supplies credentials clears the flag; one without keeps it.
	a.expect(a.do(a.owner, "PUT", qa+"channels/postmark", `{"name":"Postmark QA","type":"email","service":"postmark"}`), 200)
	if got := a.expect(a.do(a.owner, "GET", qa+"channels/postmark", ""), 200).json()["needs_credentials"]; got != true {
		t.Errorf("a write without credentials cleared needs_credentials: %v", got)
	}
	a.expect(a.do(a.owner, "PUT", qa+"channels/postmark", `{"name":"Postmark QA","type":"email","service":"postmark","credentials":{"server_token":"qa-token"}}`), 200)
	if got := a.expect(a.do(a.owner, "GET", qa+"channels/postmark", ""), 200).json()["needs_credentials"]; got != nil {
		t.Errorf("a write with credentials left needs_credentials: %v", got)
	}
	audit := string(a.expect(a.do(a.owner, "GET", "/v1/audit?environment=development", ""), 200).body)
	for _, kind := range []string{`"kind":"channel"`, `"kind":"variable"`, `"kind":"branding"`} {
		if !strings.Contains(audit, kind) {
			t.Errorf("the audit log has no %s entry: %s", kind, audit)
		}
	}
	for where, text := range map[string]string{"audit log": audit, "log": logs.String()} {
		for _, s := range []string{credential, sensitive} {
			if strings.Contains(text, s) {
				t.Errorf("the %s holds the secret %q", where, s)
			}
		}
	}
}
