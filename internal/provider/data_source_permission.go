package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/datasource"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

var _ datasource.DataSourceWithConfigure = (*objectDataSource[permissionModel, *permissionModel, domain.Permission, *domain.Permission])(nil)

func newPermissionDataSource() datasource.DataSource {
	spec := permissionSpec()
	return &objectDataSource[permissionModel, *permissionModel, domain.Permission, *domain.Permission]{
		spec:        spec,
		description: "Reads one permission of an environment.",
		attributes:  computedAttributes(spec.attributes),
	}
}
