package provider

import "github.com/hashicorp/terraform-plugin-framework/datasource"

func newRoleDataSource() datasource.DataSource {
	return dataSourceOf(roleSpec(), "Reads one role of an environment and the permissions it grants.")
}
