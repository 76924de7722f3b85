package backend

import "github.com/arborhq/terraform-provider-arbor/internal/domain"

var permissionRules = &rules[domain.Permission]{kind: domain.KindPermission}

type listPermissionsInput struct {
	ListParams
}

func (s *Server) registerObjectRoutes() {
	registerEnvObjects[domain.Permission, *domain.Permission, listPermissionsInput](s, permissionRules, "permissions", nil, routeOptions{})
	registerEnvObjects[domain.Tenant, *domain.Tenant, listTenantsInput](s, tenantRules, "tenants", nil, routeOptions{})
	s.registerWorkflowRoutes()
}
