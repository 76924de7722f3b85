package provider

import (
	"context"
	"fmt"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/arborhq/terraform-provider-arbor/internal/api"
	"github.com/arborhq/terraform-provider-arbor/internal/client"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// List resources (Terraform 1.14 and later): `terraform query` lists an
// environment's objects, and `-generate-config-out` writes configuration
// and import blocks for them. Every resource that names objects has one of
// the same type name: the provider offers one for each resource that
// implements listableResource (ListResources walks Resources), and
// TestListResources_everyResourceThatNamesObjects checks none is left out.

// listableResource is a resource whose objects a list resource finds.
type listableResource interface {
	listResource() list.ListResource
}

// queryFilter is a filter attribute of a list resource: the listing's query
// parameter of the same name.
type queryFilter struct {
	name string
	doc  string
	// boolean filters are true/false; the others strings.
	boolean bool
	// refersTo names the kind of object a string filter names, which must
	// exist (an environment when nil and environment is set).
	refersTo    *domain.Kind
	environment bool
}

var keyPrefixFilter = queryFilter{name: api.QueryKeyPrefix, doc: "Only objects whose key starts with this prefix, such as `billing.`."}

// versionedListFilters are the filters of every versioned kind's list
// resource, after the key prefix.
func versionedListFilters(noun string) []queryFilter {
	return []queryFilter{
		keyPrefixFilter,
		{name: api.QueryOriginEnvironment, environment: true,
			doc: "Only " + noun + "s created in this environment (their `origin_environment`), such as `production` for the " + noun + "s born there, which a team adopting them brings under code there."},
		{name: api.QueryActive, boolean: true, doc: "Only active (`true`) or inactive (`false`) " + noun + "s."},
	}
}

var roleAssignmentListFilters = []queryFilter{
	{name: api.QueryIdentityKey, refersTo: &domain.KindIdentity, doc: "Only the assignments of this identity."},
	{name: api.QueryRoleKey, refersTo: &domain.KindRole, doc: "Only the assignments of this role."},
	{name: api.QueryNodeKey, refersTo: &domain.KindHierarchyNode, doc: "Only the assignments at this hierarchy node."},
}

// schemaAttribute is the filter's attribute in a list block.
func (f queryFilter) schemaAttribute() listschema.Attribute {
	if f.boolean {
		return listschema.BoolAttribute{MarkdownDescription: f.doc, Optional: true}
	}
	var validators []validator.String
	switch {
	case f.environment:
		validators = []validator.String{slugValidator}
	case f.refersTo != nil:
		validators = []validator.String{keyValidator}
	}
	return listschema.StringAttribute{MarkdownDescription: f.doc, Optional: true, Validators: validators}
}

// listQuery is what one list block asks for: the environment ("" for the
// account's objects) and the listing's query parameters.
type listQuery struct {
	environment string
	filter      url.Values
}

// readListQuery reads a list block's environment and filters, and refuses
// an environment or a filter value that names nothing, naming it: a query
// for a misspelt environment or role answers nothing, which a user would
// take for "there is nothing to adopt".
func readListQuery(ctx context.Context, data *providerData, config tfsdk.Config, environmentScoped bool, filters []queryFilter) (listQuery, diag.Diagnostics) {
	var diags diag.Diagnostics
	q := listQuery{filter: url.Values{}}
	if environmentScoped {
		var env types.String
		diags.Append(config.GetAttribute(ctx, path.Root("environment"), &env)...)
		resolved, err := dataSourceEnvironment(data, env)
		if err != nil {
			diags.AddAttributeError(path.Root("environment"), "Environment not reachable with this API key", err.Error())
			return q, diags
		}
		q.environment = resolved
		checkNamed("environment", "environment", resolved, func() error {
			_, err := data.client.Environment(ctx, resolved)
			return err
		}, &diags)
	}
	for _, f := range filters {
		if f.boolean {
			var v types.Bool
			diags.Append(config.GetAttribute(ctx, path.Root(f.name), &v)...)
			if !v.IsNull() && !v.IsUnknown() {
				q.filter.Set(f.name, strconv.FormatBool(v.ValueBool()))
			}
			continue
		}
		var v types.String
		diags.Append(config.GetAttribute(ctx, path.Root(f.name), &v)...)
		if v.IsNull() || v.IsUnknown() || v.ValueString() == "" {
			continue
		}
		value := v.ValueString()
		q.filter.Set(f.name, value)
		switch {
		case f.environment:
			checkNamed(f.name, "environment", value, func() error {
				_, err := data.client.Environment(ctx, value)
				return err
			}, &diags)
		case f.refersTo != nil:
			kind := *f.refersTo
			checkNamed(f.name, kind.Noun, value, func() error {
				_, err := client.Objects[struct{}](data.client, kind).Get(ctx, q.environment, value)
				return err
			}, &diags)
		}
	}
	return q, diags
}

// checkNamed adds an error on attribute when get finds no noun called
// value, and the API's error when it fails otherwise.
func checkNamed(attribute, noun, value string, get func() error, diags *diag.Diagnostics) {
	err := get()
	switch {
	case err == nil:
	case client.IsNotFound(err):
		where := ""
		if noun != "environment" && noun != domain.KindIdentity.Noun {
			where = " in this environment"
		}
		diags.AddAttributeError(path.Root(attribute), "Error listing: "+attribute+" names nothing",
			fmt.Sprintf("%s: %s %q does not exist%s (or this api_key cannot read it). Name one that exists; `terraform query` would otherwise find nothing to adopt.", attribute, noun, value, where))
	default:
		addAPIError(diags, fmt.Sprintf("Error reading %s %q", noun, value), err, path.Root(attribute))
	}
}

// listSchema is the schema of a list block: environment (for objects of
// an environment) and the filters.
func listSchema(noun string, environmentScoped bool, filters []queryFilter) listschema.Schema {
	attrs := map[string]listschema.Attribute{}
	if environmentScoped {
		attrs["environment"] = listschema.StringAttribute{
			MarkdownDescription: "Environment whose " + noun + "s are listed. Default: the provider's `environment`.",
			Optional:            true,
			Validators:          []validator.String{slugValidator},
		}
	}
	for _, f := range filters {
		attrs[f.name] = f.schemaAttribute()
	}
	return listschema.Schema{
		MarkdownDescription: "Lists " + noun + "s, in key order, for `terraform query` (Terraform 1.14 and later): each result is the " + noun +
			"'s identity, its name, and with `include_resource` the whole resource. `terraform query -generate-config-out=FILE` writes a resource and an import block for each, which plan as imports only. " +
			"The `limit` of the `list` block (default 100) caps the results; every page of the backend's listing is read up to it.",
		Attributes: attrs,
	}
}

// objectListResource lists the objects of one keyed kind, through the
// same spec (flatten, derive, identity) as its resource, so a result is
// what importing the object records.
type objectListResource[M any, PM interface {
	*M
	objectModel
}, T any, PT domain.ObjectPtr[T]] struct {
	spec *objectSpec[M, T]
	data *providerData
}

var _ list.ListResourceWithConfigure = (*objectListResource[permissionModel, *permissionModel, domain.Permission, *domain.Permission])(nil)

func (r *objectResource[M, PM, T, PT]) listResource() list.ListResource {
	return &objectListResource[M, PM, T, PT]{spec: r.spec}
}

// listFilters are the spec's filters: its own, else the key prefix.
func (s *objectSpec[M, T]) listFiltersOrDefault() []queryFilter {
	if s.listFilters != nil {
		return s.listFilters
	}
	return []queryFilter{keyPrefixFilter}
}

func (l *objectListResource[M, PM, T, PT]) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + l.spec.kind.Name
}

func (l *objectListResource[M, PM, T, PT]) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	l.data = providerDataOf(req.ProviderData, &resp.Diagnostics)
}

func (l *objectListResource[M, PM, T, PT]) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listSchema(l.spec.kind.Noun, l.spec.resourceIdentity().environmentScoped(), l.spec.listFiltersOrDefault())
}

func (l *objectListResource[M, PM, T, PT]) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	ri := l.spec.resourceIdentity()
	q, diags := readListQuery(ctx, l.data, req.Config, ri.environmentScoped(), l.spec.listFiltersOrDefault())
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	objects, err := l.spec.objectsOf(l.data).ListUpTo(ctx, q.environment, q.filter, int(req.Limit))
	if err != nil {
		addAPIError(&diags, fmt.Sprintf("Error listing %ss%s", l.spec.kind.Noun, inEnvironment(q.environment)), err, path.Empty())
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	var derived func(m *M)
	if l.spec.derive != nil && ri.environmentScoped() && req.IncludeResource {
		set, d := l.spec.derive(ctx, l.data, q.environment)
		if diags.Append(d...); d.HasError() {
			stream.Results = list.ListResultsStreamDiagnostics(diags)
			return
		}
		derived = set
	}
	stream.Results = func(push func(list.ListResult) bool) {
		for i := range objects {
			obj := &objects[i]
			key := PT(obj).ObjectKey()
			values := strings.Split(key, "/")
			if ri.environmentScoped() {
				values = append([]string{q.environment}, values...)
			}
			name := ri.nameOf(values)
			result := req.NewListResult(ctx)
			result.DisplayName = displayName(obj, key)
			result.Diagnostics.Append(ri.set(ctx, result.Identity, values...)...)
			if req.IncludeResource {
				var m M
				result.Diagnostics.Append(l.spec.flatten(ctx, obj, &m)...)
				if derived != nil {
					derived(&m)
				}
				setName[M, PM](&m, name)
				result.Diagnostics.Append(result.Resource.Set(ctx, &m)...)
			}
			if !push(result) {
				return
			}
		}
	}
}

// inEnvironment is " in environment <env>", or "" for the account.
func inEnvironment(env string) string {
	if env == "" {
		return ""
	}
	return " in environment " + env
}

// displayName is an object's name where its kind has one (most do: a
// field Name), else its key; a role assignment's says who holds what where.
func displayName(obj any, key string) string {
	if a, ok := obj.(*domain.RoleAssignment); ok {
		return fmt.Sprintf("%s as %s at %s", a.IdentityKey, a.RoleKey, a.NodeKey)
	}
	v := reflect.ValueOf(obj).Elem()
	if f := v.FieldByName("Name"); f.IsValid() && f.Kind() == reflect.String && f.String() != "" {
		return f.String()
	}
	return key
}

// environmentListResource lists the account's environments.
type environmentListResource struct {
	data *providerData
}

var _ list.ListResourceWithConfigure = (*environmentListResource)(nil)

func (r *environmentResource) listResource() list.ListResource { return &environmentListResource{} }

func (l *environmentListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_environment"
}

func (l *environmentListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	l.data = providerDataOf(req.ProviderData, &resp.Diagnostics)
}

func (l *environmentListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listSchema("environment", false, nil)
}

func (l *environmentListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	envs, err := l.data.client.Environments(ctx)
	if err != nil {
		var diags diag.Diagnostics
		addAPIError(&diags, "Error listing environments", err, path.Empty())
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	// Key order, as every list resource gives its results (the backend
	// lists environments in promotion order), so names generated from them
	// are the same from one query to the next.
	slices.SortFunc(envs, func(a, b domain.Environment) int { return strings.Compare(a.Slug, b.Slug) })
	if req.Limit > 0 && int64(len(envs)) > req.Limit {
		envs = envs[:req.Limit]
	}
	stream.Results = func(push func(list.ListResult) bool) {
		for _, env := range envs {
			result := req.NewListResult(ctx)
			result.DisplayName = env.Name
			result.Diagnostics.Append(environmentResourceIdentity.set(ctx, result.Identity, env.Slug)...)
			if req.IncludeResource {
				// What importing the environment records.
				m := environmentModel{
					ForceDestroy:         types.BoolValue(false),
					CopyFrom:             types.StringNull(),
					CopiedClientSecrets:  types.MapNull(types.StringType),
					CopiedSigningSecrets: types.MapNull(types.StringType),
					CopyNeeds:            types.ListNull(copyNeedType),
				}
				flattenEnvironment(env, &m)
				result.Diagnostics.Append(result.Resource.Set(ctx, &m)...)
			}
			if !push(result) {
				return
			}
		}
	}
}
