package backend

import (
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// Partials are a versioned kind (versioned.go): the rules of every
// versioned kind are all they need.
var partialRules = versionedRules[domain.Partial](domain.KindPartial, nil)

type listPartialsInput struct {
	ListParams
	Type string `query:"type" doc:"Only partials of this type."`
	OriginParam
}

func (s *Server) registerPartialRoutes() {
	const tag = "partials"
	registerEnvObjects[domain.Partial, *domain.Partial, listPartialsInput](s, partialRules, tag,
		func(in *listPartialsInput) listFilter[domain.Partial] {
			if in.Type == "" && in.OriginEnvironment == "" {
				return listFilter[domain.Partial]{}
			}
			return listFilter[domain.Partial]{keep: func(p *domain.Partial) bool {
				return (in.Type == "" || p.Type == in.Type) && in.keeps(p.OriginEnvironment)
			}}
		}, routeOptions{})
	registerVersionedRoutes[domain.Partial](s, domain.KindPartial, tag)
}
