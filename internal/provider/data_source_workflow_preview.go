package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/arborhq/terraform-provider-arbor/internal/client"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

var _ datasource.DataSourceWithConfigure = (*workflowPreviewDataSource)(nil)

type workflowPreviewDataSource struct {
	data *providerData
}

func newWorkflowPreviewDataSource() datasource.DataSource { return &workflowPreviewDataSource{} }

type workflowPreviewModel struct {
	Environment types.String         `tfsdk:"environment"`
	WorkflowKey types.String         `tfsdk:"workflow_key"`
	Recipient   jsontypes.Normalized `tfsdk:"recipient"`
	TenantKey   types.String         `tfsdk:"tenant_key"`
	Data        jsontypes.Normalized `tfsdk:"data"`
	At          types.String         `tfsdk:"at"`
	Runs        types.Bool           `tfsdk:"runs"`
	Reason      types.String         `tfsdk:"reason"`
	TenantFound types.Bool           `tfsdk:"tenant_found"`
	Steps       types.List           `tfsdk:"steps"`
	LocaleWhy   types.String         `tfsdk:"locale_reason"`
}

var workflowKeyValidator = checkValidator{"Invalid workflow key", "must be " + domain.WorkflowKeyRule, domain.CheckWorkflowKey}

// previewStepType is the object type of one element of steps.
var previewStepType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"ref":               types.StringType,
	"kind":              types.StringType,
	"runs":              types.BoolType,
	"reason":            types.StringType,
	"channel_type":      types.StringType,
	"channel_key":       types.StringType,
	"rendered":          types.MapType{ElemType: types.StringType},
	"errors":            types.MapType{ElemType: types.StringType},
	"locale":            types.StringType,
	"path":              types.StringType,
	"channel_group_key": types.StringType,
	"branch":            types.StringType,
	"deferred_until":    types.StringType,
}}

func (d *workflowPreviewDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_workflow_preview"
}

func (d *workflowPreviewDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	computed := func(what string) schema.StringAttribute {
		return schema.StringAttribute{MarkdownDescription: what, Computed: true}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "What a workflow would do for one recipient of one tenant with one trigger's data, step by step: whether each " +
			"step runs and why (workflow and step conditions, the tenant's `preference_set` as defaults under the recipient's own " +
			"`preferences`), and each channel step's templates rendered with `recipient`, `tenant`, `data`, `vars` and `branding` " +
			"(the tenant's over the environment's). Use it in a `check {}` block or a `terraform test` assertion to prove a message " +
			"comes out right before the workflow is promoted. Nothing is stored or sent. A tenant that does not exist previews as an " +
			"empty tenant (`tenant_found = false`). Sensitive variables render as `" + domain.SensitiveMask + "`: a preview never holds a secret.\n\n" +
			"An email step with a `layout_key` renders its body inside the layout's `html_layout` (at `{{ content }}`, with the footer links as " +
			"`layout.footer_links`). `{% render 'key', name: value %}` renders a partial with the inputs passed as its only scope, as Liquid's render tag does " +
			"(an input the partial does not declare is an error; partials render one another at most " + fmt.Sprint(domain.MaxPartialDepth) + " deep, and a cycle is an error naming it). " +
			"`{{ \"key\" | t }}` reads a translation string (`{{ \"namespace:key\" | t }}` one of a namespace), itself a template, in the recipient's `locale`, " +
			"then its language alone (`fr` for `fr-CA`), then the environment's `default_locale`; each channel step's `locale` says which one the message reads and " +
			"`locale_reason` why. A string no translation holds is an error on the step naming the key and the locales tried, never a silent gap.\n\n" +
			"Templates are bounded whatever they say: no file access (`include` is refused), at most " + fmt.Sprint(domain.MaxRenderedLength>>20) + " MiB per rendered text, " +
			"capture and filter result, at most " + fmt.Sprint(domain.MaxTemplateItems) + " items in a list a filter takes or makes, at most " +
			fmt.Sprint(domain.MaxTemplateIterations) + " loop iterations per template (partials included, whether or not the loop writes), and " +
			domain.PreviewRenderTime.String() + " for all of a preview's templates. A template past a bound is reported in the step's `errors`.",
		Attributes: map[string]schema.Attribute{
			"environment": schema.StringAttribute{
				MarkdownDescription: "Environment to preview in. Defaults to the provider's `environment`.",
				Optional:            true,
				Computed:            true,
			},
			"workflow_key": schema.StringAttribute{
				MarkdownDescription: "Key of the workflow to preview.",
				Required:            true,
				Validators:          []validator.String{workflowKeyValidator},
			},
			"recipient": schema.StringAttribute{
				MarkdownDescription: "The recipient as a trigger would name it, as JSON (`jsonencode({ id = \"ada\", name = \"Ada\" })`). Its " +
					"`preferences` (`channel_types`, `categories`, `workflows`: maps of bool) override the tenant's defaults.",
				Optional:   true,
				CustomType: jsontypes.NormalizedType{},
				Validators: []validator.String{jsonNullValidator},
			},
			"tenant_key": schema.StringAttribute{
				MarkdownDescription: "Key of the tenant the trigger is for; none when unset.",
				Optional:            true,
				Validators:          []validator.String{keyValidator},
			},
			"data": schema.StringAttribute{
				MarkdownDescription: "The trigger's data, as JSON.",
				Optional:            true,
				CustomType:          jsontypes.NormalizedType{},
				Validators:          []validator.String{jsonNullValidator},
			},
			"at": schema.StringAttribute{
				MarkdownDescription: "When the trigger happens, an RFC 3339 timestamp such as `2026-12-07T09:30:00Z`: channel steps' `send_windows` and the `before` and `after` operators' `now` read it. Default: the moment of the read.",
				Optional:            true,
			},
			"runs": schema.BoolAttribute{
				MarkdownDescription: "Whether a trigger would run the workflow: it is active and its conditions hold.",
				Computed:            true,
			},
			"reason":       computed("Why the workflow runs or not."),
			"tenant_found": schema.BoolAttribute{MarkdownDescription: "Whether `tenant_key` names a tenant of the environment.", Computed: true},
			"locale_reason": computed("How the locale the messages' translations are read in was chosen: the recipient's `locale`, its language alone (`fr` for `fr-CA`), " +
				"or the environment's `default_locale`, the first that a translation holds."),
			"steps": schema.ListNestedAttribute{
				MarkdownDescription: "Every step on the run's way, in order: a branch step is followed by the steps of the branch it takes (`path` tells the levels apart).",
				Computed:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"ref":               computed("The step's `ref`."),
					"kind":              computed(fmt.Sprintf("What the step does: `%s`.", joinDoc(domain.StepKinds))),
					"path":              computed("Where the step is in the workflow, such as `steps[1].branch.branches[0].steps[0]`."),
					"branch":            computed("For a branch step that runs, the branch it takes: its `name`, or `" + domain.DefaultBranch + "` when no branch's conditions hold; empty otherwise."),
					"deferred_until":    computed("For a channel step whose `send_windows` do not allow the trigger's moment (`at`), when its message would go out (RFC 3339, in the windows' time zone); empty otherwise."),
					"channel_group_key": computed("For a channel step that sends through a channel group, the group; empty otherwise."),
					"runs":              schema.BoolAttribute{MarkdownDescription: "Whether the step would run.", Computed: true},
					"reason":            computed("Why the step runs or not: the condition that decided, or the preference that stops its message."),
					"channel_type":      computed("For a channel step, its channel type; empty otherwise."),
					"channel_key":       computed("For a channel step, the channel it sends through; empty otherwise."),
					"rendered": schema.MapAttribute{
						MarkdownDescription: "For a channel step, each template rendered (`subject`, `body`, `action_url`), whether or not the step runs; empty otherwise.",
						Computed:            true,
						ElementType:         types.StringType,
					},
					"errors": schema.MapAttribute{
						MarkdownDescription: "Templates that do not render, by name, with what is wrong; empty when every template renders.",
						Computed:            true,
						ElementType:         types.StringType,
					},
					"locale": computed("For a channel step, the locale its translations (`{{ \"key\" | t }}`) are read in; a string missing there is read in the locales after it " +
						"(its language alone, then the environment's `default_locale`). Empty otherwise."),
				}},
			},
		},
	}
}

func (d *workflowPreviewDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataOf(req.ProviderData, &resp.Diagnostics)
}

func (d *workflowPreviewDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m workflowPreviewModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	env, err := dataSourceEnvironment(d.data, m.Environment)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("environment"), "Environment not reachable with this API key", err.Error())
		return
	}
	key := m.WorkflowKey.ValueString()
	preq := domain.PreviewRequest{Tenant: m.TenantKey.ValueString(), At: m.At.ValueString()}
	if !m.Recipient.IsNull() {
		preq.Recipient = domain.JSONObject(m.Recipient.ValueString())
	}
	if !m.Data.IsNull() {
		preq.Data = domain.JSONObject(m.Data.ValueString())
	}
	p, err := d.data.client.PreviewWorkflow(ctx, env, key, preq)
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Error previewing workflow %s in environment %s", key, env), previewFieldsAsAttributes(err), path.Root("workflow_key"))
		return
	}
	m.Environment = types.StringValue(env)
	m.Runs = types.BoolValue(p.Runs)
	m.Reason = types.StringValue(p.Reason)
	m.TenantFound = types.BoolValue(p.TenantFound)
	m.LocaleWhy = types.StringValue(p.LocaleReason)
	steps := make([]attr.Value, 0, len(p.Steps))
	for _, s := range p.Steps {
		rendered, diags := types.MapValueFrom(ctx, types.StringType, nonNil(s.Rendered))
		resp.Diagnostics.Append(diags...)
		errs, diags := types.MapValueFrom(ctx, types.StringType, nonNil(s.Errors))
		resp.Diagnostics.Append(diags...)
		step, diags := types.ObjectValue(previewStepType.AttrTypes, map[string]attr.Value{
			"ref": types.StringValue(s.Ref), "kind": types.StringValue(s.Kind), "runs": types.BoolValue(s.Runs), "reason": types.StringValue(s.Reason),
			"channel_type": types.StringValue(s.ChannelType), "channel_key": types.StringValue(s.ChannelKey), "rendered": rendered, "errors": errs,
			"locale": types.StringValue(s.Locale), "path": types.StringValue(s.Path), "channel_group_key": types.StringValue(s.ChannelGroupKey),
			"branch": types.StringValue(s.Branch), "deferred_until": types.StringValue(s.DeferredUntil),
		})
		resp.Diagnostics.Append(diags...)
		steps = append(steps, step)
	}
	list, diags := types.ListValue(previewStepType, steps)
	resp.Diagnostics.Append(diags...)
	m.Steps = list
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// nonNil makes an absent map an empty one, so that an assertion such as
// length(step.errors) == 0 reads the same for every step.
func nonNil(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

// previewFieldsAsAttributes renames the request's fields in a refusal to
// the data source's attributes, so that each problem points at what the
// configuration wrote.
func previewFieldsAsAttributes(err error) error {
	var apiErr *client.Error
	if !errors.As(err, &apiErr) {
		return err
	}
	renamed := *apiErr
	renamed.API.Details = make([]domain.FieldError, len(apiErr.API.Details))
	for i, d := range apiErr.API.Details {
		switch d.Field {
		case "tenant":
			d.Field = "tenant_key"
		case "key":
			d.Field = "workflow_key"
		}
		renamed.API.Details[i] = d
	}
	return &renamed
}
