package console

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/arborhq/terraform-provider-arbor/internal/api"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// Guides, per environment: the list, each guide with its origin, active,
// promotion status, versions and their diff, a preview of what it shows,
// and, in production with production write access on, the forms that
// create and edit production-born guides (seed 000's in-app announcements
// managed by a content team).
func init() {
	env := Prefix + "environments/{env}/"
	register(&group{Order: 37, Section: "Notifications", Environment: true, Links: []link{
		{"Guides", env + "guides"},
	}},
		page{Method: "GET", Path: env + "guides", Template: "guides/list.html", Title: "Guides", Handle: guidesPage},
		page{Method: "GET", Path: env + "guides/new", Template: "guides/edit.html", Title: "New guide", Handle: newGuidePage},
		page{Method: "POST", Path: env + "guides/new", Template: "guides/edit.html", Title: "New guide", Handle: createGuide},
		page{Method: "GET", Path: env + "guides/{key}", Template: "guides/guide.html", Title: "Guide", Handle: versionedPage[domain.Guide](domain.KindGuide)},
		page{Method: "POST", Path: env + "guides/{key}/active", Template: "guides/guide.html", Title: "Guide", Handle: switchActive[domain.Guide](domain.KindGuide)},
		page{Method: "GET", Path: env + "guides/{key}/diff", Template: "guides/diff.html", Title: "Guide changes", Handle: diffPage(domain.KindGuide)},
		page{Method: "GET", Path: env + "guides/{key}/edit", Template: "guides/edit.html", Title: "Edit guide", Handle: editGuidePage},
		page{Method: "POST", Path: env + "guides/{key}/edit", Template: "guides/edit.html", Title: "Edit guide", Handle: saveGuide},
	)
}

type guidesView struct {
	envView[domain.Guide]
	Rights contentRights
}

func guidesPage(c *Console, r *http.Request) (any, error) {
	list, err := listOf[domain.Guide](c, r, domain.KindGuide, nil)
	if err != nil {
		return nil, err
	}
	rights, err := creationRights(c, r, domain.KindGuide)
	return guidesView{envView: list, Rights: rights}, err
}

// creationRights is what the token may do with a guide that does not
// exist yet, from the promotion state of a key no object has.
func creationRights(c *Console, r *http.Request, kind domain.Kind) (contentRights, error) {
	env := r.PathValue("env")
	var states domain.PromotionStates
	route := api.VersionedRoutesOf(kind).PromotionStates
	if _, err := c.call(r, route.Method, route.URL(env), map[string][]string{api.QueryLimit: {"1"}}, nil, nil, &states); err != nil {
		return contentRights{}, err
	}
	return rightsOf(principalOf(r), kind, env, states.Absent(kind, "")), nil
}

// guideForm is the form of a new or existing guide; its fields are named
// as the API's JSON (content.title).
type guideForm struct {
	*versionedView[domain.Guide]
	New      bool
	Types    []string
	Patterns string
}

func newGuideForm(v *versionedView[domain.Guide], isNew bool) guideForm {
	return guideForm{versionedView: v, New: isNew, Types: domain.GuideTypes, Patterns: strings.Join(v.Object.ActivationURLPatterns, "\n")}
}

func newGuidePage(c *Console, r *http.Request) (any, error) {
	rights, err := creationRights(c, r, domain.KindGuide)
	if err != nil {
		return nil, err
	}
	g := &domain.Guide{Type: "announcement", ChannelKey: r.URL.Query().Get("channel_key")}
	return newGuideForm(&versionedView[domain.Guide]{Env: r.PathValue("env"), Kind: domain.KindGuide, Object: g, State: &g.VersionState, Meta: &g.Meta, Rights: rights}, true), nil
}

func createGuide(c *Console, r *http.Request) (any, error) {
	rights, err := creationRights(c, r, domain.KindGuide)
	if err != nil {
		return nil, err
	}
	g := &domain.Guide{Key: strings.TrimSpace(r.PostFormValue("key"))}
	v := &versionedView[domain.Guide]{Env: r.PathValue("env"), Kind: domain.KindGuide, Object: g, State: &g.VersionState, Meta: &g.Meta, Rights: rights}
	form := newGuideForm(v, true)
	if g.Key == "" {
		return nil, fieldRefusal(form, "key", "is required")
	}
	if problem := readGuideForm(r, g); problem != nil {
		form.Patterns = r.PostFormValue("activation_url_patterns")
		return nil, fieldRefusal(form, problem.Field, problem.Message)
	}
	form.Patterns = r.PostFormValue("activation_url_patterns")
	// The key is in the path of the write: one the API refuses is named
	// by the path, so it is checked here with the API's own rule first.
	if msg := domain.CheckWorkflowKey(g.Key); msg != "" {
		return nil, fieldRefusal(form, "key", msg)
	}
	if err := putVersioned[domain.Guide](c, r, domain.KindGuide, g, true); err != nil {
		return nil, refuse(err, form)
	}
	return redirect(objectURL(v.Env, domain.KindGuide, g.Key) + "?saved=created"), nil
}

func editGuidePage(c *Console, r *http.Request) (any, error) {
	v, err := loadVersioned[domain.Guide](c, r, domain.KindGuide)
	if err != nil {
		return nil, err
	}
	return newGuideForm(v, false), nil
}

func saveGuide(c *Console, r *http.Request) (any, error) {
	v, err := loadVersioned[domain.Guide](c, r, domain.KindGuide)
	if err != nil {
		return nil, err
	}
	form := newGuideForm(v, false)
	problem := readGuideForm(r, v.Object)
	form.Patterns = r.PostFormValue("activation_url_patterns")
	if problem != nil {
		return nil, fieldRefusal(form, problem.Field, problem.Message)
	}
	if err := putVersioned[domain.Guide](c, r, domain.KindGuide, v.Object, false); err != nil {
		return nil, refuse(err, form)
	}
	return redirect(objectURL(v.Env, domain.KindGuide, v.Object.Key) + "?saved=content"), nil
}

// readGuideForm puts the form's fields into g, keeping what the form does
// not show (the audience). A priority that is no number is refused here,
// named as the API names the field.
func readGuideForm(r *http.Request, g *domain.Guide) *domain.FieldError {
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
			return &domain.FieldError{Field: "priority", Message: "must be a whole number"}
		}
		g.Priority = n
	}
	return nil
}

// fieldRefusal shows the form again with one field's problem, as the API
// would word it.
func fieldRefusal(data any, field, message string) error {
	return &formError{Status: http.StatusBadRequest, Data: data, Err: &apiError{Status: http.StatusBadRequest,
		API: domain.Error{Code: domain.CodeValidation, Message: "The guide is not valid.", Details: []domain.FieldError{{Field: field, Message: message}}}}}
}
