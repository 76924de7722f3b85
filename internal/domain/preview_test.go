package domain

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func previewWorkflow() *Workflow {
	return &Workflow{
		Key: "welcome", Name: "Welcome", Categories: []string{"onboarding"},
		Steps: []Step{
			{Ref: "email", Channel: &ChannelStep{Type: "email", Key: "postmark",
				Subject: "Welcome to {{ tenant.name }}, {{ recipient.name }}",
				Body:    "Plan {{ tenant.properties.plan }} at {{ vars.app_url }} in {{ branding.primary_color }} on {{ branding.logo_url }}"}},
			{Ref: "wait", Delay: &DelayStep{Duration: "1d"}},
			{Ref: "digest", Batch: &BatchStep{Window: "5m"}},
			{Ref: "sms", Channel: &ChannelStep{Type: "sms", Key: "twilio", Body: "Hi {{ recipient.name }}"},
				Conditions: &Conditions{Rules: []Condition{{Variable: "recipient.phone", Operator: "not_empty"}}}},
		},
	}
}

func acme() *Tenant {
	return &Tenant{Key: "acme", Name: "Acme", Properties: JSONObject(`{"plan":"pro","seats":25}`),
		Branding:      &Branding{PrimaryColor: "#FF0000"},
		PreferenceSet: &PreferenceSet{ChannelTypes: map[string]bool{"sms": false}}}
}

func environmentBranding() *Branding {
	return &Branding{PrimaryColor: "#0A7CFF", LogoURL: "https://example.com/logo.png"}
}

func preview(t *testing.T, in PreviewInput) *WorkflowPreview {
	t.Helper()
	if in.Workflow == nil {
		in.Workflow = previewWorkflow()
	}
	p, err := PreviewWorkflow(in)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func stepOf(t *testing.T, p *WorkflowPreview, ref string) StepPreview {
	t.Helper()
	for _, s := range p.Steps {
		if s.Ref == ref {
			return s
		}
	}
	t.Fatalf("no step %q in %+v", ref, p.Steps)
	return StepPreview{}
}

func TestPreviewRendersWithTenantBrandingOverTheEnvironments(t *testing.T) {
	p := preview(t, PreviewInput{
		Request:   PreviewRequest{Recipient: JSONObject(`{"id":"ada","name":"Ada"}`), Tenant: "acme"},
		Tenant:    acme(),
		Branding:  environmentBranding(),
		Variables: []Variable{{Key: "app_url", Value: "https://dev.example.com"}},
	})
	email := stepOf(t, p, "email")
	if !p.Runs || !email.Runs || len(email.Errors) != 0 {
		t.Fatalf("email step %+v", email)
	}
	if got, want := email.Rendered["subject"], "Welcome to Acme, Ada"; got != want {
		t.Errorf("subject %q, want %q", got, want)
	}
	// The tenant's colour wins; the environment's logo fills the field
	// the tenant leaves empty.
	if got, want := email.Rendered["body"], "Plan pro at https://dev.example.com in #FF0000 on https://example.com/logo.png"; got != want {
		t.Errorf("body %q, want %q", got, want)
	}
	if p.Branding.PrimaryColor != "#FF0000" || p.Branding.LogoURL != "https://example.com/logo.png" || !p.TenantFound {
		t.Errorf("preview %+v", p)
	}
	if email.ChannelKey != "postmark" || email.ChannelType != "email" || email.Kind != "channel" {
		t.Errorf("email step %+v", email)
	}
}

func TestPreviewOfAMissingTenantIsAnEmptyTenant(t *testing.T) {
	for _, tenantKey := range []string{"not-yet", ""} {
		p := preview(t, PreviewInput{
			Request:  PreviewRequest{Recipient: JSONObject(`{"name":"Ada"}`), Tenant: tenantKey},
			Branding: environmentBranding(),
		})
		email := stepOf(t, p, "email")
		if p.TenantFound || !email.Runs {
			t.Fatalf("tenant %q: %+v", tenantKey, p)
		}
		if got, want := email.Rendered["body"], "Plan  at  in #0A7CFF on https://example.com/logo.png"; got != want {
			t.Errorf("tenant %q: body %q, want %q (the environment's branding alone)", tenantKey, got, want)
		}
	}
}

func TestPreviewConditions(t *testing.T) {
	rule := func(variable, operator, argument string) *Conditions {
		return &Conditions{Rules: []Condition{{Variable: variable, Operator: operator, Argument: argument}}}
	}
	request := PreviewRequest{
		Recipient: JSONObject(`{"name":"Ada","plan":"pro","tags":["beta","staff"],"phone":""}`),
		Tenant:    "acme",
		Data:      JSONObject(`{"amount":150,"ratio":0.5,"count":"9","sent_at":"2026-01-02T00:00:00Z","items":[{"sku":"a"}]}`),
	}
	for _, tc := range []struct {
		name       string
		conditions *Conditions
		runs       bool
		reason     string
	}{
		{"equal_to on the recipient", rule("recipient.plan", "equal_to", "pro"), true, `recipient.plan equal_to "pro" holds ("pro")`},
		{"equal_to that does not match", rule("recipient.plan", "equal_to", "free"), false, `recipient.plan equal_to "free" does not hold ("pro")`},
		{"not_equal_to", rule("recipient.plan", "not_equal_to", "free"), true, "holds"},
		{"greater_than on a number", rule("data.amount", "greater_than", "100"), true, "(150)"},
		{"less_than on a number", rule("data.amount", "less_than", "100"), false, "does not hold"},
		{"greater_than_or_equal_to at equality", rule("data.amount", "greater_than_or_equal_to", "150"), true, "holds"},
		{"less_than_or_equal_to on a fraction", rule("data.ratio", "less_than_or_equal_to", "0.5"), true, "holds"},
		{"digits in a string compare as a number", rule("data.count", "greater_than", "10"), false, "does not hold"},
		{"timestamps compare in time", rule("data.sent_at", "less_than", "2026-06-01T00:00:00Z"), true, "holds"},
		{"text has no order", rule("recipient.plan", "greater_than", "a"), false, "does not hold"},
		{"contains in a list", rule("recipient.tags", "contains", "beta"), true, "holds"},
		{"contains in text", rule("recipient.name", "contains", "Ad"), true, "holds"},
		{"not_contains", rule("recipient.tags", "not_contains", "beta"), false, "does not hold"},
		{"empty on an empty string", rule("recipient.phone", "empty", ""), true, "holds"},
		{"empty on a missing value", rule("recipient.email", "empty", ""), true, "(not set)"},
		{"not_empty on a missing value", rule("data.nothing.here", "not_empty", ""), false, "(not set)"},
		{"a list element by index", rule("data.items.0.sku", "equal_to", "a"), true, "holds"},
		{"the tenant's properties", rule("tenant.properties.plan", "equal_to", "pro"), true, "holds"},
		{"the tenant's name", rule("tenant.name", "equal_to", "Acme"), true, "holds"},
		{"a variable", rule("vars.region", "equal_to", "eu"), true, "holds"},
		{"all: the first failing rule decides", &Conditions{Match: "all", Rules: []Condition{
			{Variable: "recipient.plan", Operator: "equal_to", Argument: "pro"},
			{Variable: "data.amount", Operator: "greater_than", Argument: "1000"}}}, false, "data.amount greater_than"},
		{"any: the first holding rule decides", &Conditions{Match: "any", Rules: []Condition{
			{Variable: "recipient.plan", Operator: "equal_to", Argument: "free"},
			{Variable: "data.amount", Operator: "greater_than", Argument: "100"}}}, true, "data.amount greater_than"},
		{"any: none holds", &Conditions{Match: "any", Rules: []Condition{
			{Variable: "recipient.plan", Operator: "equal_to", Argument: "free"}}}, false, "no rule holds"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, at := range []string{"workflow", "step"} {
				wf := previewWorkflow()
				if at == "workflow" {
					wf.Conditions = tc.conditions
				} else {
					wf.Steps[0].Conditions = tc.conditions
				}
				p := preview(t, PreviewInput{Workflow: wf, Request: request, Tenant: acme(),
					Variables: []Variable{{Key: "region", Value: "eu"}}})
				email := stepOf(t, p, "email")
				reason := email.Reason
				if at == "workflow" {
					reason = p.Reason
					if p.Runs != tc.runs {
						t.Errorf("workflow runs=%v, want %v (%s)", p.Runs, tc.runs, p.Reason)
					}
				}
				if email.Runs != tc.runs || !strings.Contains(reason, tc.reason) {
					t.Errorf("%s conditions: email runs=%v reason %q, want %v and %q", at, email.Runs, reason, tc.runs, tc.reason)
				}
			}
		})
	}
}

func TestPreviewPreferences(t *testing.T) {
	for _, tc := range []struct {
		name      string
		recipient string
		defaults  *PreferenceSet
		emailRuns bool
		smsRuns   bool
		reason    string
	}{
		{"the tenant's default stops sms", `{"phone":"+100"}`, &PreferenceSet{ChannelTypes: map[string]bool{"sms": false}},
			true, false, `opted out of sms messages (the tenant's default)`},
		{"the recipient's preference overrides the tenant's default", `{"phone":"+100","preferences":{"channel_types":{"sms":true}}}`,
			&PreferenceSet{ChannelTypes: map[string]bool{"sms": false}}, true, true, ""},
		{"the recipient opts out of a channel type", `{"phone":"+100","preferences":{"channel_types":{"email":false}}}`, nil,
			false, true, `opted out of email messages (the recipient's preference)`},
		{"a category opted out stops every channel step", `{"phone":"+100","preferences":{"categories":{"onboarding":false}}}`, nil,
			false, false, `opted out of category "onboarding" (the recipient's preference)`},
		{"the recipient opts back into a category the tenant opts out of", `{"phone":"+100","preferences":{"categories":{"onboarding":true}}}`,
			&PreferenceSet{Categories: map[string]bool{"onboarding": false}}, true, true, ""},
		{"the workflow opted out", `{"phone":"+100"}`, &PreferenceSet{Workflows: map[string]bool{"welcome": false}},
			false, false, `opted out of workflow "welcome" (the tenant's default)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tenant := &Tenant{Key: "acme", Name: "Acme", PreferenceSet: tc.defaults}
			p := preview(t, PreviewInput{Request: PreviewRequest{Recipient: JSONObject(tc.recipient), Tenant: "acme"}, Tenant: tenant})
			email, sms := stepOf(t, p, "email"), stepOf(t, p, "sms")
			if email.Runs != tc.emailRuns || sms.Runs != tc.smsRuns {
				t.Fatalf("email runs=%v (%s), sms runs=%v (%s); want %v, %v", email.Runs, email.Reason, sms.Runs, sms.Reason, tc.emailRuns, tc.smsRuns)
			}
			if tc.reason != "" && !strings.Contains(email.Reason+sms.Reason, tc.reason) {
				t.Errorf("reasons %q / %q, want %q", email.Reason, sms.Reason, tc.reason)
			}
			// Preferences stop steps, not the delay or batch between them.
			if !stepOf(t, p, "wait").Runs || !stepOf(t, p, "digest").Runs {
				t.Error("a preference stopped a step that sends nothing")
			}
		})
	}
	p := preview(t, PreviewInput{Request: PreviewRequest{Recipient: JSONObject(`{"preferences":{"channel_types":{"sms":true}}}`), Tenant: "acme"}, Tenant: acme()})
	if !p.Preferences.ChannelTypes["sms"] {
		t.Errorf("merged preferences %+v: the recipient's sms=true must win", p.Preferences)
	}
}

func TestPreviewDelaysAndBatchesRunUnrendered(t *testing.T) {
	wf := previewWorkflow()
	wf.Steps = append(wf.Steps,
		Step{Ref: "until", Delay: &DelayStep{UntilFieldPath: "data.send_at"}},
		Step{Ref: "cap", Throttle: &ThrottleStep{Limit: 1, Window: "1h"}},
		Step{Ref: "lookup", Fetch: &FetchStep{Method: "GET", URL: "https://example.com/x"}})
	p := preview(t, PreviewInput{Workflow: wf, Request: PreviewRequest{Recipient: JSONObject(`{"name":"Ada"}`)}})
	for ref, want := range map[string]string{
		"wait": "waits 1d (a preview does not wait)", "until": "waits until data.send_at", "digest": "collects triggers for 5m",
		"cap": "lets 1 runs through per 1h", "lookup": "fetches GET https://example.com/x (not called by a preview)",
	} {
		s := stepOf(t, p, ref)
		if !s.Runs || !strings.Contains(s.Reason, want) || s.Rendered != nil || s.ChannelKey != "" {
			t.Errorf("step %s: %+v, want running, unrendered, reason %q", ref, s, want)
		}
	}
	if s := stepOf(t, p, "sms"); s.Runs || !strings.Contains(s.Reason, "recipient.phone not_empty does not hold (not set)") {
		t.Errorf("sms step %+v", s)
	}
}

func TestPreviewReportsTemplateErrorsPerStep(t *testing.T) {
	wf := previewWorkflow()
	wf.Steps[0].Channel.Subject = "{% if recipient.name %}unclosed"
	wf.Steps[3].Channel.Body = "{{ recipient.name | no_such_filter }}"
	wf.Steps = append(wf.Steps, Step{Ref: "inapp", Channel: &ChannelStep{Type: "in_app_feed", Key: "feed", Body: "{% include '/etc/passwd' %}"}})
	p := preview(t, PreviewInput{Workflow: wf, Request: PreviewRequest{Recipient: JSONObject(`{"name":"Ada","phone":"+1"}`)}})
	email := stepOf(t, p, "email")
	if !strings.Contains(email.Errors["subject"], `unterminated "if" block`) || email.Rendered["body"] == "" {
		t.Errorf("email: %+v; want the subject's error and the body rendered", email)
	}
	if sms := stepOf(t, p, "sms"); !strings.Contains(sms.Errors["body"], "no_such_filter") {
		t.Errorf("sms: %+v", sms)
	}
	if inapp := stepOf(t, p, "inapp"); !strings.Contains(inapp.Errors["body"], "include is not available") || inapp.Rendered["body"] != "" {
		t.Errorf("include must not read the server's files: %+v", inapp)
	}
	wf.Steps[0].Channel.Body = "{% for i in (1..2000) %}{{ data.kb }}{% endfor %}"
	p = preview(t, PreviewInput{Workflow: wf, Request: PreviewRequest{Data: JSONObject(`{"kb":"` + strings.Repeat("x", 1024) + `"}`)}})
	if got := stepOf(t, p, "email").Errors["body"]; !strings.Contains(got, "longer than 1 MiB") {
		t.Errorf("an oversized rendering: %q", got)
	}
}

func TestPreviewNeverShowsASensitiveVariable(t *testing.T) {
	const secret = "s3cr3t-token"
	wf := previewWorkflow()
	wf.Steps[0].Channel.Body = "key {{ vars.api_token }} {{ vars.api_token | upcase }} {{ vars.api_token | size }}"
	wf.Conditions = &Conditions{Rules: []Condition{{Variable: "vars.api_token", Operator: "not_equal_to", Argument: "anything"}}}
	p := preview(t, PreviewInput{Workflow: wf, Request: PreviewRequest{Recipient: JSONObject(`{}`)},
		Variables: []Variable{{Key: "api_token", Value: secret, Sensitive: true}}})
	body := stepOf(t, p, "email").Rendered["body"]
	if want := "key [sensitive] [SENSITIVE] 11"; body != want {
		t.Errorf("body %q, want %q", body, want)
	}
	if !strings.Contains(p.Reason, "a sensitive variable") {
		t.Errorf("reason %q", p.Reason)
	}
	if got := mustJSON(t, p); strings.Contains(got, secret) || strings.Contains(got, strings.ToUpper(secret)) {
		t.Errorf("the preview holds the secret: %s", got)
	}
}

func TestPreviewOfAnInactiveWorkflow(t *testing.T) {
	wf := previewWorkflow()
	off := false
	wf.Active = &off
	p := preview(t, PreviewInput{Workflow: wf})
	if p.Runs || stepOf(t, p, "email").Runs || !strings.Contains(p.Reason, "inactive") {
		t.Errorf("%+v", p)
	}
	if stepOf(t, p, "email").Rendered["subject"] == "" {
		t.Error("a step that does not run is still rendered")
	}
}

func TestPreviewRefusesMalformedInput(t *testing.T) {
	for _, tc := range []struct {
		name  string
		req   PreviewRequest
		field string
	}{
		{"recipient not an object", PreviewRequest{Recipient: JSONObject(`[1]`)}, "recipient"},
		{"data not an object", PreviewRequest{Data: JSONObject(`"x"`)}, "data"},
		{"preferences of the wrong shape", PreviewRequest{Recipient: JSONObject(`{"preferences":{"channel_types":{"sms":"no"}}}`)}, "recipient.preferences"},
		{"an unknown preference section", PreviewRequest{Recipient: JSONObject(`{"preferences":{"channel":{}}}`)}, "recipient.preferences"},
		{"a malformed tenant key", PreviewRequest{Tenant: "a b"}, "tenant"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := PreviewWorkflow(PreviewInput{Workflow: previewWorkflow(), Request: tc.req})
			var de *Error
			if !errors.As(err, &de) || de.Code != CodeValidation || de.Details[0].Field != tc.field {
				t.Errorf("got %v, want a validation error on %s", err, tc.field)
			}
		})
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
