package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// checkValidator validates a string with one of the domain's checks, so the
// plan-time answer is the backend's answer, word for word.
type checkValidator struct {
	summary string
	rule    string
	check   func(string) string
}

var (
	slugValidator        = checkValidator{"Invalid environment slug", "must be " + domain.SlugRule, domain.CheckSlug}
	keyValidator         = checkValidator{"Invalid key", "must be " + domain.KeyRule, domain.CheckKey}
	durationValidator    = checkValidator{"Invalid duration", "must be a positive Go duration such as 30s", checkDuration}
	emailValidator       = checkValidator{"Invalid email address", "must be an email address such as ada@example.com", domain.CheckIdentityEmail}
	httpURLValidator     = checkValidator{"Invalid URL", "must be an absolute http or https URL", domain.CheckHTTPURL}
	redirectURIValidator = checkValidator{"Invalid redirect URI", "must be an absolute https URL, or http for localhost", domain.CheckRedirectURI}
	scopeValidator       = checkValidator{"Invalid scope", "must be " + domain.ScopeRule, domain.CheckScope}
	eventValidator       = checkValidator{"Invalid event name", "must be " + domain.KeyRule, domain.CheckEventName}
	localeValidator      = checkValidator{"Invalid locale", "must be a BCP 47 locale in canonical form such as en, en-US or pt-BR", domain.CheckLocale}
	// The signing secret's own value is never repeated in a message.
	signingSecretValidator = secretCheckValidator{checkValidator{"Invalid signing secret", "must be 16–255 printable characters without spaces", domain.CheckSigningSecret}}
)

// jsonNullValidator refuses JSON null, which the API reads as "none":
// Terraform would then find null where the configuration says "null".
// Other values that are not objects are the domain validation's.
var jsonNullValidator = checkValidator{"Invalid JSON object", "must be a JSON object; omit the attribute for none", func(s string) string {
	if strings.TrimSpace(s) == "null" {
		return "must be a JSON object, not null; omit the attribute for none"
	}
	return ""
}}

func checkDuration(s string) string {
	if d, err := time.ParseDuration(s); err != nil || d <= 0 {
		return "must be a positive Go duration such as 30s"
	}
	return ""
}

var _ validator.String = checkValidator{}

func (v checkValidator) Description(context.Context) string { return v.rule }

func (v checkValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v checkValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if msg := v.check(req.ConfigValue.ValueString()); msg != "" {
		resp.Diagnostics.AddAttributeError(req.Path, v.summary, problemAt(req.Path, msg, req.ConfigValue.ValueString(), true))
	}
}

// problemAt words a problem with the value at p as the API does: a member
// of a set is named by its value (`redirect_uris "/callback" must be…`),
// anything else by its path (`steps[2].ref must be…; got "x"`). A secret
// (quote false) is never repeated.
func problemAt(p path.Path, msg, value string, quote bool) string {
	if last, _ := p.Steps().LastStep(); last != nil {
		if _, member := last.(path.PathStepElementKeyValue); member {
			if !quote {
				return fmt.Sprintf("%s: a member %s.", fieldName(p), msg)
			}
			return fmt.Sprintf("%s %q %s.", fieldName(p), value, msg)
		}
	}
	if !quote {
		return fmt.Sprintf("%s %s.", fieldName(p), msg)
	}
	return fmt.Sprintf("%s %s; got %q.", fieldName(p), msg, value)
}

// fieldName is the API's name of the attribute at p: "steps[2].ref",
// "headers[\"Accept\"]"; a set member is named by its set.
func fieldName(p path.Path) string {
	var b strings.Builder
	for _, step := range p.Steps() {
		switch s := step.(type) {
		case path.PathStepAttributeName:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(string(s))
		case path.PathStepElementKeyInt:
			fmt.Fprintf(&b, "[%d]", int64(s))
		case path.PathStepElementKeyString:
			fmt.Fprintf(&b, "[%q]", string(s))
		}
	}
	return b.String()
}

// secretCheckValidator is a checkValidator for secrets: its messages do not
// quote the value.
type secretCheckValidator struct{ checkValidator }

func (v secretCheckValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if msg := v.check(req.ConfigValue.ValueString()); msg != "" {
		resp.Diagnostics.AddAttributeError(req.Path, v.summary, problemAt(req.Path, msg, "", false))
	}
}

func nameValidators() []validator.String {
	return []validator.String{stringvalidator.UTF8LengthBetween(1, domain.MaxNameLength)}
}

// nonEmpty refuses "" in optional strings: the API does not tell "" from
// unset, so "" would read back as null.
func nonEmpty() []validator.String {
	return []validator.String{stringvalidator.LengthAtLeast(1)}
}

func scopeValidators() []validator.String {
	return []validator.String{stringvalidator.OneOf(string(domain.ScopeReadWrite), string(domain.ScopeReadOnly))}
}
