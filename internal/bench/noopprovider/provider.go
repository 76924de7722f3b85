// Package noopprovider is the floor every plugin provider pays: a
// terraform-plugin-framework provider with one resource, noop_item (key and
// name), that does no I/O at all. The benchmark harness runs the same
// Terraform configurations against it and against Arbor, so whatever Arbor
// costs on top of it is Arbor's own; internal/bench/noopschema serves
// Arbor's schemas the same way, to tell how much of that is the schemas'.
package noopprovider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	resourceschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Address is the provider's source address; its binary is
// terraform-provider-noop.
const Address = "registry.terraform.io/arborhq/noop"

var (
	_ provider.Provider = (*noopProvider)(nil)
	_ resource.Resource = (*itemResource)(nil)
)

// New returns the provider factory.
func New() provider.Provider { return &noopProvider{} }

type noopProvider struct{}

func (p *noopProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "noop"
}

func (p *noopProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{MarkdownDescription: "A provider that stores nothing anywhere: the benchmark floor."}
}

func (p *noopProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

func (p *noopProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		func() resource.Resource { return &itemResource{} },
	}
}

func (p *noopProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }

// itemResource keeps what it is given in Terraform's state and nowhere else.
type itemResource struct{}

type itemModel struct {
	Key  types.String `tfsdk:"key"`
	Name types.String `tfsdk:"name"`
}

func (r *itemResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_item"
}

func (r *itemResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = resourceschema.Schema{
		MarkdownDescription: "An item that exists only in Terraform's state.",
		Attributes: map[string]resourceschema.Attribute{
			"key": resourceschema.StringAttribute{
				MarkdownDescription: "Identifier. Changing it replaces the item.",
				Required:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"name": resourceschema.StringAttribute{
				MarkdownDescription: "Display name.",
				Required:            true,
			},
		},
	}
}

func (r *itemResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan itemModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *itemResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state itemModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *itemResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan itemModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *itemResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}
