package domain

import (
	"strings"
	"testing"
)

func validGuide() *Guide {
	return &Guide{
		Key:                   "spring-launch",
		Name:                  "Spring launch",
		Type:                  "modal",
		ChannelKey:            "in-app",
		Content:               GuideContent{Title: "New: projects", Body: "Hello {{ recipient.name }}", ButtonText: "Try it", ButtonURL: "https://app.example.com/projects", ImageURL: "https://cdn.example.com/launch.png"},
		ActivationURLPatterns: []string{"/dashboard", "/projects/*/settings", "/docs/**"},
		Audience:              &Conditions{Rules: []Condition{{Variable: "recipient.plan", Operator: "equal_to", Argument: "pro"}}},
		Priority:              10,
	}
}

func TestGuideValidate(t *testing.T) {
	if p := validGuide().Validate(); len(p) > 0 {
		t.Fatalf("a valid guide has problems: %v", p)
	}
	cases := map[string]struct {
		mutate func(*Guide)
		field  string
	}{
		"short key":                 {func(g *Guide) { g.Key = "ab" }, "key"},
		"no name":                   {func(g *Guide) { g.Name = " " }, "name"},
		"long description":          {func(g *Guide) { g.Description = strings.Repeat("x", MaxGuideDescription+1) }, "description"},
		"unknown type":              {func(g *Guide) { g.Type = "toast" }, "type"},
		"no type":                   {func(g *Guide) { g.Type = "" }, "type"},
		"no channel key":            {func(g *Guide) { g.ChannelKey = "" }, "channel_key"},
		"bad channel key":           {func(g *Guide) { g.ChannelKey = "in app" }, "channel_key"},
		"modal without title":       {func(g *Guide) { g.Content.Title = "" }, "content.title"},
		"modal without body":        {func(g *Guide) { g.Content.Body = "" }, "content.body"},
		"banner without body":       {func(g *Guide) { g.Type, g.Content.Body = "banner", "" }, "content.body"},
		"paywall without button":    {func(g *Guide) { g.Type, g.Content.ButtonText, g.Content.ButtonURL = "paywall", "", "" }, "content.button_text"},
		"button text without url":   {func(g *Guide) { g.Content.ButtonURL = "" }, "content.button_url"},
		"button url without text":   {func(g *Guide) { g.Content.ButtonText = "" }, "content.button_text"},
		"relative button url":       {func(g *Guide) { g.Content.ButtonURL = "/projects" }, "content.button_url"},
		"relative image url":        {func(g *Guide) { g.Content.ImageURL = "launch.png" }, "content.image_url"},
		"long body":                 {func(g *Guide) { g.Content.Body = strings.Repeat("x", MaxGuideBody+1) }, "content.body"},
		"control character title":   {func(g *Guide) { g.Content.Title = "a\x1bb" }, "content.title"},
		"pattern without slash":     {func(g *Guide) { g.ActivationURLPatterns = []string{"dashboard"} }, "activation_url_patterns"},
		"pattern with query":        {func(g *Guide) { g.ActivationURLPatterns = []string{"/search?q=1"} }, "activation_url_patterns"},
		"pattern, absolute URL":     {func(g *Guide) { g.ActivationURLPatterns = []string{"https://app.example.com/x"} }, "activation_url_patterns"},
		"pattern, ** in the middle": {func(g *Guide) { g.ActivationURLPatterns = []string{"/docs/**/edit"} }, "activation_url_patterns"},
		"pattern, partial *":        {func(g *Guide) { g.ActivationURLPatterns = []string{"/projects/p*"} }, "activation_url_patterns"},
		"pattern, dot segment":      {func(g *Guide) { g.ActivationURLPatterns = []string{"/a/../admin"} }, "activation_url_patterns"},
		"pattern, empty segment":    {func(g *Guide) { g.ActivationURLPatterns = []string{"/a//b"} }, "activation_url_patterns"},
		"too many patterns":         {func(g *Guide) { g.ActivationURLPatterns = make([]string, MaxActivationPatterns+1) }, "activation_url_patterns"},
		"audience operator":         {func(g *Guide) { g.Audience.Rules[0].Operator = "like" }, "audience.rules[0].operator"},
		"audience without rules":    {func(g *Guide) { g.Audience.Rules = nil }, "audience.rules"},
		"audience argument":         {func(g *Guide) { g.Audience.Rules[0].Argument = "" }, "audience.rules[0].argument"},
		"negative priority":         {func(g *Guide) { g.Priority = -1 }, "priority"},
	}
	for name, c := range cases {
		g := validGuide()
		c.mutate(g)
		found := false
		for _, p := range g.Validate() {
			if p.Field == c.field {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: no problem at %s: %v", name, c.field, g.Validate())
		}
	}
}

// Each type accepts the content it needs and nothing more is required.
func TestGuideContentNeeds(t *testing.T) {
	for _, typ := range GuideTypes {
		needs, ok := GuideContentNeeds[typ]
		if !ok {
			t.Errorf("type %s has no entry in GuideContentNeeds", typ)
			continue
		}
		g := validGuide()
		g.Type, g.Content = typ, GuideContent{}
		got := map[string]bool{}
		for _, p := range g.Validate() {
			got[p.Field] = true
		}
		for _, field := range needs {
			if !got["content."+field] {
				t.Errorf("a %s without %s is accepted", typ, field)
			}
		}
		g.Content = validGuide().Content
		if p := g.Validate(); len(p) > 0 {
			t.Errorf("a %s with full content has problems: %v", typ, p)
		}
	}
	if len(GuideContentNeeds) != len(GuideTypes) {
		t.Errorf("GuideContentNeeds has %d types, GuideTypes %d", len(GuideContentNeeds), len(GuideTypes))
	}
}

func TestActivationPatterns(t *testing.T) {
	for _, ok := range []string{"/", "/dashboard", "/settings/", "/projects/*/settings", "/docs/**", "/**", "/a-b_c.d/~e/%20", "/*"} {
		if msg := CheckActivationPattern(ok); msg != "" {
			t.Errorf("%q refused: %s", ok, msg)
		}
	}
	for _, bad := range []string{"", "dashboard", "*", "/a b", "/a#b", "/a?b", "/a\\b", "//", "/a//b", "/./a", "/a/..", "/**/a", "/a*", "/*a/b", "/a\x00"} {
		if msg := CheckActivationPattern(bad); msg == "" {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestGuideSHA(t *testing.T) {
	a, b := validGuide(), validGuide()
	if ContentSHA(a) != ContentSHA(b) {
		t.Fatal("equal guides hash differently")
	}
	// Key, active, metadata, pattern order and an explicit default match
	// are not content.
	b.Key = "other-key"
	off := false
	b.Active = &off
	b.Version, b.SHA, b.OriginEnvironment = 7, "x", "production"
	b.ActivationURLPatterns = []string{"/docs/**", "/projects/*/settings", "/dashboard"}
	b.Audience.Match = "all"
	if ContentSHA(a) != ContentSHA(b) {
		t.Error("key, active, metadata or canonical form changed the sha")
	}
	for name, mutate := range map[string]func(*Guide){
		"name":     func(g *Guide) { g.Name = "Renamed" },
		"type":     func(g *Guide) { g.Type = "card" },
		"channel":  func(g *Guide) { g.ChannelKey = "other" },
		"body":     func(g *Guide) { g.Content.Body = "changed" },
		"button":   func(g *Guide) { g.Content.ButtonURL = "https://example.com/other" },
		"image":    func(g *Guide) { g.Content.ImageURL = "" },
		"patterns": func(g *Guide) { g.ActivationURLPatterns = g.ActivationURLPatterns[:1] },
		"audience": func(g *Guide) { g.Audience.Rules[0].Argument = "free" },
		"priority": func(g *Guide) { g.Priority = 11 },
	} {
		c := validGuide()
		mutate(c)
		if ContentSHA(c) == ContentSHA(a) {
			t.Errorf("changing %s kept the sha", name)
		}
	}
}

// A guide's channel is an in-app channel: the one accessor the channel
// check reads for every kind that sends through channels.
func TestGuideChannelUses(t *testing.T) {
	if got := validGuide().ChannelUses(); len(got) != 1 || got[0] != (ChannelUse{Field: "channel_key", Type: "in_app_feed", Key: "in-app"}) {
		t.Errorf("guide channel uses %+v", got)
	}
}
