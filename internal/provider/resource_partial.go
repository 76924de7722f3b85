package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

var (
	_ resource.ResourceWithImportState = (*partialResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*partialResource)(nil)
)

type partialModel struct {
	objectBase
	Name        types.String        `tfsdk:"name"`
	Type        types.String        `tfsdk:"type"`
	Content     types.String        `tfsdk:"content"`
	InputFields []partialInputModel `tfsdk:"input_fields"`
	versionStateModel
}

type partialInputModel struct {
	Key   types.String `tfsdk:"key"`
	Label types.String `tfsdk:"label"`
}

type partialResource = objectResource[partialModel, *partialModel, domain.Partial, *domain.Partial]

func newPartialResource() resource.Resource { return &partialResource{spec: partialSpec()} }

func partialSpec() *objectSpec[partialModel, domain.Partial] {
	return versionedSpec(&objectSpec[partialModel, domain.Partial]{
		kind: domain.KindPartial,
		description: "A partial: a piece of template that templates render by key, `{% render 'key', input: value %}`. " +
			"Partials are versioned and promoted exactly like workflows: a partial is edited in the environment it was created in " +
			"(its `origin_environment`), and every other environment accepts only the content (`sha`) of the environment directly " +
			"below. It has no `active`: templates use it rather than run it.",
		keyDoc:             "Identifier, as templates name it: " + domain.WorkflowKeyRule + ".",
		keyCheckedByDomain: true,
		validateWithDomain: true,
		attributes: map[string]schema.Attribute{
			"name": schema.StringAttribute{MarkdownDescription: nameDoc, Required: true},
			"type": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("The format it is written in: `%s`.", joinDoc(domain.PartialTypes)),
				Required:            true,
				Validators:          []validator.String{stringvalidator.OneOf(domain.PartialTypes...)},
			},
			"content": requiredString(fmt.Sprintf("The partial, a Liquid template of at most %d characters; it reads its inputs by name.", domain.MaxPartialContent)),
			"input_fields": schema.ListNestedAttribute{
				MarkdownDescription: fmt.Sprintf("The inputs it takes, in order; at most %d.", domain.MaxPartialInputFields),
				Optional:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"key":   requiredString("Name the template passes it under and the partial reads: a lowercase identifier."),
					"label": optionalString("What an editor shows for it."),
				}},
			},
		},
		expand: func(_ context.Context, m *partialModel) (*domain.Partial, diag.Diagnostics) {
			p := &domain.Partial{Name: m.Name.ValueString(), Type: m.Type.ValueString(), Content: m.Content.ValueString()}
			for _, f := range m.InputFields {
				p.InputFields = append(p.InputFields, domain.PartialInputField{Key: f.Key.ValueString(), Label: f.Label.ValueString()})
			}
			return p, nil
		},
		flatten: func(_ context.Context, p *domain.Partial, m *partialModel) diag.Diagnostics {
			m.Name, m.Type, m.Content = types.StringValue(p.Name), types.StringValue(p.Type), types.StringValue(p.Content)
			m.InputFields = nil
			for _, f := range p.InputFields {
				m.InputFields = append(m.InputFields, partialInputModel{Key: types.StringValue(f.Key), Label: stringOrNull(f.Label)})
			}
			m.versionStateModel.flatten(&p.VersionState, p.Version)
			return nil
		},
	}, "")
}
