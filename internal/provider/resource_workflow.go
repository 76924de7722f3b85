package provider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
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

type workflowResource = objectResource[workflowModel, *workflowModel, domain.Workflow, *domain.Workflow]

func newWorkflowResource() resource.Resource {
	return &workflowResource{spec: workflowSpec()}
}

func conditionsAttribute(doc string) schema.SingleNestedAttribute {
	rules := func(doc string, required bool) schema.ListNestedAttribute {
		return schema.ListNestedAttribute{
			MarkdownDescription: doc,
			Required:            required,
			Optional:            !required,
			Validators:          []validator.List{listvalidator.SizeAtLeast(1)},
			NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
				"variable": requiredString("Path of the value to test, such as `data.amount`, `recipient.plan` or `tenant.tier`."),
				"operator": requiredString(fmt.Sprintf("One of `%s`. Order operators compare numbers or RFC 3339 timestamps; `between` takes `low,high` (both included); `before` and `after` take an RFC 3339 timestamp or `now`; `in` and `not_in` a comma-separated list.", joinDoc(domain.ConditionOperators))),
				"argument": optionalString("Value to compare with; omitted for `empty` and `not_empty`."),
			}},
		}
	}
	return schema.SingleNestedAttribute{
		MarkdownDescription: doc,
		Optional:            true,
		Attributes: map[string]schema.Attribute{
			"match": schema.StringAttribute{
				MarkdownDescription: "`all` (every rule must hold) or `any` (one rule or one group is enough). Default `all`, as the API stores it.",
				Optional:            true,
				Computed:            true,
				Default:             stringdefault.StaticString(domain.DefaultConditionMatch),
			},
			"rules": rules("The rules: at least one, unless `groups` are set.", false),
			"groups": schema.ListNestedAttribute{
				MarkdownDescription: "With `match = \"any\"` only: groups that each hold when all of their rules hold, so that \"(a and b) or c\" can be said.",
				Optional:            true,
				Validators:          []validator.List{listvalidator.SizeAtLeast(1)},
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"rules": rules("At least one rule; all must hold.", true),
				}},
			},
		},
	}
}

// stepAttributes are the attributes of a step at level (1 for a
// workflow's steps): a Terraform schema cannot refer to itself, so the
// steps inside branches are spelled out level by level, down to
// domain.MaxStepDepth, where a step has no branch.
func stepAttributes(level int) map[string]schema.Attribute {
	attributes := map[string]schema.Attribute{
		"ref":        requiredString("Identifier of the step, unique within the workflow (at every level): 1–255 lowercase letters, digits, `_` and `-`."),
		"conditions": conditionsAttribute("The step runs only when these hold."),
		"channel": schema.SingleNestedAttribute{
			MarkdownDescription: "Send a message.",
			Optional:            true,
			Attributes: map[string]schema.Attribute{
				"type":              requiredString(fmt.Sprintf("Channel type: `%s`.", joinDoc(domain.ChannelTypes))),
				"key":               optionalString("Key of the `arbor_channel` of the step's type to send through, such as `postmark`; exactly one of `key` and `channel_group_key`."),
				"subject":           optionalString("Subject template: required for `email`; allowed for `push` and `in_app_feed`."),
				"body":              requiredString("Body template."),
				"action_url":        optionalString("URL opened when the message is acted on (`push`, `chat`, `in_app_feed`)."),
				"layout_key":        optionalString("Key of the `arbor_email_layout` the body is sent inside (`email` only). The layout must exist in the environment written and, when the workflow is promoted, hold there the content it holds in the environment below: apply the layout first."),
				"channel_group_key": optionalString("Key of the `arbor_channel_group` of the step's type to send through instead of one channel; exactly one of `key` and `channel_group_key`. The group must exist in the environment written (checked at plan, counting groups this plan creates)."),
				"send_windows": schema.ListNestedAttribute{
					MarkdownDescription: "When the message may go out, per weekday: with `send` windows it goes out only inside one; inside a `do_not_send` window never; a message outside waits for the next moment allowed.",
					Optional:            true,
					Validators:          []validator.List{listvalidator.SizeAtLeast(1)},
					NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
						"day":   requiredString(fmt.Sprintf("`%s`.", joinDoc(domain.Weekdays))),
						"type":  requiredString("`send` or `do_not_send`."),
						"from":  requiredString("Start, `HH:MM` on a 24-hour clock, included."),
						"until": requiredString("End, `HH:MM` after `from` (`24:00` for the end of the day), excluded."),
					}},
				},
				"send_time_zone": optionalString("IANA time zone the send windows are read in, such as `Europe/Paris`. Default: the recipient's (`recipient.timezone`), UTC when it has none."),
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
		"trigger_workflow": schema.SingleNestedAttribute{
			MarkdownDescription: "Trigger another workflow for the same recipient with the run's data.",
			Optional:            true,
			Attributes: map[string]schema.Attribute{
				"workflow_key": requiredString("Key of the `arbor_workflow` to trigger, not this one. It must exist in the environment written and, when this workflow is promoted, hold there the content it holds in the environment below: apply it first (checked at plan, counting what this plan writes)."),
			},
		},
	}
	if level < domain.MaxStepDepth {
		steps := schema.ListNestedAttribute{
			NestedObject: schema.NestedAttributeObject{Attributes: stepAttributes(level + 1)},
		}
		branchSteps, defaultSteps := steps, steps
		branchSteps.MarkdownDescription, branchSteps.Required = "The branch's steps, in order; `[]` lets the run go on after the branch step.", true
		defaultSteps.MarkdownDescription, defaultSteps.Optional = "The steps run when no branch's conditions hold. Default: none.", true
		defaultSteps.Validators = []validator.List{listvalidator.SizeAtLeast(1)}
		attributes["branch"] = schema.SingleNestedAttribute{
			MarkdownDescription: fmt.Sprintf("Run the steps of the first branch whose conditions hold, or `default_steps`. Steps nest at most %d levels deep (a Terraform schema spells each level out; deeper logic reads better as a workflow of its own, see `trigger_workflow`): at level %d a step has no `branch`.", domain.MaxStepDepth, domain.MaxStepDepth),
			Optional:            true,
			Attributes: map[string]schema.Attribute{
				"branches": schema.ListNestedAttribute{
					MarkdownDescription: "The branches, in order: the first whose conditions hold is taken.",
					Required:            true,
					Validators:          []validator.List{listvalidator.SizeAtLeast(1)},
					NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
						"name":       requiredString("Name of the branch, unique in its branch step; a preview names the branch it takes by it."),
						"conditions": conditionsAttribute("The branch is taken when these hold (and no branch before it is). Required."),
						"steps":      branchSteps,
					}},
				},
				"default_steps": defaultSteps,
			},
		}
	}
	return attributes
}

func stepObjectType() types.ObjectType {
	//nolint:forcetypeassert // a nested attribute without custom types always has these types; every test of workflows would panic otherwise
	return schema.ListNestedAttribute{NestedObject: schema.NestedAttributeObject{Attributes: stepAttributes(1)}}.GetType().(types.ListType).ElemType.(types.ObjectType)
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
				MarkdownDescription: "The steps, in order. Each sets `ref` and exactly one of `channel`, `delay`, `batch`, `throttle`, `fetch`, `branch` or `trigger_workflow`.",
				Optional:            true,
				Computed:            true,
				Default:             listdefault.StaticValue(types.ListValueMust(stepObjectType(), []attr.Value{})),
				NestedObject:        schema.NestedAttributeObject{Attributes: stepAttributes(1)},
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
