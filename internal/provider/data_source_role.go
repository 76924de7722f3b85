package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/datasource"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

var (
	_ datasource.DataSourceWithConfigure = (*objectDataSource[roleModel, *roleModel, domain.Role, *domain.Role])(nil)
)

func newRoleDataSource() datasource.DataSource {
	spec := roleSpec()
	return &objectDataSource[roleModel, *roleModel, domain.Role, *domain.Role]{
		spec:        spec,
		description: "Reads one role of an environment and the permissions it grants.",
		attributes:  computedAttributes(spec.attributes),
	}
}
