package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// channelDataModel is a channel without its credentials, which data
// sources never hold.
type channelDataModel struct {
	objectBase
	Name     types.String `tfsdk:"name"`
	Type     types.String `tfsdk:"type"`
	Service  types.String `tfsdk:"service"`
	Settings types.Map    `tfsdk:"settings"`
	// NeedsCredentials says copy_from copied the channel without them.
	NeedsCredentials types.Bool `tfsdk:"needs_credentials"`
}

func newChannelDataSource() datasource.DataSource {
	return secretFreeDataSource(domain.KindChannel, "Reads one delivery channel of an environment. Its credentials are never readable.",
		computedAttributes(channelAttributes()),
		func(ctx context.Context, c *domain.Channel, m *channelDataModel) diag.Diagnostics {
			m.Name = types.StringValue(c.Name)
			m.Type = types.StringValue(c.Type)
			m.Service = types.StringValue(c.Service)
			m.NeedsCredentials = types.BoolValue(c.NeedsCredentials)
			var diags diag.Diagnostics
			m.Settings, diags = stringMapValue(ctx, c.Settings)
			return diags
		})
}
