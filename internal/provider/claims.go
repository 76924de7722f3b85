package provider

import (
	"context"
	"fmt"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// planClaims are the objects that the resources planned through one
// provider configuration manage, so that two resources declaring the same
// object are refused at plan time. Besides being a mistake of its own, a
// second resource for an object would look to the backend like the first
// one's create repeated after its answer was lost (client.createKey): in a
// later run it would be answered with the first one's object, or API key.
type planClaims struct {
	mu  sync.Mutex
	ids map[string]bool
}

// claim records that a planned resource manages what, identified by id;
// it adds an error under attr when another resource of the plan already
// does.
func (c *planClaims) claim(id, what string, attr path.Path, diags *diag.Diagnostics) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ids == nil {
		c.ids = map[string]bool{}
	}
	if c.ids[id] {
		diags.AddAttributeError(attr, "Two resources manage the same object",
			fmt.Sprintf("Another resource of this configuration also manages %s. Each object is managed by one resource: remove one of them, or give it another %s.", what, attr))
		return
	}
	c.ids[id] = true
}

// claimInEnvironment claims the object of kind (a domain.Kind's name, or
// apiKeyNames) with key in the planned environment, once both are known.
// noun describes the key in messages; identifying are the attributes whose
// change replaces the resource.
func claimInEnvironment(ctx context.Context, data *providerData, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse, kind, noun string, key types.String, attr path.Path, identifying ...path.Path) {
	var env types.String
	resp.Diagnostics.Append(resp.Plan.GetAttribute(ctx, path.Root("environment"), &env)...)
	if env.IsUnknown() || env.IsNull() || key.IsUnknown() || key.IsNull() || replacing(ctx, req, resp, append(identifying, path.Root("environment"))...) {
		return
	}
	what := fmt.Sprintf("%s %q in environment %s", noun, key.ValueString(), env.ValueString())
	data.claims.claim(kind+"\x00"+env.ValueString()+"/"+key.ValueString(), what, attr, &resp.Diagnostics)
}

// replacing reports whether this call plans the replacement of an existing
// resource (one of the identifying attributes changes): Terraform then
// plans the new object in a second call, without prior state, and that
// call claims it.
func replacing(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse, identifying ...path.Path) bool {
	if req.State.Raw.IsNull() {
		return false
	}
	for _, attr := range identifying {
		var prior, planned types.String
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, attr, &prior)...)
		resp.Diagnostics.Append(resp.Plan.GetAttribute(ctx, attr, &planned)...)
		if !prior.Equal(planned) {
			return true
		}
	}
	return false
}
