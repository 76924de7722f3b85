package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/datasource"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

func newEmailLayoutDataSource() datasource.DataSource {
	return dataSourceOf(emailLayoutSpec(), "Reads one email layout of an environment, with its content hash (`sha`) and origin.")
}

func newEmailLayoutsDataSource() datasource.DataSource {
	return &objectListDataSource[emailLayoutModel, *emailLayoutModel, domain.EmailLayout, *domain.EmailLayout]{
		spec: emailLayoutSpec(),
		name: "email_layouts",
		description: "Lists the email layouts of an environment in key order. " +
			"Compare `sha` across environments to see which layouts still wait for promotion.",
	}
}
