package console

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// Guides, per environment: the list, each guide with its origin, active,
// promotion status, versions and their diff, a preview of what it shows,
// and, in production with production write access on, the forms that
// create and edit production-born guides (seed 000's in-app announcements
// managed by a content team).
func init() {
	register(&group{Order: 37, Section: "Notifications", Environment: true, Links: []link{
		{"Guides", Prefix + "environments/{env}/guides"},
	}}, versionedPages(guideEditor, "guides", "guide.html")...)
}

var guideEditor = contentEditor[domain.Guide, *domain.Guide]{
	Kind: domain.KindGuide,
	Blank: func(r *http.Request) *domain.Guide {
		return &domain.Guide{Type: "announcement", ChannelKey: r.URL.Query().Get("channel_key")}
	},
	Read:     readGuideForm,
	Form:     newGuideForm,
	CheckKey: domain.CheckWorkflowKey,
	KeyHelp:  "3–255 lowercase letters, digits, _ and -; it cannot change later.",
}

// guideForm is the form of a new or existing guide.
type guideForm struct {
	contentForm[domain.Guide]
	Types    []string
	Patterns string
	// Priority is the priority as the form shows it: a refused form's
	// as it was typed, which may be no number.
	Priority string
}

// newGuideForm is the form of f's guide; r is the request that shows it.
func newGuideForm(r *http.Request, f contentForm[domain.Guide]) any {
	form := guideForm{contentForm: f, Types: domain.GuideTypes, Patterns: strings.Join(f.Object.ActivationURLPatterns, "\n"), Priority: strconv.Itoa(f.Object.Priority)}
	if r.Method == http.MethodPost {
		form.Priority = r.PostFormValue("priority")
	}
	return form
}

// readGuideForm puts the form's fields into g, keeping what the form does
// not show (the audience). A priority that is no number is refused here,
// named as the API names the field.
func readGuideForm(r *http.Request, g *domain.Guide) domain.Problems {
	f := r.PostFormValue
	g.Name, g.Description, g.Type, g.ChannelKey = f("name"), f("description"), f("type"), f("channel_key")
	g.Content = domain.GuideContent{Title: f("content.title"), Body: normalizeNewlines(f("content.body")), ButtonText: f("content.button_text"),
		ButtonURL: f("content.button_url"), ImageURL: f("content.image_url")}
	g.ActivationURLPatterns = nil
	for _, line := range strings.Split(f("activation_url_patterns"), "\n") {
		if p := strings.TrimSpace(line); p != "" {
			g.ActivationURLPatterns = append(g.ActivationURLPatterns, p)
		}
	}
	g.Priority = 0
	if p := strings.TrimSpace(f("priority")); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil {
			return domain.Problems{{Field: "priority", Message: "must be a whole number"}}
		}
		g.Priority = n
	}
	return nil
}
