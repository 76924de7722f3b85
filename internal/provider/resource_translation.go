package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

var (
	_ resource.ResourceWithImportState = (*translationResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*translationResource)(nil)
)

type translationModel struct {
	objectBase
	Strings types.Map `tfsdk:"strings"`
	versionStateModel
}

type translationResource = objectResource[translationModel, *translationModel, domain.Translation, *domain.Translation]

func newTranslationResource() resource.Resource { return &translationResource{spec: translationSpec()} }

func translationSpec() *objectSpec[translationModel, domain.Translation] {
	return versionedSpec(&objectSpec[translationModel, domain.Translation]{
		kind: domain.KindTranslation,
		description: "The strings of one locale, optionally of one namespace, which templates read with `{{ \"key\" | t }}`: " +
			"the recipient's locale picks the translation, falling back to the environment's `default_locale`. " +
			"Translations are versioned and promoted exactly like workflows; they have no `active`.",
		keyDoc:             "The translation's key: " + domain.TranslationKeyRule + ".",
		keyCheckedByDomain: true,
		validateWithDomain: true,
		attributes: map[string]schema.Attribute{
			"strings": schema.MapAttribute{
				MarkdownDescription: fmt.Sprintf("The translated strings by key; at most %d, each at most %d characters, and each a Liquid template.", domain.MaxTranslationStrings, domain.MaxTranslationString),
				Required:            true,
				ElementType:         types.StringType,
			},
		},
		expand: func(ctx context.Context, m *translationModel) (*domain.Translation, diag.Diagnostics) {
			t := &domain.Translation{Strings: map[string]string{}}
			var diags diag.Diagnostics
			if !m.Strings.IsNull() && !m.Strings.IsUnknown() {
				diags = m.Strings.ElementsAs(ctx, &t.Strings, false)
			}
			return t, diags
		},
		flatten: func(ctx context.Context, t *domain.Translation, m *translationModel) diag.Diagnostics {
			strs, diags := types.MapValueFrom(ctx, types.StringType, t.Strings)
			m.Strings = strs
			m.versionStateModel.flatten(&t.VersionState, t.Version)
			return diags
		},
	}, "")
}
