package provider

import (
	"context"
	"fmt"
	"net/url"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/arborhq/terraform-provider-arbor/internal/client"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

func newWorkflowDataSource() datasource.DataSource {
	spec := workflowSpec()
	return &objectDataSource[workflowModel, *workflowModel, domain.Workflow, *domain.Workflow]{
		spec:        spec,
		description: "Reads one workflow of an environment, with its content hash (`sha`) and origin.",
		attributes:  computedAttributes(spec.attributes),
	}
}

var _ datasource.DataSourceWithConfigure = (*workflowsDataSource)(nil)

type workflowsDataSource struct {
	data *providerData
}

func newWorkflowsDataSource() datasource.DataSource { return &workflowsDataSource{} }

type workflowsDataModel struct {
	Environment types.String           `tfsdk:"environment"`
	Category    types.String           `tfsdk:"category"`
	Active      types.Bool             `tfsdk:"active"`
	Keys        types.List             `tfsdk:"keys"`
	Workflows   []workflowSummaryModel `tfsdk:"workflows"`
}

type workflowSummaryModel struct {
	Key               types.String `tfsdk:"key"`
	Name              types.String `tfsdk:"name"`
	Categories        types.Set    `tfsdk:"categories"`
	Active            types.Bool   `tfsdk:"active"`
	SHA               types.String `tfsdk:"sha"`
	Version           types.Int64  `tfsdk:"version"`
	OriginEnvironment types.String `tfsdk:"origin_environment"`
}

func (d *workflowsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_workflows"
}

func (d *workflowsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the workflows of an environment, in key order, optionally of one category or activity. " +
			"Compare `sha` across environments to see which workflows still wait for promotion.",
		Attributes: map[string]schema.Attribute{
			"environment": schema.StringAttribute{MarkdownDescription: "Environment to list. Defaults to the provider's `environment`.", Optional: true, Computed: true},
			"category":    schema.StringAttribute{MarkdownDescription: "Only workflows in this category.", Optional: true},
			"active":      schema.BoolAttribute{MarkdownDescription: "Only active (`true`) or inactive (`false`) workflows.", Optional: true},
			"keys":        schema.ListAttribute{MarkdownDescription: "Keys of the workflows found, in order.", Computed: true, ElementType: types.StringType},
			"workflows": schema.ListNestedAttribute{
				MarkdownDescription: "The workflows found.",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"key":                schema.StringAttribute{MarkdownDescription: "Workflow key.", Computed: true},
					"name":               schema.StringAttribute{MarkdownDescription: "Display name.", Computed: true},
					"categories":         schema.SetAttribute{MarkdownDescription: "Categories.", Computed: true, ElementType: types.StringType},
					"active":             schema.BoolAttribute{MarkdownDescription: "Whether triggers run it here.", Computed: true},
					"sha":                schema.StringAttribute{MarkdownDescription: "Content hash.", Computed: true},
					"version":            schema.Int64Attribute{MarkdownDescription: "Version in this environment.", Computed: true},
					"origin_environment": schema.StringAttribute{MarkdownDescription: "Environment it was created in.", Computed: true},
				}},
			},
		},
	}
}

func (d *workflowsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataOf(req.ProviderData, &resp.Diagnostics)
}

func (d *workflowsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m workflowsDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	env, err := dataSourceEnvironment(d.data, m.Environment)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("environment"), "Environment not reachable with this API key", err.Error())
		return
	}
	filter := url.Values{}
	if !m.Category.IsNull() {
		filter.Set("category", m.Category.ValueString())
	}
	if !m.Active.IsNull() {
		filter.Set("active", fmt.Sprint(m.Active.ValueBool()))
	}
	workflows, err := client.Objects[domain.Workflow](d.data.client, domain.KindWorkflow).List(ctx, env, filter)
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Error listing workflows of environment %s", env), err, path.Empty())
		return
	}
	m.Environment = types.StringValue(env)
	m.Workflows = make([]workflowSummaryModel, len(workflows))
	keys := make([]string, len(workflows))
	for i, wf := range workflows {
		categories, diags := types.SetValueFrom(ctx, types.StringType, append([]string{}, wf.Categories...))
		resp.Diagnostics.Append(diags...)
		m.Workflows[i] = workflowSummaryModel{
			Key: types.StringValue(wf.Key), Name: types.StringValue(wf.Name), Categories: categories,
			Active: types.BoolValue(wf.IsActive()), SHA: types.StringValue(wf.SHA), Version: types.Int64Value(wf.Version),
			OriginEnvironment: types.StringValue(wf.OriginEnvironment),
		}
		keys[i] = wf.Key
	}
	list, diags := types.ListValueFrom(ctx, types.StringType, keys)
	resp.Diagnostics.Append(diags...)
	m.Keys = list
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
