package provider

import "github.com/hashicorp/terraform-plugin-framework/datasource"

func newRoleAssignmentDataSource() datasource.DataSource {
	return dataSourceOf(roleAssignmentSpec(), "Reads one role assignment of an environment: reading fails unless the identity holds the role at the node.")
}
