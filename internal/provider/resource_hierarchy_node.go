package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/arborhq/terraform-provider-arbor/internal/client"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

var (
	_ resource.ResourceWithConfigure   = (*hierarchyNodeResource)(nil)
	_ resource.ResourceWithImportState = (*hierarchyNodeResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*hierarchyNodeResource)(nil)
)

type hierarchyNodeModel struct {
	objectBase
	Name      types.String `tfsdk:"name"`
	ParentKey types.String `tfsdk:"parent_key"`
}

type hierarchyNodeResource = objectResource[hierarchyNodeModel, *hierarchyNodeModel, domain.HierarchyNode, *domain.HierarchyNode]

func newHierarchyNodeResource() resource.Resource {
	return &hierarchyNodeResource{spec: hierarchyNodeSpec()}
}

func hierarchyNodeSpec() *objectSpec[hierarchyNodeModel, domain.HierarchyNode] {
	return &objectSpec[hierarchyNodeModel, domain.HierarchyNode]{
		kind: domain.KindHierarchyNode,
		description: "A node of an environment's organisation hierarchy, such as a region, team or customer account. " +
			"Nodes form a forest: a node without `parent_key` is a root. Role assignments give roles at a node. " +
			"Destroying a node that still has child nodes or role assignments is refused (the provider never deletes a subtree implicitly); " +
			"destroy or move its children and assignments first. " +
			"A plan that moves or destroys a node warns whose access that removes or adds in the environment (see the guide Promotion by plan).",
		keyDoc: "Identifier of the node within its environment, such as `emea`.",
		attributes: map[string]schema.Attribute{
			"name": schema.StringAttribute{
				MarkdownDescription: nameDoc,
				Required:            true,
				Validators:          nameValidators(),
			},
			"parent_key": schema.StringAttribute{
				MarkdownDescription: "Key of the parent node in the same environment; omit for a root. " +
					"Changing it moves the node, with its whole subtree, in place. A node cannot move under itself or its own descendants.",
				Optional:   true,
				Validators: []validator.String{keyValidator},
			},
		},
		modifyPlan: planHierarchyMove,
		expand: func(_ context.Context, m *hierarchyNodeModel) (*domain.HierarchyNode, diag.Diagnostics) {
			return &domain.HierarchyNode{Name: m.Name.ValueString(), ParentKey: m.ParentKey.ValueString()}, nil
		},
		flatten: func(_ context.Context, n *domain.HierarchyNode, m *hierarchyNodeModel) diag.Diagnostics {
			m.Name = types.StringValue(n.Name)
			m.ParentKey = types.StringNull()
			if n.ParentKey != "" {
				m.ParentKey = types.StringValue(n.ParentKey)
			}
			return nil
		},
	}
}

// planHierarchyMove refuses, at plan time, a parent that would close a
// cycle, with the backend's rule: the walk up from the new parent follows
// the parents this plan gives, then the backend's.
func planHierarchyMove(ctx context.Context, data *providerData, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	var plan hierarchyNodeModel
	if resp.Diagnostics.Append(resp.Plan.Get(ctx, &plan)...); resp.Diagnostics.HasError() {
		return
	}
	if plan.Key.IsUnknown() || plan.ParentKey.IsUnknown() {
		return
	}
	env, node, parent := plan.Environment.ValueString(), plan.Key.ValueString(), plan.ParentKey.ValueString()
	if parent == node {
		// Refused by the node's own validation.
		return
	}
	data.plan.planParent(env, node, parent)
	if parent == "" {
		return
	}
	nodes := client.Objects[domain.HierarchyNode](data.client, domain.KindHierarchyNode)
	err := domain.CheckHierarchyMove(node, parent, func(key string) (string, error) {
		if p, ok := data.plan.plannedParent(env, key); ok {
			return p, nil
		}
		n, err := nodes.Get(ctx, env, key)
		if client.IsNotFound(err) {
			return "", nil
		}
		if err != nil {
			return "", err
		}
		return n.ParentKey, nil
	})
	if err != nil {
		addDomainError(&resp.Diagnostics, fmt.Sprintf("Error planning hierarchy node %q in environment %s", node, env), err)
	}
}
