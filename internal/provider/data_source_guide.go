package provider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

func newGuideDataSource() datasource.DataSource {
	return dataSourceOf(guideSpec(), "Reads one guide of an environment, with its content hash (`sha`) and origin.")
}

func newGuidesDataSource() datasource.DataSource {
	return &objectListDataSource[guideModel, *guideModel, domain.Guide, *domain.Guide]{
		spec: guideSpec(),
		name: "guides",
		description: "Lists the guides of an environment in key order, optionally of one type, channel or activity. " +
			"Compare `sha` across environments to see which guides still wait for promotion.",
		filters: []listFilter{
			{name: "type", attribute: schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Only guides of this type: `%s`.", joinDoc(domain.GuideTypes)),
				Optional:            true,
				Validators:          []validator.String{stringvalidator.OneOf(domain.GuideTypes...)},
			}},
			{name: "channel_key", attribute: schema.StringAttribute{
				MarkdownDescription: "Only guides shown through the channel with this key.",
				Optional:            true,
				Validators:          []validator.String{keyValidator},
			}},
			{name: "active", attribute: schema.BoolAttribute{MarkdownDescription: "Only active (`true`) or inactive (`false`) guides.", Optional: true}},
		},
	}
}
