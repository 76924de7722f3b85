package backend

import (
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

var permissionRules = &rules[domain.Permission]{kind: domain.KindPermission}

type listPermissionsInput struct {
	ListParams
}

// registerPermissionRoutes registers the routes of the kind; kinds.go lists every kind.
func (s *Server) registerPermissionRoutes() {
	registerEnvObjects[domain.Permission, *domain.Permission, listPermissionsInput](s, permissionRules, "permissions", nil, routeOptions{})
}
