package provider

import (
	"context"
	"fmt"
	"net/http"

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
	_ resource.ResourceWithConfigure      = (*brandingResource)(nil)
	_ resource.ResourceWithImportState    = (*brandingResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*brandingResource)(nil)
	_ resource.ResourceWithValidateConfig = (*brandingResource)(nil)
)

// brandingResource is an environment's branding: one per environment, so
// its id is the environment.
type brandingResource struct {
	data *providerData
}

func newBrandingResource() resource.Resource { return &brandingResource{} }

type environmentBrandingModel struct {
	ID                   types.String `tfsdk:"id"`
	Environment          types.String `tfsdk:"environment"`
	PrimaryColor         types.String `tfsdk:"primary_color"`
	PrimaryColorContrast types.String `tfsdk:"primary_color_contrast"`
	LogoURL              types.String `tfsdk:"logo_url"`
	IconURL              types.String `tfsdk:"icon_url"`
}

func (m *environmentBrandingModel) branding() domain.Branding {
	return domain.Branding{
		PrimaryColor:         m.PrimaryColor.ValueString(),
		PrimaryColorContrast: m.PrimaryColorContrast.ValueString(),
		LogoURL:              m.LogoURL.ValueString(),
		IconURL:              m.IconURL.ValueString(),
	}
}

func (m *environmentBrandingModel) set(env string, b domain.Branding) {
	m.ID = types.StringValue(env)
	m.Environment = types.StringValue(env)
	m.PrimaryColor = stringOrNull(b.PrimaryColor)
	m.PrimaryColorContrast = stringOrNull(b.PrimaryColorContrast)
	m.LogoURL = stringOrNull(b.LogoURL)
	m.IconURL = stringOrNull(b.IconURL)
}

// brandingIdentity names an environment's branding by its environment.
var brandingIdentity = resourceIdentity{{name: "environment", doc: "Environment whose branding this is."}}

// brandingFieldDocs document the branding fields, shared by the
// environment's branding and the tenant's effective branding.
var brandingFieldDocs = map[string]string{
	"primary_color":          "Hex colour, `#RGB` or `#RRGGBB`.",
	"primary_color_contrast": "Hex colour shown on the primary colour, `#RGB` or `#RRGGBB`.",
	"logo_url":               "Absolute http(s) URL of the logo.",
	"icon_url":               "Absolute http(s) URL of the icon.",
}

func (r *brandingResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_branding"
}

func (r *brandingResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	attrs := map[string]schema.Attribute{
		"id": schema.StringAttribute{
			MarkdownDescription: "The environment's slug, also the import id.",
			Computed:            true,
			PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		},
		"environment": environmentAttribute("branding"),
	}
	for name, doc := range brandingFieldDocs {
		attrs[name] = schema.StringAttribute{MarkdownDescription: doc + " Unset: none, unless a tenant sets its own.", Optional: true, Validators: nonEmpty()}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "The default branding of one environment's messages, which each tenant's `branding` overrides field by field " +
			"(`arbor_tenant.effective_branding` shows the result). There is one per environment, never promoted or copied: declare this resource once per " +
			"environment. Creating it where the environment's branding has already been written (by another configuration, or before a destroy that reset it) " +
			"is refused: import it instead (`terraform import arbor_branding.<name> <environment>`). Destroying it resets the environment's branding to none.",
		Attributes: attrs,
	}
}

func (r *brandingResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	brandingIdentity.identitySchema(resp)
}

func (r *brandingResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataOf(req.ProviderData, &resp.Diagnostics)
}

// ValidateConfig checks the fields with the backend's own validation, so a
// plan fails with its message under the attribute at fault.
func (r *brandingResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m environmentBrandingModel
	if resp.Diagnostics.Append(req.Config.Get(ctx, &m)...); resp.Diagnostics.HasError() {
		return
	}
	b := m.branding()
	addDomainProblems(ctx, &resp.Diagnostics, req.Config.Raw, b.Validate())
}

// ModifyPlan resolves the environment, refuses to create the resource over
// branding another configuration already wrote (two roots would undo each
// other on every apply), and records the planned branding for the
// effective branding of the tenants planned after it.
func (r *brandingResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.data == nil {
		return
	}
	if !resolveEnvironment(ctx, r.data, req, resp, types.StringValue) {
		return
	}
	var plan environmentBrandingModel
	if resp.Diagnostics.Append(resp.Plan.Get(ctx, &plan)...); resp.Diagnostics.HasError() {
		return
	}
	env := plan.Environment.ValueString()
	r.data.claims.claim(domain.KindBranding.Name+"\x00"+env, "the branding of environment "+env, path.Root("environment"), &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	if req.State.Raw.IsNull() {
		if _, created := r.data.plan.plannedEnvironment(env); !created {
			stored, err := r.data.client.Branding(ctx, env)
			if err != nil {
				addAPIError(&resp.Diagnostics, fmt.Sprintf("Error reading the branding of environment %s", env), err, path.Empty())
				return
			}
			if stored.Written() {
				resp.Diagnostics.AddError(fmt.Sprintf("The branding of environment %s is already managed", env),
					fmt.Sprintf("The branding of environment %s was last written at %s (version %d), so another configuration may manage it, and two would undo each other on every apply. "+
						"Import it to manage it here (terraform import arbor_branding.<name> %s, or an import block with id = %q), or remove this resource.",
						env, stored.UpdatedAt.Format("2006-01-02T15:04:05Z07:00"), stored.Version, env, env))
				return
			}
		}
	}
	r.data.plan.planBranding(env, &plan)
}

func (r *brandingResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan environmentBrandingModel
	if resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...); resp.Diagnostics.HasError() {
		return
	}
	env := plan.Environment.ValueString()
	out, err := r.data.client.PutBranding(ctx, env, plan.branding(), client.Cond{CreateOnly: true})
	if err != nil {
		summary := fmt.Sprintf("Error creating the branding of environment %s", env)
		if client.StatusOf(err) == http.StatusPreconditionFailed {
			resp.Diagnostics.AddError(summary, fmt.Sprintf("The branding of environment %s was written since the plan. Arbor never takes it over silently: import it (terraform import arbor_branding.<name> %s) to manage it here.", env, env))
			return
		}
		addAPIError(&resp.Diagnostics, summary, err, path.Empty())
		return
	}
	r.record(ctx, env, &out, resp.Private, &resp.State, resp.Identity, &resp.Diagnostics)
}

func (r *brandingResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state environmentBrandingModel
	if resp.Diagnostics.Append(req.State.Get(ctx, &state)...); resp.Diagnostics.HasError() {
		return
	}
	env := state.Environment.ValueString()
	out, err := r.data.client.Branding(ctx, env)
	if client.IsNotFound(err) || (err == nil && !out.Written()) {
		tflog.Warn(ctx, "environment branding was reset or its environment deleted; removing it from state so it is planned for creation", map[string]any{"environment": env})
		brandingIdentity.removeResource(ctx, resp, env)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Error reading the branding of environment %s", env), err, path.Empty())
		return
	}
	r.record(ctx, env, &out, resp.Private, &resp.State, resp.Identity, &resp.Diagnostics)
}

func (r *brandingResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan environmentBrandingModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	version, diags := getVersion(ctx, req.Private)
	if resp.Diagnostics.Append(diags...); resp.Diagnostics.HasError() {
		return
	}
	env := plan.Environment.ValueString()
	out, err := r.data.client.PutBranding(ctx, env, plan.branding(), client.Cond{Version: version})
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Error updating the branding of environment %s", env), err, path.Empty())
		return
	}
	r.record(ctx, env, &out, resp.Private, &resp.State, resp.Identity, &resp.Diagnostics)
}

func (r *brandingResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state environmentBrandingModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	version, diags := getVersion(ctx, req.Private)
	if resp.Diagnostics.Append(diags...); resp.Diagnostics.HasError() {
		return
	}
	env := state.Environment.ValueString()
	if err := r.data.client.DeleteBranding(ctx, env, client.Cond{Version: version}); err != nil && !client.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Error resetting the branding of environment %s", env), err, path.Empty())
	}
}

func (r *brandingResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	env, diags := brandingIdentity.importID(ctx, req)
	if resp.Diagnostics.Append(diags...); resp.Diagnostics.HasError() {
		return
	}
	if msg := domain.CheckSlug(env); msg != "" {
		resp.Diagnostics.AddError("Invalid import id", fmt.Sprintf("An environment's branding imports by the environment's slug, which %s; got %q.", msg, env))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("environment"), env)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), env)...)
}

// record copies the branding the backend answered into state, its version
// into private state (the If-Match of the next write) and the identity.
func (r *brandingResource) record(ctx context.Context, env string, out *domain.EnvironmentBranding, private privateStateWriter, state *tfsdk.State, identity *tfsdk.ResourceIdentity, diags *diag.Diagnostics) {
	var m environmentBrandingModel
	m.set(env, out.Branding)
	diags.Append(setVersion(ctx, private, out.Version)...)
	diags.Append(state.Set(ctx, &m)...)
	diags.Append(brandingIdentity.set(ctx, identity, env)...)
}
