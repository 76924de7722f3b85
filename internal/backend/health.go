package backend

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
	"github.com/arborhq/terraform-provider-arbor/internal/store"
)

// readinessTimeout bounds the database check of /readyz: a load balancer
// must hear "not ready" from a replica whose database hangs, not time out.
const readinessTimeout = 2 * time.Second

type statusOutput struct {
	Body struct {
		Status string `json:"status" example:"ok" doc:"Always ok: any other state is answered with an error."`
	}
}

func okStatus() *statusOutput {
	out := &statusOutput{}
	out.Body.Status = "ok"
	return out
}

// registerHealthRoutes serves the probes of an orchestrator or load
// balancer. Neither needs a credential.
func (s *Server) registerHealthRoutes() {
	health := op(http.MethodGet, "/healthz", "health", "Liveness check", "account")
	health.Security = []map[string][]string{}
	health.Description = "Answers 200 while the process serves HTTP. It does not read the database, so a database outage " +
		"does not make an orchestrator restart healthy replicas; use `/readyz` to route traffic. Needs no credential."
	huma.Register(s.api, *health, func(context.Context, *struct{}) (*statusOutput, error) {
		return okStatus(), nil
	})

	ready := op(http.MethodGet, "/readyz", "ready", "Readiness check", "account")
	ready.Security = []map[string][]string{}
	ready.Description = "Answers 200 when this replica can serve requests: its database answers a read transaction within 2 seconds. " +
		"Otherwise 503, naming the problem; point a load balancer's health check here. Needs no credential."
	ready.Errors = []int{http.StatusServiceUnavailable}
	huma.Register(s.api, *ready, func(ctx context.Context, _ *struct{}) (*statusOutput, error) {
		if err := s.checkDatabase(ctx); err != nil {
			return nil, huma.ErrorWithHeaders(newAPIError(err), http.Header{"Retry-After": {retryAfterOutage}})
		}
		return okStatus(), nil
	})
}

// checkDatabase runs the cheapest read the backend makes on every request.
// The cause is logged, not answered: /readyz is public and a driver's error
// can name hosts and users.
func (s *Server) checkDatabase(ctx context.Context) *domain.Error {
	ctx, cancel := context.WithTimeout(ctx, readinessTimeout)
	defer cancel()
	err := s.store.View(ctx, func(tx store.Tx) error { _, err := tx.Settings(); return err })
	switch {
	case err == nil:
		return nil
	case errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil:
		s.log.WarnContext(ctx, "readiness check: the database did not answer in time", "timeout", readinessTimeout.String(), "error", err)
		return domain.Errorf(domain.CodeUnavailable, "not ready: the database is unavailable: it did not answer a read within %s; the server log has details", readinessTimeout)
	default:
		s.log.WarnContext(ctx, "readiness check: the database refused a read", "error", err)
		return domain.Errorf(domain.CodeUnavailable, "not ready: the database is unavailable: it refused a read; the server log has details")
	}
}
