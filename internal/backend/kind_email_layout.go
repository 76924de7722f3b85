package backend

import (
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// Email layouts are a versioned kind (versioned.go): the rules of every
// versioned kind are all they need.
var emailLayoutRules = versionedRules[domain.EmailLayout](domain.KindEmailLayout, nil)

type listEmailLayoutsInput struct {
	ListParams
}

func (s *Server) registerEmailLayoutRoutes() {
	const tag = "email layouts"
	registerEnvObjects[domain.EmailLayout, *domain.EmailLayout, listEmailLayoutsInput](s, emailLayoutRules, tag,
		func(*listEmailLayoutsInput) listFilter[domain.EmailLayout] { return listFilter[domain.EmailLayout]{} }, routeOptions{})
	registerVersionedRoutes[domain.EmailLayout](s, domain.KindEmailLayout, tag)
}
