package provider

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/arborhq/terraform-provider-arbor/internal/client"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

var (
	_ resource.ResourceWithConfigure   = (*environmentResource)(nil)
	_ resource.ResourceWithImportState = (*environmentResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*environmentResource)(nil)
)

type environmentResource struct {
	data *providerData
}

func newEnvironmentResource() resource.Resource { return &environmentResource{} }

type environmentModel struct {
	ID                    types.String `tfsdk:"id"`
	Slug                  types.String `tfsdk:"slug"`
	Name                  types.String `tfsdk:"name"`
	Description           types.String `tfsdk:"description"`
	ObfuscateCustomerData types.Bool   `tfsdk:"obfuscate_customer_data"`
	DefaultLocale         types.String `tfsdk:"default_locale"`
	ForceDestroy          types.Bool   `tfsdk:"force_destroy"`
	CopyFrom              types.String `tfsdk:"copy_from"`
	CopiedClientSecrets   types.Map    `tfsdk:"copied_oauth_client_secrets"`
	CopiedSigningSecrets  types.Map    `tfsdk:"copied_webhook_signing_secrets"`
	CopyNeeds             types.List   `tfsdk:"copy_needs"`
	Position              types.Int64  `tfsdk:"position"`
	Builtin               types.Bool   `tfsdk:"builtin"`
}

func (r *environmentResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_environment"
}

func (r *environmentResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "An environment: one step of the promotion order. A new environment is inserted just below production, " +
			"and the order never changes afterwards. `development` and `production` always exist: read them with the `arbor_environment` " +
			"data source, or adopt them with `terraform import` (destroying an adopted built-in environment only removes it from state).",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The slug.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"slug": schema.StringAttribute{
				MarkdownDescription: "Immutable identifier used in paths and in other resources' `environment`: " + domain.SlugRule + ". Changing it replaces the environment.",
				Required:            true,
				Validators:          []validator.String{slugValidator},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: nameDoc,
				Required:            true,
				Validators:          nameValidators(),
			},
			"description": descriptionAttribute(),
			"obfuscate_customer_data": schema.BoolAttribute{
				MarkdownDescription: "Redact tenant properties for viewer tokens in this environment. Default `false`.",
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(false),
			},
			"default_locale": schema.StringAttribute{
				MarkdownDescription: "The BCP 47 locale, in canonical form (`en`, `en-US`, `pt-BR`), whose translations a message uses when its recipient has no `locale`, " +
					"or one that no translation holds (after trying its language alone, `fr` for `fr-CA`). Default `en`.",
				Optional:   true,
				Computed:   true,
				Default:    stringdefault.StaticString(domain.DefaultLocale),
				Validators: []validator.String{localeValidator},
			},
			"copy_from": schema.StringAttribute{
				MarkdownDescription: "Slug of an environment whose configuration the new environment starts with, copied when it is created, " +
					"in the same transaction: permissions, roles, hierarchy, OAuth client and webhook configurations, " + domain.VersionedKindsNamed() + ". " +
					"Channels come as definitions without their credentials and variables that are not sensitive with their values, so the workflows and guides that use them come too. " +
					"Identities, role assignments, API keys, tenants, branding, channel credentials and sensitive variables are never copied, and secrets are generated anew: " +
					"`copy_needs` lists what to supply before anything is sent. " +
					"Used at creation only: changing or removing it later only records the new value; it never copies again and never replaces the environment.",
				Optional:   true,
				Validators: []validator.String{slugValidator},
			},
			"copied_oauth_client_secrets": schema.MapAttribute{
				MarkdownDescription: "With `copy_from`: the secret of each OAuth client the copy created, by client key. Each is generated for this environment " +
					"and shown only by the request that creates it; null after import.",
				Computed:      true,
				Sensitive:     true,
				ElementType:   types.StringType,
				PlanModifiers: []planmodifier.Map{mapplanmodifier.UseStateForUnknown()},
			},
			"copied_webhook_signing_secrets": schema.MapAttribute{
				MarkdownDescription: "With `copy_from`: the signing secret of each webhook the copy created, by webhook key, generated for this environment; null after import.",
				Computed:            true,
				Sensitive:           true,
				ElementType:         types.StringType,
				PlanModifiers:       []planmodifier.Map{mapplanmodifier.UseStateForUnknown()},
			},
			"copy_needs": schema.ListNestedAttribute{
				MarkdownDescription: "With `copy_from`: what the new environment needs before it sends, since a copy never carries secrets: each channel copied without the credentials it had in the source " +
					"(`needs = \"credentials\"`; give it them with `arbor_channel`'s `credentials_wo`) and each sensitive variable left out (`needs = \"value\"`; create it with `arbor_variable`). " +
					"Empty when the copy needs nothing; null without `copy_from` and after import.",
				Computed:      true,
				PlanModifiers: []planmodifier.List{listplanmodifier.UseStateForUnknown()},
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"kind":  schema.StringAttribute{MarkdownDescription: "`channel` or `variable`.", Computed: true},
					"key":   schema.StringAttribute{MarkdownDescription: "The channel's or variable's key.", Computed: true},
					"needs": schema.StringAttribute{MarkdownDescription: "`credentials` or `value`.", Computed: true},
				}},
			},
			"force_destroy": schema.BoolAttribute{
				MarkdownDescription: "Allow destroying the environment while it still holds objects, which are deleted with it. Default `false`: the backend refuses to delete a non-empty environment. " +
					"A destroyed environment leaves the promotion order: the environment above it then takes its changes from the one below.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
			},
			"position": schema.Int64Attribute{
				MarkdownDescription: "1-based place in the promotion order: development is 1, production is last.",
				Computed:            true,
				PlanModifiers:       []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
			},
			"builtin": schema.BoolAttribute{
				MarkdownDescription: "True for development and production.",
				Computed:            true,
				PlanModifiers:       []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
			},
		},
	}
}

// environmentResourceIdentity is an environment's slug, its import id.
var environmentResourceIdentity = resourceIdentity{{name: "slug", doc: "Slug of the environment."}}

func (r *environmentResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	environmentResourceIdentity.identitySchema(resp)
}

func (r *environmentResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataOf(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan refuses, at plan time, the creation of a built-in environment
// and a copy_from that names no environment, with the backend's messages,
// and records the environments this plan creates for the checks of the
// objects planned in them.
func (r *environmentResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || !req.State.Raw.IsNull() || r.data == nil {
		return
	}
	var plan environmentModel
	if resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...); resp.Diagnostics.HasError() || plan.Slug.IsUnknown() {
		return
	}
	slug := plan.Slug.ValueString()
	summary := fmt.Sprintf("Error planning environment %s", slug)
	if slug == domain.Development || slug == domain.Production {
		resp.Diagnostics.AddAttributeError(path.Root("slug"), summary, domain.EnvironmentExists(slug).Message+".")
		return
	}
	created := plannedEnvironment{slug: slug, copyFrom: plan.CopyFrom.ValueString()}
	if created.copyFrom != "" && !r.data.environmentExists(ctx, created.copyFrom, &resp.Diagnostics) {
		resp.Diagnostics.AddAttributeError(path.Root("copy_from"), summary,
			fmt.Sprintf("copy_from %s. Name an environment that exists, or one this configuration creates, referred to as arbor_environment.<name>.slug so that Terraform creates it first.",
				domain.NotFound("environment", created.copyFrom).Message))
		return
	}
	r.data.plan.planEnvironment(created)
}

func flattenEnvironment(e domain.Environment, m *environmentModel) {
	m.ID = types.StringValue(e.Slug)
	m.Slug = types.StringValue(e.Slug)
	m.Name = types.StringValue(e.Name)
	m.Description = types.StringValue(e.Description)
	m.ObfuscateCustomerData = types.BoolValue(e.ObfuscateCustomerData)
	m.DefaultLocale = types.StringValue(e.DefaultLocale)
	m.Position = types.Int64Value(int64(e.Position))
	m.Builtin = types.BoolValue(e.Builtin)
}

func (m *environmentModel) input() domain.EnvironmentInput {
	return domain.EnvironmentInput{Name: m.Name.ValueString(), Description: m.Description.ValueString(), ObfuscateCustomerData: m.ObfuscateCustomerData.ValueBool(),
		DefaultLocale: m.DefaultLocale.ValueString()}
}

func (r *environmentResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan environmentModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	env, err := r.data.client.CreateEnvironment(ctx, domain.NewEnvironmentInput{Slug: plan.Slug.ValueString(), EnvironmentInput: plan.input(), CopyFrom: plan.CopyFrom.ValueString()})
	if err != nil {
		at := path.Empty()
		if client.StatusOf(err) == http.StatusConflict {
			at = path.Root("slug")
		}
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Error creating environment %s", plan.Slug.ValueString()), err, at)
		return
	}
	flattenEnvironment(env.Environment, &plan)
	plan.CopiedClientSecrets, plan.CopiedSigningSecrets = copiedSecrets(env.Copy)
	plan.CopyNeeds = copyNeeds(&env)
	if len(env.Needs) > 0 {
		var lines []string
		for _, n := range env.Needs {
			lines = append(lines, fmt.Sprintf("%s %q needs its %s", n.Kind, n.Key, n.Needs))
		}
		resp.Diagnostics.AddWarning(fmt.Sprintf("Environment %s needs secrets the copy did not carry", env.Slug),
			fmt.Sprintf("copy_from %q copied no secrets; before %s sends anything: %s. Give channels their credentials with arbor_channel and create sensitive variables with arbor_variable (copy_needs lists them).",
				plan.CopyFrom.ValueString(), env.Slug, strings.Join(lines, "; ")))
	}
	resp.Diagnostics.Append(setVersion(ctx, resp.Private, env.Version)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(environmentResourceIdentity.set(ctx, resp.Identity, env.Slug)...)
}

// copyNeedType is an element of copy_needs.
var copyNeedType = types.ObjectType{AttrTypes: map[string]attr.Type{"kind": types.StringType, "key": types.StringType, "needs": types.StringType}}

// copyNeeds is what copy_from could not carry; null when nothing was
// copied.
func copyNeeds(env *domain.CreatedEnvironment) types.List {
	if env.Copy == nil {
		return types.ListNull(copyNeedType)
	}
	items := []attr.Value{}
	for _, n := range env.Needs {
		items = append(items, types.ObjectValueMust(copyNeedType.AttrTypes, map[string]attr.Value{
			"kind": types.StringValue(n.Kind), "key": types.StringValue(n.Key), "needs": types.StringValue(n.Needs)}))
	}
	return types.ListValueMust(copyNeedType, items)
}

// copiedSecrets are the new secrets of the objects copy_from created; null
// when nothing was copied.
func copiedSecrets(copied *domain.ImportResult) (clients, webhooks types.Map) {
	if copied == nil {
		return types.MapNull(types.StringType), types.MapNull(types.StringType)
	}
	clientSecrets, signingSecrets := map[string]attr.Value{}, map[string]attr.Value{}
	for key, c := range copied.NewOAuthClientSecrets {
		clientSecrets[key] = types.StringValue(c.ClientSecret)
	}
	for key, s := range copied.NewWebhookSigningSecrets {
		signingSecrets[key] = types.StringValue(s)
	}
	return types.MapValueMust(types.StringType, clientSecrets), types.MapValueMust(types.StringType, signingSecrets)
}

func (r *environmentResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state environmentModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	env, err := r.data.client.Environment(ctx, state.ID.ValueString())
	if client.IsNotFound(err) {
		tflog.Warn(ctx, "environment no longer exists; removing it from state", map[string]any{"slug": state.ID.ValueString()})
		environmentResourceIdentity.removeResource(ctx, resp, state.ID.ValueString())
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Error reading environment %s", state.ID.ValueString()), err, path.Empty())
		return
	}
	flattenEnvironment(env, &state)
	if state.ForceDestroy.IsNull() {
		state.ForceDestroy = types.BoolValue(false)
	}
	resp.Diagnostics.Append(setVersion(ctx, resp.Private, env.Version)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	resp.Diagnostics.Append(environmentResourceIdentity.set(ctx, resp.Identity, env.Slug)...)
}

func (r *environmentResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan environmentModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	version, diags := getVersion(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	env, err := r.data.client.UpdateEnvironment(ctx, plan.Slug.ValueString(), plan.input(), client.Cond{Version: version})
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Error updating environment %s", plan.Slug.ValueString()), err, path.Empty())
		return
	}
	flattenEnvironment(env, &plan)
	resp.Diagnostics.Append(setVersion(ctx, resp.Private, env.Version)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(environmentResourceIdentity.set(ctx, resp.Identity, env.Slug)...)
}

func (r *environmentResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state environmentModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	version, diags := getVersion(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if state.Builtin.ValueBool() {
		resp.Diagnostics.AddWarning("Built-in environment kept",
			fmt.Sprintf("Environment %s is built in and cannot be deleted; it was removed from Terraform state only.", state.Slug.ValueString()))
		return
	}
	err := r.data.client.DeleteEnvironment(ctx, state.Slug.ValueString(), state.ForceDestroy.ValueBool(), client.Cond{Version: version})
	if err != nil && !client.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Error deleting environment %s", state.Slug.ValueString()), err, path.Empty())
	}
}

func (r *environmentResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id, diags := environmentResourceIdentity.importID(ctx, req)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if msg := domain.CheckSlug(id); msg != "" {
		resp.Diagnostics.AddError("Invalid import id", fmt.Sprintf("Expected an environment slug, which %s; got %q.", msg, id))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("force_destroy"), false)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("copied_oauth_client_secrets"), types.MapNull(types.StringType))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("copied_webhook_signing_secrets"), types.MapNull(types.StringType))...)
}
