package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/arborhq/terraform-provider-arbor/internal/client"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// The plan-time checks every keyed object gets from objectResource: its
// environment and id, one resource per object, references, copies, and
// the domain's own validation; the kind's own checks come last
// (objectSpec.modifyPlan).

func (r *objectResource[M, PM, T, PT]) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.data == nil {
		return
	}
	if req.Plan.Raw.IsNull() {
		if r.spec.planDestroy != nil {
			r.spec.planDestroy(ctx, r.data, req, resp)
		}
		r.planAccessImpact(ctx, req, resp)
		return
	}
	ri := r.spec.resourceIdentity()
	key, keyPaths := plannedKey(ctx, req, ri.keyAttributes(), &resp.Diagnostics)
	var env string
	if ri.environmentScoped() {
		ok := resolveEnvironment(ctx, r.data, req, resp, func(env string) types.String {
			if key.IsUnknown() {
				return types.StringUnknown()
			}
			return types.StringValue(env + "/" + key.ValueString())
		})
		if !ok {
			return
		}
		claimInEnvironment(ctx, r.data, req, resp, r.spec.kind.Name, r.spec.kind.Noun, key, keyPaths[0], keyPaths...)
		var planned types.String
		resp.Diagnostics.Append(resp.Plan.GetAttribute(ctx, path.Root("environment"), &planned)...)
		env = planned.ValueString()
	} else {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("id"), key)...)
		if !key.IsUnknown() && !replacing(ctx, req, resp, keyPaths...) {
			r.data.claims.claim(r.spec.kind.Name+"\x00"+key.ValueString(), fmt.Sprintf("%s %q", r.spec.kind.Noun, key.ValueString()), keyPaths[0], &resp.Diagnostics)
		}
	}
	if !key.IsUnknown() {
		r.data.plan.planObject(r.spec.kind, env, key.ValueString())
		if req.State.Raw.IsNull() {
			r.checkNotCopied(ctx, env, key.ValueString(), resp)
		}
	}
	if !planKeepsState(req, resp) {
		r.checkReferences(ctx, env, req, resp)
	}
	if r.spec.modifyPlan != nil && !resp.Diagnostics.HasError() {
		r.spec.modifyPlan(ctx, r.data, req, resp)
	}
	r.planAccessImpact(ctx, req, resp)
}

// plannedKey is the planned object's key, unknown until every attribute
// of it is known, and the paths of those attributes.
func plannedKey(ctx context.Context, req resource.ModifyPlanRequest, keyAttributes resourceIdentity, diags *diag.Diagnostics) (types.String, []path.Path) {
	parts := make([]string, len(keyAttributes))
	paths := make([]path.Path, len(keyAttributes))
	known := true
	for i, a := range keyAttributes {
		paths[i] = path.Root(a.name)
		var v types.String
		diags.Append(req.Plan.GetAttribute(ctx, paths[i], &v)...)
		known = known && !v.IsUnknown()
		parts[i] = v.ValueString()
	}
	if !known {
		return types.StringUnknown(), paths
	}
	return types.StringValue(strings.Join(parts, "/")), paths
}

// checkNotCopied refuses, at plan time, to create an object in an
// environment this plan creates with copy_from when the copy carries an
// object of the same key: the create would find it existing, and Arbor
// never takes an object over silently.
func (r *objectResource[M, PM, T, PT]) checkNotCopied(ctx context.Context, env, key string, resp *resource.ModifyPlanResponse) {
	created, ok := r.data.plan.plannedEnvironment(env)
	if !ok || created.copyFrom == "" || !copiedKind(r.spec.kind) {
		return
	}
	copied := r.data.objectExists(ctx, r.spec.kind, created.copyFrom, key, &resp.Diagnostics)
	if copied && isVersioned(r.spec.kind) {
		// Workflows and guides born in production are left out of a copy.
		head, known := versionedIn(ctx, r.data, r.spec.kind, created.copyFrom, key, &resp.Diagnostics)
		copied = known && head != nil && head.OriginEnvironment != domain.Production
	}
	if copied && r.spec.kind == domain.KindVariable {
		// Sensitive variables are left out of a copy.
		v, err := client.Objects[domain.Variable](r.data.client, domain.KindVariable).Get(ctx, created.copyFrom, key)
		if err != nil && !client.IsNotFound(err) {
			addAPIError(&resp.Diagnostics, fmt.Sprintf("Error reading variable %q of environment %s", key, created.copyFrom), err, path.Empty())
			return
		}
		copied = err == nil && !v.Sensitive
	}
	if !copied || resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.AddAttributeError(path.Root("key"), fmt.Sprintf("Error planning %s %q in environment %s", r.spec.kind.Noun, key, env),
		fmt.Sprintf("Environment %s is created by this plan with copy_from = %q, which copies %s %q into it, so creating it here would find it already there, and Arbor never takes over an existing object silently. "+
			"Leave it to the copy (remove this resource, or import it after the apply to manage it here), or create %s without copy_from.",
			env, created.copyFrom, r.spec.kind.Noun, key, env))
}

// copiedKind reports whether copy_from copies objects of kind: those of
// the configuration document, channels (without credentials), channel
// groups and variables that are not sensitive.
func copiedKind(kind domain.Kind) bool {
	if kind == domain.KindChannel || kind == domain.KindChannelGroup || kind == domain.KindVariable {
		return true
	}
	for _, s := range domain.ConfigSections {
		if s.Kind == kind {
			return true
		}
	}
	return false
}

// checkReferences refuses, at plan time, the planned object's references
// to objects that neither exist nor are created by this plan.
func (r *objectResource[M, PM, T, PT]) checkReferences(ctx context.Context, env string, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	var m M
	if diags := req.Plan.Get(ctx, &m); diags.HasError() {
		// A whole nested value is unknown: the backend judges it at apply.
		return
	}
	obj, diags := r.spec.expand(ctx, &m)
	if diags.HasError() {
		return
	}
	// A reference's field is an API path (steps[1].branch.branches[0].
	// steps[0].channel.layout_key): it is judged at plan only when every
	// value along it is known.
	known := func(field string) bool {
		p, ok := attributePath(field)
		return !ok || knownAlong(req.Plan.Raw, p)
	}
	// Channel and channel group references are judged with their channel
	// type, by the kind's own plan hook (checkChannelUses), as the backend
	// does.
	refs := slices.DeleteFunc(PT(obj).References(), func(ref domain.Ref) bool {
		return ref.Kind == domain.KindChannel || ref.Kind == domain.KindChannelGroup
	})
	r.data.checkReferences(ctx, env, refs, known, &resp.Diagnostics)
}

func (r *objectResource[M, PM, T, PT]) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	if !r.spec.validateWithDomain {
		return
	}
	var m M
	if diags := req.Config.Get(ctx, &m); diags.HasError() {
		// A whole nested value is unknown: the backend judges it at apply.
		return
	}
	obj, diags := r.spec.expand(ctx, &m)
	if diags.HasError() {
		return
	}
	PT(obj).SetObjectKey(r.nameOf(&m).key())
	addDomainProblems(ctx, &resp.Diagnostics, req.Config.Raw, PT(obj).Validate())
}
