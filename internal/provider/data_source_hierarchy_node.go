package provider

import (
	"context"
	"fmt"
	"net/url"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/arborhq/terraform-provider-arbor/internal/client"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

var (
	_ datasource.DataSourceWithConfigure = (*objectDataSource[hierarchyNodeModel, *hierarchyNodeModel, domain.HierarchyNode, *domain.HierarchyNode])(nil)
	_ datasource.DataSourceWithConfigure = (*hierarchyNodesDataSource)(nil)
)

func hierarchyNodeDataAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"name":       schema.StringAttribute{MarkdownDescription: "Display name.", Computed: true},
		"parent_key": schema.StringAttribute{MarkdownDescription: "Key of the parent node; null for a root.", Computed: true},
	}
}

func newHierarchyNodeDataSource() datasource.DataSource {
	return &objectDataSource[hierarchyNodeModel, *hierarchyNodeModel, domain.HierarchyNode, *domain.HierarchyNode]{
		spec:        hierarchyNodeSpec(),
		description: "Reads one node of an environment's hierarchy.",
		attributes:  hierarchyNodeDataAttributes(),
	}
}

// hierarchyNodesDataSource lists an environment's nodes: all of them, the
// children of one node, or the roots.
type hierarchyNodesDataSource struct {
	data *providerData
}

func newHierarchyNodesDataSource() datasource.DataSource { return &hierarchyNodesDataSource{} }

type hierarchyNodeItemModel struct {
	Key       types.String `tfsdk:"key"`
	Name      types.String `tfsdk:"name"`
	ParentKey types.String `tfsdk:"parent_key"`
}

type hierarchyNodesDataModel struct {
	Environment types.String             `tfsdk:"environment"`
	ParentKey   types.String             `tfsdk:"parent_key"`
	RootsOnly   types.Bool               `tfsdk:"roots_only"`
	Keys        types.List               `tfsdk:"keys"`
	Nodes       []hierarchyNodeItemModel `tfsdk:"nodes"`
}

func (d *hierarchyNodesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_hierarchy_nodes"
}

func (d *hierarchyNodesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	item := hierarchyNodeDataAttributes()
	item["key"] = schema.StringAttribute{MarkdownDescription: "Key of the node.", Computed: true}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the nodes of an environment's hierarchy in key order: all of them, the children of one node (`parent_key`), or the roots (`roots_only`).",
		Attributes: map[string]schema.Attribute{
			"environment": listEnvironmentAttribute(),
			"parent_key": schema.StringAttribute{
				MarkdownDescription: "Only the children of the node with this key. Conflicts with `roots_only`.",
				Optional:            true,
				Validators: []validator.String{
					keyValidator,
					stringvalidator.ConflictsWith(path.MatchRoot("roots_only")),
				},
			},
			"roots_only": schema.BoolAttribute{
				MarkdownDescription: "Only root nodes, those without a parent.",
				Optional:            true,
			},
			"keys": schema.ListAttribute{MarkdownDescription: "Keys of the nodes, in key order.", ElementType: types.StringType, Computed: true},
			"nodes": schema.ListNestedAttribute{
				MarkdownDescription: "The nodes, in key order.",
				Computed:            true,
				NestedObject:        schema.NestedAttributeObject{Attributes: item},
			},
		},
	}
}

func (d *hierarchyNodesDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataOf(req.ProviderData, &resp.Diagnostics)
}

func (d *hierarchyNodesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m hierarchyNodesDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	env, err := dataSourceEnvironment(d.data, m.Environment)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("environment"), "Environment not reachable with this API key", err.Error())
		return
	}
	filter := url.Values{}
	if p := m.ParentKey.ValueString(); p != "" {
		filter.Set("parent_key", p)
	}
	if m.RootsOnly.ValueBool() {
		filter.Set("roots_only", "true")
	}
	nodes, err := client.Objects[domain.HierarchyNode](d.data.client, domain.KindHierarchyNode).List(ctx, env, filter)
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Error listing hierarchy nodes of environment %s", env), err, path.Empty())
		return
	}
	m.Environment = types.StringValue(env)
	m.Nodes = make([]hierarchyNodeItemModel, 0, len(nodes))
	keys := make([]string, 0, len(nodes))
	for _, n := range nodes {
		item := hierarchyNodeItemModel{Key: types.StringValue(n.Key), Name: types.StringValue(n.Name), ParentKey: types.StringNull()}
		if n.ParentKey != "" {
			item.ParentKey = types.StringValue(n.ParentKey)
		}
		m.Nodes = append(m.Nodes, item)
		keys = append(keys, n.Key)
	}
	m.Keys = stringList(keys)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
