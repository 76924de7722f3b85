package domain

// KindPermission is the kind of permissions.
var KindPermission = Kind{Name: "permission", Noun: "permission", Collection: "permissions"}

// Permission is a named capability that roles grant.
type Permission struct {
	Key         string `json:"key" doc:"Identifier within the environment; taken from the path on writes, so a body may leave it out or repeat it." example:"documents.read"`
	Name        string `json:"name" doc:"Display name." example:"Read documents"`
	Description string `json:"description,omitempty" doc:"Free-text description."`
	Meta
}

func (p *Permission) ObjectKey() string     { return p.Key }
func (p *Permission) SetObjectKey(k string) { p.Key = k }
func (p *Permission) References() []Ref     { return nil }

// Validate checks the permission's fields.
func (p *Permission) Validate() Problems {
	var probs Problems
	checkKeyField(&probs, "key", p.Key)
	checkText(&probs, "name", p.Name, MaxNameLength, true)
	checkText(&probs, "description", p.Description, MaxDescriptionLength, false)
	return probs
}
