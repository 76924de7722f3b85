package backend

import (
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// Guides are a versioned kind (versioned.go): the rules of every
// versioned kind are all they need.
var guideRules = versionedRules[domain.Guide](domain.KindGuide, nil)

type listGuidesInput struct {
	ListParams
	Type       string       `query:"type" doc:"Only guides of this type."`
	ChannelKey string       `query:"channel_key" doc:"Only guides shown through this channel."`
	Active     optionalBool `query:"active" doc:"Only active (true) or inactive (false) guides; all when left out."`
	OriginParam
}

func (s *Server) registerGuideRoutes() {
	const tag = "guides"
	registerEnvObjects[domain.Guide, *domain.Guide, listGuidesInput](s, guideRules, tag,
		func(in *listGuidesInput) listFilter[domain.Guide] {
			if in.Type == "" && in.ChannelKey == "" && !in.Active.Set && in.OriginEnvironment == "" {
				return listFilter[domain.Guide]{}
			}
			return listFilter[domain.Guide]{keep: func(g *domain.Guide) bool {
				return (in.Type == "" || g.Type == in.Type) &&
					(in.ChannelKey == "" || g.ChannelKey == in.ChannelKey) &&
					(!in.Active.Set || g.IsActive() == in.Active.Value) &&
					in.keeps(g.OriginEnvironment)
			}}
		}, routeOptions{})
	registerVersionedRoutes[domain.Guide](s, domain.KindGuide, tag)
}
