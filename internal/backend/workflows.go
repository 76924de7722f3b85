package backend

import (
	"slices"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// Workflows are a versioned kind (versioned.go); their own part is the
// default trigger frequency, stored explicitly so every reader sees the
// same object whatever the writer left out.
var workflowRules = versionedRules[domain.Workflow](domain.KindWorkflow, func(_ *write, _, wf *domain.Workflow) error {
	if wf.TriggerFrequency == "" {
		wf.TriggerFrequency = domain.TriggerFrequencies[0]
	}
	return nil
})

type listWorkflowsInput struct {
	ListParams
	Category string       `query:"category" doc:"Only workflows in this category."`
	Active   optionalBool `query:"active" doc:"Only active (true) or inactive (false) workflows; all when left out."`
}

func (s *Server) registerWorkflowRoutes() {
	const tag = "workflows"
	registerEnvObjects[domain.Workflow, *domain.Workflow, listWorkflowsInput](s, workflowRules, tag,
		func(in *listWorkflowsInput) listFilter[domain.Workflow] {
			if in.Category == "" && !in.Active.Set {
				return listFilter[domain.Workflow]{}
			}
			return listFilter[domain.Workflow]{keep: func(wf *domain.Workflow) bool {
				if in.Category != "" && !slices.Contains(wf.Categories, in.Category) {
					return false
				}
				return !in.Active.Set || wf.IsActive() == in.Active.Value
			}}
		}, routeOptions{})
	registerVersionedRoutes[domain.Workflow](s, domain.KindWorkflow, tag)
}
