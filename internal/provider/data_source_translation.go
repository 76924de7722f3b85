package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

func newTranslationDataSource() datasource.DataSource {
	return dataSourceOf(translationSpec(), "Reads one translation of an environment, with its content hash (`sha`) and origin.")
}

func newTranslationsDataSource() datasource.DataSource {
	return &objectListDataSource[translationModel, *translationModel, domain.Translation, *domain.Translation]{
		spec:        translationSpec(),
		name:        "translations",
		description: "Lists the translations of an environment in key order, optionally of one locale or namespace. Compare `sha` across environments to see which translations still wait for promotion.",
		filters: []listFilter{
			{name: "locale", attribute: schema.StringAttribute{MarkdownDescription: "Only translations of this locale (`en-US`).", Optional: true}},
			{name: "namespace", attribute: schema.StringAttribute{MarkdownDescription: "Only translations of this namespace.", Optional: true}},
		},
	}
}
