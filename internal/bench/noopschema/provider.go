// Package noopschema serves every resource schema of the Arbor provider,
// taken from the provider itself, with none of Arbor's code behind it: no
// I/O, no plan-time checks beyond the schema's own validators, defaults and
// plan modifiers. Measured beside the plain no-op provider
// (internal/bench/noopprovider) and Arbor, it splits what Arbor costs on top
// of the floor into the share its schemas cost in Terraform and the
// framework, and the share of Arbor's own code and backend. Because the
// schemas are the provider's, they cannot drift from what Arbor serves.
package noopschema

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	resourceschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
	arbor "github.com/arborhq/terraform-provider-arbor/internal/provider"
	"github.com/arborhq/terraform-provider-arbor/internal/version"
)

// Address is the provider's source address; its binary is
// terraform-provider-noopschema.
const Address = "registry.terraform.io/arborhq/noopschema"

// TypeName is the provider's type name, the prefix of its resource types:
// noopschema_permission has arbor_permission's schema.
const TypeName = "noopschema"

var (
	_ provider.Provider                   = (*noopSchemaProvider)(nil)
	_ resource.ResourceWithModifyPlan     = (*mirrorResource)(nil)
	_ resource.ResourceWithIdentity       = (*mirrorResource)(nil)
	_ resource.ResourceWithImportState    = (*mirrorResource)(nil)
	_ resource.ResourceWithConfigure      = (*mirrorResource)(nil)
	_ resource.ResourceWithValidateConfig = (*mirrorResource)(nil)
)

// New returns the provider.
func New() provider.Provider { return &noopSchemaProvider{} }

type noopSchemaProvider struct{}

func (p *noopSchemaProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = TypeName
}

func (p *noopSchemaProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{MarkdownDescription: "The Arbor provider's resource schemas, kept only in Terraform's state: a benchmark floor."}
}

func (p *noopSchemaProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

// Resources mirror every resource of the Arbor provider, one for one.
func (p *noopSchemaProvider) Resources(ctx context.Context) []func() resource.Resource {
	var out []func() resource.Resource
	for _, newArbor := range arbor.New(version.Version)().Resources(ctx) {
		out = append(out, func() resource.Resource { return mirror(ctx, newArbor()) })
	}
	return out
}

func (p *noopSchemaProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }

// mirrorResource has one Arbor resource's schema and identity schema and
// keeps what it is given in Terraform's state and nowhere else.
type mirrorResource struct {
	name     string
	schema   resourceschema.Schema
	identity *resource.IdentitySchemaResponse
}

// mirror copies what Terraform sees of r: its type name after the
// provider's, its schema and its identity schema.
func mirror(ctx context.Context, r resource.Resource) *mirrorResource {
	var meta resource.MetadataResponse
	r.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "arbor"}, &meta)
	var s resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &s)
	m := &mirrorResource{name: strings.TrimPrefix(meta.TypeName, "arbor_"), schema: s.Schema}
	if withIdentity, ok := r.(resource.ResourceWithIdentity); ok {
		m.identity = &resource.IdentitySchemaResponse{}
		withIdentity.IdentitySchema(ctx, resource.IdentitySchemaRequest{}, m.identity)
	}
	return m
}

func (r *mirrorResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + r.name
}

func (r *mirrorResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = r.schema
}

func (r *mirrorResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	if r.identity != nil {
		*resp = *r.identity
	}
}

func (r *mirrorResource) Configure(context.Context, resource.ConfigureRequest, *resource.ConfigureResponse) {
}

// ValidateConfig is there because Arbor's resources have one: the
// framework then calls the provider for every validation, as for Arbor.
func (r *mirrorResource) ValidateConfig(context.Context, resource.ValidateConfigRequest, *resource.ValidateConfigResponse) {
}

// ModifyPlan plans the environment and the id as every environment-scoped
// Arbor resource does: the environment defaults to development, the id is
// <environment>/<key>, and a change of environment replaces the object.
func (r *mirrorResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || !r.has("environment") {
		return
	}
	var env types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("environment"), &env)...)
	if env.IsNull() {
		env = types.StringValue(domain.Development)
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("environment"), env)...)
	if r.has("key") && r.has("id") {
		var key types.String
		resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("key"), &key)...)
		id := types.StringUnknown()
		if !env.IsUnknown() && !key.IsUnknown() {
			id = types.StringValue(env.ValueString() + "/" + key.ValueString())
		}
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("id"), id)...)
	}
	if !req.State.Raw.IsNull() {
		var prior types.String
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("environment"), &prior)...)
		if !prior.IsNull() && prior.ValueString() != env.ValueString() {
			resp.RequiresReplace = append(resp.RequiresReplace, path.Root("environment"))
		}
	}
}

func (r *mirrorResource) has(attribute string) bool {
	_, ok := r.schema.Attributes[attribute]
	return ok
}

func (r *mirrorResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	r.keep(ctx, req.Plan.Raw, &resp.State, resp.Identity, &resp.Diagnostics)
}

func (r *mirrorResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	r.keep(ctx, req.State.Raw, &resp.State, resp.Identity, &resp.Diagnostics)
}

func (r *mirrorResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	r.keep(ctx, req.Plan.Raw, &resp.State, resp.Identity, &resp.Diagnostics)
}

func (r *mirrorResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}

func (r *mirrorResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resource.ImportStatePassthroughID(ctx, path.Root("id"), req, resp)
}

// keep records planned as the new state, with the values only an apply
// would know (computed attributes Arbor's backend fills in) left null, and
// the identity taken from the attributes of the same names.
func (r *mirrorResource) keep(ctx context.Context, planned tftypes.Value, state *tfsdk.State, identity *tfsdk.ResourceIdentity, diags *diag.Diagnostics) {
	known, err := tftypes.Transform(planned, func(_ *tftypes.AttributePath, v tftypes.Value) (tftypes.Value, error) {
		if !v.IsKnown() {
			return tftypes.NewValue(v.Type(), nil), nil
		}
		return v, nil
	})
	if err != nil {
		diags.AddError("Recording the no-op object", err.Error())
		return
	}
	state.Raw = known
	if identity == nil || r.identity == nil {
		return
	}
	for name := range r.identity.IdentitySchema.Attributes {
		var v types.String
		if _, ok := r.schema.Attributes[name]; !ok {
			continue
		}
		if d := state.GetAttribute(ctx, path.Root(name), &v); d.HasError() {
			diags.AddError("Recording the no-op object's identity", fmt.Sprintf("attribute %s: %v", name, d))
			return
		}
		if d := identity.SetAttribute(ctx, path.Root(name), v); d.HasError() {
			diags.AddError("Recording the no-op object's identity", fmt.Sprintf("attribute %s: %v", name, d))
			return
		}
	}
}
