package backend

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/arborhq/terraform-provider-arbor/internal/api"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// Role assignments: an identity holds a role at a hierarchy node.

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
	ManagedByHeader
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
	// The store walks the references to one object: the identity's, else
	// the node's or the role's, so a filter reads only what it keeps.
	switch {
	case in.IdentityKey != "":
		f.refTo = &domain.Ref{Kind: domain.KindIdentity, Key: in.IdentityKey}
	case in.NodeKey != "":
		f.refTo = &domain.Ref{Kind: domain.KindHierarchyNode, Key: in.NodeKey}
	case in.RoleKey != "":
		f.refTo = &domain.Ref{Kind: domain.KindRole, Key: in.RoleKey}
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
	routes := api.ObjectRoutes(domain.KindRoleAssignment)

	registerList[domain.RoleAssignment, *domain.RoleAssignment, listRoleAssignmentsInput](s, r,
		op(routes.List.Method, routes.List.Path, "list_role_assignments", "List role assignments", tag), filterRoleAssignments)

	huma.Register(s.api, *op(routes.Get.Method, routes.Get.Path, "get_role_assignment", "Get a role assignment", tag),
		func(ctx context.Context, in *RoleAssignmentParams) (*objectOutput[domain.RoleAssignment], error) {
			return getOutput[domain.RoleAssignment](ctx, s, r, in.Env, in.key())
		})

	put := op(routes.Put.Method, routes.Put.Path, "put_role_assignment", "Create a role assignment", tag)
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
		return putOutput[domain.RoleAssignment](ctx, s, r, in.Env, in.key(), &in.Body, in.Conditions, in.IdempotencyKey, in.ManagedByHeader)
	})

	del := op(routes.Delete.Method, routes.Delete.Path, "delete_role_assignment", "Delete a role assignment", tag)
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
