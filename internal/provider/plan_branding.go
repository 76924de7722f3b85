package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/arborhq/terraform-provider-arbor/internal/client"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// plannedBranding is an environment's branding as this plan writes it;
// known is false while a field is known only at apply.
type plannedBranding struct {
	branding domain.Branding
	known    bool
}

// planBranding records the branding this plan writes to env, for the
// effective branding of the tenants planned after it.
func (r *planRecord) planBranding(env string, m *environmentBrandingModel) {
	known := true
	for _, v := range []types.String{m.PrimaryColor, m.PrimaryColorContrast, m.LogoURL, m.IconURL} {
		known = known && !v.IsUnknown()
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.brandings == nil {
		r.brandings = map[string]plannedBranding{}
	}
	r.brandings[env] = plannedBranding{branding: m.branding(), known: known}
}

// environmentBranding answers env's branding as the apply will leave it,
// for the effective branding of tenants: the backend's, unless this plan
// changes it (known is then false: the tenant may be written before the
// branding is). The backend's is read once per plan, the read the
// tenants' refreshes share (client.RefreshBranding).
func (d *providerData) environmentBranding(ctx context.Context, env string) (b domain.Branding, known bool, err error) {
	r := d.plan
	r.mu.Lock()
	planned, isPlanned := r.brandings[env]
	stored, cached := r.storedBrandings[env]
	r.mu.Unlock()
	if !cached {
		got, err := d.client.RefreshBranding(ctx, env)
		if err != nil && !client.IsNotFound(err) {
			return domain.Branding{}, false, err
		}
		// An environment this plan creates has no branding yet.
		stored = got.Branding
		r.mu.Lock()
		if r.storedBrandings == nil {
			r.storedBrandings = map[string]domain.Branding{}
		}
		r.storedBrandings[env] = stored
		r.mu.Unlock()
	}
	if isPlanned && (!planned.known || planned.branding != stored) {
		return domain.Branding{}, false, nil
	}
	return stored, true, nil
}
