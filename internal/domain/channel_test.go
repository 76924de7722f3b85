package domain

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func validChannel() *Channel {
	return &Channel{Key: "postmark", Name: "Postmark", Type: "email", Service: "postmark",
		Settings: map[string]string{"from_address": "hello@example.com", "sandbox": "true"}, Credentials: JSONObject(`{"server_token":"pm-secret"}`)}
}

func TestChannelValidate(t *testing.T) {
	if p := validChannel().Validate(); len(p) > 0 {
		t.Fatalf("a valid channel has problems: %v", p)
	}
	cases := map[string]struct {
		mutate func(*Channel)
		field  string
	}{
		"bad key":             {func(c *Channel) { c.Key = "-x" }, "key"},
		"no name":             {func(c *Channel) { c.Name = " " }, "name"},
		"unknown type":        {func(c *Channel) { c.Type = "pigeon" }, "type"},
		"http is a step type": {func(c *Channel) { c.Type = "http" }, "type"},
		"no service":          {func(c *Channel) { c.Service = "" }, "service"},
		"service shape":       {func(c *Channel) { c.Service = "Post Mark" }, "service"},
		"setting name":        {func(c *Channel) { c.Settings["from address"] = "x" }, "settings"},
		"setting control":     {func(c *Channel) { c.Settings["sandbox"] = "a\x00b" }, "settings.sandbox"},
		"credentials array":   {func(c *Channel) { c.Credentials = JSONObject(`["pm-secret"]`) }, "credentials"},
		"credentials size": {func(c *Channel) {
			c.Credentials = JSONObject(`{"k":"` + strings.Repeat("x", MaxChannelCredentialSize) + `"}`)
		}, "credentials"},
	}
	for name, c := range cases {
		ch := validChannel()
		c.mutate(ch)
		p := ch.Validate()
		if !slices.Contains(problemFields(p), c.field) {
			t.Errorf("%s: no problem at %s: %v", name, c.field, p)
		}
		if strings.Contains(p.Err().Error(), "pm-secret") {
			t.Errorf("%s: a problem repeats the credentials: %v", name, p)
		}
	}
}

func TestCheckChannelUses(t *testing.T) {
	channels := map[string]string{"postmark": "email", "twilio": "sms", "feed": "in_app_feed"}
	typeOf := func(key string) (string, bool) { t, ok := channels[key]; return t, ok }
	cases := []struct {
		name  string
		uses  []ChannelUse
		field string
		says  []string
	}{
		{"none", nil, "", nil},
		{"matching", []ChannelUse{{"steps[0].channel.key", "email", "postmark"}, {"steps[1].channel.key", "in_app_feed", "feed"}}, "", nil},
		{"missing", []ChannelUse{{"steps[1].channel.key", "email", "sendgrid"}}, "steps[1].channel.key", []string{`"sendgrid"`, "staging", "create an email channel"}},
		{"another type", []ChannelUse{{"steps[0].channel.key", "email", "twilio"}}, "steps[0].channel.key", []string{`"twilio"`, "an sms channel, not email", "staging"}},
		{"http", []ChannelUse{{"steps[0].channel.key", "http", "postmark"}}, "steps[0].channel.key", []string{"no channel has type http", "fetch step"}},
		{"guide field", []ChannelUse{{"channel_key", "in_app_feed", "banner"}}, "channel_key", []string{`"banner"`, "an in_app_feed channel"}},
		// Left to the object's own validation, which names the field already.
		{"empty key", []ChannelUse{{"steps[0].channel.key", "email", ""}}, "", nil},
		{"unknown type", []ChannelUse{{"steps[0].channel.key", "pigeon", "postmark"}}, "", nil},
	}
	for _, c := range cases {
		p := CheckChannelUses("staging", c.uses, typeOf)
		if c.field == "" {
			if len(p) > 0 {
				t.Errorf("%s: refused: %v", c.name, p)
			}
			continue
		}
		if len(p) != 1 || p[0].Field != c.field {
			t.Errorf("%s: problems %v, want one at %s", c.name, p, c.field)
			continue
		}
		for _, s := range c.says {
			if !strings.Contains(p[0].Message, s) {
				t.Errorf("%s: %q does not say %q", c.name, p[0].Message, s)
			}
		}
	}
}

func TestWorkflowChannelUses(t *testing.T) {
	w := validWorkflow()
	w.Steps = append(w.Steps, Step{Ref: "sms", Channel: &ChannelStep{Type: "sms", Key: "twilio", Body: "b"}}, Step{Ref: "again", Channel: &ChannelStep{Type: "email", Key: "postmark", Subject: "s", Body: "b"}})
	want := []ChannelUse{{"steps[4].channel.key", "email", "postmark"}, {"steps[5].channel.key", "sms", "twilio"}, {"steps[6].channel.key", "email", "postmark"}}
	if got := w.ChannelUses(); !slices.Equal(got, want) {
		t.Errorf("uses %v, want %v", got, want)
	}
	refs := ChannelRefs(w.ChannelUses())
	if len(refs) != 2 || refs[0].Key != "postmark" || refs[1].Key != "twilio" || refs[0].Kind != KindChannel {
		t.Errorf("refs %v: want one per channel", refs)
	}
}

// An import refuses, with the promotion rule's refusals, every workflow
// whose channels the target lacks, naming each under its document field.
func TestPlanImportRefusesWorkflowsWithoutTheirChannels(t *testing.T) {
	doc := &ConfigDocument{FormatVersion: ConfigFormatVersion, SourceEnvironment: "development", Workflows: []Workflow{
		{Key: "welcome", Steps: []Step{{Ref: "email", Channel: &ChannelStep{Type: "email", Key: "postmark", Subject: "s", Body: "b"}}}},
		{Key: "digest", Steps: []Step{{Ref: "wait", Delay: &DelayStep{Duration: "1h"}}}},
	}}
	target := ImportTarget{
		Environment: "staging",
		Current:     &ConfigDocument{},
		// Development runs both: the promotion rule accepts them.
		Promotion: func(kind Kind, key string) (Promotion, error) {
			below := &doc.Workflows[0]
			if key == "digest" {
				below = &doc.Workflows[1]
			}
			return NewPromotion(kind, key, "staging", []string{"development", "staging", "production"}, false,
				[]VersionHead{{Environment: "development", SHA: ContentSHA(below), OriginEnvironment: "development"}}), nil
		},
		Channels: func(obj ChannelUser) (Problems, error) {
			return CheckChannelUses("staging", obj.ChannelUses(), func(string) (string, bool) { return "", false }), nil
		},
	}
	_, err := PlanImport(target, doc, false)
	var refused *Error
	if !errors.As(err, &refused) || refused.Code != CodeConflict {
		t.Fatalf("want a conflict, got %v", err)
	}
	var fields []string
	for _, d := range refused.Details {
		fields = append(fields, d.Field)
	}
	if !slices.Contains(fields, "workflows[0].steps[0].channel.key") || slices.Contains(fields, "workflows[1]") {
		t.Errorf("refusals at %v: want the welcome workflow's channel step", fields)
	}
}

// A guide shows through an in-app channel of the environment written: an
// import refuses a guide whose channel_key names no channel there, or a
// channel of another type, under the guide's document field.
func TestPlanImportRefusesGuidesWithoutTheirInAppChannel(t *testing.T) {
	channels := map[string]string{"in-app": GuideChannelType, "postmark": "email"}
	for name, tc := range map[string]struct {
		channelKey string
		refused    bool
	}{
		"in-app channel":  {"in-app", false},
		"missing channel": {"feed", true},
		"email channel":   {"postmark", true},
	} {
		t.Run(name, func(t *testing.T) {
			g := validGuide()
			g.ChannelKey = tc.channelKey
			doc := &ConfigDocument{FormatVersion: ConfigFormatVersion, SourceEnvironment: "development", Guides: []Guide{*g}}
			target := ImportTarget{
				Environment: "staging",
				Current:     &ConfigDocument{},
				Promotion: func(kind Kind, key string) (Promotion, error) {
					return NewPromotion(kind, key, "staging", []string{"development", "staging", "production"}, false,
						[]VersionHead{{Environment: "development", SHA: ContentSHA(&doc.Guides[0]), OriginEnvironment: "development"}}), nil
				},
				Channels: func(obj ChannelUser) (Problems, error) {
					return CheckChannelUses("staging", obj.ChannelUses(), func(key string) (string, bool) {
						typ, ok := channels[key]
						return typ, ok
					}), nil
				},
			}
			_, err := PlanImport(target, doc, false)
			if !tc.refused {
				if err != nil {
					t.Fatalf("want the import planned, got %v", err)
				}
				return
			}
			var refused *Error
			if !errors.As(err, &refused) || refused.Code != CodeConflict {
				t.Fatalf("want a conflict, got %v", err)
			}
			if len(refused.Details) != 1 || refused.Details[0].Field != "guides[0].channel_key" || !strings.Contains(refused.Details[0].Message, tc.channelKey) {
				t.Errorf("refusals %v: want guides[0].channel_key naming %q", refused.Details, tc.channelKey)
			}
		})
	}
}
