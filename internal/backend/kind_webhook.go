package backend

import (
	"context"
	"errors"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
	"github.com/arborhq/terraform-provider-arbor/internal/store"
)

// Webhooks, whose signing secret is sealed and read back for deliveries.

var webhookRules = &rules[domain.Webhook]{
	kind: domain.KindWebhook,
	check: func(w *write, old, h *domain.Webhook) error {
		h.Normalize()
		supplied := h.SigningSecret
		// Kept out of the stored body: sealed into the secrets once stored.
		h.SigningSecret = ""
		ref := objectRef(domain.KindWebhook, w.env.Slug, h.Key)
		switch {
		case supplied != "":
			w.afterStore(func() error { return w.sealSecret(ref, secretSigningSecret, supplied) })
		case old == nil:
			generated := domain.NewSigningSecret()
			w.afterStore(func() error {
				// Shown once: the body is already stored without it.
				h.SigningSecret = generated
				return w.sealSecret(ref, secretSigningSecret, generated)
			})
		}
		return nil
	},
}

type listWebhooksInput struct {
	ListParams
}

// WebhookSigningSecret returns the secret the deliveries of a webhook are
// signed with. It bypasses authorization: it is for the backend's own use,
// never an API response.
func (s *Server) WebhookSigningSecret(ctx context.Context, env, key string) (string, error) {
	ref := objectRef(domain.KindWebhook, env, key)
	var secret []byte
	err := s.store.View(ctx, func(tx store.Tx) error {
		sealed, err := tx.Secret(ref, secretSigningSecret)
		if errors.Is(err, store.ErrNotFound) {
			return notFound(domain.KindWebhook, env, key)
		}
		if err != nil {
			return err
		}
		secret, err = s.sealer.Open(sealed, sealContext(ref, secretSigningSecret))
		return err
	})
	return string(secret), err
}

// registerWebhookRoutes registers the routes of the kind; kinds.go lists every kind.
func (s *Server) registerWebhookRoutes() {
	registerEnvObjects[domain.Webhook, *domain.Webhook, listWebhooksInput](s, webhookRules, "webhooks", nil, routeOptions{})
}
