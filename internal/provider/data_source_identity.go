package provider

import "github.com/hashicorp/terraform-plugin-framework/datasource"

func newIdentityDataSource() datasource.DataSource {
	return dataSourceOf(identitySpec(), "Reads one identity of the account. Identities are shared by every environment, so any credential can read them, environment API keys included.")
}
