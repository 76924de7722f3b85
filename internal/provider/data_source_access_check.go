package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

var _ datasource.DataSourceWithConfigure = (*accessCheckDataSource)(nil)

type accessCheckDataSource struct {
	data *providerData
}

func newAccessCheckDataSource() datasource.DataSource { return &accessCheckDataSource{} }

type accessCheckModel struct {
	Environment types.String `tfsdk:"environment"`
	IdentityKey types.String `tfsdk:"identity_key"`
	Permission  types.String `tfsdk:"permission"`
	NodeKey     types.String `tfsdk:"node_key"`
	Allowed     types.Bool   `tfsdk:"allowed"`
	GrantedBy   types.List   `tfsdk:"granted_by"`
	Path        types.List   `tfsdk:"path"`
}

func (d *accessCheckDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_access_check"
}

func (d *accessCheckDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	key := func(what string) schema.StringAttribute {
		return schema.StringAttribute{MarkdownDescription: what, Required: true, Validators: []validator.String{keyValidator}}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Whether an identity holds a permission at a hierarchy node, and why: an assignment at a node grants its role's " +
			"permissions there and at every descendant. Use it in a `check {}` block or a `terraform test` assertion to prove, in " +
			"development, that a reshaped role still grants what it must before the change is promoted. Nothing is changed. " +
			"An identity, permission or node that does not exist is an error naming the attribute, not `allowed = false`.",
		Attributes: map[string]schema.Attribute{
			"environment": schema.StringAttribute{
				MarkdownDescription: "Environment to check in. Defaults to the provider's `environment`.",
				Optional:            true,
				Computed:            true,
			},
			"identity_key": key("Key of the identity whose access is checked."),
			"permission":   key("Key of the permission checked."),
			"node_key":     key("Key of the hierarchy node the permission is checked at."),
			"allowed": schema.BoolAttribute{
				MarkdownDescription: "Whether a role assignment of the identity, at the node or one of its ancestors, grants the permission.",
				Computed:            true,
			},
			"granted_by": schema.ListAttribute{
				MarkdownDescription: "Ids (`<environment>/<identity_key>/<role_key>/<node_key>`, as `arbor_role_assignment.id`) of the assignments granting the permission, nearest node first; empty when not allowed.",
				Computed:            true,
				ElementType:         types.StringType,
			},
			"path": schema.ListAttribute{
				MarkdownDescription: "The node checked, then each ancestor up to its root: the nodes whose assignments count.",
				Computed:            true,
				ElementType:         types.StringType,
			},
		},
	}
}

func (d *accessCheckDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataOf(req.ProviderData, &resp.Diagnostics)
}

func (d *accessCheckDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m accessCheckModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	env, err := dataSourceEnvironment(d.data, m.Environment)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("environment"), "Environment not reachable with this API key", err.Error())
		return
	}
	q := domain.AccessQuestion{IdentityKey: m.IdentityKey.ValueString(), Permission: m.Permission.ValueString(), NodeKey: m.NodeKey.ValueString()}
	ans, err := d.data.client.CheckAccess(ctx, env, q)
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Error checking whether %s holds %s at %s in environment %s", q.IdentityKey, q.Permission, q.NodeKey, env), err, path.Empty())
		return
	}
	m.Environment = types.StringValue(env)
	m.Allowed = types.BoolValue(ans.Allowed)
	var diags diag.Diagnostics
	m.GrantedBy, diags = types.ListValueFrom(ctx, types.StringType, ans.GrantedBy)
	resp.Diagnostics.Append(diags...)
	m.Path, diags = types.ListValueFrom(ctx, types.StringType, ans.Path)
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
