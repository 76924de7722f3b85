package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/arborhq/terraform-provider-arbor/internal/client"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

var _ datasource.DataSourceWithConfigure = (*identityDataSource)(nil)

// identityDataSource reads an account-level identity, from any environment.
type identityDataSource struct {
	data *providerData
}

func newIdentityDataSource() datasource.DataSource { return &identityDataSource{} }

func (d *identityDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_identity"
}

func (d *identityDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one identity of the account. Identities are shared by every environment, so any credential can read them, environment API keys included.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{MarkdownDescription: "The key.", Computed: true},
			"key": schema.StringAttribute{
				MarkdownDescription: "Key of the identity.",
				Required:            true,
				Validators:          []validator.String{keyValidator},
			},
			"email": schema.StringAttribute{MarkdownDescription: "Email address.", Computed: true},
			"name":  schema.StringAttribute{MarkdownDescription: "Display name.", Computed: true},
		},
	}
}

func (d *identityDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataOf(req.ProviderData, &resp.Diagnostics)
}

func (d *identityDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m identityModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	key := m.Key.ValueString()
	out, err := client.Objects[domain.Identity](d.data.client, domain.KindIdentity).Get(ctx, "", key)
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Error reading identity %q", key), err, path.Empty())
		return
	}
	flattenIdentity(out, &m)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
