package client

import (
	"context"
	"net/http"
	"net/url"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// checkRoutes are the routes of the checks: reads sent by POST because a
// question carries a body; they change nothing, so a retry is harmless.
var checkRoutes = []string{
	"POST /v1/environments/{env}/access/check",
	"POST /v1/environments/{env}/access/batch-check",
	"POST /v1/environments/{env}/workflows/{key}/preview",
}

// CheckAccess asks whether an identity holds a permission at a node of env.
func (c *Client) CheckAccess(ctx context.Context, env string, q domain.AccessQuestion) (domain.AccessAnswer, error) {
	var out domain.AccessAnswer
	return out, c.do(ctx, http.MethodPost, envPath(env)+"/access/check", nil, nil, q, &out)
}

// CheckAccessBatch asks many access questions against one state of env.
func (c *Client) CheckAccessBatch(ctx context.Context, env string, qs []domain.AccessQuestion) ([]domain.AccessAnswer, error) {
	var out domain.AccessCheckBatchResult
	return out.Results, c.do(ctx, http.MethodPost, envPath(env)+"/access/batch-check", nil, nil, domain.AccessCheckBatch{Checks: qs}, &out)
}

// PreviewWorkflow says what workflow key of env would do for a request.
func (c *Client) PreviewWorkflow(ctx context.Context, env, key string, req domain.PreviewRequest) (domain.WorkflowPreview, error) {
	var out domain.WorkflowPreview
	return out, c.do(ctx, http.MethodPost, envPath(env)+"/workflows/"+url.PathEscape(key)+"/preview", nil, nil, req, &out)
}
