package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

var (
	_ resource.ResourceWithImportState    = (*guideResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*guideResource)(nil)
	_ resource.ResourceWithValidateConfig = (*guideResource)(nil)
)

type guideModel struct {
	objectBase
	Name                  types.String       `tfsdk:"name"`
	Description           types.String       `tfsdk:"description"`
	Type                  types.String       `tfsdk:"type"`
	ChannelKey            types.String       `tfsdk:"channel_key"`
	Content               *guideContentModel `tfsdk:"content"`
	ActivationURLPatterns types.Set          `tfsdk:"activation_url_patterns"`
	Audience              *conditionsModel   `tfsdk:"audience"`
	Priority              types.Int64        `tfsdk:"priority"`
	versionStateModel
	activationModel
}

type guideContentModel struct {
	Title      types.String `tfsdk:"title"`
	Body       types.String `tfsdk:"body"`
	ButtonText types.String `tfsdk:"button_text"`
	ButtonURL  types.String `tfsdk:"button_url"`
	ImageURL   types.String `tfsdk:"image_url"`
}

type guideResource = objectResource[guideModel, *guideModel, domain.Guide, *domain.Guide]

func newGuideResource() resource.Resource {
	return &guideResource{spec: guideSpec()}
}

// guideTypeNeeds documents, per type, the content fields it needs.
func guideTypeNeeds() string {
	parts := make([]string, len(domain.GuideTypes))
	for i, t := range domain.GuideTypes {
		parts[i] = fmt.Sprintf("`%s` needs `%s`", t, strings.Join(domain.GuideContentNeeds[t], "`, `"))
	}
	return strings.Join(parts, "; ")
}

func guideSpec() *objectSpec[guideModel, domain.Guide] {
	return versionedSpec(&objectSpec[guideModel, domain.Guide]{
		kind: domain.KindGuide,
		description: "An in-app guide (an announcement, a banner, a modal, a card or a paywall) shown through an in-app channel. " +
			"Guides are versioned and promoted exactly like workflows: a guide is edited in the environment it was created in " +
			"(its `origin_environment`, normally development), and every other environment accepts only the content (`sha`) of " +
			"the environment directly below. A plan that would skip an environment, or edit a guide outside its origin, fails at " +
			"plan time naming the environment to apply first. `active` is per environment and can change anywhere.",
		keyDoc:             "Identifier: " + domain.WorkflowKeyRule + ".",
		keyCheckedByDomain: true,
		validateWithDomain: true,
		attributes: map[string]schema.Attribute{
			"name": schema.StringAttribute{MarkdownDescription: nameDoc, Required: true},
			"description": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("At most %d characters. Default `\"\"`.", domain.MaxGuideDescription),
				Optional:            true,
				Computed:            true,
				Default:             stringdefault.StaticString(""),
			},
			"type":        requiredString(fmt.Sprintf("What the guide looks like: `%s`. It decides the content the guide needs: %s.", joinDoc(domain.GuideTypes), guideTypeNeeds())),
			"channel_key": requiredString("Key of the in-app channel (type `" + domain.GuideChannelType + "`) that shows the guide."),
			"content": schema.SingleNestedAttribute{
				MarkdownDescription: "What the guide shows; `type` decides which fields are required. A button needs both `button_text` and `button_url`.",
				Required:            true,
				Attributes: map[string]schema.Attribute{
					"title":       optionalString("Heading, at most 255 characters."),
					"body":        optionalString(fmt.Sprintf("Main text, a template (at most %d characters).", domain.MaxGuideBody)),
					"button_text": optionalString("Label of the call-to-action button; set together with `button_url`."),
					"button_url":  optionalString("Absolute http(s) URL the button opens; set together with `button_text`."),
					"image_url":   optionalString("Absolute http(s) URL of an image."),
				},
			},
			"activation_url_patterns": schema.SetAttribute{
				MarkdownDescription: fmt.Sprintf("Pages the guide may show on, at most %d patterns, each %s. Default: none, which means every page.", domain.MaxActivationPatterns, domain.ActivationPatternRule),
				Optional:            true,
				Computed:            true,
				ElementType:         types.StringType,
				Default:             setdefault.StaticValue(types.SetValueMust(types.StringType, nil)),
			},
			"audience": conditionsAttribute("Conditions a recipient must meet to see the guide, in the shape of workflow conditions (such as `recipient.plan` `equal_to` `pro`). Default: everyone."),
			"priority": schema.Int64Attribute{
				MarkdownDescription: "Order among the guides that could show at once, at least 0: the highest shows first. Default `0`.",
				Optional:            true,
				Computed:            true,
				Default:             int64default.StaticInt64(domain.DefaultGuidePriority),
			},
		},
		expand:  expandGuide,
		flatten: flattenGuide,
	}, "Whether the guide is shown in this environment.")
}

func expandGuide(ctx context.Context, m *guideModel) (*domain.Guide, diag.Diagnostics) {
	var diags diag.Diagnostics
	g := &domain.Guide{
		Name:        m.Name.ValueString(),
		Description: m.Description.ValueString(),
		Type:        m.Type.ValueString(),
		ChannelKey:  m.ChannelKey.ValueString(),
		Audience:    expandConditions(m.Audience),
		Priority:    int(m.Priority.ValueInt64()),
		Activation:  m.activationModel.expand(),
	}
	if c := m.Content; c != nil {
		g.Content = domain.GuideContent{Title: c.Title.ValueString(), Body: c.Body.ValueString(), ButtonText: c.ButtonText.ValueString(),
			ButtonURL: c.ButtonURL.ValueString(), ImageURL: c.ImageURL.ValueString()}
	}
	if !m.ActivationURLPatterns.IsNull() && !m.ActivationURLPatterns.IsUnknown() {
		diags.Append(m.ActivationURLPatterns.ElementsAs(ctx, &g.ActivationURLPatterns, false)...)
	}
	return g, diags
}

func flattenGuide(ctx context.Context, g *domain.Guide, m *guideModel) diag.Diagnostics {
	var diags diag.Diagnostics
	m.Name = types.StringValue(g.Name)
	m.Description = types.StringValue(g.Description)
	m.Type = types.StringValue(g.Type)
	m.ChannelKey = types.StringValue(g.ChannelKey)
	c := g.Content
	m.Content = &guideContentModel{Title: stringOrNull(c.Title), Body: stringOrNull(c.Body), ButtonText: stringOrNull(c.ButtonText),
		ButtonURL: stringOrNull(c.ButtonURL), ImageURL: stringOrNull(c.ImageURL)}
	patterns, d := types.SetValueFrom(ctx, types.StringType, append([]string{}, g.ActivationURLPatterns...))
	diags.Append(d...)
	m.ActivationURLPatterns = patterns
	m.Audience = flattenConditions(g.Audience)
	m.Priority = types.Int64Value(int64(g.Priority))
	m.versionStateModel.flatten(&g.VersionState, g.Version)
	m.activationModel.flatten(&g.Activation)
	return diags
}
