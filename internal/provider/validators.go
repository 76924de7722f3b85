package provider

import (
	"context"
	"fmt"
	"time"

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
	// The signing secret's own value is never repeated in a message.
	signingSecretValidator = secretCheckValidator{checkValidator{"Invalid signing secret", "must be 16–255 printable characters without spaces", domain.CheckSigningSecret}}
)

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
		resp.Diagnostics.AddAttributeError(req.Path, v.summary, fmt.Sprintf("%s %s; got %q.", req.Path, msg, req.ConfigValue.ValueString()))
	}
}

// secretCheckValidator is a checkValidator for secrets: its messages do not
// quote the value.
type secretCheckValidator struct{ checkValidator }

func (v secretCheckValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if msg := v.check(req.ConfigValue.ValueString()); msg != "" {
		resp.Diagnostics.AddAttributeError(req.Path, v.summary, fmt.Sprintf("%s %s.", req.Path, msg))
	}
}
