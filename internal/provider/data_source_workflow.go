package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/datasource"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

func newWorkflowDataSource() datasource.DataSource {
	spec := workflowSpec()
	return &objectDataSource[workflowModel, *workflowModel, domain.Workflow, *domain.Workflow]{
		spec:        spec,
		description: "Reads one workflow of an environment, with its content hash (`sha`) and origin.",
		attributes:  computedAttributes(spec.attributes),
	}
}
