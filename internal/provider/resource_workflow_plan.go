package provider

import (
	"context"
	"fmt"
	"net/http"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/arborhq/terraform-provider-arbor/internal/client"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// The plan-time checks of arbor_workflow: the promotion rule, judged with
// the domain's own function on what the apply will find.

// planWorkflowPromotion gives the promotion rule's answer at plan time: the
// provider computes the planned content's sha with the backend's function,
// reads what the rule needs from the backend, counts what this plan does
// before it (production write access turned on, a new environment and
// what its copy_from carries, the workflow planned in the environment
// below), and judges the change with the backend's own rule. A refused
// change never reaches apply.
func planWorkflowPromotion(ctx context.Context, data *providerData, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	var env, key types.String
	resp.Diagnostics.Append(resp.Plan.GetAttribute(ctx, path.Root("environment"), &env)...)
	resp.Diagnostics.Append(resp.Plan.GetAttribute(ctx, path.Root("key"), &key)...)
	content := []string{"key", "name", "description", "categories", "trigger_frequency", "trigger_data_schema", "conditions", "steps"}
	if env.IsUnknown() || !attributesKnown(req.Plan.Raw, content...) {
		if !env.IsUnknown() && !key.IsUnknown() {
			// Planned, with a content known only at apply: later
			// checks cannot judge against it.
			data.plan.planWorkflow(env.ValueString(), key.ValueString(), domain.WorkflowHead{})
		}
		return
	}
	var plan workflowModel
	if resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...); resp.Diagnostics.HasError() {
		return
	}
	wf, diags := expandWorkflow(ctx, &plan)
	if resp.Diagnostics.Append(diags...); resp.Diagnostics.HasError() {
		return
	}
	sha := domain.WorkflowSHA(wf)
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("sha"), sha)...)

	if !req.State.Raw.IsNull() {
		var prior workflowModel
		resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
		if prior.Environment.Equal(env) && prior.SHA.ValueString() == sha {
			// Same content: only active may change, which is allowed
			// anywhere and keeps the origin.
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("origin_environment"), prior.OriginEnvironment)...)
			data.plan.planWorkflow(env.ValueString(), plan.Key.ValueString(), domain.WorkflowHead{SHA: sha, OriginEnvironment: prior.OriginEnvironment.ValueString()})
			return
		}
	}
	p, ok := plannedPromotion(ctx, data, env.ValueString(), plan.Key.ValueString(), &resp.Diagnostics)
	if !ok {
		data.plan.planWorkflow(env.ValueString(), plan.Key.ValueString(), domain.WorkflowHead{})
		return
	}
	origin, err := p.CheckWrite(sha)
	if err != nil {
		resp.Diagnostics.AddError("Change refused by the promotion rule", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("origin_environment"), origin)...)
	data.plan.planWorkflow(env.ValueString(), plan.Key.ValueString(), domain.WorkflowHead{SHA: sha, OriginEnvironment: origin})
}

// plannedPromotion is what the promotion rule will know of workflow key in
// env when the apply reaches it: the backend's promotion state with what
// this plan does before it. False when it cannot be known at plan time.
func plannedPromotion(ctx context.Context, data *providerData, env, key string, diags *diag.Diagnostics) (domain.Promotion, bool) {
	p, err := data.client.WorkflowPromotion(ctx, env, key)
	created, planned := data.plan.plannedEnvironment(env)
	switch {
	case client.IsNotFound(err) && planned:
		return promotionInNewEnvironment(ctx, data, created, key, diags)
	case client.IsNotFound(err):
		// The environment check reports it.
		return p, false
	case err != nil:
		addAPIError(diags, fmt.Sprintf("Error reading the promotion state of workflow %q in environment %s", key, env), err, path.Empty())
		return p, false
	}
	return withPlanned(data.plan, p)
}

// withPlanned adds to p what this plan does: production write access
// turned on, and the workflow planned in the environment below or
// elsewhere.
func withPlanned(plan *planRecord, p domain.Promotion) (domain.Promotion, bool) {
	p.ProductionWriteAccess = p.ProductionWriteAccess || plan.plansProductionWriteAccess()
	if p.BelowEnvironment != "" {
		if below, ok := plan.plannedWorkflow(p.BelowEnvironment, p.Key); ok {
			if below.SHA == "" {
				return p, false
			}
			p.Below = &below
		}
	}
	if p.Origin == "" {
		p.Origin = plan.plannedWorkflowOrigin(p.Key)
	}
	return p, true
}

// promotionInNewEnvironment is the promotion state of workflow key in an
// environment this plan creates, which is inserted just below production:
// the environment below it is the one now below production, or the last
// environment this plan creates before it. (What its copy_from carries is
// not written again: creating it is refused as a copied object.)
func promotionInNewEnvironment(ctx context.Context, data *providerData, created plannedEnvironment, key string, diags *diag.Diagnostics) (domain.Promotion, bool) {
	envs, err := data.client.Environments(ctx)
	if err != nil {
		addAPIError(diags, "Error reading the environments", err, path.Empty())
		return domain.Promotion{}, false
	}
	below := ""
	for _, e := range envs {
		if e.Slug != domain.Production && e.Slug != created.slug {
			below = e.Slug
		}
	}
	for _, e := range data.plan.newEnvironmentsBefore(created.slug) {
		below = e.slug
	}
	if _, ok := data.plan.plannedEnvironment(below); ok || below == "" {
		// Two new environments on top of each other: the lower one's
		// workflows are not known before the apply.
		return domain.Promotion{}, false
	}
	pb, ok := readPromotion(ctx, data, below, key, diags)
	if !ok {
		return pb, false
	}
	order := slices.Insert(slices.Clone(pb.Order), max(len(pb.Order)-1, 0), created.slug)
	p := domain.Promotion{Key: key, Environment: created.slug, Order: order, ProductionWriteAccess: pb.ProductionWriteAccess,
		BelowEnvironment: below, Below: pb.Current, Origin: pb.Origin}
	return withPlanned(data.plan, p)
}

// workflowIn is workflow key in env as the apply will find it: planned by
// this plan, else on the backend. False when it is not known at plan time.
func workflowIn(ctx context.Context, data *providerData, env, key string, diags *diag.Diagnostics) (*domain.WorkflowHead, bool) {
	if h, ok := data.plan.plannedWorkflow(env, key); ok {
		return &h, h.SHA != ""
	}
	if _, ok := data.plan.plannedEnvironment(env); ok {
		return nil, true
	}
	p, ok := readPromotion(ctx, data, env, key, diags)
	return p.Current, ok
}

// planWorkflowDeletion judges a planned deletion with the promotion rule:
// outside its origin a workflow goes only once the environment below no
// longer has it.
func planWorkflowDeletion(ctx context.Context, data *providerData, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	var state workflowModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	p, ok := readPromotion(ctx, data, state.Environment.ValueString(), state.Key.ValueString(), &resp.Diagnostics)
	if !ok {
		return
	}
	if err := p.CheckDelete(); err != nil {
		resp.Diagnostics.AddError("Deletion refused by the promotion rule", err.Error())
	}
}

// readPromotion reads what the promotion rule knows of a workflow; false
// when there is nothing to judge (the environment does not exist, which
// the environment check reports).
func readPromotion(ctx context.Context, data *providerData, env, key string, diags *diag.Diagnostics) (domain.Promotion, bool) {
	p, err := data.client.WorkflowPromotion(ctx, env, key)
	switch {
	case client.StatusOf(err) == http.StatusNotFound:
		return p, false
	case err != nil:
		addAPIError(diags, fmt.Sprintf("Error reading the promotion state of workflow %q in environment %s", key, env), err, path.Empty())
		return p, false
	}
	return p, true
}

// attributesKnown reports whether the named top-level attributes are wholly
// known.
func attributesKnown(v tftypes.Value, names ...string) bool {
	for _, n := range names {
		if !knownAlong(v, path.Root(n)) {
			return false
		}
	}
	return true
}
