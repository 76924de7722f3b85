package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

var _ datasource.DataSourceWithConfigure = (*brandingDataSource)(nil)

// brandingDataSource reads an environment's branding, written or not.
type brandingDataSource struct {
	data *providerData
}

func newBrandingDataSource() datasource.DataSource { return &brandingDataSource{} }

func (d *brandingDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_branding"
}

func (d *brandingDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := map[string]schema.Attribute{
		"id": schema.StringAttribute{MarkdownDescription: "The environment's slug.", Computed: true},
		"environment": schema.StringAttribute{
			MarkdownDescription: "Environment to read from. Defaults to the provider's `environment`.",
			Optional:            true,
			Computed:            true,
			Validators:          []validator.String{slugValidator},
		},
	}
	for name, doc := range brandingFieldDocs {
		attrs[name] = schema.StringAttribute{MarkdownDescription: doc + " Null when the environment sets none.", Computed: true}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads the default branding of an environment's messages, which tenants override field by field; every field is null while the environment's branding has never been written.",
		Attributes:          attrs,
	}
}

func (d *brandingDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataOf(req.ProviderData, &resp.Diagnostics)
}

func (d *brandingDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m environmentBrandingModel
	if resp.Diagnostics.Append(req.Config.Get(ctx, &m)...); resp.Diagnostics.HasError() {
		return
	}
	env, err := dataSourceEnvironment(d.data, m.Environment)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("environment"), "Environment not reachable with this API key", err.Error())
		return
	}
	out, err := d.data.client.Branding(ctx, env)
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Error reading the branding of environment %s", env), err, path.Empty())
		return
	}
	m.set(env, out.Branding)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
