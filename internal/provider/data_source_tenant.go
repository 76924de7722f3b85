package provider

import "github.com/hashicorp/terraform-plugin-framework/datasource"

func newTenantDataSource() datasource.DataSource {
	return dataSourceOf(tenantSpec(), "Reads one tenant of an environment. With a viewer token, `properties` are redacted in environments that obfuscate customer data.")
}
