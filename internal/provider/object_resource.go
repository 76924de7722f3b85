package provider

import (
	"context"
	"fmt"
	"net/http"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/arborhq/terraform-provider-arbor/internal/client"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// objectBase holds the attributes that name an environment-scoped keyed
// object: models of such objects embed it.
type objectBase struct {
	ID          types.String `tfsdk:"id"`
	Environment types.String `tfsdk:"environment"`
	Key         types.String `tfsdk:"key"`
}

func (b *objectBase) naming() (*types.String, []*types.String) {
	return &b.ID, []*types.String{&b.Environment, &b.Key}
}

// objectModel is what the generic resource and data sources read and
// write of a model: its id attribute, and the attributes that name its
// object, in the order of the resource's identity (objectSpec.identity).
type objectModel interface {
	naming() (id *types.String, names []*types.String)
}

// modelName is the name of the object a model holds.
func modelName[M any, PM interface {
	*M
	objectModel
}](ri resourceIdentity, m *M) objectName {
	_, fields := PM(m).naming()
	values := make([]string, len(fields))
	for i, f := range fields {
		values[i] = f.ValueString()
	}
	return ri.nameOf(values)
}

// setName writes an object's name into a model: its naming attributes and
// its id.
func setName[M any, PM interface {
	*M
	objectModel
}](m *M, name objectName) {
	id, fields := PM(m).naming()
	for i, v := range name.values {
		*fields[i] = types.StringValue(v)
	}
	*id = types.StringValue(name.id())
}

// objectSpec describes one resource type of keyed objects: its schema and
// how its model maps to the API type. objectResource does the rest the
// same way for every kind.
type objectSpec[M, T any] struct {
	kind        domain.Kind
	description string
	keyDoc      string
	// identity lists the attributes that name one object, in the order
	// its id and import id join them with "/" (and the model's naming
	// returns them). Nil is objectIdentity: environment and key. Without
	// environmentIdentity first, the objects belong to the account: no
	// environment attribute, none in the id. The generic resource adds
	// `environment` and `key` where the identity has them; the other
	// attributes it names are the spec's own, and their values joined by
	// "/" are the object's key in the API.
	identity resourceIdentity
	// keyCheckedByDomain says the kind's key follows its own rule, which
	// the kind's Validate checks (set validateWithDomain too): the schema
	// and import then leave the key to it instead of the default key rule.
	keyCheckedByDomain bool
	attributes         map[string]schema.Attribute
	// expand builds the API object from a plan.
	expand func(ctx context.Context, m *M) (*T, diag.Diagnostics)
	// flatten copies an API object into a model.
	flatten func(ctx context.Context, obj *T, m *M) diag.Diagnostics
	// expandWriteOnly adds to obj the write-only arguments, which reach
	// the provider in the configuration only, never in plan or state.
	// prior is the state before an update, nil on create.
	expandWriteOnly func(ctx context.Context, config tfsdk.Config, prior *M, obj *T) diag.Diagnostics
	// modifyPlan adds the kind's plan-time checks; it runs after the
	// environment is resolved.
	modifyPlan func(ctx context.Context, data *providerData, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse)
	// derive reads, once per environment, what the attributes an object
	// does not store but takes from its environment need (a tenant's
	// effective branding), and returns how to set them on a model after
	// flatten: the resource and its data sources alike.
	derive func(ctx context.Context, data *providerData, env string) (func(m *M), diag.Diagnostics)
	// derivedPlanned reports whether a planned model's derived attributes
	// are known: a create or an update then records them as planned, the
	// values Terraform holds the apply to, and the next refresh derives
	// them again.
	derivedPlanned func(m *M) bool
	// planDestroy checks, at plan time, the destroy of an object.
	planDestroy func(ctx context.Context, data *providerData, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse)
	// presentedPerReader is set for kinds the backend presents according
	// to who reads them and the environment's settings (tenants'
	// properties, redacted for viewers under obfuscate_customer_data): one
	// version may read otherwise, so its state is always recorded again.
	presentedPerReader bool
	// validateWithDomain checks configurations at plan time with the
	// object's own Validate, so the errors are the backend's, word for
	// word, attached to the attributes at fault.
	validateWithDomain bool
	// listFilters are the filter attributes of the kind's list resource
	// (list_resource.go); nil is the key prefix alone.
	listFilters []queryFilter
}

type objectResource[M any, PM interface {
	*M
	objectModel
}, T any, PT domain.ObjectPtr[T]] struct {
	spec *objectSpec[M, T]
	data *providerData
}

func (s *objectSpec[M, T]) objectsOf(data *providerData) client.Collection[T] {
	return client.Objects[T](data.client, s.kind)
}

func (r *objectResource[M, PM, T, PT]) objects() client.Collection[T] {
	return r.spec.objectsOf(r.data)
}

func (r *objectResource[M, PM, T, PT]) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + r.spec.kind.Name
}

func (r *objectResource[M, PM, T, PT]) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	ri := r.spec.resourceIdentity()
	attrs := map[string]schema.Attribute{
		"id": schema.StringAttribute{
			MarkdownDescription: "`" + ri.idForm() + "`, also the import id.",
			Computed:            true,
		},
	}
	if ri.environmentScoped() {
		attrs["environment"] = environmentAttribute(r.spec.kind.Noun)
	}
	if ri.has("key") {
		var keyValidators []validator.String
		if !r.spec.keyCheckedByDomain {
			keyValidators = []validator.String{keyValidator}
		}
		attrs["key"] = schema.StringAttribute{
			MarkdownDescription: r.spec.keyDoc + " Changing it replaces the object.",
			Required:            true,
			Validators:          keyValidators,
			PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
		}
	}
	for name, a := range r.spec.attributes {
		attrs[name] = a
	}
	resp.Schema = schema.Schema{MarkdownDescription: r.spec.description, Attributes: attrs}
}

// resourceIdentity is the identity the spec names, objectIdentity unless it
// names its own.
func (s *objectSpec[M, T]) resourceIdentity() resourceIdentity {
	if s.identity == nil {
		return objectIdentity
	}
	return s.identity
}

func (r *objectResource[M, PM, T, PT]) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataOf(req.ProviderData, &resp.Diagnostics)
}

func (r *objectResource[M, PM, T, PT]) nameOf(m *M) objectName {
	return modelName[M, PM](r.spec.resourceIdentity(), m)
}

func (r *objectResource[M, PM, T, PT]) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan M
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := r.nameOf(&plan)
	obj, diags := r.spec.expand(ctx, &plan)
	resp.Diagnostics.Append(diags...)
	if r.spec.expandWriteOnly != nil && !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(r.spec.expandWriteOnly(ctx, req.Config, nil, obj)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	out, err := r.objects().Put(ctx, name.environment(), name.key(), obj, client.Cond{CreateOnly: true})
	if err != nil {
		summary := "Error creating " + name.describe(r.spec.kind)
		if client.StatusOf(err) == http.StatusPreconditionFailed {
			resp.Diagnostics.AddAttributeError(path.Root(name.identity.keyAttributes()[0].name), summary,
				fmt.Sprintf("%s %q already exists%s. Arbor never takes over an existing object silently: import it (terraform import %s %s, or an import block) to manage it, or choose another key.",
					upperFirst(r.spec.kind.Noun), name.key(), name.where(), "arbor_"+r.spec.kind.Name+".<name>", name.id()))
			return
		}
		addAPIError(&resp.Diagnostics, summary, err, path.Empty())
		return
	}
	resp.Diagnostics.Append(r.record(ctx, out, &plan, true, resp.Private, &resp.State, resp.Identity)...)
}

// record copies an object the backend returned into the model, and the
// model into state and its identity; the object's version goes to private
// state, for the If-Match of the next write. planned is set when m is the
// plan of a create or an update.
func (r *objectResource[M, PM, T, PT]) record(ctx context.Context, out *T, m *M, planned bool, private privateStateWriter, state *tfsdk.State, identity *tfsdk.ResourceIdentity) diag.Diagnostics {
	diags := r.spec.flatten(ctx, out, m)
	name := r.nameOf(m)
	setName[M, PM](m, name)
	keepPlanned := planned && r.spec.derivedPlanned != nil && r.spec.derivedPlanned(m)
	if r.spec.derive != nil && name.identity.environmentScoped() && !keepPlanned {
		set, d := r.spec.derive(ctx, r.data, name.environment())
		if diags.Append(d...); !d.HasError() {
			set(m)
		}
	}
	diags.Append(setRecordedBy(ctx, private, r.data, PT(out).GetMeta().Version)...)
	diags.Append(state.Set(ctx, m)...)
	diags.Append(name.identity.set(ctx, identity, name.values...)...)
	return diags
}

func (r *objectResource[M, PM, T, PT]) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	r.spec.resourceIdentity().identitySchema(resp)
}

func (r *objectResource[M, PM, T, PT]) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	// The naming attributes alone, not the whole state: an object
	// unchanged since it was recorded needs nothing else.
	ri := r.spec.resourceIdentity()
	values := make([]string, len(ri))
	for i, a := range ri {
		var v types.String
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root(a.name), &v)...)
		values[i] = v.ValueString()
	}
	name := ri.nameOf(values)
	recorded, diags := recordedRead(ctx, req.Private, r.data)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	read := r.objects().Get
	if recorded.version > 0 {
		read = r.objects().Refresh
	}
	out, err := read(ctx, name.environment(), name.key())
	if client.IsNotFound(err) {
		tflog.Warn(ctx, "object no longer exists; removing it from state so it is planned for creation", map[string]any{"kind": r.spec.kind.Name, "id": name.id()})
		name.identity.removeResource(ctx, resp, name.values...)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, "Error reading "+name.describe(r.spec.kind), err, path.Empty())
		return
	}
	if !r.spec.presentedPerReader && recorded.unchanged(PT(out).GetMeta().Version) {
		// The state is what recording this version would write again.
		resp.Diagnostics.Append(name.identity.set(ctx, resp.Identity, name.values...)...)
		return
	}
	var state M
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(r.record(ctx, out, &state, false, resp.Private, &resp.State, resp.Identity)...)
}

func (r *objectResource[M, PM, T, PT]) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan M
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := r.nameOf(&plan)
	obj, diags := r.spec.expand(ctx, &plan)
	resp.Diagnostics.Append(diags...)
	if r.spec.expandWriteOnly != nil && !resp.Diagnostics.HasError() {
		var prior M
		resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
		if !resp.Diagnostics.HasError() {
			resp.Diagnostics.Append(r.spec.expandWriteOnly(ctx, req.Config, &prior, obj)...)
		}
	}
	version, diags := getVersion(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	out, err := r.objects().Put(ctx, name.environment(), name.key(), obj, client.Cond{Version: version})
	if err != nil {
		addAPIError(&resp.Diagnostics, "Error updating "+name.describe(r.spec.kind), err, path.Empty())
		return
	}
	resp.Diagnostics.Append(r.record(ctx, out, &plan, true, resp.Private, &resp.State, resp.Identity)...)
}

func (r *objectResource[M, PM, T, PT]) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state M
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	version, diags := getVersion(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	name := r.nameOf(&state)
	err := r.objects().Delete(ctx, name.environment(), name.key(), client.Cond{Version: version})
	if err != nil && !client.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, "Error deleting "+name.describe(r.spec.kind), err, path.Empty())
	}
}

func (r *objectResource[M, PM, T, PT]) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	ri := r.spec.resourceIdentity()
	id, diags := ri.importID(ctx, req)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	name, diags := ri.parseImportID(id, r.data, !r.spec.keyCheckedByDomain)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	for i, a := range ri {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(a.name), name.values[i])...)
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), name.id())...)
}
