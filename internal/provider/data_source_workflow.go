package provider

import "github.com/hashicorp/terraform-plugin-framework/datasource"

func newWorkflowDataSource() datasource.DataSource {
	return dataSourceOf(workflowSpec(), "Reads one workflow of an environment, with its content hash (`sha`) and origin.")
}
