package provider

import (
	"context"

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
	_ resource.ResourceWithConfigure   = (*roleAssignmentResource)(nil)
	_ resource.ResourceWithImportState = (*roleAssignmentResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*roleAssignmentResource)(nil)
)

// roleAssignmentModel gives an identity a role at a hierarchy node. It has
// no key of its own and nothing to update: its three keys name it, and
// changing any of them replaces it.
type roleAssignmentModel struct {
	ID          types.String `tfsdk:"id"`
	Environment types.String `tfsdk:"environment"`
	IdentityKey types.String `tfsdk:"identity_key"`
	RoleKey     types.String `tfsdk:"role_key"`
	NodeKey     types.String `tfsdk:"node_key"`
}

func (m *roleAssignmentModel) naming() (*types.String, []*types.String) {
	return &m.ID, []*types.String{&m.Environment, &m.IdentityKey, &m.RoleKey, &m.NodeKey}
}

// roleAssignmentIdentity is an assignment's four parts, the import id's
// order; the last three joined are its key in the API
// (domain.RoleAssignmentKey).
var roleAssignmentIdentity = resourceIdentity{
	environmentIdentity,
	{name: "identity_key", doc: "Key of the identity given the role."},
	{name: "role_key", doc: "Key of the role given."},
	{name: "node_key", doc: "Key of the hierarchy node the role is given at."},
}

type roleAssignmentResource = objectResource[roleAssignmentModel, *roleAssignmentModel, domain.RoleAssignment, *domain.RoleAssignment]

func newRoleAssignmentResource() resource.Resource {
	return &roleAssignmentResource{spec: roleAssignmentSpec()}
}

func replacedKey(doc string) schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: doc + " Changing it replaces the assignment.",
		Required:            true,
		Validators:          []validator.String{keyValidator},
		PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
	}
}

func roleAssignmentSpec() *objectSpec[roleAssignmentModel, domain.RoleAssignment] {
	return &objectSpec[roleAssignmentModel, domain.RoleAssignment]{
		kind: domain.KindRoleAssignment,
		description: "Gives an identity a role at a hierarchy node of one environment. The identity, role and node must exist; " +
			"the same triple is never assigned twice. Assignments are operational state: they are never copied between environments. " +
			"While an assignment exists, its role, node and identity cannot be deleted.",
		identity:    roleAssignmentIdentity,
		listFilters: roleAssignmentListFilters,
		attributes: map[string]schema.Attribute{
			"identity_key": replacedKey("Key of the identity (`arbor_identity`) given the role."),
			"role_key":     replacedKey("Key of the role (`arbor_role`) given, in the assignment's environment."),
			"node_key":     replacedKey("Key of the hierarchy node (`arbor_hierarchy_node`) the role is given at, in the assignment's environment."),
		},
		expand: func(_ context.Context, m *roleAssignmentModel) (*domain.RoleAssignment, diag.Diagnostics) {
			return &domain.RoleAssignment{IdentityKey: m.IdentityKey.ValueString(), RoleKey: m.RoleKey.ValueString(), NodeKey: m.NodeKey.ValueString()}, nil
		},
		flatten: func(_ context.Context, a *domain.RoleAssignment, m *roleAssignmentModel) diag.Diagnostics {
			m.IdentityKey = types.StringValue(a.IdentityKey)
			m.RoleKey = types.StringValue(a.RoleKey)
			m.NodeKey = types.StringValue(a.NodeKey)
			return nil
		},
	}
}
