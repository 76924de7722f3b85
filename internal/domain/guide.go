package domain

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// KindGuide is the kind of in-app guides, versioned like workflows.
var KindGuide = Kind{Name: "guide", Noun: "guide", Collection: "guides"}

// Guide limits, shared by the backend and the provider's plan-time
// validation.
const (
	MaxGuideDescription     = 280
	MaxGuideBody            = 2_000
	MaxActivationPatterns   = 100
	MaxActivationPatternLen = 1024
)

// DefaultGuidePriority is a guide's priority when it sets none.
const DefaultGuidePriority = 0

// GuideChannelType is the channel type that shows guides.
const GuideChannelType = "in_app_feed"

// GuideTypes are the kinds of guide; GuideContentNeeds says which content
// fields each one needs.
var (
	GuideTypes        = []string{"announcement", "banner", "modal", "card", "paywall"}
	GuideContentNeeds = map[string][]string{
		"announcement": {"title", "body"},
		"banner":       {"body"},
		"modal":        {"title", "body"},
		"card":         {"title", "body"},
		"paywall":      {"title", "body", "button_text", "button_url"},
	}
)

// ActivationPatternRule describes an activation URL pattern, for
// documentation.
const ActivationPatternRule = "a URL path starting with `/`, such as `/dashboard`; a segment `*` matches any one segment (`/projects/*/settings`), and a last segment `**` matches the rest of the path, however long (`/docs/**`); no query, fragment, spaces, empty, `.` or `..` segments"

// Guide is an in-app message (an announcement, a banner, a modal, a card,
// a paywall) shown through an in-app channel. Its content (everything but
// active) is versioned by its sha, like a workflow's.
type Guide struct {
	Key                   string       `json:"key" doc:"Identifier: 3–255 lowercase letters, digits, _ and -; taken from the path on writes, so a body may leave it out or repeat it."`
	Name                  string       `json:"name" doc:"Display name."`
	Description           string       `json:"description,omitempty" doc:"At most 280 characters."`
	Type                  string       `json:"type" values:"guide_types" doc:"What the guide looks like; it decides the content fields required: a banner needs a body; an announcement, a modal and a card a title and a body; a paywall a title, a body and a button."`
	ChannelKey            string       `json:"channel_key" doc:"Key of the in-app channel (type in_app_feed) that shows the guide." example:"in-app"`
	Content               GuideContent `json:"content" doc:"What the guide shows."`
	ActivationURLPatterns []string     `json:"activation_url_patterns,omitempty" doc:"Pages the guide may show on, as URL path patterns: * is one path segment, a last ** the rest of the path. None: every page. A set, stored deduplicated and sorted." example:"[\"/dashboard\",\"/projects/*/settings\"]"`
	Audience              *Conditions  `json:"audience,omitempty" doc:"Conditions a recipient must meet to see the guide, in the shape of workflow conditions. None: everyone."`
	Priority              int          `json:"priority,omitempty" minimum:"0" doc:"Order among the guides that could show at once: the highest shows first. Default 0."`
	Activation
	VersionState
	Meta
}

// GuideContent is what a guide shows; its type decides which fields it
// needs.
type GuideContent struct {
	Title      string `json:"title,omitempty" doc:"Heading, at most 255 characters."`
	Body       string `json:"body,omitempty" doc:"Main text, a template (at most 2,000 characters)."`
	ButtonText string `json:"button_text,omitempty" doc:"Label of the call-to-action button; set together with button_url."`
	ButtonURL  string `json:"button_url,omitempty" doc:"Absolute http(s) URL the button opens; set together with button_text."`
	ImageURL   string `json:"image_url,omitempty" doc:"Absolute http(s) URL of an image."`
}

func (g *Guide) ObjectKey() string     { return g.Key }
func (g *Guide) SetObjectKey(k string) { g.Key = k }
func (g *Guide) References() []Ref {
	return append(ChannelRefs(g.ChannelUses()), partialRefs(g.Templates())...)
}

// Templates are the guide's one template, its body.
func (g *Guide) Templates() map[string]string {
	return map[string]string{"content.body": g.Content.Body}
}

// ChannelUses is the in-app channel that shows the guide.
func (g *Guide) ChannelUses() []ChannelUse {
	return []ChannelUse{{Field: "channel_key", Type: GuideChannelType, Key: g.ChannelKey}}
}

// ApplyDefaults stores active's default and the activation patterns in
// their canonical form.
func (g *Guide) ApplyDefaults() {
	g.SetActiveDefault()
	g.Normalize()
}

// Normalize stores the activation patterns, a set, in one canonical form.
func (g *Guide) Normalize() {
	if g.ActivationURLPatterns != nil {
		g.ActivationURLPatterns = SortedSet(g.ActivationURLPatterns)
	}
}

// Validate checks the guide, reporting every problem with its field.
func (g *Guide) Validate() Problems {
	var p Problems
	if msg := CheckWorkflowKey(g.Key); msg != "" {
		// Guides are addressed like workflows, the other versioned kind.
		p.Add("key", "%s", msg)
	}
	checkText(&p, "name", g.Name, MaxNameLength, true)
	checkText(&p, "description", g.Description, MaxGuideDescription, false)
	checkKeyField(&p, "channel_key", g.ChannelKey)
	needs, known := GuideContentNeeds[g.Type]
	if !known {
		p.Add("type", "must be one of %s", strings.Join(GuideTypes, ", "))
	}
	p.Merge("content", g.Content.validate(g.Type, needs))
	if len(g.ActivationURLPatterns) > MaxActivationPatterns {
		p.Add("activation_url_patterns", "must have at most %d patterns (got %d)", MaxActivationPatterns, len(g.ActivationURLPatterns))
	}
	for _, pattern := range g.ActivationURLPatterns {
		if msg := CheckActivationPattern(pattern); msg != "" {
			p.Add("activation_url_patterns", "%q %s", pattern, msg)
		}
	}
	if g.Audience != nil {
		p.Merge("audience", g.Audience.validate())
	}
	if g.Priority < 0 {
		p.Add("priority", "must be at least 0")
	}
	checkTemplates(&p, g.Templates())
	return p
}

func (c *GuideContent) validate(guideType string, needs []string) Problems {
	var p Problems
	fields := map[string]string{"title": c.Title, "body": c.Body, "button_text": c.ButtonText, "button_url": c.ButtonURL}
	for _, field := range needs {
		if strings.TrimSpace(fields[field]) == "" {
			p.Add(field, "is required for a guide of type %s", guideType)
		}
	}
	checkText(&p, "title", c.Title, MaxNameLength, false)
	if n := utf8.RuneCountInString(c.Body); n > MaxGuideBody {
		p.Add("body", "must be at most %d characters (got %d)", MaxGuideBody, n)
	}
	checkText(&p, "button_text", c.ButtonText, MaxNameLength, false)
	switch {
	case c.ButtonText != "" && c.ButtonURL == "":
		p.Add("button_url", "is required with button_text: a button needs both")
	case c.ButtonURL != "" && c.ButtonText == "":
		p.Add("button_text", "is required with button_url: a button needs both")
	}
	for _, u := range []struct{ field, url string }{{"button_url", c.ButtonURL}, {"image_url", c.ImageURL}} {
		if u.url == "" {
			continue
		}
		if msg := CheckHTTPURL(u.url); msg != "" {
			p.Add(u.field, "%s", msg)
		}
	}
	return p
}

// CheckActivationPattern returns a message when s is not an activation URL
// pattern (ActivationPatternRule), else "".
func CheckActivationPattern(s string) string {
	const rule = "must be " + ActivationPatternRule
	switch {
	case len(s) > MaxActivationPatternLen:
		return fmt.Sprintf("must be at most %d characters", MaxActivationPatternLen)
	case !strings.HasPrefix(s, "/"):
		return rule
	case strings.ContainsAny(s, "?# \t\r\n\\"), strings.IndexFunc(s, isForbiddenControl) >= 0:
		return rule
	case s == "/":
		return ""
	}
	segments := strings.Split(strings.TrimPrefix(s, "/"), "/")
	for i, seg := range segments {
		last := i == len(segments)-1
		switch {
		case seg == "" && last:
			// A trailing slash, as in /settings/.
		case seg == "", seg == ".", seg == "..":
			return rule
		case seg == "**" && !last:
			return "must use ** only as the last segment: " + ActivationPatternRule
		case seg != "*" && seg != "**" && strings.Contains(seg, "*"):
			return "must use * only as a whole segment: " + ActivationPatternRule
		}
	}
	return ""
}

// guideContent is what a guide's sha covers: everything but its key, its
// per-environment active flag and its metadata.
type guideContent struct {
	Name                  string       `json:"name"`
	Description           string       `json:"description"`
	Type                  string       `json:"type"`
	ChannelKey            string       `json:"channel_key"`
	Content               GuideContent `json:"content"`
	ActivationURLPatterns []string     `json:"activation_url_patterns"`
	Audience              *Conditions  `json:"audience"`
	Priority              int          `json:"priority"`
}

// VersionedContent is what a guide's sha covers, canonically: the activation
// patterns sorted, the audience's match defaulted.
func (g *Guide) VersionedContent() any {
	return guideContent{
		Name:                  g.Name,
		Description:           g.Description,
		Type:                  g.Type,
		ChannelKey:            g.ChannelKey,
		Content:               g.Content,
		ActivationURLPatterns: SortedSet(g.ActivationURLPatterns),
		Audience:              normalizeConditions(g.Audience),
		Priority:              g.Priority,
	}
}
