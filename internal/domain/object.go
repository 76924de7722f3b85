package domain

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Kind describes one collection of keyed objects.
type Kind struct {
	// Name is the stored kind and the audit log's object type.
	Name string
	// Noun is how messages name one object of the kind.
	Noun string
	// Collection is the path segment of the collection.
	Collection string
	// Account is true for account-level kinds (visible from every
	// environment); the rest are environment-scoped.
	Account bool
}

// Meta is what the backend records about every keyed object.
type Meta struct {
	Environment string    `json:"environment,omitempty" readOnly:"true" doc:"Environment the object lives in (absent for account-level objects)."`
	Version     int64     `json:"version,omitempty" readOnly:"true" doc:"Incremented on every write. Send it in If-Match to write exactly this version; a stale version is refused with 412."`
	CreatedAt   time.Time `json:"created_at,omitzero" readOnly:"true"`
	UpdatedAt   time.Time `json:"updated_at,omitzero" readOnly:"true"`
	ManagedBy   string    `json:"managed_by,omitempty" readOnly:"true" values:"managed_by" doc:"terraform once the Terraform provider has written the object (its requests say so in the Arbor-Managed-By header): a Terraform configuration holds it, and its next apply puts back what that configuration says. Writes from elsewhere (the console, the API, an import) keep the mark, since they do not take the object out of the configuration; absent on an object Terraform has never written."`
}

// Who manages an object: the tools that mark their writes with the
// Arbor-Managed-By header.
const ManagedByTerraform = "terraform"

// ManagedByValues are the values of Meta.ManagedBy and of the header.
var ManagedByValues = []string{ManagedByTerraform}

// ManagedByAfter is the mark an object carries after a write: the
// writer's, when it names one, else the one the object had (empty for a
// new object). A write from outside Terraform does not take the object
// out of the configuration that holds it, so it keeps the mark.
func ManagedByAfter(previous, writer string) string {
	if writer != "" {
		return writer
	}
	return previous
}

// CheckManagedBy returns a problem with a writer's Arbor-Managed-By value,
// or "" when it is empty (not managed) or one of ManagedByValues.
func CheckManagedBy(value string) string {
	if value == "" || slices.Contains(ManagedByValues, value) {
		return ""
	}
	return "must be one of " + strings.Join(ManagedByValues, ", ") + ", or absent"
}

// GetMeta gives access to the metadata of any object embedding Meta.
func (m *Meta) GetMeta() *Meta { return m }

// Ref points at another object that must exist.
type Ref struct {
	Kind Kind
	Key  string
	// Field is the attribute holding the reference, for messages.
	Field string
}

// Missing is the refusal of a reference to an object that does not exist,
// written from environment env.
func (r Ref) Missing(env string) string {
	where := ""
	if !r.Kind.Account {
		where = " in environment " + env
	}
	return fmt.Sprintf("%s %q does not exist%s", r.Kind.Noun, r.Key, where)
}

// Object is implemented by every keyed object type.
type Object interface {
	GetMeta() *Meta
	// ObjectKey is the object's key within its environment.
	ObjectKey() string
	// SetObjectKey sets the key from the request path.
	SetObjectKey(string)
	// Validate checks the object on its own, without looking at others.
	Validate() Problems
	// References lists the objects this one points at.
	References() []Ref
}

// Page is one page of a listing.
type Page[T any] struct {
	Items      []T    `json:"items" nullable:"false" doc:"Objects of this page, in key order."`
	NextCursor string `json:"next_cursor,omitempty" doc:"Pass as cursor to fetch the next page; absent on the last page."`
}

// Kinds lists every keyed object kind the backend serves: the versioned
// kinds come from VersionedKinds.
var Kinds = append([]Kind{KindPermission, KindRole, KindHierarchyNode, KindRoleAssignment, KindOAuthClient, KindWebhook, KindTenant,
	KindChannel, KindChannelGroup, KindVariable, KindIdentity}, VersionedKinds...)

// KindNamed returns the kind with the given stored name.
func KindNamed(name string) (Kind, bool) {
	for _, k := range Kinds {
		if k.Name == name {
			return k, true
		}
	}
	return Kind{}, false
}

// ObjectPtr constrains a type parameter to pointers to an object type.
type ObjectPtr[T any] interface {
	*T
	Object
}
