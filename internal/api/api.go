// Package api is the contract of the management API that the backend serves
// and the client calls: route templates, the names of query parameters and
// headers, and the request bodies that are not domain objects. Both sides
// take these names from here; a backend test checks every route against
// the served OpenAPI document and a client test checks that every request
// the client builds matches one of these routes.
package api

import (
	"encoding/json"
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
	AccessImpact     = Route{http.MethodPost, "/v1/environments/{env}/access/impact"}
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
	CheckAccess, CheckAccessBatch, PreviewWorkflow, AccessImpact,
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
	// Filters of object listings.
	QueryKeyPrefix         = "key_prefix"
	QueryOriginEnvironment = "origin_environment"
	QueryActive            = "active"
	QueryIdentityKey       = "identity_key"
	QueryRoleKey           = "role_key"
	QueryNodeKey           = "node_key"
	QueryChannelType       = "channel_type"
	QueryDryRun            = "dry_run"
	// QueryImpactVersion names the access impact an import was reviewed
	// with: it is refused (412) if the impact differs now.
	QueryImpactVersion = "impact_version"
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
	DryRun           bool   `json:"dry_run,omitempty" doc:"Change nothing: answer what the promotion would do (the configuration diff per section and the access impact), with the version of this environment's configuration it reviewed."`
	ImpactVersion    string `json:"impact_version,omitempty" doc:"The access impact the promotion was reviewed with (impact_version of a dry run or an access impact): if what it does to people has changed since, the promotion is refused with 412."`
}

// AccessImpactRequest proposes a change to an environment's access
// control, to learn what it does to people: either a configuration
// document (what an import would write) or a change set (what one
// resource's plan writes).
type AccessImpactRequest struct {
	Document         json.RawMessage  `json:"document,omitempty" doc:"A configuration document, as import takes it: the impact of importing it. Exactly one of document and changes."`
	PruneAssignments bool             `json:"prune_assignments,omitempty" doc:"With document: as import's prune_assignments, the role assignments of roles and nodes the document removes go with them. Without it such a document is answered as refused, as import would refuse it."`
	Changes          *AccessChangeSet `json:"changes,omitempty" doc:"Objects put and deleted, by kind and key: the impact of writing them. Exactly one of document and changes."`
}

// AccessChangeSet is what a plan writes of permissions, roles and the
// hierarchy.
type AccessChangeSet struct {
	Put    []AccessChangePut `json:"put,omitempty" maxItems:"1000" doc:"Objects written, each whole, as its PUT takes it."`
	Delete []AccessChangeRef `json:"delete,omitempty" maxItems:"1000" doc:"Objects deleted (without cascade, as a plan deletes them)."`
}

// AccessChangeRef names an object of a change set.
type AccessChangeRef struct {
	Kind string `json:"kind" values:"access_change_kinds" doc:"The object's kind."`
	Key  string `json:"key" doc:"The object's key."`
}

// AccessChangePut is an object a change set writes.
type AccessChangePut struct {
	AccessChangeRef
	Object json.RawMessage `json:"object" doc:"The object, as the body of its PUT (a permission, a role or a hierarchy node)."`
}

// MaxAccessImpactListed bounds each list of an access impact's answer;
// its totals count everything.
const MaxAccessImpactListed = 1000

// AccessImpactAnswer is what a proposed change does to people.
type AccessImpactAnswer struct {
	Environment   string `json:"environment" doc:"The environment the change is measured in."`
	ConfigVersion string `json:"config_version" doc:"Version of the environment's configuration the answer measured against, as its export's ETag gives it; send it as If-Match with the import or promotion, so that it is refused (412) if the configuration changed since."`
	// Refused lists why the change would be refused: then nothing would
	// change, and removed and added are empty.
	Refused                []domain.FieldError `json:"refused" nullable:"false" doc:"Why the backend would refuse the change, each naming the field at fault; when not empty, nothing would change and removed and added are empty."`
	CustomerDataObfuscated bool                `json:"customer_data_obfuscated" doc:"The environment obfuscates customer data: say counts, never identity keys. For a reader who sees it obfuscated, the answer already leaves every identity key out."`
	// ImpactVersion fingerprints the whole impact (domain.AccessImpact's
	// Version): empty for a reader who sees customer data obfuscated, to
	// whom it could name identities the answer leaves out.
	ImpactVersion string `json:"impact_version,omitempty" doc:"Version of the whole impact, every grant removed and added, before the lists are capped: send it as impact_version with the import or promotion, which is then refused (412) if what it does to people changed since (a role assignment made or removed meanwhile). Absent for a reader who sees customer data obfuscated."`
	domain.AccessImpact
}
