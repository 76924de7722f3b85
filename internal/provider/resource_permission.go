package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

var (
	_ resource.ResourceWithConfigure   = (*permissionResource)(nil)
	_ resource.ResourceWithImportState = (*permissionResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*permissionResource)(nil)
)

type permissionModel struct {
	objectBase
	Name        types.String `tfsdk:"name"`
	Description types.String `tfsdk:"description"`
}

type permissionResource = objectResource[permissionModel, *permissionModel, domain.Permission, *domain.Permission]

func newPermissionResource() resource.Resource { return &permissionResource{spec: permissionSpec()} }

func permissionSpec() *objectSpec[permissionModel, domain.Permission] {
	return &objectSpec[permissionModel, domain.Permission]{
		kind:        domain.KindPermission,
		description: "A permission of one environment: a named capability that roles grant. Deleting a permission that a role still grants is refused; remove it from the role first.",
		keyDoc:      "Identifier of the permission within its environment, such as `documents.read`.",
		attributes: map[string]schema.Attribute{
			"name": schema.StringAttribute{
				MarkdownDescription: nameDoc,
				Required:            true,
				Validators:          nameValidators(),
			},
			"description": descriptionAttribute(),
		},
		expand: func(_ context.Context, m *permissionModel) (*domain.Permission, diag.Diagnostics) {
			return &domain.Permission{Name: m.Name.ValueString(), Description: m.Description.ValueString()}, nil
		},
		flatten: func(_ context.Context, p *domain.Permission, m *permissionModel) diag.Diagnostics {
			m.Name = types.StringValue(p.Name)
			m.Description = types.StringValue(p.Description)
			return nil
		},
	}
}
