package provider

import "github.com/hashicorp/terraform-plugin-framework/datasource"

func newPermissionDataSource() datasource.DataSource {
	return dataSourceOf(permissionSpec(), "Reads one permission of an environment.")
}
