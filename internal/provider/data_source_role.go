package provider

import (
	"context"
	"fmt"
	"net/url"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/arborhq/terraform-provider-arbor/internal/client"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

var (
	_ datasource.DataSourceWithConfigure = (*objectDataSource[roleModel, *roleModel, domain.Role, *domain.Role])(nil)
	_ datasource.DataSourceWithConfigure = (*rolesDataSource)(nil)
)

func roleDataAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"name":        schema.StringAttribute{MarkdownDescription: "Display name.", Computed: true},
		"description": schema.StringAttribute{MarkdownDescription: "Free-text description.", Computed: true},
		"permissions": schema.SetAttribute{MarkdownDescription: "Keys of the permissions the role grants: its whole set.", ElementType: types.StringType, Computed: true},
	}
}

func newRoleDataSource() datasource.DataSource {
	return &objectDataSource[roleModel, *roleModel, domain.Role, *domain.Role]{
		spec:        roleSpec(),
		description: "Reads one role of an environment and the permissions it grants.",
		attributes:  roleDataAttributes(),
	}
}

// rolesDataSource lists an environment's roles, optionally only those
// granting one permission.
type rolesDataSource struct {
	data *providerData
}

func newRolesDataSource() datasource.DataSource { return &rolesDataSource{} }

type roleItemModel struct {
	Key         types.String `tfsdk:"key"`
	Name        types.String `tfsdk:"name"`
	Description types.String `tfsdk:"description"`
	Permissions types.Set    `tfsdk:"permissions"`
}

type rolesDataModel struct {
	Environment types.String    `tfsdk:"environment"`
	Permission  types.String    `tfsdk:"permission"`
	Keys        types.List      `tfsdk:"keys"`
	Roles       []roleItemModel `tfsdk:"roles"`
}

func (d *rolesDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_roles"
}

func (d *rolesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	item := roleDataAttributes()
	item["key"] = schema.StringAttribute{MarkdownDescription: "Key of the role.", Computed: true}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the roles of an environment in key order, optionally only those that grant one permission.",
		Attributes: map[string]schema.Attribute{
			"environment": listEnvironmentAttribute(),
			"permission": schema.StringAttribute{
				MarkdownDescription: "Only roles that grant the permission with this key.",
				Optional:            true,
				Validators:          []validator.String{keyValidator},
			},
			"keys": schema.ListAttribute{MarkdownDescription: "Keys of the roles, in key order.", ElementType: types.StringType, Computed: true},
			"roles": schema.ListNestedAttribute{
				MarkdownDescription: "The roles, in key order.",
				Computed:            true,
				NestedObject:        schema.NestedAttributeObject{Attributes: item},
			},
		},
	}
}

func (d *rolesDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataOf(req.ProviderData, &resp.Diagnostics)
}

func (d *rolesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m rolesDataModel
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
	if p := m.Permission.ValueString(); p != "" {
		filter.Set("permission", p)
	}
	roles, err := client.Objects[domain.Role](d.data.client, domain.KindRole).List(ctx, env, filter)
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Error listing roles of environment %s", env), err, path.Empty())
		return
	}
	m.Environment = types.StringValue(env)
	m.Roles = make([]roleItemModel, 0, len(roles))
	keys := make([]string, 0, len(roles))
	for _, r := range roles {
		m.Roles = append(m.Roles, roleItemModel{
			Key:         types.StringValue(r.Key),
			Name:        types.StringValue(r.Name),
			Description: types.StringValue(r.Description),
			Permissions: stringSet(r.Permissions),
		})
		keys = append(keys, r.Key)
	}
	m.Keys = stringList(keys)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
