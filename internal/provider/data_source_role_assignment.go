package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/arborhq/terraform-provider-arbor/internal/client"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

var _ datasource.DataSourceWithConfigure = (*roleAssignmentDataSource)(nil)

// roleAssignmentDataSource reads one assignment, failing when the identity
// does not hold the role at the node.
type roleAssignmentDataSource struct {
	data *providerData
}

func newRoleAssignmentDataSource() datasource.DataSource { return &roleAssignmentDataSource{} }

func (d *roleAssignmentDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_role_assignment"
}

func (d *roleAssignmentDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	key := func(doc string) schema.StringAttribute {
		return schema.StringAttribute{MarkdownDescription: doc, Required: true, Validators: []validator.String{keyValidator}}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one role assignment of an environment: reading fails unless the identity holds the role at the node.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{MarkdownDescription: "`<environment>/<identity_key>/<role_key>/<node_key>`.", Computed: true},
			"environment": schema.StringAttribute{
				MarkdownDescription: "Environment to read from. Defaults to the provider's `environment`.",
				Optional:            true,
				Computed:            true,
				Validators:          []validator.String{slugValidator},
			},
			"identity_key": key("Key of the identity."),
			"role_key":     key("Key of the role."),
			"node_key":     key("Key of the hierarchy node."),
		},
	}
}

func (d *roleAssignmentDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataOf(req.ProviderData, &resp.Diagnostics)
}

func (d *roleAssignmentDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m roleAssignmentModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	env, err := dataSourceEnvironment(d.data, m.Environment)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("environment"), "Environment not reachable with this API key", err.Error())
		return
	}
	m.Environment = types.StringValue(env)
	if _, err := client.Objects[domain.RoleAssignment](d.data.client, domain.KindRoleAssignment).Get(ctx, env, m.key()); err != nil {
		addAPIError(&resp.Diagnostics, "Error reading the assignment of "+m.describe(), err, path.Empty())
		return
	}
	m.ID = types.StringValue(env + "/" + m.key())
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
