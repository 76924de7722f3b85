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
	Match  types.String          `tfsdk:"match"`
	Rules  []conditionRuleModel  `tfsdk:"rules"`
	Groups []conditionGroupModel `tfsdk:"groups"`
}

type conditionGroupModel struct {
	Rules []conditionRuleModel `tfsdk:"rules"`
}

type conditionRuleModel struct {
	Variable types.String `tfsdk:"variable"`
	Operator types.String `tfsdk:"operator"`
	Argument types.String `tfsdk:"argument"`
}

// stepFields are a step's attributes at every level; stepModel,
// step2Model and step3Model add the branch each level may hold (see
// stepAttributes).
type stepFields struct {
	Ref             types.String          `tfsdk:"ref"`
	Conditions      *conditionsModel      `tfsdk:"conditions"`
	Channel         *channelModel         `tfsdk:"channel"`
	Delay           *delayModel           `tfsdk:"delay"`
	Batch           *batchModel           `tfsdk:"batch"`
	Throttle        *throttleModel        `tfsdk:"throttle"`
	Fetch           *fetchModel           `tfsdk:"fetch"`
	TriggerWorkflow *triggerWorkflowModel `tfsdk:"trigger_workflow"`
}

type stepModel struct {
	stepFields
	Branch *branchModel[step2Model] `tfsdk:"branch"`
}

type step2Model struct {
	stepFields
	Branch *branchModel[step3Model] `tfsdk:"branch"`
}

type step3Model struct {
	stepFields
}

type branchModel[S any] struct {
	Branches     []branchCaseModel[S] `tfsdk:"branches"`
	DefaultSteps []S                  `tfsdk:"default_steps"`
}

type branchCaseModel[S any] struct {
	Name       types.String     `tfsdk:"name"`
	Conditions *conditionsModel `tfsdk:"conditions"`
	Steps      []S              `tfsdk:"steps"`
}

type triggerWorkflowModel struct {
	WorkflowKey types.String `tfsdk:"workflow_key"`
}

type sendWindowModel struct {
	Day   types.String `tfsdk:"day"`
	Type  types.String `tfsdk:"type"`
	From  types.String `tfsdk:"from"`
	Until types.String `tfsdk:"until"`
}

type channelModel struct {
	Type            types.String      `tfsdk:"type"`
	Key             types.String      `tfsdk:"key"`
	Subject         types.String      `tfsdk:"subject"`
	Body            types.String      `tfsdk:"body"`
	ActionURL       types.String      `tfsdk:"action_url"`
	LayoutKey       types.String      `tfsdk:"layout_key"`
	ChannelGroupKey types.String      `tfsdk:"channel_group_key"`
	SendWindows     []sendWindowModel `tfsdk:"send_windows"`
	SendTimeZone    types.String      `tfsdk:"send_time_zone"`
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
	out := &domain.Conditions{Match: c.Match.ValueString(), Rules: expandRules(c.Rules)}
	for _, g := range c.Groups {
		out.Groups = append(out.Groups, domain.ConditionGroup{Rules: expandRules(g.Rules)})
	}
	return out
}

func expandRules(rules []conditionRuleModel) []domain.Condition {
	if rules == nil {
		return nil
	}
	out := make([]domain.Condition, len(rules))
	for i, r := range rules {
		out[i] = domain.Condition{Variable: r.Variable.ValueString(), Operator: r.Operator.ValueString(), Argument: r.Argument.ValueString()}
	}
	return out
}

func flattenRules(rules []domain.Condition) []conditionRuleModel {
	if len(rules) == 0 {
		return nil
	}
	out := make([]conditionRuleModel, len(rules))
	for i, r := range rules {
		out[i] = conditionRuleModel{Variable: types.StringValue(r.Variable), Operator: types.StringValue(r.Operator), Argument: stringOrNull(r.Argument)}
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
	out := &conditionsModel{Match: types.StringValue(match), Rules: flattenRules(c.Rules)}
	for _, g := range c.Groups {
		out.Groups = append(out.Groups, conditionGroupModel{Rules: flattenRules(g.Rules)})
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
		wf.Steps[i] = s.expand(ctx, &diags)
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
	m.Steps = flattenSteps(ctx, wf.Steps, flattenStep1, &diags)
	m.versionStateModel.flatten(&wf.VersionState, wf.Version)
	m.activationModel.flatten(&wf.Activation)
	return diags
}

// The steps' expand and flatten, one level at a time: each level's model
// adds its branch to stepFields.

func (s stepModel) expand(ctx context.Context, diags *diag.Diagnostics) domain.Step {
	step := s.stepFields.expand(ctx, diags)
	step.Branch = expandBranch(ctx, s.Branch, diags)
	return step
}

func (s step2Model) expand(ctx context.Context, diags *diag.Diagnostics) domain.Step {
	step := s.stepFields.expand(ctx, diags)
	step.Branch = expandBranch(ctx, s.Branch, diags)
	return step
}

func (s step3Model) expand(ctx context.Context, diags *diag.Diagnostics) domain.Step {
	return s.stepFields.expand(ctx, diags)
}

func flattenStep1(ctx context.Context, s domain.Step, diags *diag.Diagnostics) stepModel {
	return stepModel{stepFields: flattenStepFields(ctx, s, diags), Branch: flattenBranch(ctx, s.Branch, flattenStep2, diags)}
}

func flattenStep2(ctx context.Context, s domain.Step, diags *diag.Diagnostics) step2Model {
	return step2Model{stepFields: flattenStepFields(ctx, s, diags), Branch: flattenBranch(ctx, s.Branch, flattenStep3, diags)}
}

func flattenStep3(ctx context.Context, s domain.Step, diags *diag.Diagnostics) step3Model {
	// A branch at the last level is refused by the backend
	// (domain.MaxStepDepth), so there is none to lose here.
	return step3Model{stepFields: flattenStepFields(ctx, s, diags)}
}

type stepExpander interface {
	expand(context.Context, *diag.Diagnostics) domain.Step
}

func expandSteps[S stepExpander](ctx context.Context, steps []S, diags *diag.Diagnostics) []domain.Step {
	if steps == nil {
		return nil
	}
	out := make([]domain.Step, len(steps))
	for i, s := range steps {
		out[i] = s.expand(ctx, diags)
	}
	return out
}

func expandBranch[S stepExpander](ctx context.Context, b *branchModel[S], diags *diag.Diagnostics) *domain.BranchStep {
	if b == nil {
		return nil
	}
	out := &domain.BranchStep{DefaultSteps: expandSteps(ctx, b.DefaultSteps, diags)}
	for _, br := range b.Branches {
		steps := expandSteps(ctx, br.Steps, diags)
		if steps == nil {
			steps = []domain.Step{}
		}
		out.Branches = append(out.Branches, domain.Branch{Name: br.Name.ValueString(), Conditions: expandConditions(br.Conditions), Steps: steps})
	}
	return out
}

func flattenSteps[S any](ctx context.Context, steps []domain.Step, flatten func(context.Context, domain.Step, *diag.Diagnostics) S, diags *diag.Diagnostics) []S {
	out := make([]S, len(steps))
	for i, s := range steps {
		out[i] = flatten(ctx, s, diags)
	}
	return out
}

func flattenBranch[S any](ctx context.Context, b *domain.BranchStep, flatten func(context.Context, domain.Step, *diag.Diagnostics) S, diags *diag.Diagnostics) *branchModel[S] {
	if b == nil {
		return nil
	}
	out := &branchModel[S]{}
	if len(b.DefaultSteps) > 0 {
		out.DefaultSteps = flattenSteps(ctx, b.DefaultSteps, flatten, diags)
	}
	for _, br := range b.Branches {
		out.Branches = append(out.Branches, branchCaseModel[S]{Name: types.StringValue(br.Name), Conditions: flattenConditions(br.Conditions), Steps: flattenSteps(ctx, br.Steps, flatten, diags)})
	}
	return out
}

func (s stepFields) expand(ctx context.Context, diags *diag.Diagnostics) domain.Step {
	step := domain.Step{Ref: s.Ref.ValueString(), Conditions: expandConditions(s.Conditions)}
	if c := s.Channel; c != nil {
		step.Channel = &domain.ChannelStep{Type: c.Type.ValueString(), Key: c.Key.ValueString(), Subject: c.Subject.ValueString(), Body: c.Body.ValueString(), ActionURL: c.ActionURL.ValueString(),
			LayoutKey: c.LayoutKey.ValueString(), ChannelGroupKey: c.ChannelGroupKey.ValueString(), SendTimeZone: c.SendTimeZone.ValueString()}
		for _, w := range c.SendWindows {
			step.Channel.SendWindows = append(step.Channel.SendWindows, domain.SendWindow{Day: w.Day.ValueString(), Type: w.Type.ValueString(), From: w.From.ValueString(), Until: w.Until.ValueString()})
		}
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
	if t := s.TriggerWorkflow; t != nil {
		step.TriggerWorkflow = &domain.TriggerWorkflowStep{WorkflowKey: t.WorkflowKey.ValueString()}
	}
	return step
}

func flattenStepFields(ctx context.Context, s domain.Step, diags *diag.Diagnostics) stepFields {
	step := stepFields{Ref: types.StringValue(s.Ref), Conditions: flattenConditions(s.Conditions)}
	if c := s.Channel; c != nil {
		step.Channel = &channelModel{Type: types.StringValue(c.Type), Key: stringOrNull(c.Key), Subject: stringOrNull(c.Subject), Body: types.StringValue(c.Body), ActionURL: stringOrNull(c.ActionURL),
			LayoutKey: stringOrNull(c.LayoutKey), ChannelGroupKey: stringOrNull(c.ChannelGroupKey), SendTimeZone: stringOrNull(c.SendTimeZone)}
		for _, w := range c.SendWindows {
			step.Channel.SendWindows = append(step.Channel.SendWindows, sendWindowModel{Day: types.StringValue(w.Day), Type: types.StringValue(w.Type), From: types.StringValue(w.From), Until: types.StringValue(w.Until)})
		}
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
	if t := s.TriggerWorkflow; t != nil {
		step.TriggerWorkflow = &triggerWorkflowModel{WorkflowKey: types.StringValue(t.WorkflowKey)}
	}
	return step
}
