package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/arborhq/terraform-provider-arbor/internal/client"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

var (
	_ resource.ResourceWithConfigure   = (*apiKeyResource)(nil)
	_ resource.ResourceWithImportState = (*apiKeyResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*apiKeyResource)(nil)
)

type apiKeyResource struct {
	data *providerData
}

func newAPIKeyResource() resource.Resource { return &apiKeyResource{} }

type apiKeyModel struct {
	ID          types.String `tfsdk:"id"`
	KeyID       types.String `tfsdk:"key_id"`
	Environment types.String `tfsdk:"environment"`
	Name        types.String `tfsdk:"name"`
	Scope       types.String `tfsdk:"scope"`
	Prefix      types.String `tfsdk:"prefix"`
	Secret      types.String `tfsdk:"secret"`
}

func (r *apiKeyResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_api_key"
}

func (r *apiKeyResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "An environment API key: a credential that reaches only its own environment. " +
			"The secret is known only when the key is created; it is stored hashed by the backend, and sensitive in state. " +
			"An imported key has no `secret`. Creating keys needs an owner or admin account token. " +
			"For a key needed only during one Terraform run, use the ephemeral `arbor_api_key`, which keeps the secret out of state.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "`<environment>/<key_id>`, also the import id.",
				Computed:            true,
			},
			"key_id": schema.StringAttribute{
				MarkdownDescription: "The key's identifier, also the public part of its secret.",
				Computed:            true,
				PlanModifiers:       keep,
			},
			"environment": environmentAttribute("API key"),
			"name": schema.StringAttribute{
				MarkdownDescription: "What the key is for; unique among the environment's keys (a second key of the name is refused). The name is what recognises the key when an interrupted apply runs again.",
				Required:            true,
				Validators:          nameValidators(),
			},
			"scope": schema.StringAttribute{
				MarkdownDescription: "`read_write` writes the environment's configuration and data; `read_only` only reads. Changing it updates the key in place.",
				Required:            true,
				Validators:          scopeValidators(),
			},
			"prefix": schema.StringAttribute{
				MarkdownDescription: "First characters of the secret, to recognise the key in listings and logs.",
				Computed:            true,
				PlanModifiers:       keep,
			},
			"secret": schema.StringAttribute{
				MarkdownDescription: "The key itself. Known only to the Terraform run that created it; null after import.",
				Computed:            true,
				Sensitive:           true,
				PlanModifiers:       keep,
			},
		},
	}
}

// apiKeyIdentity names a key by its environment and key_id, the import
// id's parts. (The key's name is not unique; its id attribute is the two
// joined.)
var apiKeyIdentity = resourceIdentity{
	environmentIdentity,
	{name: "key_id", doc: "The key's identifier, its `key_id`."},
}

func (r *apiKeyResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	apiKeyIdentity.identitySchema(resp)
}

func (r *apiKeyResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataOf(req.ProviderData, &resp.Diagnostics)
}

func (r *apiKeyResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.data == nil {
		return
	}
	var prior apiKeyModel
	if !req.State.Raw.IsNull() {
		resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
	}
	if !resolveEnvironment(ctx, r.data, req, resp, func(env string) types.String {
		if prior.Environment.ValueString() == env && !prior.ID.IsNull() {
			return prior.ID
		}
		return types.StringUnknown()
	}) {
		return
	}
	// The name is what recognises a key (unique per environment), so two
	// resources of one name would be answered with one credential.
	var name types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("name"), &name)...)
	claimInEnvironment(ctx, r.data, req, resp, apiKeyNames, "the API key named", name, path.Root("name"))
}

// apiKeyNames is the kind of claims on API key names.
const apiKeyNames = "api_key_name"

func flattenAPIKey(k domain.APIKey, m *apiKeyModel) {
	m.ID = types.StringValue(k.Environment + "/" + k.ID)
	m.KeyID = types.StringValue(k.ID)
	m.Environment = types.StringValue(k.Environment)
	m.Name = types.StringValue(k.Name)
	m.Scope = types.StringValue(string(k.Scope))
	m.Prefix = types.StringValue(k.Prefix)
}

// recordAPIKey copies a key the backend returned into the model, the model
// into state and the key's identity; its version goes to private state,
// for the If-Match of the next write.
func recordAPIKey(ctx context.Context, key domain.APIKey, m *apiKeyModel, private privateStateWriter, state *tfsdk.State, identity *tfsdk.ResourceIdentity) diag.Diagnostics {
	flattenAPIKey(key, m)
	diags := setVersion(ctx, private, key.Version)
	diags.Append(state.Set(ctx, m)...)
	diags.Append(apiKeyIdentity.set(ctx, identity, key.Environment, key.ID)...)
	return diags
}

func (r *apiKeyResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan apiKeyModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	env := plan.Environment.ValueString()
	key, err := r.data.client.CreateAPIKey(ctx, env, domain.APIKeyInput{Name: plan.Name.ValueString(), Scope: domain.Scope(plan.Scope.ValueString())})
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Error creating API key %q in environment %s", plan.Name.ValueString(), env), err, path.Empty())
		return
	}
	plan.Secret = types.StringValue(key.Secret)
	resp.Diagnostics.Append(recordAPIKey(ctx, key, &plan, resp.Private, &resp.State, resp.Identity)...)
}

func (r *apiKeyResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state apiKeyModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	env, id := state.Environment.ValueString(), state.KeyID.ValueString()
	key, err := r.data.client.APIKey(ctx, env, id)
	if client.IsNotFound(err) {
		tflog.Warn(ctx, "API key no longer exists; removing it from state", map[string]any{"environment": env, "key_id": id})
		apiKeyIdentity.removeResource(ctx, resp, env, id)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Error reading API key %s in environment %s", id, env), err, path.Empty())
		return
	}
	resp.Diagnostics.Append(recordAPIKey(ctx, key, &state, resp.Private, &resp.State, resp.Identity)...)
}

func (r *apiKeyResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan apiKeyModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	version, diags := getVersion(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	env, id := plan.Environment.ValueString(), plan.KeyID.ValueString()
	key, err := r.data.client.UpdateAPIKey(ctx, env, id, domain.APIKeyInput{Name: plan.Name.ValueString(), Scope: domain.Scope(plan.Scope.ValueString())}, client.Cond{Version: version})
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Error updating API key %s in environment %s", id, env), err, path.Empty())
		return
	}
	resp.Diagnostics.Append(recordAPIKey(ctx, key, &plan, resp.Private, &resp.State, resp.Identity)...)
}

func (r *apiKeyResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state apiKeyModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	version, diags := getVersion(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	env, id := state.Environment.ValueString(), state.KeyID.ValueString()
	if err := r.data.client.DeleteAPIKey(ctx, env, id, client.Cond{Version: version}); err != nil && !client.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Error revoking API key %s in environment %s", id, env), err, path.Empty())
	}
}

func (r *apiKeyResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id, diags := apiKeyIdentity.importID(ctx, req)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	parts, ok := splitImportID(id, 1, r.data)
	if !ok {
		resp.Diagnostics.AddError("Invalid import id", fmt.Sprintf("Expected <environment>/<key_id> or <key_id>, got %q.", id))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("environment"), parts[0])...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("key_id"), parts[1])...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), parts[0]+"/"+parts[1])...)
}
