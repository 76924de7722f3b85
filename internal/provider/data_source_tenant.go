package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/datasource"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

func newTenantDataSource() datasource.DataSource {
	spec := tenantSpec()
	return &objectDataSource[tenantModel, *tenantModel, domain.Tenant, *domain.Tenant]{
		spec:        spec,
		description: "Reads one tenant of an environment. With a viewer token, `properties` are redacted in environments that obfuscate customer data.",
		attributes:  computedAttributes(spec.attributes),
	}
}
