package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// webhookDataModel is a webhook without its signing secret, which data
// sources never hold.
type webhookDataModel struct {
	objectBase
	URL     types.String `tfsdk:"url"`
	Events  types.Set    `tfsdk:"events"`
	Enabled types.Bool   `tfsdk:"enabled"`
}

func newWebhookDataSource() datasource.DataSource {
	return secretFreeDataSource(domain.KindWebhook, "Reads one webhook of an environment. The signing secret is never readable.",
		map[string]schema.Attribute{
			"url":     schema.StringAttribute{MarkdownDescription: "URL deliveries are posted to.", Computed: true},
			"events":  schema.SetAttribute{MarkdownDescription: "Events delivered.", ElementType: types.StringType, Computed: true},
			"enabled": schema.BoolAttribute{MarkdownDescription: "Whether events are delivered.", Computed: true},
		},
		func(_ context.Context, h *domain.Webhook, m *webhookDataModel) diag.Diagnostics {
			m.URL = types.StringValue(h.URL)
			m.Events = stringSet(h.Events)
			m.Enabled = types.BoolValue(h.IsEnabled())
			return nil
		})
}
