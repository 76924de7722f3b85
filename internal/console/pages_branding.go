package console

import (
	"net/http"

	"github.com/arborhq/terraform-provider-arbor/internal/api"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// Branding, per environment, read-only: the default look of messages,
// which each tenant's branding overrides field by field.
func init() {
	env := Prefix + "environments/{env}/"
	register(&group{Order: 43, Section: "Notifications", Environment: true, Links: []link{
		{"Branding", env + "branding"},
	}},
		page{Method: "GET", Path: env + "branding", Template: "branding/branding.html", Title: "Branding", Handle: brandingPage},
	)
}

type brandingView struct {
	Env      string
	Branding *domain.EnvironmentBranding
}

func brandingPage(c *Console, r *http.Request) (any, error) {
	v := brandingView{Env: r.PathValue("env"), Branding: &domain.EnvironmentBranding{}}
	_, err := c.call(r, api.GetBranding.Method, api.GetBranding.URL(v.Env), nil, nil, nil, v.Branding)
	return v, err
}
