package console

import (
	"bufio"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/arborhq/terraform-provider-arbor/internal/api"
	"github.com/arborhq/terraform-provider-arbor/internal/backend"
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
		page{Method: "POST", Path: Prefix + "environments/{env}/config/review", Template: "environments/review.html", Title: "Review the import", Handle: reviewImport, Streams: true},
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
	Noun string
	// Singular names one object of the kind (a settings review's counts).
	Singular string
	Count    int
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

// Copied names what a copy carries: every section of a configuration
// document, from the document's own list, so that a kind added to it is
// named here too.
func (newEnvironmentView) Copied() string {
	kinds := make([]domain.Kind, len(domain.ConfigSections))
	for i, sec := range domain.ConfigSections {
		kinds[i] = sec.Kind
	}
	return collectionWords(kinds)
}

func newEnvironmentPage(c *Console, r *http.Request) (any, error) {
	envs, err := environmentsOf(c, r)
	return newEnvironmentView{Environments: envs, Input: domain.NewEnvironmentInput{CopyFrom: r.URL.Query().Get("copy_from")}, IdempotencyKey: rand.Text()}, err
}

func createEnvironment(c *Console, r *http.Request) (any, error) {
	obfuscate, err := formBool(r, "obfuscate_customer_data")
	if err != nil {
		return nil, err
	}
	in := domain.NewEnvironmentInput{
		Slug:     strings.TrimSpace(r.PostFormValue("slug")),
		CopyFrom: r.PostFormValue("copy_from"),
		EnvironmentInput: domain.EnvironmentInput{
			Name:                  r.PostFormValue("name"),
			Description:           r.PostFormValue("description"),
			ObfuscateCustomerData: obfuscate,
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

// exportConfig downloads env's configuration document, for env itself or,
// with for, for another environment, as the API's export gives it: an
// export of production for another environment leaves out what was born
// in production, which stays there (and which an import elsewhere would
// refuse).
func exportConfig(c *Console, r *http.Request) (any, error) {
	env, target := r.PathValue("env"), r.URL.Query().Get("for")
	var q url.Values
	name := fmt.Sprintf("%s-config-%s.json", env, c.now().UTC().Format("2006-01-02"))
	if target != "" && target != env {
		q = url.Values{"for": {target}}
		name = fmt.Sprintf("%s-config-for-%s-%s.json", env, target, c.now().UTC().Format("2006-01-02"))
	}
	var body []byte
	if _, err := c.call(r, api.ExportConfig.Method, api.ExportConfig.URL(env), q, nil, nil, &body); err != nil {
		return nil, err
	}
	return download{Name: name, ContentType: "application/json", Body: body}, nil
}

type importView struct {
	Target string
}

func importForm(c *Console, r *http.Request) (any, error) {
	// The form is for an environment the principal may see: another is
	// not found, as the API says of it.
	envs, err := environmentsOf(c, r)
	if err != nil {
		return nil, err
	}
	target := r.PathValue("env")
	if !slices.ContainsFunc(envs, func(e domain.Environment) bool { return e.Slug == target }) {
		return nil, &apiError{Status: http.StatusNotFound, API: *domain.NotFound("environment", target)}
	}
	return importView{Target: target}, nil
}

// reviewView is the review before an import or a promotion: what the
// write would do, as the backend reviews it (backend.ConfigReview, shared:
// read, never changed). Nothing is written until its form is confirmed.
type reviewView struct {
	*backend.ConfigReview
	Action string // "import" or "promote"
	// DocumentField is where the page carries the uploaded document as
	// the confirm form sends it again: the value attribute of a hidden
	// field, in unpadded base64url. Its alphabet holds nothing HTML reads
	// as markup or as the attribute's end, so it is written as it is
	// (escaping a document of megabytes character by character cost more
	// than the rest of the page), and nothing a form's encoding escapes,
	// so the confirm's body is 4/3 of the document (see maxFormBytes).
	// The template writes documentMarker; the page is written with the
	// attribute in its place, encoded from document as it is sent, not
	// made first and copied through the template's printing and the
	// page's buffer.
	DocumentField template.HTMLAttr
	document      []byte
	// Reviewed fingerprints the target's configuration as reviewed, and
	// SourceReviewed the source's (promotion): a confirm after either
	// changed is refused.
	Reviewed, SourceReviewed string
	// ImpactVersion fingerprints the access impact as reviewed: a
	// confirm after it changed (a role assignment made meanwhile) is
	// refused, though the configuration is as it was.
	ImpactVersion string
	// Refused are the problems for which the backend would refuse the
	// change: the page then says so first and offers no confirm.
	Refused  domain.Problems
	NoChange bool
	// NamesHidden is true when the impact leaves identities unnamed for
	// the reader (customer data obfuscated for it).
	NamesHidden  bool
	NeverTouched []string
}

// documentMarker is what the review's template writes where the document
// goes: raw < and > never come out of the template's escaping of any
// value, so nothing else on the page reads the same.
const documentMarker = `value="<arbor-document>"`

// splice gives the marker the template wrote and what writes the field in
// its place.
func (v *reviewView) splice() (marker string, write func(io.Writer) error) {
	return documentMarker, func(w io.Writer) error { return writeDocumentAttr(w, v.document) }
}

func newReviewView(req *http.Request, action string, r *backend.ConfigReview) *reviewView {
	v := &reviewView{ConfigReview: r, Action: action, Reviewed: r.Version, SourceReviewed: r.SourceVersion, NoChange: r.NoChange(), NeverTouched: neverTouched}
	if im := r.Impact; im != nil {
		v.ImpactVersion, v.Refused = im.ImpactVersion, domain.Problems(im.Refused)
		v.NamesHidden = im.CustomerDataObfuscated && principalOf(req).SeesObfuscatedData()
	}
	return v
}

func reviewImport(c *Console, r *http.Request) (any, error) {
	target := r.PathValue("env")
	doc, err := uploaded(r, "document")
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) || len(doc.Bytes()) > backend.DefaultDocumentLimit {
		return nil, &formError{Status: http.StatusRequestEntityTooLarge, Data: importView{Target: target}, Template: "environments/import.html",
			Err: &apiError{Status: http.StatusRequestEntityTooLarge, API: domain.Error{Code: domain.CodeValidation, Message: fmt.Sprintf("the document is larger than the %d MiB an import takes", backend.DefaultDocumentLimit>>20),
				Details: []domain.FieldError{{Field: "document", Message: "is too large"}}}}}
	}
	if err != nil {
		return nil, err
	}
	if len(doc.Bytes()) == 0 {
		return nil, &formError{Status: http.StatusBadRequest, Data: importView{Target: target}, Template: "environments/import.html",
			Err: &apiError{Status: 400, API: domain.Error{Code: domain.CodeValidation, Message: "choose a configuration document (a JSON file exported from an environment) to review",
				Details: []domain.FieldError{{Field: "document", Message: "is required"}}}}}
	}
	review, err := c.backend.ReviewImport(r.Context(), principalOf(r), target, doc)
	if err != nil {
		return nil, refuseOn(fromBackend(err), "environments/import.html", importView{Target: target}, "")
	}
	v := newReviewView(r, "import", review)
	v.DocumentField, v.document = documentMarker, doc.Bytes()
	return v, nil
}

// writeDocumentAttr writes the value attribute carrying doc in base64 to w,
// encoded as it is written: for a document of megabytes, the encoding
// made first would be a copy of it a third larger, and the page would
// wait for it.
func writeDocumentAttr(w io.Writer, doc []byte) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.WriteString(`value="`)
	enc := base64.NewEncoder(base64.RawURLEncoding, bw)
	enc.Write(doc) // bw keeps the first error, returned by Flush
	enc.Close()
	bw.WriteString(`"`)
	return bw.Flush()
}

// uploaded reads the file a multipart form sends as field: none when the
// form sends none. The part is read once, straight into one buffer sized
// by the request (a document can be megabytes; the form's parser would copy
// it twice), and hashed as it is read (backend.ReadUpload). The request's
// body is read through a buffer of its own: the multipart reader's reads
// are small, and each would otherwise be a read of the connection.
func uploaded(r *http.Request, field string) (backend.Upload, error) {
	mediaType, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || (mediaType != "multipart/form-data" && mediaType != "multipart/mixed") || params["boundary"] == "" {
		return backend.Upload{}, nil
	}
	mr := multipart.NewReader(bufio.NewReaderSize(r.Body, 256<<10), params["boundary"])
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return backend.Upload{}, nil
		}
		if err != nil {
			return backend.Upload{}, err
		}
		if part.FormName() != field || part.FileName() == "" {
			continue
		}
		// One byte more than an import takes is enough to refuse it:
		// the rest is not read.
		return backend.ReadUpload(io.LimitReader(part, backend.DefaultDocumentLimit+1), min(r.ContentLength, maxFormBytes))
	}
}

// fromBackend is an error of a backend operation called directly as the
// API would answer it: its status and body.
func fromBackend(err error) error {
	var se huma.StatusError
	var de *domain.Error
	if errors.As(err, &se) && errors.As(err, &de) {
		return &apiError{Status: se.GetStatus(), API: *de}
	}
	return err
}

// refuseOn is refuse shown on another page than the route's, under title
// (empty: that page's own; see formError).
func refuseOn(err error, template string, data any, title string) error {
	err = refuse(err, data)
	var fe *formError
	if errors.As(err, &fe) {
		fe.Template, fe.Title = template, title
	}
	return err
}

// stale refuses a confirm whose review no longer describes an
// environment: its configuration's version (the export's ETag) changed.
// The backend refuses such a write too when it takes If-Match on import
// and promote; this check says so before anything is sent.
func (c *Console) stale(r *http.Request, env, reviewed string) error {
	version, err := c.backend.ConfigVersion(r.Context(), principalOf(r), env)
	if err != nil {
		return fromBackend(err)
	}
	if version != reviewed {
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
	back := importView{Target: target}
	doc, err := base64.RawURLEncoding.DecodeString(r.PostFormValue("document"))
	if err != nil || len(doc) == 0 {
		return nil, &formError{Status: http.StatusBadRequest, Data: back, Template: "environments/import.html",
			Err: &apiError{Status: 400, API: domain.Error{Code: domain.CodeValidation, Message: "the form did not carry the reviewed document back: nothing was written; upload it again",
				Details: []domain.FieldError{{Field: "document", Message: "is not the document of a review"}}}}}
	}
	if err := c.stale(r, target, r.PostFormValue("reviewed")); err != nil {
		return nil, refuseOn(err, "environments/import.html", back, "")
	}
	prune, err := formBool(r, "prune_assignments")
	if err != nil {
		return nil, refuseOn(err, "environments/import.html", back, "")
	}
	q := url.Values{}
	if prune {
		q.Set(api.QueryPruneAssignments, "true")
	}
	if v := r.PostFormValue("impact_version"); v != "" {
		q.Set(api.QueryImpactVersion, v)
	}
	var res domain.ImportResult
	ifMatch := http.Header{api.HeaderIfMatch: {r.PostFormValue("reviewed")}}
	if _, err := c.call(r, api.ImportConfig.Method, api.ImportConfig.URL(target), q, ifMatch, doc, &res); err != nil {
		return nil, refuseOn(err, "environments/import.html", back, "")
	}
	return resultView{Action: "import", Target: target, Result: res}, nil
}

func reviewPromotion(c *Console, r *http.Request) (any, error) {
	target, from := r.PathValue("env"), r.URL.Query().Get("from")
	if from == "" {
		return nil, &apiError{Status: http.StatusBadRequest, API: domain.Error{Code: domain.CodeValidation, Message: "choose the environment to promote from (from)",
			Details: []domain.FieldError{{Field: "from", Message: "is required"}}}}
	}
	review, err := c.backend.ReviewPromotion(r.Context(), principalOf(r), target, from)
	if err != nil {
		return nil, fromBackend(err)
	}
	return newReviewView(r, "promote", review), nil
}

// promoteAgain is the page of a refused promotion: its reason, and the
// way to review it again.
type promoteAgain struct {
	Target, From string
}

func confirmPromotion(c *Console, r *http.Request) (any, error) {
	target, from := r.PathValue("env"), r.PostFormValue("from")
	back := promoteAgain{Target: target, From: from}
	if err := c.stale(r, target, r.PostFormValue("reviewed")); err != nil {
		return nil, refuseOn(err, "environments/again.html", back, "Promotion not applied")
	}
	if err := c.stale(r, from, r.PostFormValue("source_reviewed")); err != nil {
		return nil, refuseOn(err, "environments/again.html", back, "Promotion not applied")
	}
	prune, err := formBool(r, "prune_assignments")
	if err != nil {
		return nil, refuseOn(err, "environments/again.html", back, "Promotion not applied")
	}
	req := api.PromoteRequest{From: from, PruneAssignments: prune, ImpactVersion: r.PostFormValue("impact_version")}
	var res domain.ImportResult
	ifMatch := http.Header{api.HeaderIfMatch: {r.PostFormValue("reviewed")}}
	if _, err := c.call(r, api.Promote.Method, api.Promote.URL(target), nil, ifMatch, req, &res); err != nil {
		return nil, refuseOn(err, "environments/again.html", back, "Promotion not applied")
	}
	return resultView{Action: "promote", Target: target, From: from, Result: res}, nil
}
