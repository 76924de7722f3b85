package provider

import (
	"context"
	"fmt"
	"net/http"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/arborhq/terraform-provider-arbor/internal/client"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

var (
	_ resource.ResourceWithConfigure   = (*identityResource)(nil)
	_ resource.ResourceWithImportState = (*identityResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*identityResource)(nil)
)

// identityResource manages an account-level identity: it has no
// environment, and its id is its key.
type identityResource struct {
	data *providerData
}

func newIdentityResource() resource.Resource { return &identityResource{} }

type identityModel struct {
	ID    types.String `tfsdk:"id"`
	Key   types.String `tfsdk:"key"`
	Email types.String `tfsdk:"email"`
	Name  types.String `tfsdk:"name"`
}

func (r *identityResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_identity"
}

func (r *identityResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A person or service. Identities belong to the account, not to an environment: the same identity is seen from every environment " +
			"and is given roles per environment with `arbor_role_assignment`. Managing identities needs an account token with the member, admin or owner role; " +
			"environment API keys can only read them. Deleting an identity that still has role assignments, in any environment, is refused.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The key, also the import id.",
				Computed:            true,
			},
			"key": schema.StringAttribute{
				MarkdownDescription: "Identifier of the identity within the account, such as `ada`. Changing it replaces the identity.",
				Required:            true,
				Validators:          []validator.String{keyValidator},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"email": schema.StringAttribute{
				MarkdownDescription: "Email address, unique across the account: no two identities share one, whatever its case.",
				Required:            true,
				Validators:          []validator.String{emailValidator},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: nameDoc,
				Required:            true,
				Validators:          nameValidators(),
			},
		},
	}
}

// identityResourceIdentity is an identity's key, its import id.
var identityResourceIdentity = resourceIdentity{{name: "key", doc: "Key of the identity within the account."}}

func (r *identityResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	identityResourceIdentity.identitySchema(resp)
}

func (r *identityResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataOf(req.ProviderData, &resp.Diagnostics)
}

func (r *identityResource) identities() client.Collection[domain.Identity] {
	return client.Objects[domain.Identity](r.data.client, domain.KindIdentity)
}

func (r *identityResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.data == nil {
		return
	}
	if r.data.boundEnvironment != "" {
		resp.Diagnostics.AddError("Identities need an account token",
			fmt.Sprintf("Identities belong to the account, and the provider's api_key is an API key of environment %q, which can only read them. "+
				"Manage identities with a provider configuration (alias) whose api_key is an account token with the member, admin or owner role.", r.data.boundEnvironment))
		return
	}
	var key types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("key"), &key)...)
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("id"), key)...)
	if !key.IsUnknown() {
		r.data.plan.planObject(domain.KindIdentity, "", key.ValueString())
	}
	if !key.IsUnknown() && !replacing(ctx, req, resp, path.Root("key")) {
		r.data.claims.claim(domain.KindIdentity.Name+"\x00"+key.ValueString(), fmt.Sprintf("identity %q", key.ValueString()), path.Root("key"), &resp.Diagnostics)
	}
}

func expandIdentity(m *identityModel) *domain.Identity {
	return &domain.Identity{Email: m.Email.ValueString(), Name: m.Name.ValueString()}
}

func flattenIdentity(i *domain.Identity, m *identityModel) {
	m.ID = types.StringValue(i.Key)
	m.Key = types.StringValue(i.Key)
	m.Email = types.StringValue(i.Email)
	m.Name = types.StringValue(i.Name)
}

func (r *identityResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan identityModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	key := plan.Key.ValueString()
	out, err := r.identities().Put(ctx, "", key, expandIdentity(&plan), client.Cond{CreateOnly: true})
	if err != nil {
		summary := fmt.Sprintf("Error creating identity %q", key)
		if client.StatusOf(err) == http.StatusPreconditionFailed {
			resp.Diagnostics.AddAttributeError(path.Root("key"), summary,
				fmt.Sprintf("Identity %q already exists. Arbor never takes over an existing object silently: import it (terraform import arbor_identity.<name> %s, or an import block) to manage it, or choose another key.", key, key))
			return
		}
		addAPIError(&resp.Diagnostics, summary, err, path.Empty())
		return
	}
	flattenIdentity(out, &plan)
	resp.Diagnostics.Append(setVersion(ctx, resp.Private, out.Version)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(identityResourceIdentity.set(ctx, resp.Identity, out.Key)...)
}

func (r *identityResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state identityModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	key := state.Key.ValueString()
	out, err := r.identities().Get(ctx, "", key)
	if client.IsNotFound(err) {
		tflog.Warn(ctx, "identity no longer exists; removing it from state so it is planned for creation", map[string]any{"key": key})
		identityResourceIdentity.removeResource(ctx, resp, key)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Error reading identity %q", key), err, path.Empty())
		return
	}
	flattenIdentity(out, &state)
	resp.Diagnostics.Append(setVersion(ctx, resp.Private, out.Version)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	resp.Diagnostics.Append(identityResourceIdentity.set(ctx, resp.Identity, out.Key)...)
}

func (r *identityResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan identityModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	version, diags := getVersion(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	key := plan.Key.ValueString()
	out, err := r.identities().Put(ctx, "", key, expandIdentity(&plan), client.Cond{Version: version})
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Error updating identity %q", key), err, path.Empty())
		return
	}
	flattenIdentity(out, &plan)
	resp.Diagnostics.Append(setVersion(ctx, resp.Private, out.Version)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(identityResourceIdentity.set(ctx, resp.Identity, out.Key)...)
}

func (r *identityResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state identityModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	version, diags := getVersion(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	key := state.Key.ValueString()
	if err := r.identities().Delete(ctx, "", key, client.Cond{Version: version}); err != nil && !client.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Error deleting identity %q", key), err, path.Empty())
	}
}

func (r *identityResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id, diags := identityResourceIdentity.importID(ctx, req)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if msg := domain.CheckKey(id); msg != "" {
		resp.Diagnostics.AddError("Invalid import id", fmt.Sprintf("Expected the identity's key: %q %s.", id, msg))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("key"), id)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
}
