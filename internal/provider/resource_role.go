package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

var (
	_ resource.ResourceWithConfigure   = (*roleResource)(nil)
	_ resource.ResourceWithImportState = (*roleResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*roleResource)(nil)
)

type roleModel struct {
	objectBase
	Name        types.String `tfsdk:"name"`
	Description types.String `tfsdk:"description"`
	Permissions types.Set    `tfsdk:"permissions"`
}

type roleResource = objectResource[roleModel, *roleModel, domain.Role, *domain.Role]

func newRoleResource() resource.Resource {
	return &roleResource{spec: roleSpec()}
}

func roleSpec() *objectSpec[roleModel, domain.Role] {
	return &objectSpec[roleModel, domain.Role]{
		kind: domain.KindRole,
		description: "A role of one environment: a named set of permissions, given to identities at hierarchy nodes with `arbor_role_assignment`. " +
			"The role owns its whole set of permissions (`permissions` is authoritative). " +
			"Deleting a role that is still assigned is refused; remove the assignments first. " +
			"A plan that changes its permissions warns whose access that removes or adds in the environment (see the guide Promotion by plan).",
		keyDoc: "Identifier of the role within its environment, such as `editor`.",
		attributes: map[string]schema.Attribute{
			"name": schema.StringAttribute{
				MarkdownDescription: nameDoc,
				Required:            true,
				Validators:          nameValidators(),
			},
			"description": descriptionAttribute(),
			"permissions": schema.SetAttribute{
				MarkdownDescription: "Keys of the permissions the role grants, each an `arbor_permission` of the same environment. " +
					"**Authoritative**: this is the role's whole set, so a permission granted outside this attribute (by another tool or by hand) is removed on the next apply, " +
					"and there is no separate resource for a single role–permission join. Omitted means none. Default `[]`.",
				ElementType: types.StringType,
				Optional:    true,
				Computed:    true,
				Default:     emptySet(),
				Validators: []validator.Set{
					setvalidator.SizeAtMost(domain.MaxSetSize),
					setvalidator.ValueStringsAre(keyValidator),
				},
			},
		},
		expand: func(ctx context.Context, m *roleModel) (*domain.Role, diag.Diagnostics) {
			perms, diags := setStrings(ctx, m.Permissions)
			return &domain.Role{Name: m.Name.ValueString(), Description: m.Description.ValueString(), Permissions: perms}, diags
		},
		flatten: func(_ context.Context, r *domain.Role, m *roleModel) diag.Diagnostics {
			m.Name = types.StringValue(r.Name)
			m.Description = types.StringValue(r.Description)
			m.Permissions = stringSet(r.Permissions)
			return nil
		},
	}
}
