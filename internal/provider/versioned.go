package provider

import (
	"context"
	"fmt"
	"net/http"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/arborhq/terraform-provider-arbor/internal/client"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// Versioned kinds (workflows, guides) share their version state's
// attributes and the promotion rule's checks at plan time: versionedSpec
// gives them to a kind's spec, so a kind writes only its content.

// versionStateModel is the version state of a versioned object, embedded
// in its model.
type versionStateModel struct {
	SHA               types.String `tfsdk:"sha"`
	Version           types.Int64  `tfsdk:"version"`
	OriginEnvironment types.String `tfsdk:"origin_environment"`
}

// activationModel is the active flag of a versioned kind that runs or
// shows (workflows, guides), embedded in its model beside
// versionStateModel.
type activationModel struct {
	Active types.Bool `tfsdk:"active"`
}

// versionStateAttributes are the attributes of versionStateModel, and,
// when activeDoc says what active means for the kind, of activationModel.
func versionStateAttributes(noun, activeDoc string) map[string]schema.Attribute {
	attrs := map[string]schema.Attribute{
		"sha": schema.StringAttribute{
			MarkdownDescription: "Hash of the content (everything but per-environment state), known at plan time. Equal content has equal sha in every environment: compare it to see what a promotion carries.",
			Computed:            true,
		},
		"version": schema.Int64Attribute{
			MarkdownDescription: fmt.Sprintf("Version of the %s in this environment; every write makes a new one.", noun),
			Computed:            true,
		},
		"origin_environment": schema.StringAttribute{
			MarkdownDescription: fmt.Sprintf("Environment the %s was created in, the only one where its content can change.", noun),
			Computed:            true,
		},
	}
	if activeDoc != "" {
		attrs["active"] = schema.BoolAttribute{
			MarkdownDescription: activeDoc + " Per environment: never promoted and not part of `sha`, so it can change in any environment. Default `" + fmt.Sprint(domain.DefaultActive) + "`.",
			Optional:            true,
			Computed:            true,
			Default:             booldefault.StaticBool(domain.DefaultActive),
		}
	}
	return attrs
}

// expand is the planned active flag, nil when not known.
func (m *activationModel) expand() domain.Activation {
	if m.Active.IsNull() || m.Active.IsUnknown() {
		return domain.Activation{}
	}
	active := m.Active.ValueBool()
	return domain.Activation{Active: &active}
}

func (m *activationModel) flatten(a *domain.Activation) {
	m.Active = types.BoolValue(a.IsActive())
}

func (m *versionStateModel) flatten(state *domain.VersionState, version int64) {
	m.SHA = types.StringValue(state.SHA)
	m.Version = types.Int64Value(version)
	m.OriginEnvironment = types.StringValue(state.OriginEnvironment)
}

// versionedSpec makes spec the spec of a versioned kind: it adds the
// version state's attributes (and active, when activeDoc says what it
// means for the kind; "" for a kind without one) and judges every planned write and delete
// with the promotion rule, after the kind's own modifyPlan and
// planDestroy (such as a check of the channels it names).
func versionedSpec[M, T any, PT domain.VersionedPtr[T]](spec *objectSpec[M, T], activeDoc string) *objectSpec[M, T] {
	var content []string
	for name := range spec.attributes {
		content = append(content, name)
	}
	slices.Sort(content)
	content = append(content, "key")
	for name, a := range versionStateAttributes(spec.kind.Noun, activeDoc) {
		spec.attributes[name] = a
	}
	spec.listFilters = versionedListFilters(spec.kind.Noun)
	// The kind's own plan-time checks, if any, run first.
	ownPlan, ownDestroy := spec.modifyPlan, spec.planDestroy
	spec.modifyPlan = func(ctx context.Context, data *providerData, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
		if ownPlan != nil {
			if ownPlan(ctx, data, req, resp); resp.Diagnostics.HasError() {
				return
			}
		}
		planPromotion[M, T, PT](ctx, data, spec, content, req, resp)
		planChannelUses[M, T, PT](ctx, data, spec, req, resp)
	}
	spec.planDestroy = func(ctx context.Context, data *providerData, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
		if ownDestroy != nil {
			if ownDestroy(ctx, data, req, resp); resp.Diagnostics.HasError() {
				return
			}
		}
		planVersionedDeletion(ctx, data, spec.kind, req, resp)
	}
	return spec
}

// planChannelUses judges a planned object's channels as the backend will
// after the promotion rule: each must name a channel of its type in the
// environment written, counting the channels this plan creates.
func planChannelUses[M, T any, PT domain.VersionedPtr[T]](ctx context.Context, data *providerData, spec *objectSpec[M, T], req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	var env types.String
	resp.Diagnostics.Append(resp.Plan.GetAttribute(ctx, path.Root("environment"), &env)...)
	var plan M
	if resp.Diagnostics.HasError() || env.IsUnknown() || req.Plan.Get(ctx, &plan).HasError() {
		return
	}
	obj, diags := spec.expand(ctx, &plan)
	if diags.HasError() {
		return
	}
	data.checkChannelUses(ctx, env.ValueString(), PT(obj), req.Plan.Raw, &resp.Diagnostics)
}

// planPromotion gives the promotion rule's answer at plan time: the
// provider computes the planned content's sha with the backend's function,
// reads what the rule needs from the backend, counts what this plan does
// before it (production write access turned on, a new environment and
// what its copy_from carries, the object planned in the environment
// below), and judges the change with the backend's own rule. A refused
// change never reaches apply. content names the attributes the sha covers.
func planPromotion[M, T any, PT domain.VersionedPtr[T]](ctx context.Context, data *providerData, spec *objectSpec[M, T], content []string, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	kind := spec.kind
	var env, key types.String
	resp.Diagnostics.Append(resp.Plan.GetAttribute(ctx, path.Root("environment"), &env)...)
	resp.Diagnostics.Append(resp.Plan.GetAttribute(ctx, path.Root("key"), &key)...)
	if env.IsUnknown() || !attributesKnown(req.Plan.Raw, content...) {
		if !env.IsUnknown() && !key.IsUnknown() {
			// Planned, with a content known only at apply: later
			// checks cannot judge against it.
			data.plan.planHead(kind, env.ValueString(), key.ValueString(), domain.VersionHead{})
		}
		return
	}
	var plan M
	if resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...); resp.Diagnostics.HasError() {
		return
	}
	obj, diags := spec.expand(ctx, &plan)
	if resp.Diagnostics.Append(diags...); resp.Diagnostics.HasError() {
		return
	}
	sha := domain.ContentSHA(PT(obj))
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("sha"), sha)...)

	if !req.State.Raw.IsNull() {
		var priorEnv, priorSHA, priorOrigin types.String
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("environment"), &priorEnv)...)
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("sha"), &priorSHA)...)
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("origin_environment"), &priorOrigin)...)
		if priorEnv.Equal(env) && priorSHA.ValueString() == sha {
			// Same content: only active may change, which is allowed
			// anywhere and keeps the origin.
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("origin_environment"), priorOrigin)...)
			data.plan.planHead(kind, env.ValueString(), key.ValueString(), domain.VersionHead{SHA: sha, OriginEnvironment: priorOrigin.ValueString()})
			return
		}
	}
	p, ok := plannedPromotion(ctx, data, kind, env.ValueString(), key.ValueString(), &resp.Diagnostics)
	if !ok {
		data.plan.planHead(kind, env.ValueString(), key.ValueString(), domain.VersionHead{})
		return
	}
	origin, err := p.CheckWrite(sha)
	if err != nil {
		resp.Diagnostics.AddError("Change refused by the promotion rule", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("origin_environment"), origin)...)
	data.plan.planHead(kind, env.ValueString(), key.ValueString(), domain.VersionHead{SHA: sha, OriginEnvironment: origin})
}

// plannedPromotion is what the promotion rule will know of object key in
// env when the apply reaches it: the backend's promotion state with what
// this plan does before it. False when it cannot be known at plan time.
// The backend's states come from one listing per kind and environment in
// a plan of many objects (client.PlanPromotion).
func plannedPromotion(ctx context.Context, data *providerData, kind domain.Kind, env, key string, diags *diag.Diagnostics) (domain.Promotion, bool) {
	p, err := data.client.PlanPromotion(ctx, kind, env, key)
	created, planned := data.plan.plannedEnvironment(env)
	switch {
	case client.IsNotFound(err) && planned:
		return promotionInNewEnvironment(ctx, data, kind, created, key, diags)
	case client.IsNotFound(err):
		// The environment check reports it.
		return p, false
	case err != nil:
		addAPIError(diags, fmt.Sprintf("Error reading the promotion state of %s %q in environment %s", kind.Noun, key, env), err, path.Empty())
		return p, false
	}
	return withPlanned(data.plan, kind, p)
}

// withPlanned adds to p what this plan does: production write access
// turned on, and the object planned in the environment below or
// elsewhere.
func withPlanned(plan *planRecord, kind domain.Kind, p domain.Promotion) (domain.Promotion, bool) {
	p.ProductionWriteAccess = p.ProductionWriteAccess || plan.plansProductionWriteAccess()
	if p.BelowEnvironment != "" {
		if below, ok := plan.plannedHead(kind, p.BelowEnvironment, p.Key); ok {
			if below.SHA == "" {
				return p, false
			}
			p.Below = &below
		}
	}
	if p.Origin == "" {
		p.Origin = plan.plannedOrigin(kind, p.Key)
	}
	return p, true
}

// promotionInNewEnvironment is the promotion state of object key in an
// environment this plan creates, which is inserted just below production:
// the environment below it is the one now below production, or the last
// environment this plan creates before it. (What its copy_from carries is
// not written again: creating it is refused as a copied object.)
func promotionInNewEnvironment(ctx context.Context, data *providerData, kind domain.Kind, created plannedEnvironment, key string, diags *diag.Diagnostics) (domain.Promotion, bool) {
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
		// objects are not known before the apply.
		return domain.Promotion{}, false
	}
	pb, ok := readPromotion(ctx, data, kind, below, key, diags)
	if !ok {
		return pb, false
	}
	order := slices.Insert(slices.Clone(pb.Order), max(len(pb.Order)-1, 0), created.slug)
	p := domain.Promotion{Kind: kind.Name, Key: key, Environment: created.slug, Order: order, ProductionWriteAccess: pb.ProductionWriteAccess,
		BelowEnvironment: below, Below: pb.Current, Origin: pb.Origin}
	return withPlanned(data.plan, kind, p)
}

// versionedIn is object key in env as the apply will find it: planned by
// this plan, else on the backend. False when it is not known at plan time.
func versionedIn(ctx context.Context, data *providerData, kind domain.Kind, env, key string, diags *diag.Diagnostics) (*domain.VersionHead, bool) {
	if h, ok := data.plan.plannedHead(kind, env, key); ok {
		return &h, h.SHA != ""
	}
	if _, ok := data.plan.plannedEnvironment(env); ok {
		return nil, true
	}
	p, ok := readPromotion(ctx, data, kind, env, key, diags)
	return p.Current, ok
}

// planVersionedDeletion judges a planned deletion with the promotion
// rule: outside its origin an object goes only once the environment below
// no longer has it.
func planVersionedDeletion(ctx context.Context, data *providerData, kind domain.Kind, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	var env, key types.String
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("environment"), &env)...)
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("key"), &key)...)
	p, ok := readPromotion(ctx, data, kind, env.ValueString(), key.ValueString(), &resp.Diagnostics)
	if !ok {
		return
	}
	if err := p.CheckDelete(); err != nil {
		resp.Diagnostics.AddError("Deletion refused by the promotion rule", err.Error())
	}
}

// readPromotion reads what the promotion rule knows of an object; false
// when there is nothing to judge (the environment does not exist, which
// the environment check reports).
func readPromotion(ctx context.Context, data *providerData, kind domain.Kind, env, key string, diags *diag.Diagnostics) (domain.Promotion, bool) {
	p, err := data.client.PlanPromotion(ctx, kind, env, key)
	switch {
	case client.StatusOf(err) == http.StatusNotFound:
		return p, false
	case err != nil:
		addAPIError(diags, fmt.Sprintf("Error reading the promotion state of %s %q in environment %s", kind.Noun, key, env), err, path.Empty())
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

// isVersioned reports whether kind is a versioned kind.
func isVersioned(kind domain.Kind) bool { return slices.Contains(domain.VersionedKinds, kind) }
