package provider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// Schema attributes and their documentation shared by several resources,
// so the same argument reads and validates the same everywhere.

// nameDoc documents the limits of a display name, which the API counts in
// characters.
var nameDoc = fmt.Sprintf("Display name, 1–%d characters.", domain.MaxNameLength)

// descriptionAttribute is the optional free-text description most objects
// carry; the API stores "" for none, mirrored here as the default.
func descriptionAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: fmt.Sprintf("Free-text description, at most %d characters. Default `\"\"`.", domain.MaxDescriptionLength),
		Optional:            true,
		Computed:            true,
		Default:             stringdefault.StaticString(""),
		Validators:          []validator.String{stringvalidator.UTF8LengthAtMost(domain.MaxDescriptionLength)},
	}
}

// optionalString is an optional string that, when set, is not empty.
func optionalString(doc string) schema.StringAttribute {
	return schema.StringAttribute{MarkdownDescription: doc, Optional: true, Validators: nonEmpty()}
}

// requiredString is a required string documented by doc.
func requiredString(doc string) schema.StringAttribute {
	return schema.StringAttribute{MarkdownDescription: doc, Required: true}
}

// joinDoc lists values for documentation, as `a`, `b`, `c` once the
// caller adds the outer backticks.
func joinDoc(values []string) string {
	s := ""
	for i, v := range values {
		if i > 0 {
			s += "`, `"
		}
		s += v
	}
	return s
}

// environmentAttribute is the environment of an environment-scoped
// resource, defaulting to the provider's.
func environmentAttribute(noun string) schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: fmt.Sprintf("Environment of the %s. Defaults to the provider's `environment`. Changing it replaces the %s.", noun, noun),
		Optional:            true,
		Computed:            true,
		Validators:          []validator.String{slugValidator},
	}
}
