package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/arborhq/terraform-provider-arbor/internal/api"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

var (
	_ resource.ResourceWithImportState    = (*channelGroupResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*channelGroupResource)(nil)
	_ resource.ResourceWithValidateConfig = (*channelGroupResource)(nil)
)

type channelGroupModel struct {
	objectBase
	Name         types.String       `tfsdk:"name"`
	ChannelType  types.String       `tfsdk:"channel_type"`
	Operator     types.String       `tfsdk:"operator"`
	ChannelRules []channelRuleModel `tfsdk:"channel_rules"`
}

type channelRuleModel struct {
	ChannelKey types.String     `tfsdk:"channel_key"`
	RuleType   types.String     `tfsdk:"rule_type"`
	Conditions *conditionsModel `tfsdk:"conditions"`
}

type channelGroupResource = objectResource[channelGroupModel, *channelGroupModel, domain.ChannelGroup, *domain.ChannelGroup]

func newChannelGroupResource() resource.Resource {
	return &channelGroupResource{spec: channelGroupSpec()}
}

func newChannelGroupDataSource() datasource.DataSource {
	return dataSourceOf(channelGroupSpec(), "Reads one channel group of an environment.")
}

func channelGroupSpec() *objectSpec[channelGroupModel, domain.ChannelGroup] {
	return &objectSpec[channelGroupModel, domain.ChannelGroup]{
		kind: domain.KindChannelGroup,
		description: "A channel group of one environment: channels of one type that a workflow step sends through instead of one channel (the step's `channel.channel_group_key`), " +
			"each with a rule that says when it is used. Like channels, groups are each environment's own and never promoted: create the group, under the same key, " +
			"in every environment a workflow using it reaches. Each rule's channel must be a channel of the group's `channel_type` in the environment, and a workflow step's " +
			"group one of the step's type (both checked at plan, counting what this plan creates). A channel is not deleted while a group uses it, nor a group while a workflow does: " +
			"reference `arbor_channel.<name>.key` from the group and `arbor_channel_group.<name>.key` from the workflow, so Terraform creates them first and destroys them last.",
		keyDoc:             "Identifier of the group within its environment, named by workflow steps' `channel.channel_group_key`, such as `chat-fallback`.",
		validateWithDomain: true,
		listFilters: []queryFilter{
			{name: api.QueryChannelType, doc: "Only the groups of this channel type."},
		},
		attributes: map[string]schema.Attribute{
			"name": schema.StringAttribute{MarkdownDescription: nameDoc, Required: true, Validators: nameValidators()},
			"channel_type": schema.StringAttribute{
				MarkdownDescription: "Type of the group's channels and of the steps that send through it: `" + joinDoc(domain.DeliveryChannelTypes) + "`. " +
					"It can change only while no workflow sends through the group.",
				Required:   true,
				Validators: []validator.String{stringvalidator.OneOf(domain.DeliveryChannelTypes...)},
			},
			"operator": schema.StringAttribute{
				MarkdownDescription: "`any`: a message goes through the first channel whose rule holds; `all`: through every channel whose rule holds.",
				Required:            true,
				Validators:          []validator.String{stringvalidator.OneOf(domain.ChannelGroupOperators...)},
			},
			"channel_rules": schema.ListNestedAttribute{
				MarkdownDescription: fmt.Sprintf("The group's channels, in order (1–%d), each once, with the rule that selects it.", domain.MaxChannelRules),
				Required:            true,
				Validators:          []validator.List{listvalidator.SizeBetween(1, domain.MaxChannelRules)},
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"channel_key": requiredString("Key of an `arbor_channel` of the group's `channel_type` in the environment."),
					"rule_type": schema.StringAttribute{
						MarkdownDescription: "`always`: the channel is used; `if`: used when `conditions` hold; `unless`: used when they do not.",
						Required:            true,
						Validators:          []validator.String{stringvalidator.OneOf(domain.ChannelRuleTypes...)},
					},
					"conditions": conditionsAttribute("Conditions of an `if` or `unless` rule (required then), in the shape of a workflow's conditions; omitted for `always`."),
				}},
			},
		},
		expand: func(_ context.Context, m *channelGroupModel) (*domain.ChannelGroup, diag.Diagnostics) {
			g := &domain.ChannelGroup{Name: m.Name.ValueString(), ChannelType: m.ChannelType.ValueString(), Operator: m.Operator.ValueString(),
				ChannelRules: make([]domain.ChannelRule, len(m.ChannelRules))}
			for i, r := range m.ChannelRules {
				g.ChannelRules[i] = domain.ChannelRule{ChannelKey: r.ChannelKey.ValueString(), RuleType: r.RuleType.ValueString(), Conditions: expandConditions(r.Conditions)}
			}
			return g, nil
		},
		flatten: func(_ context.Context, g *domain.ChannelGroup, m *channelGroupModel) diag.Diagnostics {
			m.Name = types.StringValue(g.Name)
			m.ChannelType = types.StringValue(g.ChannelType)
			m.Operator = types.StringValue(g.Operator)
			m.ChannelRules = make([]channelRuleModel, len(g.ChannelRules))
			for i, r := range g.ChannelRules {
				m.ChannelRules[i] = channelRuleModel{ChannelKey: types.StringValue(r.ChannelKey), RuleType: types.StringValue(r.RuleType), Conditions: flattenConditions(r.Conditions)}
			}
			return nil
		},
		modifyPlan: func(ctx context.Context, data *providerData, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
			var env, key, channelType types.String
			resp.Diagnostics.Append(resp.Plan.GetAttribute(ctx, path.Root("environment"), &env)...)
			resp.Diagnostics.Append(resp.Plan.GetAttribute(ctx, path.Root("key"), &key)...)
			resp.Diagnostics.Append(resp.Plan.GetAttribute(ctx, path.Root("channel_type"), &channelType)...)
			if resp.Diagnostics.HasError() || key.IsUnknown() {
				return
			}
			// The workflows planned after this group may send through it.
			data.plan.planChannelGroup(env.ValueString(), key.ValueString(), channelType)
			var m channelGroupModel
			if diags := req.Plan.Get(ctx, &m); diags.HasError() {
				return // a whole rule is unknown: the backend judges it at apply
			}
			if channelType.IsUnknown() {
				return
			}
			g := &domain.ChannelGroup{ChannelType: channelType.ValueString(), ChannelRules: make([]domain.ChannelRule, len(m.ChannelRules))}
			for i, r := range m.ChannelRules {
				g.ChannelRules[i] = domain.ChannelRule{ChannelKey: r.ChannelKey.ValueString()}
			}
			data.checkChannelUses(ctx, env.ValueString(), g, req.Plan.Raw, &resp.Diagnostics)
		},
	}
}
