package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/datasource"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

var (
	_ datasource.DataSourceWithConfigure = (*objectDataSource[hierarchyNodeModel, *hierarchyNodeModel, domain.HierarchyNode, *domain.HierarchyNode])(nil)
)

func newHierarchyNodeDataSource() datasource.DataSource {
	spec := hierarchyNodeSpec()
	return &objectDataSource[hierarchyNodeModel, *hierarchyNodeModel, domain.HierarchyNode, *domain.HierarchyNode]{
		spec:        spec,
		description: "Reads one node of an environment's hierarchy.",
		attributes:  computedAttributes(spec.attributes),
	}
}
