package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

var (
	_ resource.ResourceWithConfigure   = (*oauthClientResource)(nil)
	_ resource.ResourceWithImportState = (*oauthClientResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*oauthClientResource)(nil)
)

type oauthClientModel struct {
	objectBase
	Name         types.String `tfsdk:"name"`
	RedirectURIs types.Set    `tfsdk:"redirect_uris"`
	Scopes       types.Set    `tfsdk:"scopes"`
	ClientID     types.String `tfsdk:"client_id"`
	ClientSecret types.String `tfsdk:"client_secret"`
}

type oauthClientResource = objectResource[oauthClientModel, *oauthClientModel, domain.OAuthClient, *domain.OAuthClient]

func redirectURIsAttribute() schema.SetAttribute {
	return schema.SetAttribute{
		MarkdownDescription: "Where users may be sent back after signing in: absolute `https` URLs, or `http` for `localhost` and loopback addresses; no fragment. " +
			"The client's whole set (authoritative). Default `[]`.",
		ElementType: types.StringType,
		Optional:    true,
		Computed:    true,
		Default:     emptySet(),
		Validators:  []validator.Set{setvalidator.SizeAtMost(domain.MaxSetSize), setvalidator.ValueStringsAre(redirectURIValidator)},
	}
}

func newOAuthClientResource() resource.Resource {
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	return &oauthClientResource{spec: &objectSpec[oauthClientModel, domain.OAuthClient]{
		kind: domain.KindOAuthClient,
		description: "An OAuth client of one environment: an application that signs users in. " +
			"The backend generates `client_id` and `client_secret` when the client is created; the secret is shown to that Terraform run only " +
			"(it is stored hashed, and sensitive in state) and is null after import. Promotion regenerates secrets in the target environment.",
		keyDoc: "Identifier of the client within its environment, such as `dashboard`.",
		attributes: map[string]schema.Attribute{
			"name": schema.StringAttribute{
				MarkdownDescription: nameDoc,
				Required:            true,
				Validators:          nameValidators(),
			},
			"redirect_uris": redirectURIsAttribute(),
			"scopes": schema.SetAttribute{
				MarkdownDescription: "Scopes the client may request, such as `openid`. The client's whole set (authoritative). Default `[]`.",
				ElementType:         types.StringType,
				Optional:            true,
				Computed:            true,
				Default:             emptySet(),
				Validators:          []validator.Set{setvalidator.SizeAtMost(domain.MaxSetSize), setvalidator.ValueStringsAre(scopeValidator)},
			},
			"client_id": schema.StringAttribute{
				MarkdownDescription: "Public identifier of the client, generated at creation and never changed.",
				Computed:            true,
				PlanModifiers:       keep,
			},
			"client_secret": schema.StringAttribute{
				MarkdownDescription: "The client's secret, generated at creation. Known only to the Terraform run that created the client; null after import.",
				Computed:            true,
				Sensitive:           true,
				PlanModifiers:       keep,
			},
		},
		expand: func(ctx context.Context, m *oauthClientModel) (*domain.OAuthClient, diag.Diagnostics) {
			uris, diags := setStrings(ctx, m.RedirectURIs)
			scopes, d := setStrings(ctx, m.Scopes)
			diags.Append(d...)
			return &domain.OAuthClient{Name: m.Name.ValueString(), RedirectURIs: uris, Scopes: scopes}, diags
		},
		flatten: func(_ context.Context, c *domain.OAuthClient, m *oauthClientModel) diag.Diagnostics {
			m.Name = types.StringValue(c.Name)
			m.RedirectURIs = stringSet(c.RedirectURIs)
			m.Scopes = stringSet(c.Scopes)
			m.ClientID = types.StringValue(c.ClientID)
			// Only the creating response has the secret; reads keep what
			// state has (null after import).
			switch {
			case c.ClientSecret != "":
				m.ClientSecret = types.StringValue(c.ClientSecret)
			case m.ClientSecret.IsUnknown():
				m.ClientSecret = types.StringNull()
			}
			return nil
		},
	}}
}
