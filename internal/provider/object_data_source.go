package provider

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// objectDataSource reads one object by the attributes that name it. It shares
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

var (
	_ datasource.DataSourceWithConfigure      = (*objectDataSource[permissionModel, *permissionModel, domain.Permission, *domain.Permission])(nil)
	_ datasource.DataSourceWithValidateConfig = (*objectDataSource[permissionModel, *permissionModel, domain.Permission, *domain.Permission])(nil)
)

func (d *objectDataSource[M, PM, T, PT]) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + d.spec.kind.Name
}

func (d *objectDataSource[M, PM, T, PT]) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	ri := d.spec.resourceIdentity()
	attrs := map[string]schema.Attribute{
		"id": schema.StringAttribute{MarkdownDescription: "`" + ri.idForm() + "`.", Computed: true},
	}
	for name, a := range d.attributes {
		attrs[name] = a
	}
	if ri.environmentScoped() {
		attrs["environment"] = schema.StringAttribute{
			MarkdownDescription: "Environment to read from. Defaults to the provider's `environment`.",
			Optional:            true,
			Computed:            true,
			Validators:          []validator.String{slugValidator},
		}
	}
	// The attributes that name the object are what the data source looks
	// it up by; ValidateConfig checks them.
	for _, a := range ri.keyAttributes() {
		doc := a.doc
		if a.name == "key" {
			doc = "Key of the " + d.spec.kind.Noun + "."
		}
		attrs[a.name] = schema.StringAttribute{MarkdownDescription: doc, Required: true}
	}
	resp.Schema = schema.Schema{MarkdownDescription: d.description, Attributes: attrs}
}

// ValidateConfig checks, at plan time, the attributes the object is looked
// up by with the kind's own Validate: a key no object of the kind can
// have is refused naming the attribute, by the backend's rule.
func (d *objectDataSource[M, PM, T, PT]) ValidateConfig(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	keys := d.spec.resourceIdentity().keyAttributes()
	values := make([]string, len(keys))
	given := map[string]bool{}
	for i, a := range keys {
		var v types.String
		resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root(a.name), &v)...)
		values[i] = v.ValueString()
		given[a.name] = !v.IsUnknown() && !v.IsNull()
	}
	obj := PT(new(T))
	obj.SetObjectKey(strings.Join(values, "/"))
	var problems domain.Problems
	for _, p := range obj.Validate() {
		if given[p.Field] {
			problems = append(problems, p)
		}
	}
	addDomainProblems(ctx, &resp.Diagnostics, req.Config.Raw, problems)
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
	ri := d.spec.resourceIdentity()
	if ri.environmentScoped() {
		_, names := PM(&m).naming()
		env, err := dataSourceEnvironment(d.data, *names[0])
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("environment"), "Environment not reachable with this API key", err.Error())
			return
		}
		*names[0] = types.StringValue(env)
	}
	name := modelName[M, PM](ri, &m)
	obj, err := d.spec.objectsOf(d.data).Get(ctx, name.environment(), name.key())
	if err != nil {
		addAPIError(&resp.Diagnostics, "Error reading "+name.describe(d.spec.kind), err, path.Empty())
		return
	}
	resp.Diagnostics.Append(d.spec.flatten(ctx, obj, &m)...)
	if d.spec.derive != nil && ri.environmentScoped() {
		set, diags := d.spec.derive(ctx, d.data, name.environment())
		if resp.Diagnostics.Append(diags...); !diags.HasError() {
			set(&m)
		}
	}
	setName[M, PM](&m, name)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
