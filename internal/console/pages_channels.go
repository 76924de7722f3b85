package console

import (
	"net/http"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// Channels, per environment, read-only: each environment's own delivery
// channels (never promoted); their credentials are never shown, since no
// answer of the API carries them.
func init() {
	env := Prefix + "environments/{env}/"
	register(&group{Order: 41, Section: "Notifications", Environment: true, Links: []link{
		{"Channels", env + "channels"},
	}},
		page{Method: "GET", Path: env + "channels", Template: "channels/list.html", Title: "Channels", Handle: channelsPage},
		page{Method: "GET", Path: env + "channels/{key}", Template: "channels/channel.html", Title: "Channel", Handle: channelPage},
	)
}

func channelsPage(c *Console, r *http.Request) (any, error) {
	return listOf[domain.Channel](c, r, domain.KindChannel, nil)
}

type channelView struct {
	Env     string
	Channel *domain.Channel
}

func channelPage(c *Console, r *http.Request) (any, error) {
	ch, err := getObject[domain.Channel](c, r, domain.KindChannel, r.PathValue("key"))
	return channelView{Env: r.PathValue("env"), Channel: ch}, err
}
