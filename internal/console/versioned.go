package console

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"

	"github.com/arborhq/terraform-provider-arbor/internal/api"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// What the pages of the versioned kinds (Workflows, Guides) share: the
// origin badge, active switched anywhere, the promotion status across
// environments, the versions with a diff between two, the mark of objects
// a Terraform configuration manages, and the one place the console edits
// content (seed 000): production-born objects in production, while
// production write access is on. The backend applies the same rules to
// every write the pages send; the pages decide what to offer, and refuse
// a form sent where they offer none (contentRights.Offers).

func init() {
	// value shows one side of a field change: a string as it is, anything
	// else as JSON.
	funcs["value"] = func(v any) string {
		if s, ok := v.(string); ok {
			return s
		}
		b, err := json.Marshal(v)
		if err != nil {
			return fmt.Sprint(v)
		}
		return string(b)
	}
	funcs["short"] = func(sha string) string {
		if len(sha) > 12 {
			return sha[:12]
		}
		return sha
	}
	funcs["terraform"] = func(managedBy string) bool { return managedBy == domain.ManagedByTerraform }
	// field and area are the argument of a form's one-line field and of
	// its text area: the field's API name, label, value and the page's
	// error for it.
	funcs["field"] = func(v *view, name, label, value string) formField {
		return formField{Name: name, Label: label, Value: value, Error: v.Errors[name]}
	}
	funcs["area"] = func(v *view, name, label, value string, rows int) formField {
		return formField{Name: name, Label: label, Value: value, Error: v.Errors[name], Rows: rows}
	}
}

// formField is one labelled text field of a form, named as the API names
// it; with Rows, a text area of that many rows.
type formField struct {
	Name, Label, Value, Error string
	Rows                      int
}

// contentRights is what the signed-in token may do to one versioned
// object's content in one environment, and why not when it may not.
type contentRights struct {
	// CanWrite: the token writes this environment, so active can be
	// switched (active is per environment, never promoted).
	CanWrite bool
	// Editable: the content is edited here, in the console.
	Editable bool
	// Creatable: new objects of the kind may be created here (production,
	// with production write access on).
	Creatable bool
	// Why the content is not edited here: the origin message for an object
	// born elsewhere, or what else keeps it read-only.
	Why string
	// Elsewhere is the origin environment of an object born elsewhere.
	Elsewhere string
}

// Offers reports whether the page of a new (isNew) or existing object
// shows its form. It is the one predicate of both the pages and the
// writes their forms send: a form sent where its page shows none is
// refused (readOnly), although the API may take the same write from the
// same token (a member writes development through the API; the console
// edits only seed 000's production-born content).
func (r contentRights) Offers(isNew bool) bool {
	if isNew {
		return r.Creatable
	}
	return r.Editable
}

// readOnly is the answer to a content form sent where its page shows
// none: nothing is written, and the page shows again, with why (the
// rights' note under the alert). An object born elsewhere is refused as
// the API refuses it (a conflict with the promotion rule); anything else
// is a write the console does not make.
func readOnly(data any, rights contentRights) error {
	status, code := http.StatusForbidden, domain.CodeForbidden
	if rights.Elsewhere != "" {
		status, code = http.StatusConflict, domain.CodePromotionRefused
	}
	return &formError{Status: status, Data: data, Err: &apiError{Status: status, API: domain.Error{Code: code, Message: "Nothing was saved: the console does not make this change here."}}}
}

// rightsOf decides what the console offers, with the promotion rule's own
// facts: the object's origin and the account's setting.
func rightsOf(p domain.Principal, kind domain.Kind, env string, prom domain.Promotion) contentRights {
	access := domain.EnvAccess{Slug: env, IsProduction: env == domain.Production}
	r := contentRights{CanWrite: p.Authorize(domain.ActWrite, access, prom.ProductionWriteAccess) == nil}
	r.Creatable = r.CanWrite && env == domain.Production && prom.ProductionWriteAccess
	switch origin := prom.Origin; {
	case origin != "" && origin != env:
		r.Elsewhere = origin
		r.Why = fmt.Sprintf("This %s originated in %s. It is edited only in %s and reaches %s by promotion: make the change in %s, then promote it.", kind.Noun, origin, origin, env, origin)
	case env != domain.Production:
		r.Why = fmt.Sprintf("This %s was created in %s, where it is configuration: it changes through Terraform or the API there, then is promoted. The console edits content created in production.", kind.Noun, env)
	case !prom.ProductionWriteAccess:
		r.Why = fmt.Sprintf("This %s was created in production; it is edited here only while production write access is on (Settings).", kind.Noun)
	case !r.CanWrite:
		r.Why = fmt.Sprintf("Your token's role (%s) reads this %s but does not edit it.", p.Role, kind.Noun)
	default:
		r.Editable = true
	}
	return r
}

// versionedView is the detail page of a versioned object.
type versionedView[T any] struct {
	Env  string
	Key  string
	Kind domain.Kind
	// Title is the object's name, or its key for a kind without names.
	Title  string
	Object *T
	State  *domain.VersionState
	// Activation is the object's active flag, nil for a kind without one.
	Activation *domain.Activation
	Meta       *domain.Meta
	Promotion  domain.Promotion
	Rights     contentRights
	// Uses are the versioned objects it uses (a layout, partials, a
	// workflow it triggers), each linked to its page.
	Uses     []domain.Ref
	Versions []versionRow
	// OlderVersions is the address of the next page of versions.
	OlderVersions string
	Saved         string
}

// versionRow is one version in the versions table.
type versionRow struct {
	Version   int64
	SHA       string
	Active    bool
	ManagedBy string
	Updated   string
	// Previous is the version before it, 0 for the first.
	Previous int64
}

// loadVersioned reads an object of a versioned kind with its promotion
// state and what the token may do to it.
func loadVersioned[T any, PT domain.VersionedPtr[T]](c *Console, r *http.Request, kind domain.Kind) (*versionedView[T], error) {
	env, key := r.PathValue("env"), r.PathValue("key")
	obj, err := getObject[T](c, r, kind, key)
	if err != nil {
		return nil, err
	}
	v := newVersionedView[T, PT](env, kind, obj, contentRights{})
	v.Key, v.Saved, v.Uses = key, r.URL.Query().Get("saved"), domain.VersionedUses(PT(obj))
	route := api.VersionedRoutesOf(kind).Promotion
	if _, err := c.call(r, route.Method, route.URL(env, key), nil, nil, nil, &v.Promotion); err != nil {
		return nil, err
	}
	v.Rights = rightsOf(principalOf(r), kind, env, v.Promotion)
	return v, nil
}

// newVersionedView is the view of obj in env, with rights.
func newVersionedView[T any, PT domain.VersionedPtr[T]](env string, kind domain.Kind, obj *T, rights contentRights) *versionedView[T] {
	v := &versionedView[T]{Env: env, Key: PT(obj).ObjectKey(), Kind: kind, Title: PT(obj).ObjectKey(), Object: obj,
		State: PT(obj).GetVersionState(), Meta: PT(obj).GetMeta(), Rights: rights}
	if name := reflect.ValueOf(obj).Elem().FieldByName("Name"); name.Kind() == reflect.String && name.String() != "" {
		v.Title = name.String()
	}
	if a, ok := any(PT(obj)).(domain.Activatable); ok {
		v.Activation = a.GetActivation()
	}
	return v
}

// withVersions adds a page of the object's versions, newest first.
func withVersions[T any, PT domain.VersionedPtr[T]](c *Console, r *http.Request, v *versionedView[T]) error {
	page, err := listPage[T](c, r, api.VersionedRoutesOf(v.Kind).Versions.URL(v.Env, PT(v.Object).ObjectKey()),
		url.Values{api.QueryLimit: {"20"}, api.QueryCursor: {r.URL.Query().Get("versions")}})
	if err != nil {
		return err
	}
	for i := range page.Items {
		o := PT(&page.Items[i])
		m, st := o.GetMeta(), o.GetVersionState()
		active := false
		if a, ok := any(o).(domain.Activatable); ok {
			active = a.GetActivation().IsActive()
		}
		v.Versions = append(v.Versions, versionRow{Version: m.Version, SHA: st.SHA, Active: active, ManagedBy: m.ManagedBy,
			Updated: formatTime(m.UpdatedAt), Previous: m.Version - 1})
	}
	if page.NextCursor != "" {
		v.OlderVersions = "?" + url.Values{"versions": {page.NextCursor}}.Encode()
	}
	return nil
}

// versionedPage is the detail page of a versioned kind.
func versionedPage[T any, PT domain.VersionedPtr[T]](kind domain.Kind) func(c *Console, r *http.Request) (any, error) {
	return func(c *Console, r *http.Request) (any, error) {
		v, err := loadVersioned[T, PT](c, r, kind)
		if err != nil {
			return nil, err
		}
		return v, withVersions[T, PT](c, r, v)
	}
}

// objectURL is the console address of an object of kind in env.
func objectURL(env string, kind domain.Kind, key string, more ...string) string {
	return consolePath(append([]string{"environments", env, kind.Collection, key}, more...)...)
}

// putVersioned writes obj through the API, as exactly the version the
// form was made from (If-Match), or, with create, only if the key is new.
func putVersioned[T any, PT domain.VersionedPtr[T]](c *Console, r *http.Request, kind domain.Kind, obj *T, create bool) error {
	h := http.Header{}
	if create {
		h.Set(api.HeaderIfNoneMatch, "*")
	} else {
		h.Set(api.HeaderIfMatch, strconv.Quote(r.PostFormValue("version")))
	}
	_, err := c.call(r, http.MethodPut, api.ObjectRoutes(kind).Put.URL(r.PathValue("env"), PT(obj).ObjectKey()), nil, h, obj, obj)
	return err
}

// switchActive turns a versioned object on or off in one environment: the
// same write as any other (If-Match on the version shown), whose content,
// and so sha, does not change, which the promotion rule allows anywhere.
func switchActive[T any, PT domain.VersionedPtr[T]](kind domain.Kind) func(c *Console, r *http.Request) (any, error) {
	return func(c *Console, r *http.Request) (any, error) {
		obj, err := getObject[T](c, r, kind, r.PathValue("key"))
		if err != nil {
			return nil, err
		}
		active, err := formBool(r, "active")
		if err != nil {
			return nil, err
		}
		a, ok := any(PT(obj)).(domain.Activatable)
		if !ok {
			return nil, fmt.Errorf("%s have no active flag", kind.Collection)
		}
		a.GetActivation().Active = &active
		if err := putVersioned[T, PT](c, r, kind, obj, false); err != nil {
			return nil, err
		}
		return redirect(objectURL(r.PathValue("env"), kind, r.PathValue("key")) + "?saved=active"), nil
	}
}

// diffView is the diff page of a versioned object.
type diffView struct {
	Env  string
	Kind domain.Kind
	Key  string
	Diff domain.VersionDiff
	// Nothing says why there is nothing to compare.
	Nothing string
}

// diffPage compares two versions through the API's diff route: from and
// to in this environment, or this environment's with the copy in
// to_environment.
func diffPage(kind domain.Kind) func(c *Console, r *http.Request) (any, error) {
	return func(c *Console, r *http.Request) (any, error) {
		env, key := r.PathValue("env"), r.PathValue("key")
		q := url.Values{}
		for _, name := range []string{api.QueryDiffFrom, api.QueryDiffTo, api.QueryDiffToEnvironment} {
			if value := r.URL.Query().Get(name); value != "" {
				q.Set(name, value)
			}
		}
		v := diffView{Env: env, Kind: kind, Key: key}
		route := api.VersionedRoutesOf(kind).Diff
		_, err := c.call(r, route.Method, route.URL(env, key), q, nil, nil, &v.Diff)
		var ae *apiError
		if len(q) == 0 && errors.As(err, &ae) && ae.Status == http.StatusBadRequest {
			// The object's only version has nothing before it to compare.
			v.Nothing = ae.API.Message
			for _, d := range ae.API.Details {
				v.Nothing = d.Message
			}
			return v, nil
		}
		return v, err
	}
}

// versionedListView is the list page of a versioned kind, with what the
// token may create there.
type versionedListView[T any] struct {
	envView[T]
	Kind   domain.Kind
	Rights contentRights
}

// versionedList is the list page of a versioned kind: a page of its
// objects and whether new ones are created here.
func versionedList[T any](kind domain.Kind) func(c *Console, r *http.Request) (any, error) {
	return func(c *Console, r *http.Request) (any, error) {
		list, err := listOf[T](c, r, kind, nil)
		if err != nil {
			return nil, err
		}
		rights, err := creationRights(c, r, kind)
		return versionedListView[T]{envView: list, Kind: kind, Rights: rights}, err
	}
}

// creationRights is what the token may do with an object of kind that
// does not exist yet, from the promotion state of a key no object has.
func creationRights(c *Console, r *http.Request, kind domain.Kind) (contentRights, error) {
	env := r.PathValue("env")
	var states domain.PromotionStates
	route := api.VersionedRoutesOf(kind).PromotionStates
	if _, err := c.call(r, route.Method, route.URL(env), map[string][]string{api.QueryLimit: {"1"}}, nil, nil, &states); err != nil {
		return contentRights{}, err
	}
	rights := rightsOf(principalOf(r), kind, env, states.Absent(kind, ""))
	switch {
	case rights.Creatable:
	case env != domain.Production:
		rights.Why = fmt.Sprintf("New %ss are created in %s only through Terraform or the API: the console creates %ss in production, while production write access is on.", kind.Noun, env, kind.Noun)
	default:
		rights.Why = fmt.Sprintf("New %ss are created in production only while production write access is on, by a token that writes production.", kind.Noun)
	}
	return rights, nil
}

// contentForm is the form of a new or existing versioned object; its
// fields are named as the API's JSON (content.title, html_layout).
type contentForm[T any] struct {
	*versionedView[T]
	New bool
	// KeyHelp says what a new object's key may be.
	KeyHelp string
}

// contentEditor is how the console creates and edits the content of one
// versioned kind: the pages of seed 000's production-born content. The
// kind says how its form reads and what else its form shows; the rights,
// the key, the precondition and the refusals on their fields are the
// same for every kind.
type contentEditor[T any, PT domain.VersionedPtr[T]] struct {
	Kind domain.Kind
	// Blank is a new object as the create form starts it.
	Blank func(r *http.Request) *T
	// Read puts the form's fields into obj, keeping what the form does not
	// show; the problems it finds itself (a field that is no number, a
	// row of a repeated field) are named as the API names the field.
	Read func(r *http.Request, obj *T) domain.Problems
	// Form is the page's data for the form f, with what the kind's form
	// shows beside its object; r is the request that shows it (a refused
	// form shows again what was sent).
	Form func(r *http.Request, f contentForm[T]) any
	// CheckKey is the API's rule for the kind's keys; KeyHelp says it.
	CheckKey func(string) string
	KeyHelp  string
}

func (e contentEditor[T, PT]) form(r *http.Request, v *versionedView[T], isNew bool) any {
	return e.Form(r, contentForm[T]{versionedView: v, New: isNew, KeyHelp: e.KeyHelp})
}

func (e contentEditor[T, PT]) newPage(c *Console, r *http.Request) (any, error) {
	rights, err := creationRights(c, r, e.Kind)
	if err != nil {
		return nil, err
	}
	return e.form(r, newVersionedView[T, PT](r.PathValue("env"), e.Kind, e.Blank(r), rights), true), nil
}

// create writes a new object from the form, only if its key is new.
func (e contentEditor[T, PT]) create(c *Console, r *http.Request) (any, error) {
	rights, err := creationRights(c, r, e.Kind)
	if err != nil {
		return nil, err
	}
	obj := e.Blank(r)
	if !rights.Offers(true) {
		return nil, readOnly(e.form(r, newVersionedView[T, PT](r.PathValue("env"), e.Kind, obj, rights), true), rights)
	}
	env, key := r.PathValue("env"), strings.TrimSpace(r.PostFormValue("key"))
	PT(obj).SetObjectKey(key)
	problems := e.Read(r, obj)
	form := e.form(r, newVersionedView[T, PT](env, e.Kind, obj, rights), true)
	// The key is in the path of the write: one the API refuses is named
	// by the path, so it is checked here with the API's own rule first.
	switch {
	case key == "":
		problems = append(domain.Problems{{Field: "key", Message: "is required"}}, problems...)
	case e.CheckKey(key) != "":
		problems = append(domain.Problems{{Field: "key", Message: e.CheckKey(key)}}, problems...)
	}
	if len(problems) > 0 {
		return nil, fieldRefusal(form, e.Kind, withRules(problems, PT(obj)))
	}
	err = putVersioned[T, PT](c, r, e.Kind, obj, true)
	var ae *apiError
	if errors.As(err, &ae) && ae.Status == http.StatusPreconditionFailed {
		// The API words it for Terraform (import it to manage it); the
		// form says it on the key.
		ae.API.Details = append(ae.API.Details, domain.FieldError{Field: "key",
			Message: fmt.Sprintf("%q is taken: a %s with this key exists in %s already; choose another key, or open that %s", key, e.Kind.Noun, env, e.Kind.Noun)})
	}
	if err != nil {
		return nil, refuse(err, form)
	}
	return redirect(objectURL(env, e.Kind, key) + "?saved=created"), nil
}

func (e contentEditor[T, PT]) editPage(c *Console, r *http.Request) (any, error) {
	v, err := loadVersioned[T, PT](c, r, e.Kind)
	if err != nil {
		return nil, err
	}
	return e.form(r, v, false), nil
}

// save writes the form into the object as read, as exactly the version
// the form was made from.
func (e contentEditor[T, PT]) save(c *Console, r *http.Request) (any, error) {
	v, err := loadVersioned[T, PT](c, r, e.Kind)
	if err != nil {
		return nil, err
	}
	if !v.Rights.Offers(false) {
		return nil, readOnly(e.form(r, v, false), v.Rights)
	}
	problems := e.Read(r, v.Object)
	form := e.form(r, v, false)
	if len(problems) > 0 {
		return nil, fieldRefusal(form, e.Kind, withRules(problems, PT(v.Object)))
	}
	if err := putVersioned[T, PT](c, r, e.Kind, v.Object, false); err != nil {
		return nil, refuse(err, form)
	}
	return redirect(objectURL(v.Env, e.Kind, v.Key) + "?saved=content"), nil
}

// fieldRefusal shows the form again with its fields' problems, as the
// API would word them.
func fieldRefusal(data any, kind domain.Kind, problems domain.Problems) error {
	return &formError{Status: http.StatusBadRequest, Data: data, Err: &apiError{Status: http.StatusBadRequest,
		API: domain.Error{Code: domain.CodeValidation, Message: fmt.Sprintf("The %s is not valid.", kind.Noun), Details: problems}}}
}

// withRules adds to the problems a form found itself, which keep it from
// being sent, those the domain's rules find in obj (the API's own
// Validate), so that a refused form names every field at once; a field
// already named keeps the form's problem.
func withRules(problems domain.Problems, obj domain.VersionedObject) domain.Problems {
	named := map[string]bool{}
	for _, p := range problems {
		named[p.Field] = true
	}
	for _, p := range obj.Validate() {
		if !named[p.Field] {
			problems = append(problems, p)
		}
	}
	return problems
}

// versionedPages are the pages of a versioned kind whose content the
// console edits, under templates/<dir>/: the list, the form of a new one,
// each object with its versions, the diff of two, and the form that
// edits one; active is switched on a kind that has it.
func versionedPages[T any, PT domain.VersionedPtr[T]](e contentEditor[T, PT], dir, detail string) []page {
	env := Prefix + "environments/{env}/" + e.Kind.Collection
	noun := strings.ToUpper(e.Kind.Noun[:1]) + e.Kind.Noun[1:]
	pages := []page{
		{Method: "GET", Path: env, Template: dir + "/list.html", Title: noun + "s", Handle: versionedList[T](e.Kind)},
		{Method: "GET", Path: env + "/new", Template: dir + "/edit.html", Title: "New " + e.Kind.Noun, Handle: e.newPage},
		{Method: "POST", Path: env + "/new", Template: dir + "/edit.html", Title: "New " + e.Kind.Noun, Handle: e.create},
		{Method: "GET", Path: env + "/{key}", Template: dir + "/" + detail, Title: noun, Handle: versionedPage[T, PT](e.Kind)},
		{Method: "GET", Path: env + "/{key}/diff", Template: "notifications/diff.html", Title: noun + " changes", Handle: diffPage(e.Kind)},
		{Method: "GET", Path: env + "/{key}/edit", Template: dir + "/edit.html", Title: "Edit " + e.Kind.Noun, Handle: e.editPage},
		{Method: "POST", Path: env + "/{key}/edit", Template: dir + "/edit.html", Title: "Edit " + e.Kind.Noun, Handle: e.save},
	}
	if _, ok := any(PT(new(T))).(domain.Activatable); ok {
		pages = append(pages, page{Method: "POST", Path: env + "/{key}/active", Template: dir + "/" + detail, Title: noun, Handle: switchActive[T, PT](e.Kind)})
	}
	return pages
}

// rows are the rows of a form's repeated field (footer links, input
// fields): the object's, then empty ones to add more with, up to max.
func rows[R any](have []R, more, max int) []R {
	n := min(len(have)+more, max)
	out := make([]R, n)
	copy(out, have)
	return out
}

// repeatedField is a form's repeated field (footer links, input fields):
// a row per item, each of the fields named <name>[i].<part>.
type repeatedField struct {
	View         *view
	Name, Legend string
	Rows         [][]formField
}

// repeatedPart is one field of every row: its part of the name, its label
// (with the row's number for %d) and, for a text area, its rows.
type repeatedPart struct {
	Part, Label string
	Lines       int
}

// repeat is the repeated field name with a row per item of values, each
// holding its values in the order of parts.
func repeat(name, legend string, parts []repeatedPart, values [][]string) repeatedField {
	f := repeatedField{Name: name, Legend: legend}
	for i, row := range values {
		var fields []formField
		for j, p := range parts {
			fields = append(fields, formField{Name: fmt.Sprintf("%s[%d].%s", name, i, p.Part), Label: fmt.Sprintf(p.Label, i+1), Value: row[j], Rows: p.Lines})
		}
		f.Rows = append(f.Rows, fields)
	}
	return f
}

func init() {
	// withErrors puts the page's errors on a repeated field's fields.
	funcs["withErrors"] = func(v *view, f repeatedField) repeatedField {
		f.View = v
		for _, row := range f.Rows {
			for j := range row {
				row[j].Error = v.Errors[row[j].Name]
			}
		}
		return f
	}
}

// readRows reads a form's repeated field, named name[i].<part>, into its
// rows, skipping those left empty: row i of what it returns is row i of
// the API's answer about it.
func readRows[R any](r *http.Request, name string, max int, read func(get func(part string) string) (R, bool)) []R {
	var out []R
	for i := range max {
		at := fmt.Sprintf("%s[%d].", name, i)
		if row, ok := read(func(part string) string { return strings.TrimSpace(r.PostFormValue(at + part)) }); ok {
			out = append(out, row)
		}
	}
	return out
}
