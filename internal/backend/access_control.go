package backend

import (
	"context"
	"errors"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
	"github.com/arborhq/terraform-provider-arbor/internal/store"
)

// The rules of the access-control model: roles and their permission joins,
// the hierarchy, identities and the assignments that join all three.

var roleRules = &rules[domain.Role]{
	kind: domain.KindRole,
	check: func(_ *write, _, role *domain.Role) error {
		role.Normalize()
		return nil
	},
}

type listRolesInput struct {
	ListParams
	Permission string `query:"permission" doc:"Only roles that grant this permission."`
}

func filterRoles(in *listRolesInput) listFilter[domain.Role] {
	if in.Permission == "" {
		return listFilter[domain.Role]{}
	}
	return listFilter[domain.Role]{refTo: &domain.Ref{Kind: domain.KindPermission, Key: in.Permission}}
}

var hierarchyNodeRules = &rules[domain.HierarchyNode]{
	kind: domain.KindHierarchyNode,
	check: func(w *write, old, node *domain.HierarchyNode) error {
		// Only an existing node can close a cycle: a new one is nobody's
		// ancestor (references never dangle), so it cannot be its own.
		if node.ParentKey == "" || old == nil || old.ParentKey == node.ParentKey {
			return nil
		}
		return domain.CheckHierarchyMove(node.Key, node.ParentKey, func(key string) (string, error) {
			n, err := load[domain.HierarchyNode](w.tx, domain.KindHierarchyNode, w.env.Slug, key)
			if n == nil || err != nil {
				return "", err
			}
			return n.ParentKey, nil
		})
	},
	deleting: deleteSubtree,
}

const cascadeDoc = "A node that still has child nodes or role assignments is deleted only with cascade=true, which deletes its whole subtree and every role assignment on it in the same transaction."

// deleteSubtree makes room for a node's deletion: without cascade it
// refuses while the node has children or assignments, naming them; with
// cascade it deletes them, each child's subtree first.
func deleteSubtree(w *write, node *domain.HierarchyNode, cascade bool) error {
	if !cascade {
		by, err := w.tx.Referrers(store.Ref{Environment: w.env.Slug, Kind: domain.KindHierarchyNode.Name, Key: node.Key}, 0)
		if err != nil || len(by) == 0 {
			return err
		}
		return domain.Errorf(domain.CodeConflict, "hierarchy node %q still has %s; delete them first, or delete the node with cascade=true to delete its whole subtree and the role assignments on it",
			node.Key, describeRefs(by, w.env.Slug))
	}
	return deleteDescendants(w, node.Key, node.Key)
}

// deleteDescendants deletes the child nodes of key with their subtrees, and
// the role assignments on key, recording each delete as a cascade from
// root. Anything else referring to them is left to refuse the delete.
func deleteDescendants(w *write, root, key string) error {
	by, err := w.tx.Referrers(store.Ref{Environment: w.env.Slug, Kind: domain.KindHierarchyNode.Name, Key: key}, 0)
	if err != nil {
		return err
	}
	for _, r := range by {
		if r.Kind != domain.KindHierarchyNode.Name && r.Kind != domain.KindRoleAssignment.Name {
			continue
		}
		if r.Kind == domain.KindHierarchyNode.Name {
			if err := deleteDescendants(w, root, r.Key); err != nil {
				return err
			}
		}
		o, err := w.tx.Object(r.Environment, r.Kind, r.Key)
		if err != nil {
			return err
		}
		if err := w.tx.DeleteObject(r.Environment, r.Kind, r.Key); err != nil {
			var re *store.ReferencedError
			if errors.As(err, &re) {
				return domain.Errorf(domain.CodeConflict, "hierarchy node %q cannot be deleted with its subtree: %s is still used by %s; remove those references first",
					root, describeRefs([]store.Ref{r}, w.env.Slug), describeRefs(re.By, w.env.Slug))
			}
			return err
		}
		if err := w.audit("delete", r.Kind, r.Key, o.Version, map[string]string{"cascade_from": root}); err != nil {
			return err
		}
	}
	return nil
}

type listHierarchyNodesInput struct {
	ListParams
	ParentKey string `query:"parent_key" doc:"Only the children of this node."`
	RootsOnly bool   `query:"roots_only" doc:"Only root nodes (those without a parent)."`
}

func filterHierarchyNodes(in *listHierarchyNodesInput) listFilter[domain.HierarchyNode] {
	var f listFilter[domain.HierarchyNode]
	if in.ParentKey != "" {
		f.refTo = &domain.Ref{Kind: domain.KindHierarchyNode, Key: in.ParentKey}
	}
	if in.RootsOnly {
		f.keep = func(n *domain.HierarchyNode) bool { return n.ParentKey == "" }
	}
	return f
}

var identityRules = &rules[domain.Identity]{
	kind: domain.KindIdentity,
	uniques: func(i *domain.Identity) []store.Unique {
		return []store.Unique{{Name: "email", Value: i.EmailIdentity()}}
	},
}

type listIdentitiesInput struct {
	AccountList
	Email string `query:"email" doc:"Only the identity with this email address (compared case-insensitively)."`
}

func filterIdentities(in *listIdentitiesInput) listFilter[domain.Identity] {
	if in.Email == "" {
		return listFilter[domain.Identity]{}
	}
	probe := domain.Identity{Email: in.Email}
	return listFilter[domain.Identity]{keep: func(i *domain.Identity) bool { return i.EmailIdentity() == probe.EmailIdentity() }}
}

var roleAssignmentRules = &rules[domain.RoleAssignment]{kind: domain.KindRoleAssignment}

// RoleAssignmentParams address one assignment: its triple is its key.
type RoleAssignmentParams struct {
	Env         string `path:"env" doc:"Environment slug." example:"development"`
	IdentityKey string `path:"identity_key" doc:"Key of the identity."`
	RoleKey     string `path:"role_key" doc:"Key of the role."`
	NodeKey     string `path:"node_key" doc:"Key of the hierarchy node."`
}

func (p *RoleAssignmentParams) key() string {
	return domain.RoleAssignmentKey(p.IdentityKey, p.RoleKey, p.NodeKey)
}

type putRoleAssignmentInput struct {
	RoleAssignmentParams
	Conditions
	IdempotencyHeader
	// The path says everything, but a body is still required ({} will
	// do), as on every other PUT: an empty one is a client's mistake.
	Body domain.RoleAssignment
}

type deleteRoleAssignmentInput struct {
	RoleAssignmentParams
	Conditions
}

type listRoleAssignmentsInput struct {
	ListParams
	IdentityKey string `query:"identity_key" doc:"Only assignments of this identity."`
	RoleKey     string `query:"role_key" doc:"Only assignments of this role."`
	NodeKey     string `query:"node_key" doc:"Only assignments at this hierarchy node."`
}

func filterRoleAssignments(in *listRoleAssignmentsInput) listFilter[domain.RoleAssignment] {
	var f listFilter[domain.RoleAssignment]
	if in.IdentityKey != "" {
		f.refTo = &domain.Ref{Kind: domain.KindIdentity, Key: in.IdentityKey}
	}
	if in.RoleKey != "" || in.NodeKey != "" {
		f.keep = func(a *domain.RoleAssignment) bool {
			return (in.RoleKey == "" || a.RoleKey == in.RoleKey) && (in.NodeKey == "" || a.NodeKey == in.NodeKey)
		}
	}
	return f
}

// registerRoleAssignmentRoutes serves assignments under their triple,
// /role-assignments/{identity_key}/{role_key}/{node_key}, through the same
// generic operations as every keyed object.
func (s *Server) registerRoleAssignmentRoutes() {
	const tag = "role-assignments"
	r := roleAssignmentRules
	base := "/v1/environments/{env}/role-assignments"
	item := base + "/{identity_key}/{role_key}/{node_key}"

	registerList[domain.RoleAssignment, *domain.RoleAssignment, listRoleAssignmentsInput](s, r,
		op(http.MethodGet, base, "list_role_assignments", "List role assignments", tag), filterRoleAssignments)

	huma.Register(s.api, *op(http.MethodGet, item, "get_role_assignment", "Get a role assignment", tag),
		func(ctx context.Context, in *RoleAssignmentParams) (*objectOutput[domain.RoleAssignment], error) {
			return getOutput[domain.RoleAssignment](ctx, s, r, in.Env, in.key())
		})

	put := op(http.MethodPut, item, "put_role_assignment", "Create a role assignment", tag)
	put.Description = "Gives the identity the role at the node (201); all three must exist. The triple is the assignment's key, so it is never assigned twice: " +
		"with If-None-Match: * an existing assignment is a 412, without it the write succeeds (200) and changes nothing but the version. The body may be {}; keys it repeats must match the path."
	put.MaxBodyBytes = s.bodyLimit
	createsOrReplaces(put)
	writeBody[domain.RoleAssignment](s, put, true)
	huma.Register(s.api, *put, func(ctx context.Context, in *putRoleAssignmentInput) (*objectOutput[domain.RoleAssignment], error) {
		if err := samePath(in.RoleAssignmentParams, &in.Body); err != nil {
			return nil, s.fail(ctx, err)
		}
		// A body may repeat some of the path's keys and leave out the rest.
		in.Body.SetObjectKey(in.key())
		return putOutput[domain.RoleAssignment](ctx, s, r, in.Env, in.key(), &in.Body, in.Conditions, in.IdempotencyKey)
	})

	del := op(http.MethodDelete, item, "delete_role_assignment", "Delete a role assignment", tag)
	del.DefaultStatus = http.StatusNoContent
	huma.Register(s.api, *del, func(ctx context.Context, in *deleteRoleAssignmentInput) (*struct{}, error) {
		return nil, s.failIf(ctx, deleteObject[domain.RoleAssignment](ctx, s, r, in.Env, in.key(), in.Conditions, false))
	})
}

// samePath refuses a body whose keys differ from the path's, naming each
// field: an assignment's keys cannot change, it can only be replaced.
func samePath(p RoleAssignmentParams, body *domain.RoleAssignment) error {
	var probs domain.Problems
	for _, f := range []struct{ field, body, path string }{
		{"identity_key", body.IdentityKey, p.IdentityKey},
		{"role_key", body.RoleKey, p.RoleKey},
		{"node_key", body.NodeKey, p.NodeKey},
	} {
		if f.body != "" && f.body != f.path {
			probs.Add(f.field, "%q differs from the path's %q; an assignment cannot change, delete it and create another", f.body, f.path)
		}
	}
	return probs.Err()
}
