package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

var (
	_ resource.ResourceWithImportState    = (*tenantResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*tenantResource)(nil)
	_ resource.ResourceWithValidateConfig = (*tenantResource)(nil)
)

type tenantModel struct {
	objectBase
	Name          types.String         `tfsdk:"name"`
	Properties    jsontypes.Normalized `tfsdk:"properties"`
	Branding      *brandingModel       `tfsdk:"branding"`
	PreferenceSet *preferenceSetModel  `tfsdk:"preference_set"`
	// EffectiveBranding is the environment's branding with the tenant's
	// overrides, derived rather than stored.
	EffectiveBranding types.Object `tfsdk:"effective_branding"`
}

type brandingModel struct {
	PrimaryColor         types.String `tfsdk:"primary_color"`
	PrimaryColorContrast types.String `tfsdk:"primary_color_contrast"`
	LogoURL              types.String `tfsdk:"logo_url"`
	IconURL              types.String `tfsdk:"icon_url"`
}

type preferenceSetModel struct {
	ChannelTypes types.Map `tfsdk:"channel_types"`
	Categories   types.Map `tfsdk:"categories"`
	Workflows    types.Map `tfsdk:"workflows"`
}

type tenantResource = objectResource[tenantModel, *tenantModel, domain.Tenant, *domain.Tenant]

func newTenantResource() resource.Resource {
	return &tenantResource{spec: tenantSpec()}
}

func tenantSpec() *objectSpec[tenantModel, domain.Tenant] {
	return &objectSpec[tenantModel, domain.Tenant]{
		kind: domain.KindTenant,
		description: "A tenant: a segment of your users, such as an organisation or workspace, with custom properties, " +
			"branding overrides and default preferences. Tenants are data, not configuration: they are never promoted " +
			"or copied between environments. Viewer tokens see `properties` redacted in environments with `obfuscate_customer_data`.",
		keyDoc:             "The tenant's id in your own system (" + domain.KeyRule + ").",
		keyCheckedByDomain: true,
		validateWithDomain: true,
		presentedPerReader: true,
		attributes: map[string]schema.Attribute{
			"name": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Display name, at most %d characters. Default `\"\"`.", domain.MaxNameLength),
				Optional:            true,
				Computed:            true,
				Default:             stringdefault.StaticString(""),
				Validators:          []validator.String{stringvalidator.UTF8LengthAtMost(domain.MaxNameLength)},
			},
			"properties": schema.StringAttribute{
				MarkdownDescription: "Custom properties: a JSON object, usually written with `jsonencode`. Compared semantically, so formatting and key order never show as changes.",
				Optional:            true,
				CustomType:          jsontypes.NormalizedType{},
				Validators:          []validator.String{jsonNullValidator},
			},
			"branding": schema.SingleNestedAttribute{
				MarkdownDescription: "Branding overrides applied to messages sent for this tenant.",
				Optional:            true,
				Attributes: map[string]schema.Attribute{
					"primary_color":          schema.StringAttribute{MarkdownDescription: "Hex colour, `#RGB` or `#RRGGBB`.", Optional: true, Validators: nonEmpty()},
					"primary_color_contrast": schema.StringAttribute{MarkdownDescription: "Hex colour shown on the primary colour, `#RGB` or `#RRGGBB`.", Optional: true, Validators: nonEmpty()},
					"logo_url":               schema.StringAttribute{MarkdownDescription: "Absolute http(s) URL of the logo.", Optional: true, Validators: nonEmpty()},
					"icon_url":               schema.StringAttribute{MarkdownDescription: "Absolute http(s) URL of the icon.", Optional: true, Validators: nonEmpty()},
				},
			},
			"effective_branding": effectiveBrandingAttribute(),
			"preference_set": schema.SingleNestedAttribute{
				MarkdownDescription: "Default preferences of this tenant's recipients: a complete set, replaced as a whole.",
				Optional:            true,
				Attributes: map[string]schema.Attribute{
					"channel_types": schema.MapAttribute{MarkdownDescription: "Channel type (`" + joinDoc(domain.ChannelTypes) + "`) → enabled.", Optional: true, ElementType: types.BoolType},
					"categories":    schema.MapAttribute{MarkdownDescription: "Workflow category → enabled.", Optional: true, ElementType: types.BoolType},
					"workflows":     schema.MapAttribute{MarkdownDescription: "Workflow key → enabled.", Optional: true, ElementType: types.BoolType},
				},
			},
		},
		expand:  expandTenant,
		flatten: flattenTenant,
		derive:  deriveEffectiveBranding,
		derivedPlanned: func(m *tenantModel) bool {
			return !m.EffectiveBranding.IsUnknown() && !m.EffectiveBranding.IsNull()
		},
		modifyPlan: planEffectiveBranding,
	}
}

func expandTenant(ctx context.Context, m *tenantModel) (*domain.Tenant, diag.Diagnostics) {
	var diags diag.Diagnostics
	t := &domain.Tenant{Name: m.Name.ValueString()}
	if !m.Properties.IsNull() && !m.Properties.IsUnknown() {
		if err := t.Properties.UnmarshalJSON([]byte(m.Properties.ValueString())); err != nil {
			diags.AddAttributeError(path.Root("properties"), "Invalid properties", fmt.Sprintf("properties is not JSON: %s", err))
		}
	}
	if b := m.Branding; b != nil {
		t.Branding = &domain.Branding{
			PrimaryColor:         b.PrimaryColor.ValueString(),
			PrimaryColorContrast: b.PrimaryColorContrast.ValueString(),
			LogoURL:              b.LogoURL.ValueString(),
			IconURL:              b.IconURL.ValueString(),
		}
	}
	if ps := m.PreferenceSet; ps != nil {
		t.PreferenceSet = &domain.PreferenceSet{}
		diags.Append(boolMapInto(ctx, ps.ChannelTypes, &t.PreferenceSet.ChannelTypes)...)
		diags.Append(boolMapInto(ctx, ps.Categories, &t.PreferenceSet.Categories)...)
		diags.Append(boolMapInto(ctx, ps.Workflows, &t.PreferenceSet.Workflows)...)
	}
	return t, diags
}

func flattenTenant(ctx context.Context, t *domain.Tenant, m *tenantModel) diag.Diagnostics {
	var diags diag.Diagnostics
	m.Name = types.StringValue(t.Name)
	m.Properties = jsontypes.NewNormalizedNull()
	if len(t.Properties) > 0 {
		m.Properties = jsontypes.NewNormalizedValue(string(t.Properties))
	}
	m.Branding = nil
	if b := t.Branding; b != nil {
		m.Branding = &brandingModel{
			PrimaryColor:         stringOrNull(b.PrimaryColor),
			PrimaryColorContrast: stringOrNull(b.PrimaryColorContrast),
			LogoURL:              stringOrNull(b.LogoURL),
			IconURL:              stringOrNull(b.IconURL),
		}
	}
	m.PreferenceSet = nil
	if ps := t.PreferenceSet; ps != nil {
		m.PreferenceSet = &preferenceSetModel{}
		var d diag.Diagnostics
		m.PreferenceSet.ChannelTypes, d = boolMapValue(ctx, ps.ChannelTypes)
		diags.Append(d...)
		m.PreferenceSet.Categories, d = boolMapValue(ctx, ps.Categories)
		diags.Append(d...)
		m.PreferenceSet.Workflows, d = boolMapValue(ctx, ps.Workflows)
		diags.Append(d...)
	}
	return diags
}

func boolMapInto(ctx context.Context, v types.Map, into *map[string]bool) diag.Diagnostics {
	if v.IsNull() || v.IsUnknown() {
		return nil
	}
	*into = map[string]bool{}
	return v.ElementsAs(ctx, into, false)
}

func boolMapValue(ctx context.Context, m map[string]bool) (types.Map, diag.Diagnostics) {
	if m == nil {
		return types.MapNull(types.BoolType), nil
	}
	return types.MapValueFrom(ctx, types.BoolType, m)
}
