package backend

import (
	"slices"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// Workflows are a versioned kind (versioned.go), with one rule of their
// own: trigger_workflow steps make no cycle among the environment's
// workflows (a trigger of itself is refused by validation).
var workflowRules = versionedRules[domain.Workflow](domain.KindWorkflow, func(w *write, _, wf *domain.Workflow) error {
	return domain.TriggerCycle(wf, func(key string) (*domain.Workflow, error) {
		return load[domain.Workflow](w.tx, domain.KindWorkflow, w.env.Slug, key)
	})
})

type listWorkflowsInput struct {
	ListParams
	Category string       `query:"category" doc:"Only workflows in this category."`
	Active   optionalBool `query:"active" doc:"Only active (true) or inactive (false) workflows; all when left out."`
	OriginParam
}

func (s *Server) registerWorkflowRoutes() {
	const tag = "workflows"
	registerEnvObjects[domain.Workflow, *domain.Workflow, listWorkflowsInput](s, workflowRules, tag,
		func(in *listWorkflowsInput) listFilter[domain.Workflow] {
			if in.Category == "" && !in.Active.Set && in.OriginEnvironment == "" {
				return listFilter[domain.Workflow]{}
			}
			return listFilter[domain.Workflow]{keep: func(wf *domain.Workflow) bool {
				if in.Category != "" && !slices.Contains(wf.Categories, in.Category) {
					return false
				}
				return (!in.Active.Set || wf.IsActive() == in.Active.Value) && in.keeps(wf.OriginEnvironment)
			}}
		}, routeOptions{})
	registerVersionedRoutes[domain.Workflow](s, domain.KindWorkflow, tag)
}
