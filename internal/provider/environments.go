package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// Which environment a resource or data source works in, shared by every
// environment-scoped one: the provider's default, and what its credential
// can reach.

// resolveEnvironment sets the planned environment (defaulting to the
// provider's) and id, refuses an environment the credential cannot reach,
// and replaces the object when its environment changes.
func resolveEnvironment(ctx context.Context, data *providerData, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse, id func(env string) types.String) bool {
	var env types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("environment"), &env)...)
	if env.IsNull() {
		env = types.StringValue(data.environment)
	}
	if env.IsUnknown() {
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("id"), types.StringUnknown())...)
		return false
	}
	if !checkReachable(data, env.ValueString(), &resp.Diagnostics) || !data.checkEnvironmentExists(ctx, env.ValueString(), &resp.Diagnostics) {
		return false
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("environment"), env)...)
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("id"), id(env.ValueString()))...)
	if !req.State.Raw.IsNull() {
		var prior types.String
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("environment"), &prior)...)
		if !prior.IsNull() && prior.ValueString() != env.ValueString() {
			resp.RequiresReplace = append(resp.RequiresReplace, path.Root("environment"))
		}
	}
	return !resp.Diagnostics.HasError()
}

// checkReachable refuses an environment the provider's credential cannot
// reach: with an environment API key, every other environment.
func checkReachable(data *providerData, env string, diags *diag.Diagnostics) bool {
	if data.boundEnvironment == "" || env == data.boundEnvironment {
		return true
	}
	diags.AddAttributeError(path.Root("environment"), "Environment not reachable with this API key",
		fmt.Sprintf("The provider's api_key is a key of environment %q; it cannot reach environment %q. Use a provider configuration (alias) with a key of %q, or an account token.",
			data.boundEnvironment, env, env))
	return false
}

// splitImportID parses "<environment>/<part>…" (n parts after the
// environment) or "<part>…" (the provider's environment). It returns the
// environment followed by the parts.
func splitImportID(id string, n int, data *providerData) ([]string, bool) {
	parts := strings.Split(id, "/")
	for _, p := range parts {
		if p == "" {
			return nil, false
		}
	}
	switch len(parts) {
	case n + 1:
		if domain.CheckSlug(parts[0]) != "" {
			return nil, false
		}
		return parts, true
	case n:
		env := domain.Development
		if data != nil {
			env = data.environment
		}
		return append([]string{env}, parts...), true
	}
	return nil, false
}

// dataSourceEnvironment resolves the environment a data source reads from.
func dataSourceEnvironment(data *providerData, configured types.String) (string, error) {
	env := data.environment
	if !configured.IsNull() && configured.ValueString() != "" {
		env = configured.ValueString()
	}
	if data.boundEnvironment != "" && env != data.boundEnvironment {
		return "", fmt.Errorf("the provider's api_key is a key of environment %q; it cannot read environment %q", data.boundEnvironment, env)
	}
	return env, nil
}
