package backend

import (
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// Roles and the permissions they grant.

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

// registerRoleRoutes registers the routes of the kind; kinds.go lists every kind.
func (s *Server) registerRoleRoutes() {
	registerEnvObjects[domain.Role, *domain.Role, listRolesInput](s, roleRules, "roles", filterRoles, routeOptions{})
}
