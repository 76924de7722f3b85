package console

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/arborhq/terraform-provider-arbor/internal/api"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
	"github.com/arborhq/terraform-provider-arbor/internal/store"
)

// The environment card (seed 003's): every environment in promotion order
// with Export, Import, Promote to… and Create environment.
func init() {
	register(&group{Order: 10, Section: "Account", Links: []link{{"Environments", Prefix + "environments"}}},
		page{Method: "GET", Path: Prefix + "environments", Template: "environments/list.html", Title: "Environments", Handle: environmentsPage},
		page{Method: "GET", Path: Prefix + "environments/new", Template: "environments/new.html", Title: "Create environment", Handle: newEnvironmentPage},
		page{Method: "POST", Path: Prefix + "environments", Template: "environments/new.html", Title: "Create environment", Handle: createEnvironment},
		page{Method: "GET", Path: Prefix + "environments/{env}/config", Handle: exportConfig},
		page{Method: "GET", Path: Prefix + "environments/{env}/config/import", Template: "environments/import.html", Title: "Import configuration", Handle: importForm},
		page{Method: "POST", Path: Prefix + "environments/{env}/config/review", Template: "environments/review.html", Title: "Review the import", Handle: reviewImport},
		page{Method: "POST", Path: Prefix + "environments/{env}/config", Template: "environments/result.html", Title: "Configuration imported", Handle: confirmImport},
		page{Method: "GET", Path: Prefix + "environments/{env}/promote", Template: "environments/review.html", Title: "Review the promotion", Handle: reviewPromotion},
		page{Method: "POST", Path: Prefix + "environments/{env}/promote", Template: "environments/result.html", Title: "Configuration promoted", Handle: confirmPromotion},
	)
}

type environmentCard struct {
	domain.Environment
	Counts     []kindCount
	LastChange string
	// PromoteTo are the environments above this one.
	PromoteTo []domain.Environment
}

type kindCount struct {
	Noun  string
	Count int
}

type environmentsView struct {
	Cards    []environmentCard
	Operator bool
	Created  string
}

// operator is true for the roles that export, import, promote and create
// environments (the API decides; the console only hides what would fail).
func operator(p domain.Principal) bool {
	return p.Role == domain.RoleOwner || p.Role == domain.RoleAdmin
}

func environmentsPage(c *Console, r *http.Request) (any, error) {
	envs, err := environmentsOf(c, r)
	if err != nil {
		return nil, err
	}
	v := environmentsView{Operator: operator(principalOf(r)), Created: r.URL.Query().Get("created")}
	// The counts and the time of the last change are read from the store
	// for the environments the API listed for this principal: a count
	// walks no listing, and shows no object.
	err = c.store.View(r.Context(), func(tx store.Tx) error {
		for i, e := range envs {
			card := environmentCard{Environment: e, PromoteTo: envs[i+1:]}
			for _, k := range domain.Kinds {
				if k.Account {
					continue
				}
				n, err := tx.CountObjects(e.Slug, k.Name)
				if err != nil {
					return err
				}
				if n > 0 {
					card.Counts = append(card.Counts, kindCount{Noun: k.Collection, Count: n})
				}
			}
			last, err := tx.Audit(store.AuditQuery{Environment: e.Slug, Limit: 1})
			if err != nil {
				return err
			}
			if len(last) > 0 {
				card.LastChange = formatTime(last[0].At)
			}
			v.Cards = append(v.Cards, card)
		}
		return nil
	})
	return v, err
}

type newEnvironmentView struct {
	Input          domain.NewEnvironmentInput
	Environments   []domain.Environment
	IdempotencyKey string
}

func newEnvironmentPage(c *Console, r *http.Request) (any, error) {
	envs, err := environmentsOf(c, r)
	return newEnvironmentView{Environments: envs, Input: domain.NewEnvironmentInput{CopyFrom: r.URL.Query().Get("copy_from")}, IdempotencyKey: rand.Text()}, err
}

func createEnvironment(c *Console, r *http.Request) (any, error) {
	in := domain.NewEnvironmentInput{
		Slug:     strings.TrimSpace(r.PostFormValue("slug")),
		CopyFrom: r.PostFormValue("copy_from"),
		EnvironmentInput: domain.EnvironmentInput{
			Name:                  r.PostFormValue("name"),
			Description:           r.PostFormValue("description"),
			ObfuscateCustomerData: r.PostFormValue("obfuscate_customer_data") == "true",
		},
	}
	// The form's idempotency key makes a form sent twice (a reload, a
	// double click) create one environment.
	h := http.Header{}
	if key := r.PostFormValue("idempotency_key"); key != "" {
		h.Set(api.HeaderIdempotencyKey, key)
	}
	var created domain.CreatedEnvironment
	if _, err := c.call(r, api.CreateEnvironment.Method, api.CreateEnvironment.Path, nil, h, in, &created); err != nil {
		envs, lerr := environmentsOf(c, r)
		if lerr != nil {
			return nil, lerr
		}
		return nil, refuse(err, newEnvironmentView{Input: in, Environments: envs, IdempotencyKey: rand.Text()})
	}
	if created.Copy == nil {
		return redirect(Prefix + "environments?created=" + url.QueryEscape(in.Slug)), nil
	}
	return show{"environments/result.html", resultView{Action: "create", Target: in.Slug, From: in.CopyFrom, Result: *created.Copy, Needs: created.Needs}}, nil
}

func exportConfig(c *Console, r *http.Request) (any, error) {
	env := r.PathValue("env")
	var body []byte
	if _, err := c.call(r, api.ExportConfig.Method, api.ExportConfig.URL(env), nil, nil, nil, &body); err != nil {
		return nil, err
	}
	return download{Name: fmt.Sprintf("%s-config-%s.json", env, c.now().UTC().Format("2006-01-02")), ContentType: "application/json", Body: body}, nil
}

type importView struct {
	Target string
}

func importForm(c *Console, r *http.Request) (any, error) {
	return importView{Target: r.PathValue("env")}, nil
}

// reviewView is the review before an import or a promotion: what the
// write would do. Nothing is written until its form is confirmed.
type reviewView struct {
	Action       string // "import" or "promote"
	Target, From string
	// Document is the uploaded document, sent again by the confirm form.
	Document string
	// Reviewed fingerprints the target's configuration as reviewed, and
	// SourceReviewed the source's (promotion): a confirm after either
	// changed is refused.
	Reviewed, SourceReviewed string
	Sections                 []sectionDiff
	NoChange                 bool
	// Impact is what the change does to people's access in the target
	// (with the assignments of removed roles and nodes removed too).
	Impact       *api.AccessImpactAnswer
	NeverTouched []string
	LeftOut      []string
}

func reviewImport(c *Console, r *http.Request) (any, error) {
	target := r.PathValue("env")
	file, _, err := r.FormFile("document")
	if err != nil {
		return nil, &formError{Status: http.StatusBadRequest, Data: importView{Target: target}, Template: "environments/import.html",
			Err: &apiError{Status: 400, API: domain.Error{Code: domain.CodeValidation, Message: "choose a configuration document (a JSON file exported from an environment) to review",
				Details: []domain.FieldError{{Field: "document", Message: "is required"}}}}}
	}
	defer file.Close()
	doc, err := io.ReadAll(file)
	if err != nil {
		return nil, err
	}
	canon, err := canonical(doc)
	if err != nil {
		return nil, &formError{Status: http.StatusBadRequest, Data: importView{Target: target}, Template: "environments/import.html", Err: asAPIError(err)}
	}
	v, err := c.review(r, "import", target, "", canon)
	if err != nil {
		return nil, refuseOn(err, "environments/import.html", importView{Target: target})
	}
	v.Document = string(doc)
	return v, nil
}

// refuseOn is refuse shown on another page than the route's.
func refuseOn(err error, template string, data any) error {
	err = refuse(err, data)
	var fe *formError
	if errors.As(err, &fe) {
		fe.Template = template
	}
	return err
}

func asAPIError(err error) *apiError {
	var de *domain.Error
	if errors.As(err, &de) {
		return &apiError{Status: http.StatusBadRequest, API: *de}
	}
	return &apiError{Status: http.StatusBadRequest, API: domain.Error{Code: domain.CodeValidation, Message: err.Error()}}
}

func (c *Console) review(r *http.Request, action, target, from string, doc []byte) (*reviewView, error) {
	var current []byte
	h, err := c.call(r, api.ExportConfig.Method, api.ExportConfig.URL(target), nil, nil, nil, &current)
	if err != nil {
		return nil, err
	}
	sections, source, err := diffDocuments(current, doc)
	if err != nil {
		return nil, err
	}
	// A document of the target itself removes what it lacks; one from
	// elsewhere keeps the versioned objects created in the target. Their
	// origins are read only where the document lacks some.
	for _, k := range domain.VersionedKinds {
		if source == target || !removesSome(sections, k) {
			continue
		}
		items, _, err := listAll[struct {
			Key               string `json:"key"`
			OriginEnvironment string `json:"origin_environment"`
		}](c, r, api.ObjectRoutes(k).List.URL(target), nil, 1<<20)
		if err != nil {
			return nil, err
		}
		born := map[string]bool{}
		for _, it := range items {
			born[it.Key] = it.OriginEnvironment == target
		}
		keepBornInTarget(sections, k, born)
	}
	v := &reviewView{Action: action, Target: target, From: from, Reviewed: h.Get("ETag"), Sections: sections, NeverTouched: neverTouched, NoChange: true}
	for _, s := range sections {
		if !s.Empty() {
			v.NoChange = false
		}
	}
	// What the change does to people, from the target's own assignments.
	// The document is sent as it is: valid JSON already, it needs no
	// second encoding.
	request := slices.Concat([]byte(`{"document":`), doc, []byte(`,"prune_assignments":true}`))
	var impact api.AccessImpactAnswer
	if _, err := c.call(r, api.AccessImpact.Method, api.AccessImpact.URL(target), nil, nil, request, &impact); err != nil {
		return nil, err
	}
	v.Impact = &impact
	return v, nil
}

// removesSome reports whether the diff removes objects of kind.
func removesSome(sections []sectionDiff, kind domain.Kind) bool {
	for _, s := range sections {
		if s.Name == kind.Section() && len(s.Removed) > 0 {
			return true
		}
	}
	return false
}

// stale refuses a confirm whose review no longer describes an
// environment: its configuration's version (the export's ETag) changed.
// The backend refuses such a write too when it takes If-Match on import
// and promote; this check says so before anything is sent.
func (c *Console) stale(r *http.Request, env, reviewed, forEnv string) error {
	q := url.Values{}
	if forEnv != "" {
		q.Set("for", forEnv)
	}
	var current []byte
	h, err := c.call(r, api.ExportConfig.Method, api.ExportConfig.URL(env), q, nil, nil, &current)
	if err != nil {
		return err
	}
	if version := h.Get("ETag"); version == "" || version != reviewed {
		return &apiError{Status: http.StatusPreconditionFailed, API: domain.Error{Code: domain.CodePreconditionFailed,
			Message: fmt.Sprintf("the configuration of %s changed after your review: nothing was written; review again", env)}}
	}
	return nil
}

type resultView struct {
	Action, Target, From string
	Result               domain.ImportResult
	// Needs is what a copy could not carry (a create with copy_from).
	Needs []domain.Needed
}

func confirmImport(c *Console, r *http.Request) (any, error) {
	target := r.PathValue("env")
	doc := []byte(r.PostFormValue("document"))
	back := importView{Target: target}
	if err := c.stale(r, target, r.PostFormValue("reviewed"), ""); err != nil {
		return nil, refuseOn(err, "environments/import.html", back)
	}
	q := url.Values{}
	if r.PostFormValue("prune_assignments") == "true" {
		q.Set(api.QueryPruneAssignments, "true")
	}
	var res domain.ImportResult
	ifMatch := http.Header{api.HeaderIfMatch: {r.PostFormValue("reviewed")}}
	if _, err := c.call(r, api.ImportConfig.Method, api.ImportConfig.URL(target), q, ifMatch, doc, &res); err != nil {
		return nil, refuseOn(err, "environments/import.html", back)
	}
	return resultView{Action: "import", Target: target, Result: res}, nil
}

func reviewPromotion(c *Console, r *http.Request) (any, error) {
	target, from := r.PathValue("env"), r.URL.Query().Get("from")
	if from == "" {
		return nil, &apiError{Status: http.StatusBadRequest, API: domain.Error{Code: domain.CodeValidation, Message: "choose the environment to promote from (from)",
			Details: []domain.FieldError{{Field: "from", Message: "is required"}}}}
	}
	q := url.Values{"for": {target}}
	var doc []byte
	h, err := c.call(r, api.ExportConfig.Method, api.ExportConfig.URL(from), q, nil, nil, &doc)
	if err != nil {
		return nil, err
	}
	v, err := c.review(r, "promote", target, from, doc)
	if err != nil {
		return nil, err
	}
	v.SourceReviewed = h.Get("ETag")
	if lo := h.Get("X-Arbor-Left-Out"); lo != "" {
		v.LeftOut = strings.Split(lo, ",")
	}
	return v, nil
}

// promoteAgain is the page of a refused promotion: its reason, and the
// way to review it again.
type promoteAgain struct {
	Target, From string
}

func confirmPromotion(c *Console, r *http.Request) (any, error) {
	target, from := r.PathValue("env"), r.PostFormValue("from")
	back := promoteAgain{Target: target, From: from}
	if err := c.stale(r, target, r.PostFormValue("reviewed"), ""); err != nil {
		return nil, refuseOn(err, "environments/again.html", back)
	}
	if err := c.stale(r, from, r.PostFormValue("source_reviewed"), target); err != nil {
		return nil, refuseOn(err, "environments/again.html", back)
	}
	req := api.PromoteRequest{From: from, PruneAssignments: r.PostFormValue("prune_assignments") == "true"}
	var res domain.ImportResult
	ifMatch := http.Header{api.HeaderIfMatch: {r.PostFormValue("reviewed")}}
	if _, err := c.call(r, api.Promote.Method, api.Promote.URL(target), nil, ifMatch, req, &res); err != nil {
		return nil, refuseOn(err, "environments/again.html", back)
	}
	return resultView{Action: "promote", Target: target, From: from, Result: res}, nil
}
