package backend

import (
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
	"github.com/arborhq/terraform-provider-arbor/internal/store"
)

// Identities: account-level, unique by email.

var identityRules = &rules[domain.Identity]{
	kind: domain.KindIdentity,
	uniques: func(i *domain.Identity) []store.Unique {
		return []store.Unique{{Name: "email", Value: i.EmailIdentity()}}
	},
}

type listIdentitiesInput struct {
	AccountList
	Email string `query:"email" doc:"Only the identity with this email address (compared case-insensitively)."`
}

func filterIdentities(in *listIdentitiesInput) listFilter[domain.Identity] {
	if in.Email == "" {
		return listFilter[domain.Identity]{}
	}
	probe := domain.Identity{Email: in.Email}
	return listFilter[domain.Identity]{keep: func(i *domain.Identity) bool { return i.EmailIdentity() == probe.EmailIdentity() }}
}

// registerIdentityRoutes registers the routes of the kind; kinds.go lists every kind.
func (s *Server) registerIdentityRoutes() {
	registerAccountObjects[domain.Identity, *domain.Identity, listIdentitiesInput](s, identityRules, "identities", filterIdentities)
}
