package provider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

func newPartialDataSource() datasource.DataSource {
	return dataSourceOf(partialSpec(), "Reads one partial of an environment, with its content hash (`sha`) and origin.")
}

func newPartialsDataSource() datasource.DataSource {
	return &objectListDataSource[partialModel, *partialModel, domain.Partial, *domain.Partial]{
		spec:        partialSpec(),
		name:        "partials",
		description: "Lists the partials of an environment in key order, optionally of one type. Compare `sha` across environments to see which partials still wait for promotion.",
		filters: []listFilter{
			{name: "type", attribute: schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Only partials of this type: `%s`.", joinDoc(domain.PartialTypes)),
				Optional:            true,
				Validators:          []validator.String{stringvalidator.OneOf(domain.PartialTypes...)},
			}},
		},
	}
}
