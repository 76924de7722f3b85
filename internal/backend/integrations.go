package backend

import (
	"context"
	"errors"
	"fmt"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
	"github.com/arborhq/terraform-provider-arbor/internal/store"
)

// The rules of an environment's integrations: OAuth clients and webhooks,
// whose secrets the backend generates and never returns twice.

// Names under which the secrets of objects are stored.
const (
	secretClientSecret  = "client_secret"
	secretSigningSecret = "signing_secret"
)

func objectRef(kind domain.Kind, env, key string) store.Ref {
	return store.Ref{Environment: scope(kind, env), Kind: kind.Name, Key: key}
}

// sealContext binds a sealed secret to the object and name it belongs to,
// so that a sealed value copied to another object does not open.
func sealContext(r store.Ref, name string) string {
	return fmt.Sprintf("%s/%s/%s/%s", r.Environment, r.Kind, r.Key, name)
}

var oauthClientRules = &rules[domain.OAuthClient]{
	kind: domain.KindOAuthClient,
	check: func(_ *write, old, c *domain.OAuthClient) error {
		c.Normalize()
		// The secret is never part of the stored body, whatever a writer sends.
		c.ClientSecret = ""
		if old != nil {
			c.ClientID = old.ClientID
		} else {
			c.ClientID = domain.ClientIDPrefix + domain.RandomString(10)
		}
		return nil
	},
	created: func(w *write, c *domain.OAuthClient) error {
		secret := domain.ClientSecretPrefix + domain.RandomString(32)
		if err := w.tx.PutSecret(objectRef(domain.KindOAuthClient, w.env.Slug, c.Key), secretClientSecret, domain.HashSecret(secret)); err != nil {
			return err
		}
		c.ClientSecret = secret
		return nil
	},
}

type listOAuthClientsInput struct {
	ListParams
}

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

// sealSecret stores a secret the backend must read back, encrypted.
func (w *write) sealSecret(r store.Ref, name, value string) error {
	return w.tx.PutSecret(r, name, w.s.sealer.Seal([]byte(value), sealContext(r, name)))
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
