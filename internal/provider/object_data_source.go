package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// objectDataSource reads one environment-scoped object by key. It shares
// the model and flatten function of the kind's resource, so a data source
// and a resource of the same object always agree.
type objectDataSource[M any, PM interface {
	*M
	objectModel
}, T any, PT domain.ObjectPtr[T]] struct {
	spec        *objectSpec[M, T]
	description string
	attributes  map[string]schema.Attribute
	data        *providerData
}

// dataSourceOf is the data source of a kind that reads what its
// resource's spec writes: the resource's attributes, all computed, less
// those that are secret.
func dataSourceOf[M any, PM interface {
	*M
	objectModel
}, T any, PT domain.ObjectPtr[T]](spec *objectSpec[M, T], description string) datasource.DataSource {
	return &objectDataSource[M, PM, T, PT]{spec: spec, description: description, attributes: computedAttributes(spec.attributes)}
}

// secretFreeDataSource is the data source of a kind whose resource model holds
// secrets that data sources never hold: its own model M, with attributes
// and flatten of its own.
func secretFreeDataSource[M any, PM interface {
	*M
	objectModel
}, T any, PT domain.ObjectPtr[T]](kind domain.Kind, description string, attributes map[string]schema.Attribute, flatten func(ctx context.Context, obj *T, m *M) diag.Diagnostics) datasource.DataSource {
	return &objectDataSource[M, PM, T, PT]{spec: &objectSpec[M, T]{kind: kind, flatten: flatten}, description: description, attributes: attributes}
}

var _ datasource.DataSourceWithConfigure = (*objectDataSource[permissionModel, *permissionModel, domain.Permission, *domain.Permission])(nil)

func (d *objectDataSource[M, PM, T, PT]) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + d.spec.kind.Name
}

func (d *objectDataSource[M, PM, T, PT]) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := map[string]schema.Attribute{
		"id": schema.StringAttribute{MarkdownDescription: "`<environment>/<key>`.", Computed: true},
		"environment": schema.StringAttribute{
			MarkdownDescription: "Environment to read from. Defaults to the provider's `environment`.",
			Optional:            true,
			Computed:            true,
			Validators:          []validator.String{slugValidator},
		},
		"key": schema.StringAttribute{MarkdownDescription: "Key of the " + d.spec.kind.Noun + ".", Required: true},
	}
	for name, a := range d.attributes {
		attrs[name] = a
	}
	resp.Schema = schema.Schema{MarkdownDescription: d.description, Attributes: attrs}
}

func (d *objectDataSource[M, PM, T, PT]) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = providerDataOf(req.ProviderData, &resp.Diagnostics)
}

func (d *objectDataSource[M, PM, T, PT]) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m M
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	b := PM(&m).base()
	env, err := dataSourceEnvironment(d.data, b.Environment)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("environment"), "Environment not reachable with this API key", err.Error())
		return
	}
	key := b.Key.ValueString()
	obj, err := d.spec.objectsOf(d.data).Get(ctx, env, key)
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Error reading %s %q in environment %s", d.spec.kind.Noun, key, env), err, path.Empty())
		return
	}
	resp.Diagnostics.Append(d.spec.flatten(ctx, obj, &m)...)
	if d.spec.derive != nil {
		set, diags := d.spec.derive(ctx, d.data, env)
		if resp.Diagnostics.Append(diags...); !diags.HasError() {
			set(&m)
		}
	}
	b.Environment = types.StringValue(env)
	b.ID = types.StringValue(env + "/" + key)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
