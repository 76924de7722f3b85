package domain

import (
	"fmt"
	"slices"
)

// AccessChangeKinds are the kinds a change set of the access impact may
// put or delete: those that decide who may do what. (Assignments are
// operational state; a change of configuration never writes them.)
var AccessChangeKinds = []Kind{KindPermission, KindRole, KindHierarchyNode}

// AccessChangeKindNames are their names, as the API takes them.
var AccessChangeKindNames = func() []string {
	out := make([]string, len(AccessChangeKinds))
	for i, k := range AccessChangeKinds {
		out[i] = k.Name
	}
	return out
}()

// AccessChange is one object a change set puts or deletes: what one
// resource's plan changes.
type AccessChange struct {
	// Field names the change in the request, for messages.
	Field string
	Kind  Kind
	Key   string
	// Delete is set for a delete; otherwise exactly the object of Kind is.
	Delete     bool
	Permission *Permission
	Role       *Role
	Node       *HierarchyNode
}

// ApplyAccessChanges is the state after a change set, with every refusal
// the backend would answer its writes with: a role granting a permission
// that does not exist, a node under a parent that does not exist or under
// its own subtree, the delete of a permission a role still grants, of a
// role still assigned, or of a node with children or assignments (the
// object routes refuse them without cascade). permissions are the keys of
// the environment's permissions. A refused change set changes nothing, so
// its state after is the state before.
func ApplyAccessChanges(env string, current AccessState, permissions []string, changes []AccessChange) (AccessState, Problems) {
	perms := setOf(permissions)
	roles := map[string]Role{}
	for _, r := range current.Roles {
		roles[r.Key] = r
	}
	nodes := map[string]HierarchyNode{}
	for _, n := range current.Nodes {
		nodes[n.Key] = n
	}
	for _, c := range changes {
		switch {
		case c.Delete && c.Kind == KindPermission:
			delete(perms, c.Key)
		case c.Delete && c.Kind == KindRole:
			delete(roles, c.Key)
		case c.Delete && c.Kind == KindHierarchyNode:
			delete(nodes, c.Key)
		case c.Permission != nil:
			perms[c.Key] = true
		case c.Role != nil:
			roles[c.Key] = *c.Role
		case c.Node != nil:
			nodes[c.Key] = *c.Node
		}
	}
	assigned := map[Ref]int{}
	for _, a := range current.Assignments {
		assigned[Ref{Kind: KindRole, Key: a.RoleKey}]++
		assigned[Ref{Kind: KindHierarchyNode, Key: a.NodeKey}]++
	}
	parents := map[string]string{}
	children := map[string]int{}
	for _, n := range nodes {
		parents[n.Key] = n.ParentKey
		children[n.ParentKey]++
	}
	var refused Problems
	for _, c := range changes {
		switch {
		case c.Delete && c.Kind == KindPermission:
			var granting []string
			for _, r := range roles {
				if slices.Contains(r.Permissions, c.Key) {
					granting = append(granting, fmt.Sprintf("role %q", r.Key))
				}
			}
			if len(granting) > 0 {
				slices.Sort(granting)
				refused.Add(c.Field, "permission %q is still granted by %s; it cannot be deleted until no role grants it", c.Key, ListShort(granting))
			}
		case c.Delete && c.Kind == KindRole:
			if n := assigned[Ref{Kind: KindRole, Key: c.Key}]; n > 0 {
				refused.Add(c.Field, "role %q still has %d role assignments; it cannot be deleted until they are removed", c.Key, n)
			}
		case c.Delete && c.Kind == KindHierarchyNode:
			if n := assigned[Ref{Kind: KindHierarchyNode, Key: c.Key}]; n > 0 {
				refused.Add(c.Field, "hierarchy node %q still has %d role assignments; it cannot be deleted until they are removed", c.Key, n)
			}
			if n := children[c.Key]; n > 0 {
				refused.Add(c.Field, "hierarchy node %q still has %d child nodes; it cannot be deleted until they are moved or deleted", c.Key, n)
			}
		case c.Role != nil:
			for _, p := range c.Role.Permissions {
				if !perms[p] {
					refused.Add(c.Field, "%s", Ref{Kind: KindPermission, Key: p}.Missing(env))
				}
			}
		case c.Node != nil:
			if p := c.Node.ParentKey; p != "" {
				if _, ok := nodes[p]; !ok {
					refused.Add(c.Field, "%s", Ref{Kind: KindHierarchyNode, Key: p}.Missing(env))
				} else if parentsReach(c.Key, p, parents) {
					refused.Add(c.Field, "hierarchy node %q cannot move under %q, its own subtree", c.Key, p)
				}
			}
		}
	}
	if len(refused) > 0 {
		return current, refused
	}
	after := AccessState{Assignments: current.Assignments}
	for _, r := range roles {
		after.Roles = append(after.Roles, r)
	}
	for _, n := range nodes {
		after.Nodes = append(after.Nodes, n)
	}
	sortByKey(after.Roles, func(r *Role) string { return r.Key })
	sortByKey(after.Nodes, func(n *HierarchyNode) string { return n.Key })
	return after, nil
}

// parentsReach reports whether the walk up from parent meets node.
func parentsReach(node, parent string, parents map[string]string) bool {
	for at, steps := parent, 0; at != "" && steps <= len(parents); at, steps = parents[at], steps+1 {
		if at == node {
			return true
		}
	}
	return false
}

// AccessState is the part of a document that decides who may do what,
// over the environment's assignments: those of roles and nodes the
// document removes go with them (as an import with prune_assignments
// removes them).
func (d *ConfigDocument) AccessState(assignments []RoleAssignment) AccessState {
	return AccessState{Roles: d.Roles, Nodes: d.HierarchyNodes, Assignments: assignments}.WithoutOrphans()
}
