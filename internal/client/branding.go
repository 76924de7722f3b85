package client

import (
	"context"

	"github.com/arborhq/terraform-provider-arbor/internal/api"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// Branding reads an environment's branding: empty at version 0 while it
// has never been written.
func (c *Client) Branding(ctx context.Context, env string) (domain.EnvironmentBranding, error) {
	var out domain.EnvironmentBranding
	return out, c.do(ctx, api.GetBranding.Method, api.GetBranding.URL(env), nil, nil, nil, &out)
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
