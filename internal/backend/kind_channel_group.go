package backend

import (
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// Channel groups: each environment's own sets of channels of one type that
// a workflow step sends through instead of one channel. Their channels are
// references (a channel in a group is not deleted), and so are the groups
// workflows name (a group in use is not deleted).

var channelGroupRules = &rules[domain.ChannelGroup]{
	kind: domain.KindChannelGroup,
	check: func(w *write, old, g *domain.ChannelGroup) error {
		if old != nil && old.ChannelType != g.ChannelType {
			users, err := w.tx.Referrers(objectRef(domain.KindChannelGroup, w.env.Slug, g.Key), 0)
			if err != nil {
				return err
			}
			if len(users) > 0 {
				return domain.Errorf(domain.CodeConflict, "channel group %q is used by %s, which send through it as a group of %s channels: its channel_type cannot change to %s while they do; point them at another group first",
					g.Key, describeRefs(users, w.env.Slug), old.ChannelType, g.ChannelType)
			}
		}
		return checkChannelUses(w, g)
	},
}

type listChannelGroupsInput struct {
	ListParams
	ChannelType string `query:"channel_type" doc:"Only groups of this channel type."`
}

// registerChannelGroupRoutes registers the routes of the kind; kinds.go lists every kind.
func (s *Server) registerChannelGroupRoutes() {
	registerEnvObjects[domain.ChannelGroup, *domain.ChannelGroup, listChannelGroupsInput](s, channelGroupRules, "channel-groups",
		func(in *listChannelGroupsInput) listFilter[domain.ChannelGroup] {
			if in.ChannelType == "" {
				return listFilter[domain.ChannelGroup]{}
			}
			return listFilter[domain.ChannelGroup]{keep: func(g *domain.ChannelGroup) bool { return g.ChannelType == in.ChannelType }}
		}, routeOptions{})
}
