package backend

// registerObjectRoutes is the route table of the keyed kinds. Each kind
// lives in its own kind_<name>.go: its rules (validation, references,
// uniques, hooks), its listing's query parameters and its register
// function, which this table calls in the order the API document lists
// them.
func (s *Server) registerObjectRoutes() {
	s.registerPermissionRoutes()
	s.registerRoleRoutes()
	s.registerHierarchyNodeRoutes()
	s.registerIdentityRoutes()
	s.registerRoleAssignmentRoutes()
	s.registerOAuthClientRoutes()
	s.registerWebhookRoutes()
	s.registerTenantRoutes()
	s.registerEmailLayoutRoutes()
	s.registerPartialRoutes()
	s.registerTranslationRoutes()
	s.registerWorkflowRoutes()
	s.registerGuideRoutes()
	s.registerChannelRoutes()
	s.registerChannelGroupRoutes()
	s.registerVariableRoutes()
	s.registerBrandingRoutes()
}

// versionedKinds are the versioned kinds' parts of configuration
// documents, in document order (TestVersionedKindsAreServed holds it to
// domain.VersionedKinds).
var versionedKinds = []versionedKind{
	versionedKindOf(partialRules),
	versionedKindOf(emailLayoutRules),
	versionedKindOf(translationRules),
	versionedKindOf(workflowRules),
	versionedKindOf(guideRules),
}
