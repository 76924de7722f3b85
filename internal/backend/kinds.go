package backend

import "github.com/arborhq/terraform-provider-arbor/internal/domain"

var permissionRules = &rules[domain.Permission]{kind: domain.KindPermission}

type listPermissionsInput struct {
	ListParams
}

func (s *Server) registerObjectRoutes() {
	registerEnvObjects[domain.Permission, *domain.Permission, listPermissionsInput](s, permissionRules, "permissions", nil, routeOptions{})
	registerEnvObjects[domain.Role, *domain.Role, listRolesInput](s, roleRules, "roles", filterRoles, routeOptions{})
	registerEnvObjects[domain.HierarchyNode, *domain.HierarchyNode, listHierarchyNodesInput](s, hierarchyNodeRules, "hierarchy-nodes", filterHierarchyNodes, routeOptions{cascade: cascadeDoc})
	registerAccountObjects[domain.Identity, *domain.Identity, listIdentitiesInput](s, identityRules, "identities", filterIdentities)
	s.registerRoleAssignmentRoutes()
	registerEnvObjects[domain.OAuthClient, *domain.OAuthClient, listOAuthClientsInput](s, oauthClientRules, "oauth-clients", nil, routeOptions{})
	registerEnvObjects[domain.Webhook, *domain.Webhook, listWebhooksInput](s, webhookRules, "webhooks", nil, routeOptions{})
	registerEnvObjects[domain.Tenant, *domain.Tenant, listTenantsInput](s, tenantRules, "tenants", nil, routeOptions{})
	s.registerWorkflowRoutes()
	s.registerGuideRoutes()
}
