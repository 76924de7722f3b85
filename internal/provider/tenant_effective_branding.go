package provider

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// A tenant's effective branding: its environment's branding with each
// field the tenant sets in its place (domain.EffectiveBranding), so a plan
// shows what the tenant's messages will look like.

var effectiveBrandingTypes = map[string]attr.Type{
	"primary_color": types.StringType, "primary_color_contrast": types.StringType, "logo_url": types.StringType, "icon_url": types.StringType,
}

func effectiveBrandingAttribute() schema.SingleNestedAttribute {
	attrs := map[string]schema.Attribute{}
	for _, name := range slices.Sorted(maps.Keys(brandingFieldDocs)) {
		attrs[name] = schema.StringAttribute{MarkdownDescription: brandingFieldDocs[name] + " Null when neither the tenant nor its environment sets it.", Computed: true}
	}
	return schema.SingleNestedAttribute{
		MarkdownDescription: "The branding the tenant's messages carry: its environment's branding (`arbor_branding`) with each field this tenant's `branding` sets in its place. " +
			"Read at every refresh. A plan that creates or changes the tenant shows its new value (unknown when the same plan changes the environment's branding); " +
			"a change of the environment's branding alone plans as that one change, not as an update of every tenant, and the next refresh shows the tenants' new look.",
		Computed:   true,
		Attributes: attrs,
	}
}

func effectiveBrandingValue(b domain.Branding) types.Object {
	return types.ObjectValueMust(effectiveBrandingTypes, map[string]attr.Value{
		"primary_color":          stringOrNull(b.PrimaryColor),
		"primary_color_contrast": stringOrNull(b.PrimaryColorContrast),
		"logo_url":               stringOrNull(b.LogoURL),
		"icon_url":               stringOrNull(b.IconURL),
	})
}

// tenantBranding is the tenant's own branding overrides, nil for none.
func (m *tenantModel) tenantBranding() *domain.Branding {
	if m.Branding == nil {
		return nil
	}
	return &domain.Branding{
		PrimaryColor:         m.Branding.PrimaryColor.ValueString(),
		PrimaryColorContrast: m.Branding.PrimaryColorContrast.ValueString(),
		LogoURL:              m.Branding.LogoURL.ValueString(),
		IconURL:              m.Branding.IconURL.ValueString(),
	}
}

// deriveEffectiveBranding reads env's branding as the backend holds it and
// sets read tenants' effective branding from it. The read is shared by
// every tenant of the walk until the provider writes anything
// (client.RefreshBranding): a refresh of N tenants reads it once, and a
// tenant recorded after its create or update reads it after that write.
func deriveEffectiveBranding(ctx context.Context, data *providerData, env string) (func(*tenantModel), diag.Diagnostics) {
	var diags diag.Diagnostics
	stored, err := data.client.RefreshBranding(ctx, env)
	if err != nil {
		addAPIError(&diags, fmt.Sprintf("Error reading the branding of environment %s for tenants' effective branding", env), err, path.Empty())
		return nil, diags
	}
	return func(m *tenantModel) {
		m.EffectiveBranding = effectiveBrandingValue(domain.EffectiveBranding(&stored.Branding, m.tenantBranding()))
	}, diags
}

// planEffectiveBranding plans a tenant's effective branding when the plan
// creates or changes the tenant: the merge of its planned overrides over its
// environment's branding, unknown while either is known only at apply (this
// plan changes the environment's branding, or the tenant's overrides are
// computed). A tenant the plan does not otherwise change keeps the effective
// branding its last refresh read (a tenant is read again at every refresh:
// presentedPerReader), so a change of the environment's branding plans as
// that one change, not as an update of every tenant, and the next refresh
// shows the tenants' new look.
func planEffectiveBranding(ctx context.Context, data *providerData, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	var env types.String
	resp.Diagnostics.Append(resp.Plan.GetAttribute(ctx, path.Root("environment"), &env)...)
	if !req.State.Raw.IsNull() {
		var recorded types.Object
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("effective_branding"), &recorded)...)
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("effective_branding"), recorded)...)
		if resp.Diagnostics.HasError() || resp.Plan.Raw.Equal(req.State.Raw) {
			// Nothing of the tenant's own changes.
			return
		}
	}
	var plan tenantModel
	if resp.Diagnostics.HasError() || env.IsUnknown() || resp.Plan.Get(ctx, &plan).HasError() || !overridesKnown(plan.Branding) {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("effective_branding"), types.ObjectUnknown(effectiveBrandingTypes))...)
		return
	}
	environment, known, err := data.environmentBranding(ctx, env.ValueString())
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Error reading the branding of environment %s for a tenant's effective branding", env.ValueString()), err, path.Empty())
		return
	}
	value := types.ObjectUnknown(effectiveBrandingTypes)
	if known {
		value = effectiveBrandingValue(domain.EffectiveBranding(&environment, plan.tenantBranding()))
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("effective_branding"), value)...)
}

func overridesKnown(b *brandingModel) bool {
	return b == nil || !(b.PrimaryColor.IsUnknown() || b.PrimaryColorContrast.IsUnknown() || b.LogoURL.IsUnknown() || b.IconURL.IsUnknown())
}
