package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

var (
	_ resource.ResourceWithConfigure   = (*webhookResource)(nil)
	_ resource.ResourceWithImportState = (*webhookResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*webhookResource)(nil)
)

type webhookModel struct {
	objectBase
	URL                    types.String `tfsdk:"url"`
	Events                 types.Set    `tfsdk:"events"`
	Enabled                types.Bool   `tfsdk:"enabled"`
	SigningSecret          types.String `tfsdk:"signing_secret"`
	SigningSecretWO        types.String `tfsdk:"signing_secret_wo"`
	SigningSecretWOVersion types.Int64  `tfsdk:"signing_secret_wo_version"`
}

type webhookResource = objectResource[webhookModel, *webhookModel, domain.Webhook, *domain.Webhook]

var (
	signingSecretWO        = path.Root("signing_secret_wo")
	signingSecretWOVersion = path.Root("signing_secret_wo_version")
)

func newWebhookResource() resource.Resource {
	return &webhookResource{spec: &objectSpec[webhookModel, domain.Webhook]{
		kind: domain.KindWebhook,
		description: "A webhook of one environment: an endpoint notified of events, with deliveries signed by a secret. " +
			"Either the backend generates the secret when the webhook is created (`signing_secret`, shown to that Terraform run only), " +
			"or you supply it with the write-only `signing_secret_wo`, which never reaches plan or state (Terraform 1.11 or later). " +
			"The backend stores the secret encrypted and never returns it again. Promotion regenerates secrets in the target environment.",
		keyDoc: "Identifier of the webhook within its environment, such as `audit-sink`.",
		attributes: map[string]schema.Attribute{
			"url": schema.StringAttribute{
				MarkdownDescription: "Absolute `http` or `https` URL deliveries are posted to.",
				Required:            true,
				Validators:          []validator.String{httpURLValidator},
			},
			"events": schema.SetAttribute{
				MarkdownDescription: "Events delivered, such as `role.updated`: the webhook's whole set (authoritative). At least one.",
				ElementType:         types.StringType,
				Required:            true,
				Validators: []validator.Set{
					setvalidator.SizeBetween(1, domain.MaxSetSize),
					setvalidator.ValueStringsAre(eventValidator),
				},
			},
			"enabled": schema.BoolAttribute{
				MarkdownDescription: "Whether events are delivered. Default `true`.",
				Optional:            true,
				Computed:            true,
				Default:             booldefault.StaticBool(true),
			},
			"signing_secret": schema.StringAttribute{
				MarkdownDescription: "The secret the backend generated when it created the webhook. Known only to the Terraform run that created it; " +
					"null after import, and null when the secret is supplied with `signing_secret_wo`.",
				Computed:      true,
				Sensitive:     true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"signing_secret_wo": schema.StringAttribute{
				MarkdownDescription: "A signing secret you supply (16–255 printable characters without spaces) instead of a generated one. " +
					"Write-only: never stored in plan or state, so changing it alone changes nothing: it is sent when the webhook is created " +
					"and whenever `signing_secret_wo_version` changes. Needs Terraform 1.11 or later.",
				Optional:   true,
				WriteOnly:  true,
				Sensitive:  true,
				Validators: []validator.String{signingSecretValidator, stringvalidator.AlsoRequires(signingSecretWOVersion.Expression())},
			},
			"signing_secret_wo_version": schema.Int64Attribute{
				MarkdownDescription: "Version of `signing_secret_wo`. Change it (for example, increment it) to send the current `signing_secret_wo` and rotate the secret. " +
					"Removing both keeps the secret last sent.",
				Optional:   true,
				Validators: []validator.Int64{int64validator.AlsoRequires(signingSecretWO.Expression())},
			},
		},
		expand: func(ctx context.Context, m *webhookModel) (*domain.Webhook, diag.Diagnostics) {
			events, diags := setStrings(ctx, m.Events)
			return &domain.Webhook{URL: m.URL.ValueString(), Events: events, Enabled: new(m.Enabled.ValueBool())}, diags
		},
		expandWriteOnly: func(ctx context.Context, config tfsdk.Config, prior *webhookModel, h *domain.Webhook) diag.Diagnostics {
			secret, version, diags := writeOnlySecret(ctx, config)
			if secret.IsNull() || diags.HasError() {
				return diags
			}
			if prior == nil || !version.Equal(prior.SigningSecretWOVersion) {
				h.SigningSecret = secret.ValueString()
			}
			return diags
		},
		flatten: func(_ context.Context, h *domain.Webhook, m *webhookModel) diag.Diagnostics {
			m.URL = types.StringValue(h.URL)
			m.Events = stringSet(h.Events)
			m.Enabled = types.BoolValue(h.IsEnabled())
			m.SigningSecretWO = types.StringNull()
			switch {
			case h.SigningSecret != "":
				m.SigningSecret = types.StringValue(h.SigningSecret)
			case m.SigningSecret.IsUnknown():
				m.SigningSecret = types.StringNull()
			}
			return nil
		},
		modifyPlan: func(ctx context.Context, _ *providerData, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
			// A supplied secret replaces the generated one, which is then
			// no longer known to anyone.
			secret, version, diags := writeOnlySecret(ctx, req.Config)
			resp.Diagnostics.Append(diags...)
			if secret.IsNull() || diags.HasError() {
				return
			}
			if !req.State.Raw.IsNull() {
				var prior types.Int64
				resp.Diagnostics.Append(req.State.GetAttribute(ctx, signingSecretWOVersion, &prior)...)
				if version.Equal(prior) {
					return
				}
			}
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("signing_secret"), types.StringNull())...)
		},
	}}
}

// writeOnlySecret reads signing_secret_wo and its version from the
// configuration, the only place a write-only value ever is.
func writeOnlySecret(ctx context.Context, config tfsdk.Config) (types.String, types.Int64, diag.Diagnostics) {
	var secret types.String
	var version types.Int64
	diags := config.GetAttribute(ctx, signingSecretWO, &secret)
	diags.Append(config.GetAttribute(ctx, signingSecretWOVersion, &version)...)
	return secret, version, diags
}
