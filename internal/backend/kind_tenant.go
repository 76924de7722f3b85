package backend

import (
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// Tenants are data, not configuration: plain keyed objects whose custom
// properties viewers do not see where an environment obfuscates customer
// data.
var tenantRules = &rules[domain.Tenant]{
	kind: domain.KindTenant,
	present: func(env domain.Environment, p domain.Principal, t *domain.Tenant) {
		if env.ObfuscateCustomerData && p.SeesObfuscatedData() && len(t.Properties) > 0 {
			t.Properties = t.Properties.Redacted()
		}
	},
}

type listTenantsInput struct {
	ListParams
}

// registerTenantRoutes registers the routes of the kind; kinds.go lists every kind.
func (s *Server) registerTenantRoutes() {
	registerEnvObjects[domain.Tenant, *domain.Tenant, listTenantsInput](s, tenantRules, "tenants", nil, routeOptions{})
}
