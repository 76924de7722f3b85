package domain

import (
	"slices"
	"strings"
	"testing"
)

func validChannelGroup() *ChannelGroup {
	return &ChannelGroup{Key: "chat-fallback", Name: "Chat fallback", ChannelType: "chat", Operator: "any", ChannelRules: []ChannelRule{
		{ChannelKey: "slack", RuleType: "if", Conditions: &Conditions{Rules: []Condition{{Variable: "recipient.plan", Operator: "equal_to", Argument: "enterprise"}}}},
		{ChannelKey: "teams", RuleType: "always"},
	}}
}

func TestChannelGroupValidate(t *testing.T) {
	if p := validChannelGroup().Validate(); len(p) > 0 {
		t.Fatalf("a valid channel group has problems: %v", p)
	}
	cases := map[string]struct {
		mutate func(*ChannelGroup)
		field  string
	}{
		"bad key":               {func(g *ChannelGroup) { g.Key = "-x" }, "key"},
		"no name":               {func(g *ChannelGroup) { g.Name = "" }, "name"},
		"http type":             {func(g *ChannelGroup) { g.ChannelType = "http" }, "channel_type"},
		"operator":              {func(g *ChannelGroup) { g.Operator = "first" }, "operator"},
		"no rules":              {func(g *ChannelGroup) { g.ChannelRules = nil }, "channel_rules"},
		"rule channel key":      {func(g *ChannelGroup) { g.ChannelRules[1].ChannelKey = "" }, "channel_rules[1].channel_key"},
		"channel twice":         {func(g *ChannelGroup) { g.ChannelRules[1].ChannelKey = "slack" }, "channel_rules[1].channel_key"},
		"rule type":             {func(g *ChannelGroup) { g.ChannelRules[0].RuleType = "when" }, "channel_rules[0].rule_type"},
		"if without conditions": {func(g *ChannelGroup) { g.ChannelRules[0].Conditions = nil }, "channel_rules[0].conditions"},
		"unless without":        {func(g *ChannelGroup) { g.ChannelRules[1].RuleType = "unless" }, "channel_rules[1].conditions"},
		"always with conditions": {func(g *ChannelGroup) {
			g.ChannelRules[1].Conditions = g.ChannelRules[0].Conditions
		}, "channel_rules[1].conditions"},
		"condition operator": {func(g *ChannelGroup) { g.ChannelRules[0].Conditions.Rules[0].Operator = "like" }, "channel_rules[0].conditions.rules[0].operator"},
	}
	for name, c := range cases {
		g := validChannelGroup()
		c.mutate(g)
		if p := g.Validate(); !slices.Contains(problemFields(p), c.field) {
			t.Errorf("%s: no problem at %s: %v", name, c.field, p)
		}
	}
}

func TestChannelGroupUsesItsChannels(t *testing.T) {
	g := validChannelGroup()
	channels := map[string]string{"slack": "chat", "teams": "email"}
	p := CheckChannelUses("staging", g.ChannelUses(), func(key string) (string, bool) { t, ok := channels[key]; return t, ok })
	if len(p) != 1 || p[0].Field != "channel_rules[1].channel_key" || !strings.Contains(p[0].Message, "an email channel, not chat") {
		t.Fatalf("problems %v, want one naming channel_rules[1].channel_key", p)
	}
	refs := g.References()
	if len(refs) != 2 || refs[1] != (Ref{Kind: KindChannel, Key: "teams", Field: "channel_rules[1].channel_key"}) {
		t.Fatalf("references %v", refs)
	}
}

func TestChannelStepNamesChannelOrGroup(t *testing.T) {
	step := func(key, group string) Step {
		return Step{Ref: "chat", Channel: &ChannelStep{Type: "chat", Key: key, ChannelGroupKey: group, Body: "Hi"}}
	}
	cases := []struct {
		name  string
		step  Step
		field string
	}{
		{"channel", step("slack", ""), ""},
		{"group", step("", "chat-fallback"), ""},
		{"both", step("slack", "chat-fallback"), "steps[0].channel.channel_group_key"},
		{"neither", step("", ""), "steps[0].channel"},
		{"bad group key", step("", "-x"), "steps[0].channel.channel_group_key"},
	}
	for _, c := range cases {
		w := &Workflow{Key: "welcome", Name: "Welcome", Steps: []Step{c.step}}
		fields := problemFields(w.Validate())
		if c.field == "" && len(fields) > 0 || c.field != "" && !slices.Contains(fields, c.field) {
			t.Errorf("%s: problems at %v, want %q", c.name, fields, c.field)
		}
	}
	w := &Workflow{Key: "welcome", Name: "Welcome", Steps: []Step{step("slack", ""), step("", "chat-fallback")}}
	uses := w.ChannelGroupUses()
	if len(uses) != 1 || uses[0] != (ChannelUse{Field: "steps[1].channel.channel_group_key", Type: "chat", Key: "chat-fallback"}) {
		t.Fatalf("group uses %v", uses)
	}
	refs := w.References()
	if !slices.Contains(refs, Ref{Kind: KindChannelGroup, Key: "chat-fallback", Field: "steps[1].channel.channel_group_key"}) || slices.ContainsFunc(refs, func(r Ref) bool { return r.Key == "" }) {
		t.Fatalf("references %v", refs)
	}
}

func TestCheckChannelGroupUses(t *testing.T) {
	groups := map[string]string{"chat-fallback": "chat"}
	typeOf := func(key string) (string, bool) { t, ok := groups[key]; return t, ok }
	cases := []struct {
		name string
		use  ChannelUse
		says string
	}{
		{"matching", ChannelUse{"steps[0].channel.channel_group_key", "chat", "chat-fallback"}, ""},
		{"missing", ChannelUse{"steps[0].channel.channel_group_key", "chat", "urgent"}, `create a chat channel group "urgent"`},
		{"another type", ChannelUse{"steps[0].channel.channel_group_key", "email", "chat-fallback"}, "groups chat channels, not email"},
		{"http", ChannelUse{"steps[0].channel.channel_group_key", "http", "chat-fallback"}, "no channel group has type http"},
	}
	for _, c := range cases {
		p := CheckChannelGroupUses("staging", []ChannelUse{c.use}, typeOf)
		switch {
		case c.says == "" && len(p) > 0:
			t.Errorf("%s: refused: %v", c.name, p)
		case c.says != "" && (len(p) != 1 || p[0].Field != c.use.Field || !strings.Contains(p[0].Message, c.says)):
			t.Errorf("%s: problems %v, want one at %s saying %q", c.name, p, c.use.Field, c.says)
		}
	}
}
