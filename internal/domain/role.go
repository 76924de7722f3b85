package domain

// KindRole is the kind of roles.
var KindRole = Kind{Name: "role", Noun: "role", Collection: "roles"}

// Role is a named set of permissions. Identities hold roles at hierarchy
// nodes through role assignments.
type Role struct {
	Key         string `json:"key" doc:"Identifier within the environment; taken from the path on writes, so a body may leave it out or repeat it." example:"editor"`
	Name        string `json:"name" doc:"Display name." example:"Editor"`
	Description string `json:"description,omitempty" doc:"Free-text description."`
	// Permissions are the role–permission joins, owned whole by the role.
	Permissions []string `json:"permissions" required:"false" doc:"Keys of the permissions the role grants: its whole set, replaced by every write. Each must exist in the environment. Stored deduplicated and sorted." example:"[\"documents.read\"]"`
	Meta
}

func (r *Role) ObjectKey() string     { return r.Key }
func (r *Role) SetObjectKey(k string) { r.Key = k }

// References makes every permission of the role a join that must exist and
// that keeps the permission from being deleted while the role grants it.
func (r *Role) References() []Ref {
	refs := make([]Ref, 0, len(r.Permissions))
	for _, p := range r.Permissions {
		refs = append(refs, Ref{Kind: KindPermission, Key: p, Field: "permissions"})
	}
	return refs
}

// Normalize stores the permission set in one canonical form.
func (r *Role) Normalize() { r.Permissions = SortedSet(r.Permissions) }

// Validate checks the role's fields.
func (r *Role) Validate() Problems {
	var probs Problems
	checkKeyField(&probs, "key", r.Key)
	checkText(&probs, "name", r.Name, MaxNameLength, true)
	checkText(&probs, "description", r.Description, MaxDescriptionLength, false)
	checkSet(&probs, "permissions", r.Permissions, CheckKey)
	return probs
}
