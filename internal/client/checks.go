package client

import (
	"context"

	"github.com/arborhq/terraform-provider-arbor/internal/api"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// CheckAccess asks whether an identity holds a permission at a node of env.
func (c *Client) CheckAccess(ctx context.Context, env string, q domain.AccessQuestion) (domain.AccessAnswer, error) {
	var out domain.AccessAnswer
	return out, c.do(ctx, api.CheckAccess.Method, api.CheckAccess.URL(env), nil, nil, q, &out)
}

// CheckAccessBatch asks many access questions against one state of env.
func (c *Client) CheckAccessBatch(ctx context.Context, env string, qs []domain.AccessQuestion) ([]domain.AccessAnswer, error) {
	var out domain.AccessCheckBatchResult
	return out.Results, c.do(ctx, api.CheckAccessBatch.Method, api.CheckAccessBatch.URL(env), nil, nil, domain.AccessCheckBatch{Checks: qs}, &out)
}

// PreviewWorkflow says what workflow key of env would do for a request.
func (c *Client) PreviewWorkflow(ctx context.Context, env, key string, req domain.PreviewRequest) (domain.WorkflowPreview, error) {
	var out domain.WorkflowPreview
	return out, c.do(ctx, api.PreviewWorkflow.Method, api.PreviewWorkflow.URL(env, key), nil, nil, req, &out)
}

// AccessImpact says what a proposed change (a configuration document or a
// change set) would do to people in env. It changes nothing.
func (c *Client) AccessImpact(ctx context.Context, env string, req api.AccessImpactRequest) (api.AccessImpactAnswer, error) {
	var out api.AccessImpactAnswer
	return out, c.do(ctx, api.AccessImpact.Method, api.AccessImpact.URL(env), nil, nil, req, &out)
}
