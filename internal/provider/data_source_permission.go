package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

var _ datasource.DataSourceWithConfigure = (*objectDataSource[permissionModel, *permissionModel, domain.Permission, *domain.Permission])(nil)

func newPermissionDataSource() datasource.DataSource {
	spec := permissionSpec()
	return &objectDataSource[permissionModel, *permissionModel, domain.Permission, *domain.Permission]{
		spec:        spec,
		description: "Reads one permission of an environment.",
		attributes: map[string]schema.Attribute{
			"name":        schema.StringAttribute{MarkdownDescription: "Display name.", Computed: true},
			"description": schema.StringAttribute{MarkdownDescription: "Free-text description.", Computed: true},
		},
	}
}
