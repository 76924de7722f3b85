// Package api is the contract of the management API that the backend serves
// and the client calls: route templates, the names of query parameters and
// headers, and the request bodies that are not domain objects. Both sides
// take these names from here; a backend test checks every route against
// the served OpenAPI document and a client test checks that every request
// the client builds matches one of these routes.
package api

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// Route is one operation: its method and path template, whose parameters
// are written {name}.
type Route struct {
	Method string
	Path   string
}

func (r Route) String() string { return r.Method + " " + r.Path }

// URL fills the template's parameters, in order, each path-escaped. A
// wrong count (a malformed role assignment id, say) still makes a path:
// missing parameters are left empty and extra ones appended, so the server
// answers 404 as it does for any path it does not serve.
func (r Route) URL(params ...string) string {
	segments := strings.Split(r.Path, "/")
	for i, s := range segments {
		if strings.HasPrefix(s, "{") {
			segments[i] = ""
			if len(params) > 0 {
				segments[i], params = url.PathEscape(params[0]), params[1:]
			}
		}
	}
	for _, extra := range params {
		segments = append(segments, url.PathEscape(extra))
	}
	return strings.Join(segments, "/")
}

// The routes the client calls that are not keyed objects (for those, see
// ObjectRoutes).
var (
	Whoami            = Route{http.MethodGet, "/v1/whoami"}
	GetSettings       = Route{http.MethodGet, "/v1/settings"}
	PutSettings       = Route{http.MethodPut, "/v1/settings"}
	ListAudit         = Route{http.MethodGet, "/v1/audit"}
	ListEnvironments  = Route{http.MethodGet, "/v1/environments"}
	CreateEnvironment = Route{http.MethodPost, "/v1/environments"}
	GetEnvironment    = Route{http.MethodGet, "/v1/environments/{env}"}
	PutEnvironment    = Route{http.MethodPut, "/v1/environments/{env}"}
	DeleteEnvironment = Route{http.MethodDelete, "/v1/environments/{env}"}
	CreateToken       = Route{http.MethodPost, "/v1/tokens"}
	ListTokens        = Route{http.MethodGet, "/v1/tokens"}
	GetToken          = Route{http.MethodGet, "/v1/tokens/{id}"}
	DeleteToken       = Route{http.MethodDelete, "/v1/tokens/{id}"}
	CreateAPIKey      = Route{http.MethodPost, "/v1/environments/{env}/api-keys"}
	ListAPIKeys       = Route{http.MethodGet, "/v1/environments/{env}/api-keys"}
	GetAPIKey         = Route{http.MethodGet, "/v1/environments/{env}/api-keys/{id}"}
	PutAPIKey         = Route{http.MethodPut, "/v1/environments/{env}/api-keys/{id}"}
	DeleteAPIKey      = Route{http.MethodDelete, "/v1/environments/{env}/api-keys/{id}"}
	ExportConfig      = Route{http.MethodGet, "/v1/environments/{env}/config"}
	ImportConfig      = Route{http.MethodPut, "/v1/environments/{env}/config"}
	Promote           = Route{http.MethodPost, "/v1/environments/{env}/promote"}
	GetBranding       = Route{http.MethodGet, "/v1/environments/{env}/branding"}
	PutBranding       = Route{http.MethodPut, "/v1/environments/{env}/branding"}
	DeleteBranding    = Route{http.MethodDelete, "/v1/environments/{env}/branding"}
	// Checks read by POST, since a question carries a body; they change
	// nothing, so a retry is harmless.
	CheckAccess      = Route{http.MethodPost, "/v1/environments/{env}/access/check"}
	CheckAccessBatch = Route{http.MethodPost, "/v1/environments/{env}/access/batch-check"}
	PreviewWorkflow  = Route{http.MethodPost, "/v1/environments/{env}/workflows/{key}/preview"}
	// PendingPromotion lists what the next promotion into an environment
	// would carry, every versioned kind at once.
	PendingPromotion = Route{http.MethodGet, "/v1/environments/{env}/pending-promotion"}
)

// Routes lists the routes above.
var Routes = []Route{
	Whoami, GetSettings, PutSettings, ListAudit,
	ListEnvironments, CreateEnvironment, GetEnvironment, PutEnvironment, DeleteEnvironment,
	CreateToken, ListTokens, GetToken, DeleteToken,
	CreateAPIKey, ListAPIKeys, GetAPIKey, PutAPIKey, DeleteAPIKey,
	ExportConfig, ImportConfig, Promote,
	GetBranding, PutBranding, DeleteBranding,
	CheckAccess, CheckAccessBatch, PreviewWorkflow,
	PendingPromotion,
}

// KindRoutes are the routes of one kind of keyed object.
type KindRoutes struct {
	List, Get, Put, Delete Route
}

// ObjectRoutes returns a kind's routes: environment-scoped kinds live under
// their environment, account-level ones under /v1; a role assignment's key
// is its triple, three path segments.
func ObjectRoutes(kind domain.Kind) KindRoutes {
	base := "/v1/environments/{env}/" + kind.Collection
	if kind.Account {
		base = "/v1/" + kind.Collection
	}
	item := base + "/{key}"
	if kind == domain.KindRoleAssignment {
		item = base + "/{identity_key}/{role_key}/{node_key}"
	}
	return KindRoutes{
		List:   Route{http.MethodGet, base},
		Get:    Route{http.MethodGet, item},
		Put:    Route{http.MethodPut, item},
		Delete: Route{http.MethodDelete, item},
	}
}

// VersionedRoutes are what a versioned kind (workflows, guides) has
// beside its object routes: one object's promotion state, versions and
// the field diff between two of them (or with another environment's
// copy), and the promotion states of all of them, a page at a time (under
// a path of its own, so that no key can shadow it).
type VersionedRoutes struct {
	Promotion, Versions, Diff, PromotionStates Route
}

// VersionedRoutesOf returns a versioned kind's promotion state and
// versions routes.
func VersionedRoutesOf(kind domain.Kind) VersionedRoutes {
	item := ObjectRoutes(kind).Get.Path
	return VersionedRoutes{
		Promotion:       Route{http.MethodGet, item + "/promotion"},
		Versions:        Route{http.MethodGet, item + "/versions"},
		Diff:            Route{http.MethodGet, item + "/diff"},
		PromotionStates: Route{http.MethodGet, "/v1/environments/{env}/promotion-states/" + kind.Collection},
	}
}

// All lists every route the client can call.
func All() []Route {
	all := append([]Route{}, Routes...)
	for _, k := range domain.Kinds {
		r := ObjectRoutes(k)
		all = append(all, r.List, r.Get, r.Put, r.Delete)
	}
	for _, k := range domain.VersionedKinds {
		r := VersionedRoutesOf(k)
		all = append(all, r.Promotion, r.Versions, r.Diff, r.PromotionStates)
	}
	return all
}

// Query parameters.
const (
	QueryLimit            = "limit"
	QueryCursor           = "cursor"
	QueryEnvironment      = "environment"
	QueryForce            = "force"
	QueryPruneAssignments = "prune_assignments"
	QueryKind             = "kind"
	QueryActor            = "actor"
	// The versions a diff compares: from (older) and to (newer), numbers
	// of the environment's versions; with to_environment, the newer side
	// is that environment's current copy.
	QueryDiffFrom          = "from"
	QueryDiffTo            = "to"
	QueryDiffToEnvironment = "to_environment"
)

// Headers.
const (
	HeaderIdempotencyKey     = "Idempotency-Key"
	HeaderIfMatch            = "If-Match"
	HeaderIfNoneMatch        = "If-None-Match"
	HeaderRetryAfter         = "Retry-After"
	HeaderContentDisposition = "Content-Disposition"
	// HeaderManagedBy marks a write as made by a tool that manages the
	// object (domain.ManagedByValues): the Terraform provider sends it on
	// its writes, and the object then says so in managed_by.
	HeaderManagedBy = "Arbor-Managed-By"
)

// PromoteRequest asks to copy another environment's configuration.
type PromoteRequest struct {
	From             string `json:"from" doc:"Slug of the environment whose configuration is copied."`
	PruneAssignments bool   `json:"prune_assignments,omitempty" doc:"Remove the role assignments of roles and hierarchy nodes the promotion removes, instead of refusing it."`
}
