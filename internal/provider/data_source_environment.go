package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

var (
	_ datasource.DataSourceWithConfigure = (*environmentDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*environmentsDataSource)(nil)
)

type environmentDataSource struct {
	data *providerData
}

func newEnvironmentDataSource() datasource.DataSource { return &environmentDataSource{} }

type environmentDataModel struct {
	ID                    types.String `tfsdk:"id"`
	Slug                  types.String `tfsdk:"slug"`
	Name                  types.String `tfsdk:"name"`
	Description           types.String `tfsdk:"description"`
	ObfuscateCustomerData types.Bool   `tfsdk:"obfuscate_customer_data"`
	DefaultLocale         types.String `tfsdk:"default_locale"`
	Position              types.Int64  `tfsdk:"position"`
	Builtin               types.Bool   `tfsdk:"builtin"`
}

func flattenEnvironmentData(e domain.Environment) environmentDataModel {
	return environmentDataModel{
		ID:                    types.StringValue(e.Slug),
		Slug:                  types.StringValue(e.Slug),
		Name:                  types.StringValue(e.Name),
		Description:           types.StringValue(e.Description),
		ObfuscateCustomerData: types.BoolValue(e.ObfuscateCustomerData),
		DefaultLocale:         types.StringValue(e.DefaultLocale),
		Position:              types.Int64Value(int64(e.Position)),
		Builtin:               types.BoolValue(e.Builtin),
	}
}

func environmentDataAttributes(slug schema.StringAttribute) map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"id":                      schema.StringAttribute{MarkdownDescription: "The slug.", Computed: true},
		"slug":                    slug,
		"name":                    schema.StringAttribute{MarkdownDescription: "Display name.", Computed: true},
		"description":             schema.StringAttribute{MarkdownDescription: "Free-text description.", Computed: true},
		"obfuscate_customer_data": schema.BoolAttribute{MarkdownDescription: "Whether viewer tokens see tenant properties redacted.", Computed: true},
		"default_locale":          schema.StringAttribute{MarkdownDescription: "The BCP 47 locale whose translations a message uses when its recipient has none.", Computed: true},
		"position":                schema.Int64Attribute{MarkdownDescription: "1-based place in the promotion order.", Computed: true},
		"builtin":                 schema.BoolAttribute{MarkdownDescription: "True for development and production.", Computed: true},
	}
}

func (d *environmentDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_environment"
}

func (d *environmentDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one environment, such as the built-in `development` and `production`.",
		Attributes: environmentDataAttributes(schema.StringAttribute{
			MarkdownDescription: "Slug of the environment.",
			Required:            true,
			Validators:          []validator.String{slugValidator},
		}),
	}
}

func (d *environmentDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataOf(req.ProviderData, &resp.Diagnostics)
}

func (d *environmentDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var slug types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("slug"), &slug)...)
	if resp.Diagnostics.HasError() {
		return
	}
	env, err := d.data.client.Environment(ctx, slug.ValueString())
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Error reading environment %s", slug.ValueString()), err, path.Root("slug"))
		return
	}
	m := flattenEnvironmentData(env)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

type environmentsDataSource struct {
	data *providerData
}

func newEnvironmentsDataSource() datasource.DataSource { return &environmentsDataSource{} }

type environmentsDataModel struct {
	Slugs        types.List             `tfsdk:"slugs"`
	Environments []environmentDataModel `tfsdk:"environments"`
}

func (d *environmentsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_environments"
}

func (d *environmentsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the environments in promotion order, from development to production. With an environment API key, only the key's environment is listed.",
		Attributes: map[string]schema.Attribute{
			"slugs": schema.ListAttribute{
				MarkdownDescription: "Slugs in promotion order.",
				ElementType:         types.StringType,
				Computed:            true,
			},
			"environments": schema.ListNestedAttribute{
				MarkdownDescription: "The environments in promotion order.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{
					Attributes: environmentDataAttributes(schema.StringAttribute{MarkdownDescription: "Slug.", Computed: true}),
				},
			},
		},
	}
}

func (d *environmentsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataOf(req.ProviderData, &resp.Diagnostics)
}

func (d *environmentsDataSource) Read(ctx context.Context, _ datasource.ReadRequest, resp *datasource.ReadResponse) {
	envs, err := d.data.client.Environments(ctx)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Error listing environments", err, path.Empty())
		return
	}
	m := environmentsDataModel{Environments: []environmentDataModel{}}
	slugs := make([]string, 0, len(envs))
	for _, e := range envs {
		m.Environments = append(m.Environments, flattenEnvironmentData(e))
		slugs = append(slugs, e.Slug)
	}
	list, diags := types.ListValueFrom(ctx, types.StringType, slugs)
	resp.Diagnostics.Append(diags...)
	m.Slugs = list
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
