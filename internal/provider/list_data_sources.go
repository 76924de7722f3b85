package provider

import (
	"context"
	"fmt"
	"net/url"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// listEnvironmentAttribute is the environment of the plural data sources.
func listEnvironmentAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: "Environment to list. Defaults to the provider's `environment`.",
		Optional:            true,
		Computed:            true,
		Validators:          []validator.String{slugValidator},
	}
}

// stringList is an ordered list of strings, such as keys in key order.
func stringList(values []string) types.List {
	elems := make([]attr.Value, 0, len(values))
	for _, v := range values {
		elems = append(elems, types.StringValue(v))
	}
	return types.ListValueMust(types.StringType, elems)
}

// listFilter is an optional argument of a list data source, passed to the
// API as the query parameter of the same name.
type listFilter struct {
	name string
	// attribute is a schema.StringAttribute or schema.BoolAttribute.
	attribute schema.Attribute
}

// objectListDataSource lists the objects of one kind in an environment, in
// key order. Its items are the kind's whole objects, described and filled
// by the kind's resource schema and flatten function.
type objectListDataSource[M any, PM interface {
	*M
	objectModel
}, T any, PT domain.ObjectPtr[T]] struct {
	spec *objectSpec[M, T]
	// name is the data source's type name suffix, such as roles.
	name string
	// items names the attribute listing the objects; default name.
	items       string
	description string
	filters     []listFilter
	data        *providerData
}

var _ datasource.DataSourceWithConfigure = (*objectListDataSource[roleModel, *roleModel, domain.Role, *domain.Role])(nil)

func (d *objectListDataSource[M, PM, T, PT]) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + d.name
}

func (d *objectListDataSource[M, PM, T, PT]) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	item := computedAttributes(d.spec.attributes)
	item["id"] = schema.StringAttribute{MarkdownDescription: "`<environment>/<key>`.", Computed: true}
	item["environment"] = schema.StringAttribute{MarkdownDescription: "Environment of the " + d.spec.kind.Noun + ".", Computed: true}
	item["key"] = schema.StringAttribute{MarkdownDescription: "Key of the " + d.spec.kind.Noun + ".", Computed: true}
	attrs := map[string]schema.Attribute{
		"environment": listEnvironmentAttribute(),
		"keys":        schema.ListAttribute{MarkdownDescription: "Keys of the " + d.spec.kind.Noun + "s found, in key order.", ElementType: types.StringType, Computed: true},
		d.itemsAttribute(): schema.ListNestedAttribute{
			MarkdownDescription: "The " + d.spec.kind.Noun + "s found, in key order, with every attribute of the `arbor_" + d.spec.kind.Name + "` data source.",
			Computed:            true,
			NestedObject:        schema.NestedAttributeObject{Attributes: item},
		},
	}
	for _, f := range d.filters {
		attrs[f.name] = f.attribute
	}
	resp.Schema = schema.Schema{MarkdownDescription: d.description, Attributes: attrs}
}

func (d *objectListDataSource[M, PM, T, PT]) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataOf(req.ProviderData, &resp.Diagnostics)
}

func (d *objectListDataSource[M, PM, T, PT]) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var configured types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("environment"), &configured)...)
	env, err := dataSourceEnvironment(d.data, configured)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("environment"), "Environment not reachable with this API key", err.Error())
		return
	}
	query := url.Values{}
	for _, f := range d.filters {
		switch f.attribute.(type) {
		case schema.BoolAttribute:
			var v types.Bool
			resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root(f.name), &v)...)
			if !v.IsNull() {
				query.Set(f.name, strconv.FormatBool(v.ValueBool()))
			}
			resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(f.name), v)...)
		default:
			var v types.String
			resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root(f.name), &v)...)
			if v.ValueString() != "" {
				query.Set(f.name, v.ValueString())
			}
			resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(f.name), v)...)
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}
	objects, err := d.spec.objectsOf(d.data).List(ctx, env, query)
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Error listing %ss of environment %s", d.spec.kind.Noun, env), err, path.Empty())
		return
	}
	derived := func(*M) {}
	if d.spec.derive != nil {
		var diags diag.Diagnostics
		derived, diags = d.spec.derive(ctx, d.data, env)
		if resp.Diagnostics.Append(diags...); diags.HasError() {
			return
		}
	}
	items := make([]M, len(objects))
	keys := make([]string, len(objects))
	for i := range objects {
		obj := PT(&objects[i])
		resp.Diagnostics.Append(d.spec.flatten(ctx, &objects[i], &items[i])...)
		derived(&items[i])
		b := PM(&items[i]).base()
		keys[i] = obj.ObjectKey()
		b.Key, b.Environment, b.ID = types.StringValue(keys[i]), types.StringValue(env), types.StringValue(env+"/"+keys[i])
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("environment"), env)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("keys"), stringList(keys))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(d.itemsAttribute()), items)...)
}

func (d *objectListDataSource[M, PM, T, PT]) itemsAttribute() string {
	if d.items != "" {
		return d.items
	}
	return d.name
}

func newRolesDataSource() datasource.DataSource {
	return &objectListDataSource[roleModel, *roleModel, domain.Role, *domain.Role]{
		spec:        roleSpec(),
		name:        "roles",
		description: "Lists the roles of an environment in key order, optionally only those that grant one permission.",
		filters: []listFilter{{name: "permission", attribute: schema.StringAttribute{
			MarkdownDescription: "Only roles that grant the permission with this key.",
			Optional:            true,
			Validators:          []validator.String{keyValidator},
		}}},
	}
}

func newHierarchyNodesDataSource() datasource.DataSource {
	return &objectListDataSource[hierarchyNodeModel, *hierarchyNodeModel, domain.HierarchyNode, *domain.HierarchyNode]{
		spec:        hierarchyNodeSpec(),
		name:        "hierarchy_nodes",
		items:       "nodes",
		description: "Lists the nodes of an environment's hierarchy in key order: all of them, the children of one node (`parent_key`), or the roots (`roots_only`).",
		filters: []listFilter{
			{name: "parent_key", attribute: schema.StringAttribute{
				MarkdownDescription: "Only the children of the node with this key. Conflicts with `roots_only`.",
				Optional:            true,
				Validators:          []validator.String{keyValidator, stringvalidator.ConflictsWith(path.MatchRoot("roots_only"))},
			}},
			{name: "roots_only", attribute: schema.BoolAttribute{MarkdownDescription: "Only root nodes, those without a parent.", Optional: true}},
		},
	}
}

func newTenantsDataSource() datasource.DataSource {
	return &objectListDataSource[tenantModel, *tenantModel, domain.Tenant, *domain.Tenant]{
		spec:        tenantSpec(),
		name:        "tenants",
		description: "Lists the tenants of an environment, in key order. With a viewer token, `properties` are redacted in environments that obfuscate customer data.",
	}
}

func newWorkflowsDataSource() datasource.DataSource {
	return &objectListDataSource[workflowModel, *workflowModel, domain.Workflow, *domain.Workflow]{
		spec: workflowSpec(),
		name: "workflows",
		description: "Lists the workflows of an environment in key order, optionally of one category or activity. " +
			"Compare `sha` across environments to see which workflows still wait for promotion.",
		filters: []listFilter{
			{name: "category", attribute: schema.StringAttribute{MarkdownDescription: "Only workflows in this category.", Optional: true}},
			{name: "active", attribute: schema.BoolAttribute{MarkdownDescription: "Only active (`true`) or inactive (`false`) workflows.", Optional: true}},
		},
	}
}
