package provider

import "github.com/hashicorp/terraform-plugin-framework/datasource"

func newHierarchyNodeDataSource() datasource.DataSource {
	return dataSourceOf(hierarchyNodeSpec(), "Reads one node of an environment's hierarchy.")
}
