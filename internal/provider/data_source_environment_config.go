package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

var _ datasource.DataSourceWithConfigure = (*environmentConfigDataSource)(nil)

type environmentConfigDataSource struct {
	data *providerData
}

func newEnvironmentConfigDataSource() datasource.DataSource { return &environmentConfigDataSource{} }

type environmentConfigModel struct {
	Environment types.String `tfsdk:"environment"`
	Document    types.String `tfsdk:"document"`
	Counts      types.Map    `tfsdk:"counts"`
}

func (d *environmentConfigDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_environment_config"
}

func (d *environmentConfigDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "An environment's configuration document, as `terraform-provider-arbor export` writes it: permissions, roles and " +
			"their permissions, hierarchy, OAuth client and webhook configurations, and the content of " + domain.VersionedKindsNamed() + ", in canonical form (equal " +
			"configurations give equal documents). It never holds identities, role assignments, API keys, tenants or secrets.",
		Attributes: map[string]schema.Attribute{
			"environment": schema.StringAttribute{
				MarkdownDescription: "Environment to export. Defaults to the provider's `environment`.",
				Optional:            true,
				Computed:            true,
			},
			"document": schema.StringAttribute{
				MarkdownDescription: "The document, as JSON text: write it to a file with `local_file`, or read it with `jsondecode`.",
				Computed:            true,
			},
			"counts": schema.MapAttribute{
				MarkdownDescription: "Number of objects per section: `" + strings.Join(configSectionNames(), "`, `") + "`.",
				Computed:            true,
				ElementType:         types.Int64Type,
			},
		},
	}
}

func (d *environmentConfigDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataOf(req.ProviderData, &resp.Diagnostics)
}

func (d *environmentConfigDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m environmentConfigModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	env, err := dataSourceEnvironment(d.data, m.Environment)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("environment"), "Environment not reachable with this API key", err.Error())
		return
	}
	raw, _, err := d.data.client.ExportConfig(ctx, env)
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Error exporting the configuration of environment %s", env), err, path.Empty())
		return
	}
	doc, err := domain.DecodeConfigDocument(raw)
	if err != nil {
		resp.Diagnostics.AddError("Unreadable configuration document", err.Error())
		return
	}
	counts := map[string]int64{}
	for section, n := range doc.Counts() {
		counts[section] = int64(n)
	}
	m.Environment = types.StringValue(env)
	m.Document = types.StringValue(string(raw))
	countsValue, diags := types.MapValueFrom(ctx, types.Int64Type, counts)
	resp.Diagnostics.Append(diags...)
	m.Counts = countsValue
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// configSectionNames are the document's sections, in document order.
func configSectionNames() []string {
	names := make([]string, len(domain.ConfigSections))
	for i, section := range domain.ConfigSections {
		names[i] = section.Name
	}
	return names
}
