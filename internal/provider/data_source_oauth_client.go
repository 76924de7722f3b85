package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// oauthClientDataModel is an OAuth client without its secret, which data
// sources never hold.
type oauthClientDataModel struct {
	objectBase
	Name         types.String `tfsdk:"name"`
	RedirectURIs types.Set    `tfsdk:"redirect_uris"`
	Scopes       types.Set    `tfsdk:"scopes"`
	ClientID     types.String `tfsdk:"client_id"`
}

func newOAuthClientDataSource() datasource.DataSource {
	return secretFreeDataSource(domain.KindOAuthClient, "Reads one OAuth client of an environment. The client secret is never readable: it is shown only when the client is created.",
		map[string]schema.Attribute{
			"name":          schema.StringAttribute{MarkdownDescription: "Display name.", Computed: true},
			"redirect_uris": schema.SetAttribute{MarkdownDescription: "Where users may be sent back after signing in.", ElementType: types.StringType, Computed: true},
			"scopes":        schema.SetAttribute{MarkdownDescription: "Scopes the client may request.", ElementType: types.StringType, Computed: true},
			"client_id":     schema.StringAttribute{MarkdownDescription: "Public identifier of the client.", Computed: true},
		},
		func(_ context.Context, c *domain.OAuthClient, m *oauthClientDataModel) diag.Diagnostics {
			m.Name = types.StringValue(c.Name)
			m.RedirectURIs = stringSet(c.RedirectURIs)
			m.Scopes = stringSet(c.Scopes)
			m.ClientID = types.StringValue(c.ClientID)
			return nil
		})
}
