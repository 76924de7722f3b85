package console

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/arborhq/terraform-provider-arbor/internal/api"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// What the pages of the versioned kinds (Workflows, Guides) share: the
// origin badge, active switched anywhere, the promotion status across
// environments, the versions with a diff between two, the mark of objects
// a Terraform configuration manages, and the one place the console edits
// content (seed 000): production-born objects in production, while
// production write access is on. The backend applies the same rules to
// every write the pages send; the pages only decide what to offer.

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
	// guideField is the argument of a form's one-line field: its API name,
	// label, value and the page's error for it.
	funcs["guideField"] = func(v *view, name, label, value string) formField {
		return formField{Name: name, Label: label, Value: value, Error: v.Errors[name]}
	}
}

// formField is one labelled text field of a form, named as the API names
// it.
type formField struct {
	Name, Label, Value, Error string
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
	Env    string
	Key    string
	Kind   domain.Kind
	Object *T
	State  *domain.VersionState
	// Activation is the object's active flag, nil for a kind without one.
	Activation *domain.Activation
	Meta       *domain.Meta
	Promotion  domain.Promotion
	Rights     contentRights
	Versions   []versionRow
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
	v := &versionedView[T]{Env: env, Key: key, Kind: kind, Object: obj, State: PT(obj).GetVersionState(), Meta: PT(obj).GetMeta(), Saved: r.URL.Query().Get("saved")}
	if a, ok := any(PT(obj)).(domain.Activatable); ok {
		v.Activation = a.GetActivation()
	}
	route := api.VersionedRoutesOf(kind).Promotion
	if _, err := c.call(r, route.Method, route.URL(env, key), nil, nil, nil, &v.Promotion); err != nil {
		return nil, err
	}
	v.Rights = rightsOf(principalOf(r), kind, env, v.Promotion)
	return v, nil
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
		active := r.PostFormValue("active") == "true"
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
