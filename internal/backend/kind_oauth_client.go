package backend

import (
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// OAuth clients, whose secret the backend generates and shows once.

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

// registerOAuthClientRoutes registers the routes of the kind; kinds.go lists every kind.
func (s *Server) registerOAuthClientRoutes() {
	registerEnvObjects[domain.OAuthClient, *domain.OAuthClient, listOAuthClientsInput](s, oauthClientRules, "oauth-clients", nil, routeOptions{})
}
