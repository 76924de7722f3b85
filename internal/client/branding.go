package client

import (
	"context"
	"encoding/json"

	"github.com/arborhq/terraform-provider-arbor/internal/api"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// Branding reads an environment's branding: empty at version 0 while it
// has never been written.
func (c *Client) Branding(ctx context.Context, env string) (domain.EnvironmentBranding, error) {
	var out domain.EnvironmentBranding
	return out, c.do(ctx, api.GetBranding.Method, api.GetBranding.URL(env), nil, nil, nil, &out)
}

// RefreshBranding reads an environment's branding as the refreshes of one
// walk share it: one read answers them all until this Client writes
// anything (see listingCache for what that guarantees). For state that
// takes a value from the branding, such as tenants' effective branding; a
// read that must see the backend now is Branding.
func (c *Client) RefreshBranding(ctx context.Context, env string) (domain.EnvironmentBranding, error) {
	if raw, found := c.listings.shared(ctx, c, api.GetBranding.URL(env)); found {
		var out domain.EnvironmentBranding
		if err := json.Unmarshal(raw, &out); err == nil {
			return out, nil
		}
	}
	return c.Branding(ctx, env)
}

// PutBranding writes an environment's branding; CreateOnly writes it only
// while it has never been written.
func (c *Client) PutBranding(ctx context.Context, env string, in domain.Branding, cond Cond) (domain.EnvironmentBranding, error) {
	var out domain.EnvironmentBranding
	return out, c.do(ctx, api.PutBranding.Method, api.PutBranding.URL(env), nil, cond.header(), in, &out)
}

// DeleteBranding resets an environment's branding to never written.
func (c *Client) DeleteBranding(ctx context.Context, env string, cond Cond) error {
	return c.do(ctx, api.DeleteBranding.Method, api.DeleteBranding.URL(env), nil, cond.header(), nil, nil)
}
