package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// listEnvironmentAttribute is the environment of the plural data sources.
func listEnvironmentAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: "Environment to list. Defaults to the provider's `environment`.",
		Optional:            true,
		Computed:            true,
		Validators:          []validator.String{slugValidator},
	}
}

// stringList is an ordered list of strings, such as keys in key order.
func stringList(values []string) types.List {
	elems := make([]attr.Value, 0, len(values))
	for _, v := range values {
		elems = append(elems, types.StringValue(v))
	}
	return types.ListValueMust(types.StringType, elems)
}
