package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// workflowModel is the state of arbor_workflow; expandWorkflow and
// flattenWorkflow convert it to and from domain.Workflow, the only place
// that knows both shapes.
type workflowModel struct {
	objectBase
	Name              types.String         `tfsdk:"name"`
	Description       types.String         `tfsdk:"description"`
	Categories        types.Set            `tfsdk:"categories"`
	TriggerFrequency  types.String         `tfsdk:"trigger_frequency"`
	TriggerDataSchema jsontypes.Normalized `tfsdk:"trigger_data_schema"`
	Conditions        *conditionsModel     `tfsdk:"conditions"`
	Steps             []stepModel          `tfsdk:"steps"`
	versionStateModel
	activationModel
}

type conditionsModel struct {
	Match types.String         `tfsdk:"match"`
	Rules []conditionRuleModel `tfsdk:"rules"`
}

type conditionRuleModel struct {
	Variable types.String `tfsdk:"variable"`
	Operator types.String `tfsdk:"operator"`
	Argument types.String `tfsdk:"argument"`
}

type stepModel struct {
	Ref        types.String     `tfsdk:"ref"`
	Conditions *conditionsModel `tfsdk:"conditions"`
	Channel    *channelModel    `tfsdk:"channel"`
	Delay      *delayModel      `tfsdk:"delay"`
	Batch      *batchModel      `tfsdk:"batch"`
	Throttle   *throttleModel   `tfsdk:"throttle"`
	Fetch      *fetchModel      `tfsdk:"fetch"`
}

type channelModel struct {
	Type            types.String `tfsdk:"type"`
	Key             types.String `tfsdk:"key"`
	Subject         types.String `tfsdk:"subject"`
	Body            types.String `tfsdk:"body"`
	ActionURL       types.String `tfsdk:"action_url"`
	LayoutKey       types.String `tfsdk:"layout_key"`
	ChannelGroupKey types.String `tfsdk:"channel_group_key"`
}

type delayModel struct {
	Duration       types.String `tfsdk:"duration"`
	UntilFieldPath types.String `tfsdk:"until_field_path"`
}

type batchModel struct {
	Window   types.String `tfsdk:"window"`
	Key      types.String `tfsdk:"key"`
	MaxItems types.Int64  `tfsdk:"max_items"`
}

type throttleModel struct {
	Limit  types.Int64  `tfsdk:"limit"`
	Window types.String `tfsdk:"window"`
	Key    types.String `tfsdk:"key"`
}

type fetchModel struct {
	Method  types.String `tfsdk:"method"`
	URL     types.String `tfsdk:"url"`
	Headers types.Map    `tfsdk:"headers"`
	Body    types.String `tfsdk:"body"`
}

func expandConditions(c *conditionsModel) *domain.Conditions {
	if c == nil {
		return nil
	}
	out := &domain.Conditions{Match: c.Match.ValueString(), Rules: make([]domain.Condition, len(c.Rules))}
	for i, r := range c.Rules {
		out.Rules[i] = domain.Condition{Variable: r.Variable.ValueString(), Operator: r.Operator.ValueString(), Argument: r.Argument.ValueString()}
	}
	return out
}

func flattenConditions(c *domain.Conditions) *conditionsModel {
	if c == nil {
		return nil
	}
	// The API stores a match left out as "", which means all: the
	// schema's default.
	match := c.Match
	if match == "" {
		match = domain.ConditionMatches[0]
	}
	out := &conditionsModel{Match: types.StringValue(match), Rules: make([]conditionRuleModel, len(c.Rules))}
	for i, r := range c.Rules {
		out.Rules[i] = conditionRuleModel{Variable: types.StringValue(r.Variable), Operator: types.StringValue(r.Operator), Argument: stringOrNull(r.Argument)}
	}
	return out
}

func expandWorkflow(ctx context.Context, m *workflowModel) (*domain.Workflow, diag.Diagnostics) {
	var diags diag.Diagnostics
	wf := &domain.Workflow{
		Name:             m.Name.ValueString(),
		Description:      m.Description.ValueString(),
		TriggerFrequency: m.TriggerFrequency.ValueString(),
		Conditions:       expandConditions(m.Conditions),
		Steps:            make([]domain.Step, len(m.Steps)),
		Activation:       m.activationModel.expand(),
	}
	if !m.Categories.IsNull() && !m.Categories.IsUnknown() {
		diags.Append(m.Categories.ElementsAs(ctx, &wf.Categories, false)...)
	}
	if !m.TriggerDataSchema.IsNull() && !m.TriggerDataSchema.IsUnknown() {
		if err := wf.TriggerDataSchema.UnmarshalJSON([]byte(m.TriggerDataSchema.ValueString())); err != nil {
			diags.AddAttributeError(path.Root("trigger_data_schema"), "Invalid trigger_data_schema", fmt.Sprintf("trigger_data_schema is not JSON: %s", err))
		}
	}
	for i, s := range m.Steps {
		step := domain.Step{Ref: s.Ref.ValueString(), Conditions: expandConditions(s.Conditions)}
		if c := s.Channel; c != nil {
			step.Channel = &domain.ChannelStep{Type: c.Type.ValueString(), Key: c.Key.ValueString(), Subject: c.Subject.ValueString(), Body: c.Body.ValueString(), ActionURL: c.ActionURL.ValueString(),
				LayoutKey: c.LayoutKey.ValueString(), ChannelGroupKey: c.ChannelGroupKey.ValueString()}
		}
		if d := s.Delay; d != nil {
			step.Delay = &domain.DelayStep{Duration: d.Duration.ValueString(), UntilFieldPath: d.UntilFieldPath.ValueString()}
		}
		if b := s.Batch; b != nil {
			step.Batch = &domain.BatchStep{Window: b.Window.ValueString(), Key: b.Key.ValueString(), MaxItems: int(b.MaxItems.ValueInt64())}
		}
		if t := s.Throttle; t != nil {
			step.Throttle = &domain.ThrottleStep{Limit: int(t.Limit.ValueInt64()), Window: t.Window.ValueString(), Key: t.Key.ValueString()}
		}
		if f := s.Fetch; f != nil {
			step.Fetch = &domain.FetchStep{Method: f.Method.ValueString(), URL: f.URL.ValueString(), Body: f.Body.ValueString()}
			if !f.Headers.IsNull() && !f.Headers.IsUnknown() {
				diags.Append(f.Headers.ElementsAs(ctx, &step.Fetch.Headers, false)...)
			}
		}
		wf.Steps[i] = step
	}
	return wf, diags
}

func flattenWorkflow(ctx context.Context, wf *domain.Workflow, m *workflowModel) diag.Diagnostics {
	var diags diag.Diagnostics
	m.Name = types.StringValue(wf.Name)
	m.Description = types.StringValue(wf.Description)
	categories, d := types.SetValueFrom(ctx, types.StringType, append([]string{}, wf.Categories...))
	diags.Append(d...)
	m.Categories = categories
	m.TriggerFrequency = types.StringValue(wf.TriggerFrequency)
	m.TriggerDataSchema = jsontypes.NewNormalizedNull()
	if len(wf.TriggerDataSchema) > 0 {
		m.TriggerDataSchema = jsontypes.NewNormalizedValue(string(wf.TriggerDataSchema))
	}
	m.Conditions = flattenConditions(wf.Conditions)
	m.Steps = make([]stepModel, len(wf.Steps))
	for i, s := range wf.Steps {
		step := stepModel{Ref: types.StringValue(s.Ref), Conditions: flattenConditions(s.Conditions)}
		if c := s.Channel; c != nil {
			step.Channel = &channelModel{Type: types.StringValue(c.Type), Key: stringOrNull(c.Key), Subject: stringOrNull(c.Subject), Body: types.StringValue(c.Body), ActionURL: stringOrNull(c.ActionURL),
				LayoutKey: stringOrNull(c.LayoutKey), ChannelGroupKey: stringOrNull(c.ChannelGroupKey)}
		}
		if dl := s.Delay; dl != nil {
			step.Delay = &delayModel{Duration: stringOrNull(dl.Duration), UntilFieldPath: stringOrNull(dl.UntilFieldPath)}
		}
		if b := s.Batch; b != nil {
			step.Batch = &batchModel{Window: types.StringValue(b.Window), Key: stringOrNull(b.Key), MaxItems: types.Int64Null()}
			if b.MaxItems > 0 {
				step.Batch.MaxItems = types.Int64Value(int64(b.MaxItems))
			}
		}
		if t := s.Throttle; t != nil {
			step.Throttle = &throttleModel{Limit: types.Int64Value(int64(t.Limit)), Window: types.StringValue(t.Window), Key: stringOrNull(t.Key)}
		}
		if f := s.Fetch; f != nil {
			step.Fetch = &fetchModel{Method: types.StringValue(f.Method), URL: types.StringValue(f.URL), Body: stringOrNull(f.Body), Headers: types.MapNull(types.StringType)}
			if f.Headers != nil {
				headers, d := types.MapValueFrom(ctx, types.StringType, f.Headers)
				diags.Append(d...)
				step.Fetch.Headers = headers
			}
		}
		m.Steps[i] = step
	}
	m.versionStateModel.flatten(&wf.VersionState, wf.Version)
	m.activationModel.flatten(&wf.Activation)
	return diags
}
