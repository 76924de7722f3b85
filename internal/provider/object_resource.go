package provider

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"

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

// objectBase holds the attributes of every environment-scoped object.
type objectBase struct {
	ID          types.String `tfsdk:"id"`
	Environment types.String `tfsdk:"environment"`
	Key         types.String `tfsdk:"key"`
}

func (b *objectBase) base() *objectBase { return b }

// objectModel is implemented by every model that embeds objectBase.
type objectModel interface{ base() *objectBase }

// objectSpec describes one resource type of environment-scoped keyed
// objects: its schema and how its model maps to the API type. objectResource
// does the rest the same way for every kind.
type objectSpec[M, T any] struct {
	kind        domain.Kind
	description string
	keyDoc      string
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
	// planDestroy checks, at plan time, the destroy of an object.
	planDestroy func(ctx context.Context, data *providerData, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse)
	// validateWithDomain checks configurations at plan time with the
	// object's own Validate, so the errors are the backend's, word for
	// word, attached to the attributes at fault.
	validateWithDomain bool
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
	var keyValidators []validator.String
	if !r.spec.keyCheckedByDomain {
		keyValidators = []validator.String{keyValidator}
	}
	attrs := map[string]schema.Attribute{
		"id": schema.StringAttribute{
			MarkdownDescription: "`<environment>/<key>`, also the import id.",
			Computed:            true,
		},
		"environment": environmentAttribute(r.spec.kind.Noun),
		"key": schema.StringAttribute{
			MarkdownDescription: r.spec.keyDoc + " Changing it replaces the object.",
			Required:            true,
			Validators:          keyValidators,
			PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
		},
	}
	for name, a := range r.spec.attributes {
		attrs[name] = a
	}
	resp.Schema = schema.Schema{MarkdownDescription: r.spec.description, Attributes: attrs}
}

func (r *objectResource[M, PM, T, PT]) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataOf(req.ProviderData, &resp.Diagnostics)
}

func (r *objectResource[M, PM, T, PT]) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.data == nil {
		return
	}
	if req.Plan.Raw.IsNull() {
		if r.spec.planDestroy != nil {
			r.spec.planDestroy(ctx, r.data, req, resp)
		}
		return
	}
	var key types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("key"), &key)...)
	ok := resolveEnvironment(ctx, r.data, req, resp, func(env string) types.String {
		if key.IsUnknown() {
			return types.StringUnknown()
		}
		return types.StringValue(env + "/" + key.ValueString())
	})
	if !ok {
		return
	}
	claimInEnvironment(ctx, r.data, req, resp, r.spec.kind.Name, r.spec.kind.Noun, key, path.Root("key"), path.Root("key"))
	var env types.String
	resp.Diagnostics.Append(resp.Plan.GetAttribute(ctx, path.Root("environment"), &env)...)
	if !key.IsUnknown() {
		r.data.plan.planObject(r.spec.kind, env.ValueString(), key.ValueString())
	}
	if req.State.Raw.IsNull() && !key.IsUnknown() {
		r.checkNotCopied(ctx, env.ValueString(), key.ValueString(), resp)
	}
	r.checkReferences(ctx, env.ValueString(), req, resp)
	if r.spec.modifyPlan != nil && !resp.Diagnostics.HasError() {
		r.spec.modifyPlan(ctx, r.data, req, resp)
	}
}

// checkNotCopied refuses, at plan time, to create an object in an
// environment this plan creates with copy_from when the copy carries an
// object of the same key: the create would find it existing, and Arbor
// never takes an object over silently.
func (r *objectResource[M, PM, T, PT]) checkNotCopied(ctx context.Context, env, key string, resp *resource.ModifyPlanResponse) {
	created, ok := r.data.plan.plannedEnvironment(env)
	if !ok || created.copyFrom == "" || !copiedKind(r.spec.kind) {
		return
	}
	copied := r.data.objectExists(ctx, r.spec.kind, created.copyFrom, key, &resp.Diagnostics)
	if copied && r.spec.kind == domain.KindWorkflow {
		// Workflows born in production are left out of a copy.
		head, known := workflowIn(ctx, r.data, created.copyFrom, key, &resp.Diagnostics)
		copied = known && head != nil && head.OriginEnvironment != domain.Production
	}
	if !copied || resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.AddAttributeError(path.Root("key"), fmt.Sprintf("Error planning %s %q in environment %s", r.spec.kind.Noun, key, env),
		fmt.Sprintf("Environment %s is created by this plan with copy_from = %q, which copies %s %q into it, so creating it here would find it already there, and Arbor never takes over an existing object silently. "+
			"Leave it to the copy (remove this resource, or import it after the apply to manage it here), or create %s without copy_from.",
			env, created.copyFrom, r.spec.kind.Noun, key, env))
}

// copiedKind reports whether copy_from copies objects of kind: those of
// the configuration document.
func copiedKind(kind domain.Kind) bool {
	for _, s := range domain.ConfigSections {
		if s.Kind == kind {
			return true
		}
	}
	return false
}

// checkReferences refuses, at plan time, the planned object's references
// to objects that neither exist nor are created by this plan.
func (r *objectResource[M, PM, T, PT]) checkReferences(ctx context.Context, env string, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	var m M
	if diags := req.Plan.Get(ctx, &m); diags.HasError() {
		// A whole nested value is unknown: the backend judges it at apply.
		return
	}
	obj, diags := r.spec.expand(ctx, &m)
	if diags.HasError() {
		return
	}
	known := func(field string) bool { return knownAlong(req.Plan.Raw, path.Root(field)) }
	// Channel references are judged with their channel type, by the
	// kind's own plan hook (checkChannelUses), as the backend does.
	refs := slices.DeleteFunc(PT(obj).References(), func(ref domain.Ref) bool { return ref.Kind == domain.KindChannel })
	r.data.checkReferences(ctx, env, refs, known, &resp.Diagnostics)
}

func (r *objectResource[M, PM, T, PT]) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	if !r.spec.validateWithDomain {
		return
	}
	var m M
	if diags := req.Config.Get(ctx, &m); diags.HasError() {
		// A whole nested value is unknown: the backend judges it at apply.
		return
	}
	obj, diags := r.spec.expand(ctx, &m)
	if diags.HasError() {
		return
	}
	PT(obj).SetObjectKey(PM(&m).base().Key.ValueString())
	addDomainProblems(ctx, &resp.Diagnostics, req.Config.Raw, PT(obj).Validate())
}

func (r *objectResource[M, PM, T, PT]) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan M
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	b := PM(&plan).base()
	env, key := b.Environment.ValueString(), b.Key.ValueString()
	obj, diags := r.spec.expand(ctx, &plan)
	resp.Diagnostics.Append(diags...)
	if r.spec.expandWriteOnly != nil && !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(r.spec.expandWriteOnly(ctx, req.Config, nil, obj)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	out, err := r.objects().Put(ctx, env, key, obj, client.Cond{CreateOnly: true})
	if err != nil {
		summary := fmt.Sprintf("Error creating %s %q in environment %s", r.spec.kind.Noun, key, env)
		if client.StatusOf(err) == http.StatusPreconditionFailed {
			resp.Diagnostics.AddAttributeError(path.Root("key"), summary,
				fmt.Sprintf("%s %q already exists in environment %s. Arbor never takes over an existing object silently: import it (terraform import %s %s/%s, or an import block) to manage it, or choose another key.",
					r.spec.kind.Noun, key, env, "arbor_"+r.spec.kind.Name+".<name>", env, key))
			return
		}
		addAPIError(&resp.Diagnostics, summary, err, path.Empty())
		return
	}
	resp.Diagnostics.Append(r.record(ctx, out, &plan, resp.Private, &resp.State)...)
	resp.Diagnostics.Append(r.recordIdentity(ctx, &plan, resp.Identity)...)
}

// record copies an object the backend returned into the model, and the
// model into state; the object's version goes to private state, for the
// If-Match of the next write.
func (r *objectResource[M, PM, T, PT]) record(ctx context.Context, out *T, m *M, private privateStateWriter, state *tfsdk.State) diag.Diagnostics {
	diags := r.spec.flatten(ctx, out, m)
	b := PM(m).base()
	b.ID = types.StringValue(b.Environment.ValueString() + "/" + b.Key.ValueString())
	if r.spec.derive != nil {
		set, d := r.spec.derive(ctx, r.data, b.Environment.ValueString())
		if diags.Append(d...); !d.HasError() {
			set(m)
		}
	}
	diags.Append(setVersion(ctx, private, PT(out).GetMeta().Version)...)
	diags.Append(state.Set(ctx, m)...)
	return diags
}

func (r *objectResource[M, PM, T, PT]) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	objectIdentity.identitySchema(resp)
}

func (r *objectResource[M, PM, T, PT]) recordIdentity(ctx context.Context, m *M, identity *tfsdk.ResourceIdentity) diag.Diagnostics {
	b := PM(m).base()
	return objectIdentity.set(ctx, identity, b.Environment.ValueString(), b.Key.ValueString())
}

func (r *objectResource[M, PM, T, PT]) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state M
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	b := PM(&state).base()
	env, key := b.Environment.ValueString(), b.Key.ValueString()
	out, err := r.objects().Get(ctx, env, key)
	if client.IsNotFound(err) {
		tflog.Warn(ctx, "object no longer exists; removing it from state so it is planned for creation", map[string]any{"kind": r.spec.kind.Name, "environment": env, "key": key})
		objectIdentity.removeResource(ctx, resp, env, key)
		return
	}
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Error reading %s %q in environment %s", r.spec.kind.Noun, key, env), err, path.Empty())
		return
	}
	resp.Diagnostics.Append(r.record(ctx, out, &state, resp.Private, &resp.State)...)
	resp.Diagnostics.Append(r.recordIdentity(ctx, &state, resp.Identity)...)
}

func (r *objectResource[M, PM, T, PT]) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan M
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	b := PM(&plan).base()
	env, key := b.Environment.ValueString(), b.Key.ValueString()
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
	out, err := r.objects().Put(ctx, env, key, obj, client.Cond{Version: version})
	if err != nil {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Error updating %s %q in environment %s", r.spec.kind.Noun, key, env), err, path.Empty())
		return
	}
	resp.Diagnostics.Append(r.record(ctx, out, &plan, resp.Private, &resp.State)...)
	resp.Diagnostics.Append(r.recordIdentity(ctx, &plan, resp.Identity)...)
}

func (r *objectResource[M, PM, T, PT]) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state M
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	version, diags := getVersion(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	b := PM(&state).base()
	env, key := b.Environment.ValueString(), b.Key.ValueString()
	err := r.objects().Delete(ctx, env, key, client.Cond{Version: version})
	if err != nil && !client.IsNotFound(err) {
		addAPIError(&resp.Diagnostics, fmt.Sprintf("Error deleting %s %q in environment %s", r.spec.kind.Noun, key, env), err, path.Empty())
	}
}

func (r *objectResource[M, PM, T, PT]) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id, diags := objectIdentity.importID(ctx, req)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	parts, ok := splitImportID(id, 1, r.data)
	if !ok {
		resp.Diagnostics.AddError("Invalid import id",
			fmt.Sprintf("Expected <environment>/<key> or <key> (in the provider's environment), got %q.", id))
		return
	}
	env, key := parts[0], parts[1]
	if msg := domain.CheckKey(key); msg != "" && !r.spec.keyCheckedByDomain {
		resp.Diagnostics.AddError("Invalid import id", fmt.Sprintf("key %q %s.", key, msg))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("environment"), env)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("key"), key)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), env+"/"+key)...)
}

// The version of the object last read is kept in private state and sent as
// If-Match, so a change made after terraform plan is refused (412) rather
// than overwritten.
const versionKey = "version"

type privateState interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}

type privateStateWriter interface {
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

func setVersion(ctx context.Context, p privateStateWriter, version int64) diag.Diagnostics {
	return p.SetKey(ctx, versionKey, []byte(strconv.FormatInt(version, 10)))
}

// getVersion returns the version last read, or 0 when unknown (state
// written by an older provider), in which case writes are unconditional.
func getVersion(ctx context.Context, p privateState) (int64, diag.Diagnostics) {
	raw, diags := p.GetKey(ctx, versionKey)
	if len(raw) == 0 {
		return 0, diags
	}
	v, err := strconv.ParseInt(string(raw), 10, 64)
	if err != nil {
		diags.AddError("Corrupt private state", fmt.Sprintf("version %q is not a number", raw))
	}
	return v, diags
}
