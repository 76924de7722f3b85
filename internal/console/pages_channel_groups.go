package console

import (
	"net/http"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// Channel groups, per environment, read-only: each environment's own sets
// of channels that workflow steps send through (never promoted), shown
// beside the channels they group.
func init() {
	env := Prefix + "environments/{env}/"
	register(&group{Order: 41, Section: "Notifications", Environment: true, Links: []link{
		{"Channel groups", env + "channel-groups"},
	}},
		page{Method: "GET", Path: env + "channel-groups", Template: "channel_groups/list.html", Title: "Channel groups", Handle: channelGroupsPage},
		page{Method: "GET", Path: env + "channel-groups/{key}", Template: "channel_groups/group.html", Title: "Channel group", Handle: channelGroupPage},
	)
}

func channelGroupsPage(c *Console, r *http.Request) (any, error) {
	return listOf[domain.ChannelGroup](c, r, domain.KindChannelGroup, nil)
}

type channelGroupView struct {
	Env   string
	Group *domain.ChannelGroup
}

func channelGroupPage(c *Console, r *http.Request) (any, error) {
	g, err := getObject[domain.ChannelGroup](c, r, domain.KindChannelGroup, r.PathValue("key"))
	return channelGroupView{Env: r.PathValue("env"), Group: g}, err
}
