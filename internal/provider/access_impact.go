package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/arborhq/terraform-provider-arbor/internal/api"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// impactWarningLines bounds the places a plan's access warning names.
const impactWarningLines = 10

// planAccessImpact warns, at plan time, whose access a change of this
// resource removes or adds: a role's permissions changed, a role or
// permission deleted, a hierarchy node deleted or moved. The backend
// measures it from the environment's role assignments and this
// resource's change alone (the rest of the plan is not counted: the
// netted picture of a whole change is a dry run's). Nothing is said of a
// change that changes nobody's access, or that the backend would refuse.
func (r *objectResource[M, PM, T, PT]) planAccessImpact(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if !slices.Contains(domain.AccessChangeKinds, r.spec.kind) || req.State.Raw.IsNull() || resp.Diagnostics.HasError() {
		return
	}
	var prior M
	if d := req.State.Get(ctx, &prior); d.HasError() {
		return
	}
	name := r.nameOf(&prior)
	env, key := name.environment(), name.key()
	change := api.AccessChangeSet{Delete: []api.AccessChangeRef{{Kind: r.spec.kind.Name, Key: key}}}
	if !resp.Plan.Raw.IsNull() && !replacing(ctx, req, resp, path.Root("environment"), path.Root("key")) {
		for _, attr := range []string{"permissions", "parent_key"} {
			if !knownAlong(resp.Plan.Raw, path.Root(attr)) {
				return
			}
		}
		var planned M
		if d := resp.Plan.Get(ctx, &planned); d.HasError() {
			return
		}
		before, d := r.spec.expand(ctx, &prior)
		after, d2 := r.spec.expand(ctx, &planned)
		if d.HasError() || d2.HasError() || !accessChanged(before, after) {
			return
		}
		object, err := json.Marshal(after)
		if err != nil {
			return
		}
		change = api.AccessChangeSet{Put: []api.AccessChangePut{{AccessChangeRef: api.AccessChangeRef{Kind: r.spec.kind.Name, Key: key}, Object: object}}}
	}
	answer, err := r.data.client.AccessImpact(ctx, env, api.AccessImpactRequest{Changes: &change})
	if err != nil {
		// The warning is advice: a backend that cannot say (an older
		// one, say) leaves the plan as it was.
		tflog.Warn(ctx, "could not measure the access impact of the planned change", map[string]any{"kind": r.spec.kind.Name, "key": key, "error": err.Error()})
		return
	}
	if len(answer.Refused) > 0 || answer.Empty() {
		return
	}
	resp.Diagnostics.AddWarning(accessImpactSummary(r.spec.kind, key, env), accessImpactDetail(env, &answer))
}

// accessChanged reports whether an update changes who may do what: a
// role's permissions, a node's parent.
func accessChanged(before, after any) bool {
	switch b := before.(type) {
	case *domain.Role:
		return !slices.Equal(domain.SortedSet(b.Permissions), domain.SortedSet(after.(*domain.Role).Permissions))
	case *domain.HierarchyNode:
		return b.ParentKey != after.(*domain.HierarchyNode).ParentKey
	}
	return false
}

// accessImpactSummary names the resource, so that Terraform does not fold
// the warnings of two resources into one, and says what it measures.
func accessImpactSummary(kind domain.Kind, key, env string) string {
	return fmt.Sprintf("arbor_%s %q changes who may do what in %s (this change alone)", kind.Name, key, env)
}

func accessImpactDetail(env string, answer *api.AccessImpactAnswer) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Measured by the backend from the role assignments of environment %s, for this resource's change alone; other changes in this plan are not counted "+
		"(terraform-provider-arbor promote --dry-run, or POST /v1/environments/%s/access/impact with the whole change, nets them).\n\n", env, env)
	b.WriteString(accessImpactGrants(env, answer))
	return b.String()
}

// accessImpactGrants lists, capped, the grants an answer removes and adds:
// identity keys only where the environment does not obfuscate customer
// data.
func accessImpactGrants(env string, answer *api.AccessImpactAnswer) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s:\n", answer.Totals.Counts())
	for _, line := range answer.Summary(impactWarningLines, !answer.CustomerDataObfuscated) {
		fmt.Fprintf(&b, "  - %s\n", line)
	}
	if answer.CustomerDataObfuscated {
		fmt.Fprintf(&b, "\nIdentities are counted, not named: environment %s obfuscates customer data.\n", env)
	}
	return b.String()
}
