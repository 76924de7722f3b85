package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

var (
	_ resource.ResourceWithImportState    = (*variableResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*variableResource)(nil)
	_ resource.ResourceWithValidateConfig = (*variableResource)(nil)
)

type variableModel struct {
	objectBase
	Value          types.String `tfsdk:"value"`
	ValueWO        types.String `tfsdk:"value_wo"`
	ValueWOVersion types.Int64  `tfsdk:"value_wo_version"`
	Description    types.String `tfsdk:"description"`
	Sensitive      types.Bool   `tfsdk:"sensitive"`
}

type variableResource = objectResource[variableModel, *variableModel, domain.Variable, *domain.Variable]

var (
	variableValue          = path.Root("value")
	variableValueWO        = path.Root("value_wo")
	variableValueWOVersion = path.Root("value_wo_version")
	variableSensitive      = path.Root("sensitive")
)

func newVariableResource() resource.Resource { return &variableResource{spec: variableSpec()} }

func variableSpec() *objectSpec[variableModel, domain.Variable] {
	return &objectSpec[variableModel, domain.Variable]{
		kind: domain.KindVariable,
		description: "A variable of one environment: a value its message templates read as `{{ vars.<key> }}`, such as the app's URL or a support address. " +
			"Variables are each environment's own and never promoted or copied, so the same template reads each environment's value. " +
			"A plain variable takes `value`; a `sensitive` one takes the write-only `value_wo` with `value_wo_version` (Terraform 1.11 or later), " +
			"is stored encrypted, and is never returned, exported or kept in state, so drift in its value cannot be seen.",
		keyDoc:             "Identifier of the variable within its environment; templates read it as `vars.<key>` (" + domain.VariableKeyRule + ").",
		keyCheckedByDomain: true,
		validateWithDomain: true,
		attributes: map[string]schema.Attribute{
			"value": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("The value, at most %d characters, of a variable that is not `sensitive` (required then; not allowed for a sensitive one).", domain.MaxVariableValueLength),
				Optional:            true,
				Validators:          []validator.String{stringvalidator.UTF8LengthBetween(1, domain.MaxVariableValueLength)},
			},
			"value_wo": schema.StringAttribute{
				MarkdownDescription: "The value of a `sensitive` variable (required then; not allowed otherwise). Write-only: never stored in plan or state, " +
					"so changing it alone changes nothing: it is sent when the variable is created, when `sensitive` changes and whenever `value_wo_version` changes.",
				Optional:   true,
				WriteOnly:  true,
				Sensitive:  true,
				Validators: []validator.String{stringvalidator.UTF8LengthBetween(1, domain.MaxVariableValueLength), stringvalidator.AlsoRequires(variableValueWOVersion.Expression())},
			},
			"value_wo_version": schema.Int64Attribute{
				MarkdownDescription: "Version of `value_wo`. Change it (for example, increment it) to send the current `value_wo`.",
				Optional:            true,
				// Without value_wo it is refused at plan by
				// checkVariableValueArgument, whose message says what to fill
				// in for a sensitive variable terraform query adopted.
			},
			"description": descriptionAttribute(),
			"sensitive": schema.BoolAttribute{
				MarkdownDescription: "Whether the value is a secret: written with `value_wo`, stored encrypted, never returned. Default `false`. " +
					"Changing it sends the value anew (`value` or `value_wo`), so a secret never becomes readable by a flag.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
			},
		},
		expand: func(_ context.Context, m *variableModel) (*domain.Variable, diag.Diagnostics) {
			return &domain.Variable{Value: m.Value.ValueString(), Description: m.Description.ValueString(), Sensitive: m.Sensitive.ValueBool()}, nil
		},
		expandWriteOnly: func(ctx context.Context, config tfsdk.Config, prior *variableModel, v *domain.Variable) diag.Diagnostics {
			var value types.String
			var version types.Int64
			diags := config.GetAttribute(ctx, variableValueWO, &value)
			diags.Append(config.GetAttribute(ctx, variableValueWOVersion, &version)...)
			if value.IsNull() || diags.HasError() || !v.Sensitive {
				return diags
			}
			if prior == nil || !version.Equal(prior.ValueWOVersion) || !prior.Sensitive.ValueBool() {
				v.Value = value.ValueString()
			}
			return diags
		},
		flatten: func(_ context.Context, v *domain.Variable, m *variableModel) diag.Diagnostics {
			m.Value = stringOrNull(v.Value)
			m.ValueWO = types.StringNull()
			m.Description = types.StringValue(v.Description)
			m.Sensitive = types.BoolValue(v.Sensitive)
			if v.Sensitive && m.ValueWOVersion.IsNull() {
				// Imported (or listed by terraform query): the value the
				// backend holds is version 1 of value_wo, so configuration
				// that fills in value_wo alone adopts it without sending it.
				m.ValueWOVersion = types.Int64Value(1)
			}
			return nil
		},
		modifyPlan: checkVariableValueArgument,
	}
}

// checkVariableValueArgument refuses, at plan time, a variable whose value
// is given in the argument its sensitivity does not take: a sensitive
// value in value would be kept in plain state, a plain one in value_wo
// would be unreadable.
func checkVariableValueArgument(ctx context.Context, _ *providerData, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	var value, valueWO types.String
	var valueWOVersion types.Int64
	var sensitive types.Bool
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, variableValue, &value)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, variableValueWO, &valueWO)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, variableValueWOVersion, &valueWOVersion)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, variableSensitive, &sensitive)...)
	if resp.Diagnostics.HasError() || sensitive.IsUnknown() {
		return
	}
	const summary = "Invalid variable value"
	switch {
	case sensitive.ValueBool() && !value.IsNull():
		resp.Diagnostics.AddAttributeError(variableValue, summary,
			"value is not allowed for a sensitive variable: Terraform would keep it in plain state. Set value_wo and value_wo_version instead.")
	case sensitive.ValueBool() && valueWO.IsNull():
		var key types.String
		resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("key"), &key)...)
		resp.Diagnostics.AddAttributeError(variableValueWO, summary, fmt.Sprintf(
			"value_wo (with value_wo_version) is required for a sensitive variable. Variable %q is sensitive: its value is never read back, so configuration that "+
				"terraform query or plan -generate-config-out wrote for it cannot hold it. Fill in value_wo with the value (from an ephemeral or sensitive input variable); "+
				"keep the generated value_wo_version = 1 to adopt the value the backend holds without sending it.", key.ValueString()))
	case !sensitive.ValueBool() && !valueWO.IsNull():
		resp.Diagnostics.AddAttributeError(variableValueWO, summary,
			"value_wo is only for a sensitive variable: set sensitive = true to keep the value out of state, or give it in value.")
	case !sensitive.ValueBool() && valueWO.IsNull() && !valueWOVersion.IsNull():
		resp.Diagnostics.AddAttributeError(variableValueWOVersion, summary,
			"value_wo_version is only for a sensitive variable's value_wo: remove it, or set sensitive = true and give value_wo.")
	case !sensitive.ValueBool() && value.IsNull():
		resp.Diagnostics.AddAttributeError(variableValue, summary, "value is required for a variable that is not sensitive (or set sensitive = true and give value_wo).")
	}
}
