package domain

import "strings"

// KindRoleAssignment is the kind of role assignments.
var KindRoleAssignment = Kind{Name: "role_assignment", Noun: "role assignment", Collection: "role-assignments"}

// RoleAssignment gives an identity a role at a hierarchy node of one
// environment. It has no key of its own: the triple is its identity, so no
// triple is assigned twice. Assignments are operational state, never copied
// between environments.
type RoleAssignment struct {
	IdentityKey string `json:"identity_key" doc:"Key of the identity (account-level) that holds the role; taken from the path, so a body may leave it out or repeat it." example:"ada"`
	RoleKey     string `json:"role_key" doc:"Key of the role held; taken from the path, so a body may leave it out or repeat it." example:"editor"`
	NodeKey     string `json:"node_key" doc:"Key of the hierarchy node the role is held at; taken from the path, so a body may leave it out or repeat it." example:"emea"`
	Meta
}

// RoleAssignmentKey is the stored key of an assignment: its triple joined
// by "/", which no key contains.
func RoleAssignmentKey(identity, role, node string) string {
	return identity + "/" + role + "/" + node
}

func (a *RoleAssignment) ObjectKey() string {
	if a.IdentityKey == "" && a.RoleKey == "" && a.NodeKey == "" {
		return ""
	}
	return RoleAssignmentKey(a.IdentityKey, a.RoleKey, a.NodeKey)
}

func (a *RoleAssignment) SetObjectKey(k string) {
	parts := strings.SplitN(k, "/", 3)
	parts = append(parts, "", "", "")
	a.IdentityKey, a.RoleKey, a.NodeKey = parts[0], parts[1], parts[2]
}

// References are the three objects the assignment joins; none of them can
// be deleted while the assignment exists.
func (a *RoleAssignment) References() []Ref {
	return []Ref{
		{Kind: KindIdentity, Key: a.IdentityKey, Field: "identity_key"},
		{Kind: KindRole, Key: a.RoleKey, Field: "role_key"},
		{Kind: KindHierarchyNode, Key: a.NodeKey, Field: "node_key"},
	}
}

// Validate checks the three keys.
func (a *RoleAssignment) Validate() Problems {
	var probs Problems
	checkKeyField(&probs, "identity_key", a.IdentityKey)
	checkKeyField(&probs, "role_key", a.RoleKey)
	checkKeyField(&probs, "node_key", a.NodeKey)
	return probs
}
