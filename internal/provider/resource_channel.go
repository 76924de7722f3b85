package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

var (
	_ resource.ResourceWithImportState    = (*channelResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*channelResource)(nil)
	_ resource.ResourceWithValidateConfig = (*channelResource)(nil)
)

type deliveryChannelModel struct {
	objectBase
	Name                 types.String `tfsdk:"name"`
	Type                 types.String `tfsdk:"type"`
	Service              types.String `tfsdk:"service"`
	Settings             types.Map    `tfsdk:"settings"`
	CredentialsWO        types.String `tfsdk:"credentials_wo"`
	CredentialsWOVersion types.Int64  `tfsdk:"credentials_wo_version"`
	NeedsCredentials     types.Bool   `tfsdk:"needs_credentials"`
}

type channelResource = objectResource[deliveryChannelModel, *deliveryChannelModel, domain.Channel, *domain.Channel]

var (
	credentialsWO        = path.Root("credentials_wo")
	credentialsWOVersion = path.Root("credentials_wo_version")
	// The credentials' own value is never repeated in a message.
	credentialsValidator = secretCheckValidator{checkValidator{"Invalid credentials", "must be a JSON object", func(s string) string {
		return domain.CheckChannelCredentials([]byte(s))
	}}}
	serviceValidator = checkValidator{"Invalid service", "must be " + domain.ServiceRule, domain.CheckServiceName}
)

func newChannelResource() resource.Resource { return &channelResource{spec: channelSpec()} }

// channelAttributes are the channel's arguments that are not secret, which
// its data source reads too.
func channelAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"name": schema.StringAttribute{MarkdownDescription: nameDoc, Required: true, Validators: nameValidators()},
		"type": schema.StringAttribute{
			MarkdownDescription: "Channel type: `" + joinDoc(domain.DeliveryChannelTypes) + "`. A workflow step of this type may send through the channel. " +
				"It can change only while no workflow sends through the channel.",
			Required:   true,
			Validators: []validator.String{stringvalidator.OneOf(domain.DeliveryChannelTypes...)},
		},
		"service": schema.StringAttribute{
			MarkdownDescription: "The delivery provider, such as `postmark`, `sendgrid`, `twilio`, `fcm`, `apns` or `slack` (" + domain.ServiceRule + "). " +
				"Named `service` because Terraform reserves `provider`.",
			Required:   true,
			Validators: []validator.String{serviceValidator},
		},
		"settings": schema.MapAttribute{
			MarkdownDescription: fmt.Sprintf("Non-secret settings of the delivery provider, such as the sender address or a sandbox flag: the whole map (authoritative), at most %d entries of at most %d characters. "+
				"Put secrets in `credentials_wo`.", domain.MaxChannelSettings, domain.MaxChannelSettingLength),
			Optional:    true,
			ElementType: types.StringType,
			Validators: []validator.Map{
				mapvalidator.SizeBetween(1, domain.MaxChannelSettings),
				mapvalidator.KeysAre(keyValidator),
				mapvalidator.ValueStringsAre(stringvalidator.UTF8LengthAtMost(domain.MaxChannelSettingLength)),
			},
		},
		"needs_credentials": schema.BoolAttribute{
			MarkdownDescription: "True for a channel an environment's `copy_from` copied without the credentials it had in the source environment, until a write supplies them " +
				"(`credentials_wo` with a new `credentials_wo_version`): nothing should send through it before then. False for a channel created otherwise.",
			Computed: true,
		},
	}
}

func channelSpec() *objectSpec[deliveryChannelModel, domain.Channel] {
	attrs := channelAttributes()
	attrs["credentials_wo"] = schema.StringAttribute{
		MarkdownDescription: "The delivery provider's credentials, a JSON object (usually `jsonencode({…})`, at most 16 KiB), such as an API token. " +
			"Write-only: never stored in plan or state, so changing it alone changes nothing: it is sent when the channel is created " +
			"and whenever `credentials_wo_version` changes. The backend stores it encrypted and never returns or exports it. Needs Terraform 1.11 or later.",
		Optional:   true,
		WriteOnly:  true,
		Sensitive:  true,
		Validators: []validator.String{credentialsValidator, stringvalidator.AlsoRequires(credentialsWOVersion.Expression())},
	}
	attrs["credentials_wo_version"] = schema.Int64Attribute{
		MarkdownDescription: "Version of `credentials_wo`. Change it (for example, increment it) to send the current `credentials_wo` and rotate the credentials. " +
			"Removing both keeps the credentials last sent.",
		Optional:   true,
		Validators: []validator.Int64{int64validator.AlsoRequires(credentialsWO.Expression())},
	}
	return &objectSpec[deliveryChannelModel, domain.Channel]{
		kind: domain.KindChannel,
		description: "A delivery channel of one environment: the provider a workflow's messages of one type are sent through, with its settings and credentials. " +
			"Channels are each environment's own and never promoted or copied: development sends through a sandbox, production through the real account, " +
			"under the same key, so a workflow promoted between them finds its channel in each. A workflow step's `channel.key` must name a channel of the step's " +
			"type in the workflow's environment (checked at plan, counting channels this plan creates), and a channel is not deleted while a workflow sends through it: " +
			"reference the channel's `key` from the workflow (`arbor_channel.<name>.key`) so Terraform creates it first and destroys it last.",
		keyDoc:             "Identifier of the channel within its environment, named by workflow steps' `channel.key`, such as `postmark`.",
		validateWithDomain: true,
		attributes:         attrs,
		expand: func(ctx context.Context, m *deliveryChannelModel) (*domain.Channel, diag.Diagnostics) {
			c := &domain.Channel{Name: m.Name.ValueString(), Type: m.Type.ValueString(), Service: m.Service.ValueString()}
			var diags diag.Diagnostics
			if !m.Settings.IsNull() && !m.Settings.IsUnknown() {
				diags = m.Settings.ElementsAs(ctx, &c.Settings, false)
			}
			return c, diags
		},
		expandWriteOnly: func(ctx context.Context, config tfsdk.Config, prior *deliveryChannelModel, c *domain.Channel) diag.Diagnostics {
			var credentials types.String
			var version types.Int64
			diags := config.GetAttribute(ctx, credentialsWO, &credentials)
			diags.Append(config.GetAttribute(ctx, credentialsWOVersion, &version)...)
			if credentials.IsNull() || diags.HasError() {
				return diags
			}
			if prior == nil || !version.Equal(prior.CredentialsWOVersion) {
				c.Credentials = domain.JSONObject(credentials.ValueString())
			}
			return diags
		},
		flatten: func(ctx context.Context, c *domain.Channel, m *deliveryChannelModel) diag.Diagnostics {
			m.Name = types.StringValue(c.Name)
			m.Type = types.StringValue(c.Type)
			m.Service = types.StringValue(c.Service)
			m.CredentialsWO = types.StringNull()
			m.NeedsCredentials = types.BoolValue(c.NeedsCredentials)
			var diags diag.Diagnostics
			m.Settings, diags = stringMapValue(ctx, c.Settings)
			return diags
		},
		modifyPlan: func(ctx context.Context, data *providerData, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
			var env, key, channelType types.String
			resp.Diagnostics.Append(resp.Plan.GetAttribute(ctx, path.Root("environment"), &env)...)
			resp.Diagnostics.Append(resp.Plan.GetAttribute(ctx, path.Root("key"), &key)...)
			resp.Diagnostics.Append(resp.Plan.GetAttribute(ctx, path.Root("type"), &channelType)...)
			if resp.Diagnostics.HasError() || key.IsUnknown() {
				return
			}
			// The workflows planned after this channel may send through it.
			data.plan.planChannel(env.ValueString(), key.ValueString(), channelType)
			planNeedsCredentials(ctx, req, resp)
		},
	}
}

// planNeedsCredentials plans needs_credentials as the backend will answer
// it: false for a channel created here; after an update, false when the
// update sends credentials, else what it was.
func planNeedsCredentials(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	needs := types.BoolValue(false)
	if !req.State.Raw.IsNull() && len(resp.RequiresReplace) == 0 {
		var credentials types.String
		var version, priorVersion types.Int64
		resp.Diagnostics.Append(req.Config.GetAttribute(ctx, credentialsWO, &credentials)...)
		resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, credentialsWOVersion, &version)...)
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, credentialsWOVersion, &priorVersion)...)
		if credentials.IsNull() || version.Equal(priorVersion) {
			resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("needs_credentials"), &needs)...)
		}
	}
	if !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("needs_credentials"), needs)...)
	}
}

// stringMapValue is a map of strings as Terraform holds it: null for none.
func stringMapValue(ctx context.Context, m map[string]string) (types.Map, diag.Diagnostics) {
	if len(m) == 0 {
		return types.MapNull(types.StringType), nil
	}
	return types.MapValueFrom(ctx, types.StringType, m)
}
