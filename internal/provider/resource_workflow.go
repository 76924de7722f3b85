package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

var (
	_ resource.ResourceWithImportState    = (*workflowResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*workflowResource)(nil)
	_ resource.ResourceWithValidateConfig = (*workflowResource)(nil)
)

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
	Type      types.String `tfsdk:"type"`
	Key       types.String `tfsdk:"key"`
	Subject   types.String `tfsdk:"subject"`
	Body      types.String `tfsdk:"body"`
	ActionURL types.String `tfsdk:"action_url"`
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

type workflowResource = objectResource[workflowModel, *workflowModel, domain.Workflow, *domain.Workflow]

func newWorkflowResource() resource.Resource {
	return &workflowResource{spec: workflowSpec()}
}

func conditionsAttribute(doc string) schema.SingleNestedAttribute {
	return schema.SingleNestedAttribute{
		MarkdownDescription: doc,
		Optional:            true,
		Attributes: map[string]schema.Attribute{
			"match": schema.StringAttribute{
				MarkdownDescription: "`all` (every rule must hold) or `any`. Default `all`, as the API stores it.",
				Optional:            true,
				Computed:            true,
				Default:             stringdefault.StaticString(domain.DefaultConditionMatch),
			},
			"rules": schema.ListNestedAttribute{
				MarkdownDescription: "At least one rule.",
				Required:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"variable": requiredString("Path of the value to test, such as `data.amount`, `recipient.plan` or `tenant.tier`."),
					"operator": requiredString(fmt.Sprintf("One of `%s`.", joinDoc(domain.ConditionOperators))),
					"argument": optionalString("Value to compare with; omitted for `empty` and `not_empty`."),
				}},
			},
		},
	}
}

var stepAttributes = map[string]schema.Attribute{
	"ref":        requiredString("Identifier of the step, unique within the workflow: 1–255 lowercase letters, digits, `_` and `-`."),
	"conditions": conditionsAttribute("The step runs only when these hold."),
	"channel": schema.SingleNestedAttribute{
		MarkdownDescription: "Send a message.",
		Optional:            true,
		Attributes: map[string]schema.Attribute{
			"type":       requiredString(fmt.Sprintf("Channel type: `%s`.", joinDoc(domain.ChannelTypes))),
			"key":        requiredString("Key of the configured channel to send through, such as `postmark`."),
			"subject":    optionalString("Subject template: required for `email`; allowed for `push` and `in_app_feed`."),
			"body":       requiredString("Body template."),
			"action_url": optionalString("URL opened when the message is acted on (`push`, `chat`, `in_app_feed`)."),
		},
	},
	"delay": schema.SingleNestedAttribute{
		MarkdownDescription: "Wait, for `duration` or until the time at `until_field_path` (exactly one).",
		Optional:            true,
		Attributes: map[string]schema.Attribute{
			"duration":         optionalString("How long to wait: " + domain.DurationRule + "."),
			"until_field_path": optionalString("Path of a timestamp in the run's scope, such as `data.send_at`."),
		},
	},
	"batch": schema.SingleNestedAttribute{
		MarkdownDescription: "Collect the triggers of a window into one run.",
		Optional:            true,
		Attributes: map[string]schema.Attribute{
			"window": requiredString("How long to collect: " + domain.DurationRule + "."),
			"key":    optionalString("Path of the value that separates batches, such as `data.project_id`."),
			"max_items": schema.Int64Attribute{
				MarkdownDescription: "Close the batch early after this many triggers (1–1000).",
				Optional:            true,
				Validators:          []validator.Int64{int64validator.Between(1, 1000)},
			},
		},
	},
	"throttle": schema.SingleNestedAttribute{
		MarkdownDescription: "Cap runs per recipient over a window.",
		Optional:            true,
		Attributes: map[string]schema.Attribute{
			"limit":  schema.Int64Attribute{MarkdownDescription: "Runs allowed per window, at least 1.", Required: true},
			"window": requiredString("Window length: " + domain.DurationRule + "."),
			"key":    optionalString("Path of the value that separates throttles, such as `data.project_id`."),
		},
	},
	"fetch": schema.SingleNestedAttribute{
		MarkdownDescription: "Fetch data over HTTP into the run's scope.",
		Optional:            true,
		Attributes: map[string]schema.Attribute{
			"method": requiredString(fmt.Sprintf("`%s`.", joinDoc(domain.FetchMethods))),
			"url":    requiredString("Absolute http(s) URL."),
			"headers": schema.MapAttribute{
				MarkdownDescription: "Request headers.",
				Optional:            true,
				ElementType:         types.StringType,
				Validators:          []validator.Map{mapvalidator.SizeAtLeast(1)},
			},
			"body": optionalString("Request body template (`POST`, `PUT`, `PATCH`)."),
		},
	},
}

func stepObjectType() types.ObjectType {
	//nolint:forcetypeassert // a nested attribute without custom types always has these types; every test of workflows would panic otherwise
	return schema.ListNestedAttribute{NestedObject: schema.NestedAttributeObject{Attributes: stepAttributes}}.GetType().(types.ListType).ElemType.(types.ObjectType)
}

func workflowSpec() *objectSpec[workflowModel, domain.Workflow] {
	return versionedSpec(&objectSpec[workflowModel, domain.Workflow]{
		kind: domain.KindWorkflow,
		description: "A notification workflow: ordered steps that run when it is triggered. Workflows are versioned and promoted: " +
			"a workflow is edited in the environment it was created in (its `origin_environment`, normally development), and every " +
			"other environment accepts only the content (`sha`) of the environment directly below. A plan that would skip an " +
			"environment, or edit a workflow outside its origin, fails at plan time naming the environment to apply first. " +
			"`active` is per environment and can change anywhere.",
		keyDoc:             "Identifier: " + domain.WorkflowKeyRule + ".",
		keyCheckedByDomain: true,
		validateWithDomain: true,
		attributes: map[string]schema.Attribute{
			"name":        schema.StringAttribute{MarkdownDescription: nameDoc, Required: true},
			"description": workflowDescriptionAttribute(),
			"categories": schema.SetAttribute{
				MarkdownDescription: "Categories recipients can set preferences for, each a key (" + domain.KeyRule + "). Default: none.",
				Optional:            true,
				Computed:            true,
				ElementType:         types.StringType,
				Default:             setdefault.StaticValue(types.SetValueMust(types.StringType, nil)),
			},
			"trigger_frequency": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("How often one recipient is notified: `%s`. Default `%s`.", joinDoc(domain.TriggerFrequencies), domain.DefaultTriggerFrequency),
				Optional:            true,
				Computed:            true,
				Default:             stringdefault.StaticString(domain.DefaultTriggerFrequency),
			},
			"trigger_data_schema": schema.StringAttribute{
				MarkdownDescription: "JSON schema of the data a trigger carries: a JSON object, usually written with `jsonencode`. Omit it for none (`jsonencode(null)` is refused).",
				Optional:            true,
				CustomType:          jsontypes.NormalizedType{},
				Validators:          []validator.String{jsonNullValidator},
			},
			"conditions": conditionsAttribute("Conditions under which a trigger runs the workflow."),
			"steps": schema.ListNestedAttribute{
				MarkdownDescription: "The steps, in order. Each sets `ref` and exactly one of `channel`, `delay`, `batch`, `throttle` or `fetch`.",
				Optional:            true,
				Computed:            true,
				Default:             listdefault.StaticValue(types.ListValueMust(stepObjectType(), []attr.Value{})),
				NestedObject:        schema.NestedAttributeObject{Attributes: stepAttributes},
			},
		},
		expand:  expandWorkflow,
		flatten: flattenWorkflow,
	}, "Whether triggers run the workflow in this environment.")
}

func workflowDescriptionAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: fmt.Sprintf("At most %d characters. Default `\"\"`.", domain.MaxWorkflowDescription),
		Optional:            true,
		Computed:            true,
		Default:             stringdefault.StaticString(""),
	}
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
		VersionState:     m.expandActive(),
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
			step.Channel = &domain.ChannelStep{Type: c.Type.ValueString(), Key: c.Key.ValueString(), Subject: c.Subject.ValueString(), Body: c.Body.ValueString(), ActionURL: c.ActionURL.ValueString()}
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
			step.Channel = &channelModel{Type: types.StringValue(c.Type), Key: types.StringValue(c.Key), Subject: stringOrNull(c.Subject), Body: types.StringValue(c.Body), ActionURL: stringOrNull(c.ActionURL)}
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
	m.flatten(&wf.VersionState, wf.Version)
	return diags
}
