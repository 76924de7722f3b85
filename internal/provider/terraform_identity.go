package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// Terraform's resource identity (not arbor_identity, a person or a
// service): every resource has one, objectResource gives every keyed
// kind its own, and TestResourceIdentity_everyResource checks each
// resource the provider serves, so none is left out and no list of them
// is kept here.

// resourceIdentity is the identity of a resource type (Terraform 1.12 and
// later): the attributes that name one object, in the order its import id
// lists them. Every resource records its identity on create, read, update
// and import, so `import { identity = {…} }` finds the object without an id
// string, and imports by identity and by id go through one parser.
type resourceIdentity []identityAttribute

type identityAttribute struct {
	name string
	doc  string
	// optional attributes may be left out of an import block; only the
	// first may be, as an import id may leave out its first part.
	optional bool
}

// environmentIdentity is the first attribute of every environment-scoped
// resource's identity.
var environmentIdentity = identityAttribute{
	name:     "environment",
	doc:      "Environment of the object. Optional in an import block, where it defaults to the provider's `environment`.",
	optional: true,
}

// objectIdentity is the identity of the environment-scoped keyed objects.
var objectIdentity = resourceIdentity{
	environmentIdentity,
	{name: "key", doc: "Key of the object within its environment."},
}

func (ri resourceIdentity) schema() identityschema.Schema {
	attrs := make(map[string]identityschema.Attribute, len(ri))
	for _, a := range ri {
		attrs[a.name] = identityschema.StringAttribute{
			Description:       a.doc,
			RequiredForImport: !a.optional,
			OptionalForImport: a.optional,
		}
	}
	return identityschema.Schema{Attributes: attrs}
}

func (ri resourceIdentity) identitySchema(resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = ri.schema()
}

// set records the identity of the object whose attributes are values, in
// the order of ri. identity is nil where the resource has no identity in
// this call, and then nothing is recorded.
func (ri resourceIdentity) set(ctx context.Context, identity *tfsdk.ResourceIdentity, values ...string) diag.Diagnostics {
	var diags diag.Diagnostics
	if identity == nil {
		return diags
	}
	if len(values) != len(ri) {
		diags.AddError("Error recording the resource identity",
			fmt.Sprintf("%d values for the %d identity attributes; this is a bug in the provider.", len(values), len(ri)))
		return diags
	}
	for i, a := range ri {
		diags.Append(identity.SetAttribute(ctx, path.Root(a.name), values[i])...)
	}
	return diags
}

// removeResource removes from state the resource whose object a Read found
// gone, recording the identity (values, in the order of ri) it had: the
// framework wants an identity after every Read, and Terraform before 1.12
// passes none in to keep.
func (ri resourceIdentity) removeResource(ctx context.Context, resp *resource.ReadResponse, values ...string) {
	resp.State.RemoveResource(ctx)
	resp.Diagnostics.Append(ri.set(ctx, resp.Identity, values...)...)
}

// importID is the id of an import: the id given to terraform import or an
// import block's id, or the one the attributes of an import block's
// identity spell. An optional attribute left out is left out of the id too,
// as a user would leave it out of an id string.
func (ri resourceIdentity) importID(ctx context.Context, req resource.ImportStateRequest) (string, diag.Diagnostics) {
	var diags diag.Diagnostics
	if req.ID != "" || req.Identity == nil {
		return req.ID, diags
	}
	parts := make([]string, 0, len(ri))
	for _, a := range ri {
		var v types.String
		diags.Append(req.Identity.GetAttribute(ctx, path.Root(a.name), &v)...)
		if diags.HasError() {
			return "", diags
		}
		if v.IsNull() || v.IsUnknown() {
			if a.optional {
				continue
			}
			diags.AddError("Invalid import identity", fmt.Sprintf("The identity needs %s; set it in the import block's identity.", a.name))
			return "", diags
		}
		if strings.Contains(v.ValueString(), "/") || v.ValueString() == "" {
			diags.AddError("Invalid import identity", fmt.Sprintf("%s %q is not a valid %s: it is empty or contains \"/\".", a.name, v.ValueString(), a.name))
			return "", diags
		}
		parts = append(parts, v.ValueString())
	}
	return strings.Join(parts, "/"), diags
}

// environmentScoped reports whether the objects ri names belong to an
// environment: their identity starts with it. Those of the account (such
// as identities) have no environment attribute and none in their id.
func (ri resourceIdentity) environmentScoped() bool {
	return len(ri) > 0 && ri[0].name == environmentIdentity.name
}

// keyAttributes are the attributes whose values, joined by "/", make the
// object's key in the API: all but the environment.
func (ri resourceIdentity) keyAttributes() resourceIdentity {
	if ri.environmentScoped() {
		return ri[1:]
	}
	return ri
}

// idForm spells the id ri parses, such as <environment>/<key>.
func (ri resourceIdentity) idForm() string {
	names := make([]string, len(ri))
	for i, a := range ri {
		names[i] = "<" + a.name + ">"
	}
	return strings.Join(names, "/")
}

// objectName names one object: in the API by environment and key, in
// Terraform by its id and identity (the same values, in identity order).
type objectName struct {
	identity resourceIdentity
	values   []string
}

func (ri resourceIdentity) nameOf(values []string) objectName {
	return objectName{identity: ri, values: values}
}

// environment is "" for an object of the account.
func (n objectName) environment() string {
	if n.identity.environmentScoped() {
		return n.values[0]
	}
	return ""
}

func (n objectName) key() string {
	return strings.Join(n.values[len(n.values)-len(n.identity.keyAttributes()):], "/")
}

// id is the resource's id attribute, also its import id.
func (n objectName) id() string { return strings.Join(n.values, "/") }

// describe names the object for messages, such as `role "editor" in
// environment development`.
func (n objectName) describe(kind domain.Kind) string {
	return fmt.Sprintf("%s %q%s", kind.Noun, n.key(), n.where())
}

// where is " in environment <environment>", or "" for an object of the
// account.
func (n objectName) where() string {
	if n.identity.environmentScoped() {
		return " in environment " + n.environment()
	}
	return ""
}

// upperFirst starts a sentence with a noun.
func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// parseImportID parses an import id of the form ri spells; an
// environment-scoped id may leave out its environment, which is then the
// provider's. checkKeys says whether each key part must follow the key
// rule (false where the kind's Validate checks its own).
func (ri resourceIdentity) parseImportID(id string, data *providerData, checkKeys bool) (objectName, diag.Diagnostics) {
	var diags diag.Diagnostics
	keys := ri.keyAttributes()
	var parts []string
	var ok bool
	if ri.environmentScoped() {
		parts, ok = splitImportID(id, len(keys), data)
	} else {
		parts = strings.Split(id, "/")
		ok = len(parts) == len(keys) && !slices.Contains(parts, "")
	}
	if !ok {
		form := ri.idForm()
		if ri.environmentScoped() {
			form += " or " + keys.idForm() + " (in the provider's environment)"
		}
		diags.AddError("Invalid import id", fmt.Sprintf("Expected %s, got %q.", form, id))
		return objectName{}, diags
	}
	keyValues := parts[len(parts)-len(keys):]
	for i, a := range keys {
		if msg := domain.CheckKey(keyValues[i]); msg != "" && checkKeys {
			diags.AddError("Invalid import id", fmt.Sprintf("%s %q %s.", a.name, keyValues[i], msg))
		}
	}
	return ri.nameOf(parts), diags
}

func (ri resourceIdentity) has(name string) bool {
	return slices.ContainsFunc(ri, func(a identityAttribute) bool { return a.name == name })
}
