package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// variableDataModel is a variable as anyone may read it: a sensitive
// value is never readable.
type variableDataModel struct {
	objectBase
	Value       types.String `tfsdk:"value"`
	Description types.String `tfsdk:"description"`
	Sensitive   types.Bool   `tfsdk:"sensitive"`
}

func newVariableDataSource() datasource.DataSource {
	return secretFreeDataSource(domain.KindVariable,
		"Reads one variable of an environment, the value its templates read as `vars.<key>`. The value of a sensitive variable is never readable: `value` is null.",
		map[string]schema.Attribute{
			"value":       schema.StringAttribute{MarkdownDescription: "The value; null for a sensitive variable.", Computed: true},
			"description": schema.StringAttribute{MarkdownDescription: "What the value is for.", Computed: true},
			"sensitive":   schema.BoolAttribute{MarkdownDescription: "Whether the value is a secret, never returned.", Computed: true},
		},
		func(_ context.Context, v *domain.Variable, m *variableDataModel) diag.Diagnostics {
			m.Value = stringOrNull(v.Value)
			m.Description = types.StringValue(v.Description)
			m.Sensitive = types.BoolValue(v.Sensitive)
			return nil
		})
}
