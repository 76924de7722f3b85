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
	_ resource.ResourceWithImportState = (*emailLayoutResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*emailLayoutResource)(nil)
)

type emailLayoutModel struct {
	objectBase
	Name        types.String      `tfsdk:"name"`
	HTMLLayout  types.String      `tfsdk:"html_layout"`
	TextLayout  types.String      `tfsdk:"text_layout"`
	FooterLinks []footerLinkModel `tfsdk:"footer_links"`
	versionStateModel
}

type footerLinkModel struct {
	Text types.String `tfsdk:"text"`
	URL  types.String `tfsdk:"url"`
}

type emailLayoutResource = objectResource[emailLayoutModel, *emailLayoutModel, domain.EmailLayout, *domain.EmailLayout]

func newEmailLayoutResource() resource.Resource {
	return &emailLayoutResource{spec: emailLayoutSpec()}
}

func emailLayoutSpec() *objectSpec[emailLayoutModel, domain.EmailLayout] {
	return versionedSpec(&objectSpec[emailLayoutModel, domain.EmailLayout]{
		kind: domain.KindEmailLayout,
		description: "An email layout: the HTML and text around the body of every email step that names it (`layout_key`), " +
			"with footer links. Layouts are versioned and promoted exactly like workflows: a layout is edited in the environment " +
			"it was created in (its `origin_environment`), and every other environment accepts only the content (`sha`) of the " +
			"environment directly below. It has no `active`: workflows use it rather than run it.",
		keyDoc:             "Identifier: " + domain.WorkflowKeyRule + ".",
		keyCheckedByDomain: true,
		validateWithDomain: true,
		attributes: map[string]schema.Attribute{
			"name":        schema.StringAttribute{MarkdownDescription: nameDoc, Required: true},
			"html_layout": requiredString(fmt.Sprintf("The HTML around the message, a Liquid template of at most %d characters with %s.", domain.MaxTemplateLength, domain.LayoutContentRule)),
			"text_layout": requiredString(fmt.Sprintf("The plain text around the message, a Liquid template of at most %d characters with %s.", domain.MaxTemplateLength, domain.LayoutContentRule)),
			"footer_links": schema.ListNestedAttribute{
				MarkdownDescription: fmt.Sprintf("Links under every email, in order (templates read them as `layout.footer_links`); at most %d.", domain.MaxFooterLinks),
				Optional:            true,
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"text": requiredString("The link's text."),
					"url":  requiredString("Absolute http(s) URL it opens."),
				}},
			},
		},
		expand:  expandEmailLayout,
		flatten: flattenEmailLayout,
	}, "")
}

func expandEmailLayout(_ context.Context, m *emailLayoutModel) (*domain.EmailLayout, diag.Diagnostics) {
	l := &domain.EmailLayout{Name: m.Name.ValueString(), HTMLLayout: m.HTMLLayout.ValueString(), TextLayout: m.TextLayout.ValueString()}
	for _, link := range m.FooterLinks {
		l.FooterLinks = append(l.FooterLinks, domain.FooterLink{Text: link.Text.ValueString(), URL: link.URL.ValueString()})
	}
	return l, nil
}

func flattenEmailLayout(_ context.Context, l *domain.EmailLayout, m *emailLayoutModel) diag.Diagnostics {
	m.Name = types.StringValue(l.Name)
	m.HTMLLayout = types.StringValue(l.HTMLLayout)
	m.TextLayout = types.StringValue(l.TextLayout)
	m.FooterLinks = nil
	for _, link := range l.FooterLinks {
		m.FooterLinks = append(m.FooterLinks, footerLinkModel{Text: types.StringValue(link.Text), URL: types.StringValue(link.URL)})
	}
	m.versionStateModel.flatten(&l.VersionState, l.Version)
	return nil
}
