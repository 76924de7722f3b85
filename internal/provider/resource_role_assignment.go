package provider

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/arborhq/terraform-provider-arbor/internal/client"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

var (
	_ resource.ResourceWithConfigure   = (*roleAssignmentResource)(nil)
	_ resource.ResourceWithImportState = (*roleAssignmentResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*roleAssignmentResource)(nil)
)

// roleAssignmentResource gives an identity a role at a hierarchy node. It
// has no key of its own and nothing to update: its three keys are its
// identity, and changing any of them replaces it.
type roleAssignmentResource struct {
	data *providerData
}

func newRoleAssignmentResource() resource.Resource { return &roleAssignmentResource{} }

type roleAssignmentModel struct {
	ID          types.String `tfsdk:"id"`
	Environment types.String `tfsdk:"environment"`
	IdentityKey types.String `tfsdk:"identity_key"`
	RoleKey     types.String `tfsdk:"role_key"`
	NodeKey     types.String `tfsdk:"node_key"`
}

func (m *roleAssignmentModel) key() string {
	return domain.RoleAssignmentKey(m.IdentityKey.ValueString(), m.RoleKey.ValueString(), m.NodeKey.ValueString())
}

func (r *roleAssignmentResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_role_assignment"
}

func replacedKey(doc string) schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: doc + " Changing it replaces the assignment.",
		Required:            true,
		Validators:          []validator.String{keyValidator},
		PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
	}
}

func (r *roleAssignmentResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Gives an identity a role at a hierarchy node of one environment. The identity, role and node must exist; " +
			"the same triple is never assigned twice. Assignments are operational state: they are never copied between environments. " +
			"While an assignment exists, its role, node and identity cannot be deleted.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "`<environment>/<identity_key>/<role_key>/<node_key>`, also the import id.",
				Computed:            true,
			},
			"environment":  environmentAttribute("role assignment"),
			"identity_key": replacedKey("Key of the identity (`arbor_identity`) given the role."),
			"role_key":     replacedKey("Key of the role (`arbor_role`) given, in the assignment's environment."),
			"node_key":     replacedKey("Key of the hierarchy node (`arbor_hierarchy_node`) the role is given at, in the assignment's environment."),
		},
	}
}

// roleAssignmentIdentity is an assignment's four parts, the import id's order.
var roleAssignmentIdentity = resourceIdentity{
	environmentIdentity,
	{name: "identity_key", doc: "Key of the identity given the role."},
	{name: "role_key", doc: "Key of the role given."},
	{name: "node_key", doc: "Key of the hierarchy node the role is given at."},
}

func (r *roleAssignmentResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	roleAssignmentIdentity.identitySchema(resp)
}

func (m *roleAssignmentModel) recordIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity) diag.Diagnostics {
	return roleAssignmentIdentity.set(ctx, identity, m.Environment.ValueString(), m.IdentityKey.ValueString(), m.RoleKey.ValueString(), m.NodeKey.ValueString())
}

func (r *roleAssignmentResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataOf(req.ProviderData, &resp.Diagnostics)
}

func (r *roleAssignmentResource) assignments() client.Collection[domain.RoleAssignment] {
	return client.Objects[domain.RoleAssignment](r.data.client, domain.KindRoleAssignment)
}

func (r *roleAssignmentResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.data == nil {
		return
	}
	var plan roleAssignmentModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	known := true
	ok := resolveEnvironment(ctx, r.data, req, resp, func(env string) types.String {
		for _, k := range []types.String{plan.IdentityKey, plan.RoleKey, plan.NodeKey} {
			known = known && !k.IsUnknown()
		}
		if !known {
			return types.StringUnknown()
		}
		return types.StringValue(env + "/" + plan.key())
	})
	if !ok {
		return
	}
	if known {
		claimInEnvironment(ctx, r.data, req, resp, domain.KindRoleAssignment.Name, domain.KindRoleAssignment.Noun, types.StringValue(plan.key()), path.Root("identity_key"),
			path.Root("identity_key"), path.Root("role_key"), path.Root("node_key"))
	}
	var env types.String
	resp.Diagnostics.Append(resp.Plan.GetAttribute(ctx, path.Root("environment"), &env)...)
	refs := (&domain.RoleAssignment{IdentityKey: plan.IdentityKey.ValueString(), RoleKey: plan.RoleKey.ValueString(), NodeKey: plan.NodeKey.ValueString()}).References()
	isKnown := func(field string) bool { return knownAlong(req.Plan.Raw, path.Root(field)) }
	r.data.checkReferences(ctx, env.ValueString(), refs, isKnown, &resp.Diagnostics)
}

// describe names an assignment for messages.
func (m *roleAssignmentModel) describe() string {
	return fmt.Sprintf("role %q of identity %q at node %q in environment %s",
		m.RoleKey.ValueString(), m.IdentityKey.ValueString(), m.NodeKey.ValueString(), m.Environment.ValueString())
}

func (r *roleAssignmentResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan roleAssignmentModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	env := plan.Environment.ValueString()
	out, err := r.assignments().Put(ctx, env, plan.key(), &domain.RoleAssignment{}, client.Cond{CreateOnly: true})
	if err != nil {
		summary := "Error assigning " + plan.describe()
		if client.StatusOf(err) == http.StatusPreconditionFailed {
			resp.Diagnostics.AddError(summary,
				fmt.Sprintf("The assignment already exists: a triple is assigned once. Import it (terraform import arbor_role_assignment.<name> %s/%s, or an import block) to manage it here, or remove the other resource that manages it.",
					env, plan.key()))
			return
		}
		addAPIError(&resp.Diagnostics, summary, err, path.Empty())
		return
	}
	plan.ID = types.StringValue(env + "/" + plan.key())
	resp.Diagnostics.Append(setVersion(ctx, resp.Private, out.Version)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(plan.recordIdentity(ctx, resp.Identity)...)
}

func (r *roleAssignmentResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state roleAssignmentModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	env := state.Environment.ValueString()
	out, err := r.assignments().Get(ctx, env, state.key())
	if client.IsNotFound(err) {
		tflog.Warn(ctx, "role assignment no longer exists; removing it from state so it is planned for creation", map[string]any{"environment": env, "assignment": state.key()})
		roleAssignmentIdentity.removeResource(ctx, resp, env, state.IdentityKey.ValueString(), state.RoleKey.ValueString(), state.NodeKey.ValueString())
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Error reading the assignment of "+state.describe(), err, path.Empty())
		return
	}
	state.IdentityKey = types.StringValue(out.IdentityKey)
	state.RoleKey = types.StringValue(out.RoleKey)
	state.NodeKey = types.StringValue(out.NodeKey)
	state.ID = types.StringValue(env + "/" + state.key())
	resp.Diagnostics.Append(setVersion(ctx, resp.Private, out.Version)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	resp.Diagnostics.Append(state.recordIdentity(ctx, resp.Identity)...)
}

// Update is never planned: every argument replaces the assignment.
func (r *roleAssignmentResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan roleAssignmentModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	resp.Diagnostics.Append(plan.recordIdentity(ctx, resp.Identity)...)
}

func (r *roleAssignmentResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state roleAssignmentModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	version, diags := getVersion(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	err := r.assignments().Delete(ctx, state.Environment.ValueString(), state.key(), client.Cond{Version: version})
	if err != nil && !client.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, "Error removing the assignment of "+state.describe(), err, path.Empty())
	}
}

func (r *roleAssignmentResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id, diags := roleAssignmentIdentity.importID(ctx, req)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	parts, ok := splitImportID(id, 3, r.data)
	if ok {
		for _, k := range parts[1:] {
			ok = ok && domain.CheckKey(k) == ""
		}
	}
	if !ok {
		resp.Diagnostics.AddError("Invalid import id",
			fmt.Sprintf("Expected <environment>/<identity_key>/<role_key>/<node_key> or <identity_key>/<role_key>/<node_key> (in the provider's environment), got %q.", id))
		return
	}
	for i, name := range []string{"environment", "identity_key", "role_key", "node_key"} {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(name), parts[i])...)
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), strings.Join(parts, "/"))...)
}
