package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/arborhq/terraform-provider-arbor/internal/client"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

func newTenantDataSource() datasource.DataSource {
	spec := tenantSpec()
	return &objectDataSource[tenantModel, *tenantModel, domain.Tenant, *domain.Tenant]{
		spec:        spec,
		description: "Reads one tenant of an environment. With a viewer token, `properties` are redacted in environments that obfuscate customer data.",
		attributes:  computedAttributes(spec.attributes),
	}
}

var _ datasource.DataSourceWithConfigure = (*tenantsDataSource)(nil)

type tenantsDataSource struct {
	data *providerData
}

func newTenantsDataSource() datasource.DataSource { return &tenantsDataSource{} }

type tenantsDataModel struct {
	Environment types.String         `tfsdk:"environment"`
	Tenants     []tenantSummaryModel `tfsdk:"tenants"`
	Keys        types.List           `tfsdk:"keys"`
}

type tenantSummaryModel struct {
	Key  types.String `tfsdk:"key"`
	Name types.String `tfsdk:"name"`
}

func (d *tenantsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_tenants"
}

func (d *tenantsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the tenants of an environment, in key order.",
		Attributes: map[string]schema.Attribute{
			"environment": schema.StringAttribute{MarkdownDescription: "Environment to list. Defaults to the provider's `environment`.", Optional: true, Computed: true},
			"keys":        schema.ListAttribute{MarkdownDescription: "Tenant keys, in order.", Computed: true, ElementType: types.StringType},
			"tenants": schema.ListNestedAttribute{
				MarkdownDescription: "The tenants, in key order.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"key":  schema.StringAttribute{MarkdownDescription: "The tenant's id.", Computed: true},
					"name": schema.StringAttribute{MarkdownDescription: "Display name.", Computed: true},
				}},
			},
		},
	}
}

func (d *tenantsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataOf(req.ProviderData, &resp.Diagnostics)
}

func (d *tenantsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m tenantsDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	env, err := dataSourceEnvironment(d.data, m.Environment)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("environment"), "Environment not reachable with this API key", err.Error())
		return
	}
	tenants, err := client.Objects[domain.Tenant](d.data.client, domain.KindTenant).List(ctx, env, nil)
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Error listing tenants of environment %s", env), err, path.Empty())
		return
	}
	m.Environment = types.StringValue(env)
	m.Tenants = make([]tenantSummaryModel, len(tenants))
	keys := make([]string, len(tenants))
	for i, t := range tenants {
		m.Tenants[i] = tenantSummaryModel{Key: types.StringValue(t.Key), Name: types.StringValue(t.Name)}
		keys[i] = t.Key
	}
	list, diags := types.ListValueFrom(ctx, types.StringType, keys)
	resp.Diagnostics.Append(diags...)
	m.Keys = list
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
