package domain

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// problemFields are the fields problems name, for table tests.
func problemFields(p Problems) []string {
	fields := make([]string, len(p))
	for i, fe := range p {
		fields[i] = fe.Field
	}
	return fields
}

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

func TestVariableValidate(t *testing.T) {
	for _, key := range []string{"app_url", "_x", "A1"} {
		if p := (&Variable{Key: key, Value: "v"}).Validate(); len(p) > 0 {
			t.Errorf("%q: %v", key, p)
		}
	}
	cases := map[string]struct {
		v     Variable
		field string
	}{
		"dash in key":      {Variable{Key: "app-url"}, "key"},
		"digit first":      {Variable{Key: "1st"}, "key"},
		"dot in key":       {Variable{Key: "app.url"}, "key"},
		"empty key":        {Variable{Key: ""}, "key"},
		"long value":       {Variable{Key: "k", Value: strings.Repeat("é", MaxVariableValueLength+1)}, "value"},
		"invalid UTF-8":    {Variable{Key: "k", Value: "\xff"}, "value"},
		"long description": {Variable{Key: "k", Description: strings.Repeat("d", MaxDescriptionLength+1)}, "description"},
	}
	for name, c := range cases {
		if p := c.v.Validate(); !slices.Contains(problemFields(p), c.field) {
			t.Errorf("%s: no problem at %s: %v", name, c.field, p)
		}
	}
}

func TestCheckVariableWrite(t *testing.T) {
	plain := &Variable{Key: "k", Value: "v"}
	secret := &Variable{Key: "k", Sensitive: true}
	cases := []struct {
		name      string
		old, next *Variable
		refused   bool
	}{
		{"create plain", nil, &Variable{Key: "k", Value: "v"}, false},
		{"create plain empty", nil, &Variable{Key: "k"}, false},
		{"create sensitive with value", nil, &Variable{Key: "k", Value: "s", Sensitive: true}, false},
		{"create sensitive without value", nil, &Variable{Key: "k", Sensitive: true}, true},
		{"keep sensitive value", secret, &Variable{Key: "k", Sensitive: true, Description: "new"}, false},
		{"seal without value", plain, &Variable{Key: "k", Sensitive: true}, true},
		{"seal with value", plain, &Variable{Key: "k", Value: "s", Sensitive: true}, false},
		{"publish without value", secret, &Variable{Key: "k"}, true},
		{"publish with value", secret, &Variable{Key: "k", Value: "v"}, false},
	}
	for _, c := range cases {
		p := CheckVariableWrite(c.old, c.next)
		if got := len(p) > 0; got != c.refused {
			t.Errorf("%s: refused %t, want %t (%v)", c.name, got, c.refused, p)
		}
		if len(p) > 0 && p[0].Field != "value" {
			t.Errorf("%s: problem names %q, want value", c.name, p[0].Field)
		}
	}
}

func TestBrandingValidate(t *testing.T) {
	good := Branding{PrimaryColor: "#0A7CFF", PrimaryColorContrast: "#fff", LogoURL: "https://cdn.example.com/logo.png", IconURL: "http://cdn.example.com/i.png"}
	if p := good.Validate(); len(p) > 0 {
		t.Fatalf("valid branding has problems: %v", p)
	}
	bad := Branding{PrimaryColor: "blue", PrimaryColorContrast: "#12345", LogoURL: "logo.png", IconURL: "ftp://cdn.example.com/i.png"}
	got := problemFields(bad.Validate())
	slices.Sort(got)
	if want := []string{"icon_url", "logo_url", "primary_color", "primary_color_contrast"}; !slices.Equal(got, want) {
		t.Errorf("problems at %v, want %v", got, want)
	}
	// A tenant names the same problems under branding.
	tp := problemFields((&Tenant{Key: "acme", Branding: &bad}).Validate())
	if !slices.Contains(tp, "branding.primary_color") || !slices.Contains(tp, "branding.icon_url") {
		t.Errorf("tenant problems at %v", tp)
	}
}

func TestEffectiveBranding(t *testing.T) {
	env := &Branding{PrimaryColor: "#111111", PrimaryColorContrast: "#FFFFFF", LogoURL: "https://env.example.com/logo.png"}
	cases := []struct {
		name        string
		environment *Branding
		tenant      *Branding
		want        Branding
	}{
		{"neither", nil, nil, Branding{}},
		{"environment only", env, nil, *env},
		{"tenant only", nil, &Branding{IconURL: "https://t.example.com/i.png"}, Branding{IconURL: "https://t.example.com/i.png"}},
		{"empty tenant keeps the environment", env, &Branding{}, *env},
		{"tenant overrides one field", env, &Branding{PrimaryColor: "#FF0000"},
			Branding{PrimaryColor: "#FF0000", PrimaryColorContrast: "#FFFFFF", LogoURL: "https://env.example.com/logo.png"}},
		{"tenant adds a field the environment lacks", env, &Branding{IconURL: "https://t.example.com/i.png"},
			Branding{PrimaryColor: "#111111", PrimaryColorContrast: "#FFFFFF", LogoURL: "https://env.example.com/logo.png", IconURL: "https://t.example.com/i.png"}},
		{"tenant overrides every field", env, &Branding{PrimaryColor: "#000", PrimaryColorContrast: "#EEE", LogoURL: "https://t.example.com/l.png", IconURL: "https://t.example.com/i.png"},
			Branding{PrimaryColor: "#000", PrimaryColorContrast: "#EEE", LogoURL: "https://t.example.com/l.png", IconURL: "https://t.example.com/i.png"}},
	}
	for _, c := range cases {
		if got := EffectiveBranding(c.environment, c.tenant); got != c.want {
			t.Errorf("%s: %+v, want %+v", c.name, got, c.want)
		}
	}
	if env.PrimaryColor != "#111111" {
		t.Error("merging changed the environment's branding")
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
	doc := &ConfigDocument{SourceEnvironment: "development", Workflows: []Workflow{
		{Key: "welcome", Steps: []Step{{Ref: "email", Channel: &ChannelStep{Type: "email", Key: "postmark", Subject: "s", Body: "b"}}}},
		{Key: "digest", Steps: []Step{{Ref: "wait", Delay: &DelayStep{Duration: "1h"}}}},
	}}
	target := ImportTarget{
		Environment: "staging",
		Current:     &ConfigDocument{},
		// Development runs both: the promotion rule accepts them.
		Promotion: func(key string) (Promotion, error) {
			below := &doc.Workflows[0]
			if key == "digest" {
				below = &doc.Workflows[1]
			}
			return Promotion{Key: key, Environment: "staging", Order: []string{"development", "staging", "production"}, BelowEnvironment: "development",
				Below: &WorkflowHead{Environment: "development", SHA: WorkflowSHA(below)}, Origin: "development"}, nil
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
