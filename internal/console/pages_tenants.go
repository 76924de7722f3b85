package console

import (
	"bytes"
	"encoding/json"
	"net/http"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// Tenants, per environment: the customers' data, read-only, obfuscated by
// the backend for viewers where the environment says so.
func init() {
	env := Prefix + "environments/{env}/"
	register(&group{Order: 40, Section: "Notifications", Environment: true, Links: []link{
		{"Tenants", env + "tenants"},
	}},
		page{Method: "GET", Path: env + "tenants", Template: "tenants/list.html", Title: "Tenants", Handle: tenantsPage},
		page{Method: "GET", Path: env + "tenants/{key}", Template: "tenants/tenant.html", Title: "Tenant", Handle: tenantPage},
	)
}

func tenantsPage(c *Console, r *http.Request) (any, error) {
	return listOf[domain.Tenant](c, r, domain.KindTenant, nil)
}

type tenantView struct {
	Env        string
	Tenant     *domain.Tenant
	Properties string
}

func tenantPage(c *Console, r *http.Request) (any, error) {
	t, err := getObject[domain.Tenant](c, r, domain.KindTenant, r.PathValue("key"))
	if err != nil {
		return nil, err
	}
	v := tenantView{Env: r.PathValue("env"), Tenant: t}
	var buf bytes.Buffer
	if len(t.Properties) > 0 && json.Indent(&buf, t.Properties, "", "  ") == nil {
		v.Properties = buf.String()
	}
	return v, nil
}
