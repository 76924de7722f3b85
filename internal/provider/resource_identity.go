package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

var (
	_ resource.ResourceWithConfigure   = (*identityResource)(nil)
	_ resource.ResourceWithImportState = (*identityResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*identityResource)(nil)
)

// identityModel is an account-level identity: it has no environment, and
// its id is its key.
type identityModel struct {
	ID    types.String `tfsdk:"id"`
	Key   types.String `tfsdk:"key"`
	Email types.String `tfsdk:"email"`
	Name  types.String `tfsdk:"name"`
}

func (m *identityModel) naming() (*types.String, []*types.String) {
	return &m.ID, []*types.String{&m.Key}
}

// identityResourceIdentity is an identity's key, its import id.
var identityResourceIdentity = resourceIdentity{{name: "key", doc: "Key of the identity within the account."}}

type identityResource = objectResource[identityModel, *identityModel, domain.Identity, *domain.Identity]

func newIdentityResource() resource.Resource { return &identityResource{spec: identitySpec()} }

func identitySpec() *objectSpec[identityModel, domain.Identity] {
	return &objectSpec[identityModel, domain.Identity]{
		kind: domain.KindIdentity,
		description: "A person or service. Identities belong to the account, not to an environment: the same identity is seen from every environment " +
			"and is given roles per environment with `arbor_role_assignment`. Managing identities needs an account token with the member, admin or owner role; " +
			"environment API keys can only read them. Deleting an identity that still has role assignments, in any environment, is refused.",
		keyDoc:   "Identifier of the identity within the account, such as `ada`.",
		identity: identityResourceIdentity,
		attributes: map[string]schema.Attribute{
			"email": schema.StringAttribute{
				MarkdownDescription: "Email address, unique across the account: no two identities share one, whatever its case.",
				Required:            true,
				Validators:          []validator.String{emailValidator},
			},
			"name": schema.StringAttribute{
				MarkdownDescription: nameDoc,
				Required:            true,
				Validators:          nameValidators(),
			},
		},
		expand: func(_ context.Context, m *identityModel) (*domain.Identity, diag.Diagnostics) {
			return &domain.Identity{Email: m.Email.ValueString(), Name: m.Name.ValueString()}, nil
		},
		flatten: func(_ context.Context, i *domain.Identity, m *identityModel) diag.Diagnostics {
			m.Key = types.StringValue(i.Key)
			m.Email = types.StringValue(i.Email)
			m.Name = types.StringValue(i.Name)
			return nil
		},
		modifyPlan: planIdentityCredential,
	}
}

// planIdentityCredential refuses, at plan time, to manage identities with
// an environment API key, which can only read them.
func planIdentityCredential(_ context.Context, data *providerData, _ resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if data.boundEnvironment != "" {
		resp.Diagnostics.AddError("Identities need an account token",
			fmt.Sprintf("Identities belong to the account, and the provider's api_key is an API key of environment %q, which can only read them. "+
				"Manage identities with a provider configuration (alias) whose api_key is an account token with the member, admin or owner role.", data.boundEnvironment))
	}
}
