package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/arborhq/terraform-provider-arbor/internal/client"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

var (
	_ resource.ResourceWithConfigure   = (*accountSettingsResource)(nil)
	_ resource.ResourceWithImportState = (*accountSettingsResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*accountSettingsResource)(nil)
)

// accountSettingsID is the id of the one settings object of an account.
const accountSettingsID = "account"

type accountSettingsResource struct {
	data *providerData
}

func newAccountSettingsResource() resource.Resource { return &accountSettingsResource{} }

type accountSettingsModel struct {
	ID                    types.String `tfsdk:"id"`
	ProductionWriteAccess types.Bool   `tfsdk:"production_write_access"`
}

func (r *accountSettingsResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_account_settings"
}

func (r *accountSettingsResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The account's settings. There is one per account: declare this resource once, usually in the " +
			"root that manages the account's environments. Creating it where the settings have already been written (by another " +
			"configuration, or by a destroy that reset them) is refused: import it instead (`terraform import arbor_account_settings.<name> account`). " +
			"Destroying it resets the settings to their defaults. Owner or admin tokens only.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "Always `account`.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"production_write_access": schema.BoolAttribute{
				MarkdownDescription: "Allow workflows to be created and edited directly in production. Off (the default), workflows are " +
					"created and edited only in development and reach production by promotion. On, a workflow created in production " +
					"belongs to production and is edited only there, while workflows created in development still change only there; " +
					"the `production_member` operator role becomes usable. Default `false`.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
			},
		},
	}
}

// accountSettingsIdentity is the settings' fixed id: there is one object
// per account, and naming it in an import block says which resource adopts
// it.
var accountSettingsIdentity = resourceIdentity{{name: "id", doc: "Always `" + accountSettingsID + "`."}}

func (r *accountSettingsResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	accountSettingsIdentity.identitySchema(resp)
}

func (r *accountSettingsResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataOf(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan records production write access turned on for the checks of
// the workflows planned after it, and refuses to create the resource over
// settings that another configuration already wrote: two roots would undo
// each other's settings on every apply.
func (r *accountSettingsResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.data == nil {
		return
	}
	var plan accountSettingsModel
	if resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...); resp.Diagnostics.HasError() {
		return
	}
	if !req.State.Raw.IsNull() {
		r.data.plan.planProductionWriteAccess(plan.ProductionWriteAccess.ValueBool())
		return
	}
	st, err := r.data.client.Settings(ctx)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Error reading account settings", err, path.Empty())
		return
	}
	if st.Written() {
		resp.Diagnostics.AddError("Account settings are already managed",
			fmt.Sprintf("The account's settings were last written at %s (version %d), so another configuration may manage them, and two would undo each other on every apply. "+
				"Import them to manage them here (terraform import arbor_account_settings.<name> account, or an import block with id = \"account\"), "+
				"or remove this resource and leave them to the configuration that manages them.", st.UpdatedAt.Format(time.RFC3339), st.Version))
		return
	}
	r.data.plan.planProductionWriteAccess(plan.ProductionWriteAccess.ValueBool())
}

func (r *accountSettingsResource) write(ctx context.Context, m *accountSettingsModel, version int64, private privateStateWriter) error {
	st, err := r.data.client.PutSettings(ctx, domain.Settings{ProductionWriteAccess: m.ProductionWriteAccess.ValueBool()}, client.Cond{Version: version})
	if err != nil {
		return err
	}
	m.ID = types.StringValue(accountSettingsID)
	m.ProductionWriteAccess = types.BoolValue(st.ProductionWriteAccess)
	if private != nil {
		setVersion(ctx, private, st.Version)
	}
	return nil
}

func (r *accountSettingsResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan accountSettingsModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// The settings always exist: creating the resource adopts and sets them.
	if err := r.write(ctx, &plan, 0, resp.Private); err != nil {
		addAPIError(&resp.Diagnostics, "Error writing account settings", err, path.Empty())
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(accountSettingsIdentity.set(ctx, resp.Identity, accountSettingsID)...)
}

func (r *accountSettingsResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	st, err := r.data.client.Settings(ctx)
	if err != nil {
		addAPIError(&resp.Diagnostics, "Error reading account settings", err, path.Empty())
		return
	}
	m := accountSettingsModel{ID: types.StringValue(accountSettingsID), ProductionWriteAccess: types.BoolValue(st.ProductionWriteAccess)}
	resp.Diagnostics.Append(setVersion(ctx, resp.Private, st.Version)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	resp.Diagnostics.Append(accountSettingsIdentity.set(ctx, resp.Identity, accountSettingsID)...)
}

func (r *accountSettingsResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan accountSettingsModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	version, diags := getVersion(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if err := r.write(ctx, &plan, version, resp.Private); err != nil {
		addAPIError(&resp.Diagnostics, "Error writing account settings", err, path.Empty())
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(accountSettingsIdentity.set(ctx, resp.Identity, accountSettingsID)...)
}

func (r *accountSettingsResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	defaults := accountSettingsModel{ProductionWriteAccess: types.BoolValue(false)}
	if err := r.write(ctx, &defaults, 0, nil); err != nil {
		addAPIError(&resp.Diagnostics, "Error resetting account settings", err, path.Empty())
	}
}

func (r *accountSettingsResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id, diags := accountSettingsIdentity.importID(ctx, req)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if id != accountSettingsID {
		resp.Diagnostics.AddError("Invalid import id", fmt.Sprintf("The account settings import as %q, got %q.", accountSettingsID, id))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), accountSettingsID)...)
}
