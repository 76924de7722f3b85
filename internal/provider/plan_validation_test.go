package provider_test

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/arborhq/terraform-provider-arbor/internal/acctest"
)

// JSON null, which the API reads as "none", is refused at plan rather than
// stored as none and then found inconsistent with the configuration.
func TestAccValidation_jsonNull(t *testing.T) {
	b := acctest.NewBackend(t)
	planTest(t, b,
		refusedAtPlan(b.ProviderConfig()+`
resource "arbor_tenant" "acme" {
  key        = "acme"
  properties = jsonencode(null)
}
`, `properties must be a JSON object, not null; omit the attribute for none`),
		refusedAtPlan(b.ProviderConfig()+`
resource "arbor_workflow" "welcome" {
  key                 = "welcome"
  name                = "Welcome"
  trigger_data_schema = jsonencode(null)
}
`, `trigger_data_schema must be a JSON object, not null; omit the attribute for none`),
	)
}

// conditions.match defaults to "all" in the schema as on the server:
// writing the default or omitting it is the same configuration.
func TestAccValidation_conditionsMatchDefault(t *testing.T) {
	b := acctest.NewBackend(t)
	b.PutChannelNow(t, "development", "postmark", "email")
	workflow := func(match string) string {
		return b.ProviderConfig() + `
resource "arbor_workflow" "welcome" {
  key  = "welcome"
  name = "Welcome"
  conditions = {
    ` + match + `
    rules = [{ variable = "recipient.plan", operator = "equal_to", argument = "pro" }]
  }
  steps = [{
    ref        = "email"
    conditions = { ` + match + ` rules = [{ variable = "recipient.email", operator = "not_empty" }] }
    channel    = { type = "email", key = "postmark", subject = "Hi", body = "Welcome" }
  }]
}
`
	}
	planTest(t, b,
		resource.TestStep{Config: workflow("")},
		resource.TestStep{
			Config: workflow(`match = "all",`),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
		},
		resource.TestStep{
			// Written through the API without match, as another client
			// would: read back as the default, so nothing to change.
			PreConfig: func() {
				b.PutObjectNow(t, "workflow", "development", "welcome", map[string]any{
					"name":       "Welcome",
					"conditions": map[string]any{"rules": []any{map[string]any{"variable": "recipient.plan", "operator": "equal_to", "argument": "pro"}}},
					"steps": []any{map[string]any{
						"ref":        "email",
						"conditions": map[string]any{"rules": []any{map[string]any{"variable": "recipient.email", "operator": "not_empty"}}},
						"channel":    map[string]any{"type": "email", "key": "postmark", "subject": "Hi", "body": "Welcome"},
					}},
				})
			},
			Config: workflow(""),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
		},
	)
}

// An in-place update of an environment knows builtin: it never changes.
func TestAccValidation_environmentBuiltinKnown(t *testing.T) {
	b := acctest.NewBackend(t)
	environment := func(name string) string {
		return b.ProviderConfig() + `
resource "arbor_environment" "qa" {
  slug = "qa"
  name = "` + name + `"
}
`
	}
	planTest(t, b,
		resource.TestStep{Config: environment("QA")},
		resource.TestStep{
			Config: environment("Quality assurance"),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("arbor_environment.qa", plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue("arbor_environment.qa", tfjsonpath.New("builtin"), knownvalue.Bool(false)),
				},
			},
		},
	)
}

// Errors name the attribute at fault, nested ones included, in the API's
// words: a set's member by its value, a list's by its index.
func TestAccValidation_nestedAttributeErrors(t *testing.T) {
	b := acctest.NewBackend(t)
	planTest(t, b,
		refusedAtPlan(b.ProviderConfig()+`
resource "arbor_tenant" "acme" {
  key = "acme"
  branding = {
    primary_color = "blue"
  }
}
`, `branding = {`),
		refusedAtPlan(b.ProviderConfig()+`
resource "arbor_workflow" "welcome" {
  key  = "welcome"
  name = "Welcome"
  steps = [
    { ref = "wait", delay = { duration = "5m" } },
    { ref = "Not A Ref", delay = { duration = "5m" } },
  ]
}
`, `{ ref = "Not A Ref", delay = { duration = "5m" } },`),
		refusedAtPlan(b.ProviderConfig()+`
resource "arbor_oauth_client" "dashboard" {
  key           = "dashboard"
  name          = "Dashboard"
  redirect_uris = ["/callback"]
  scopes        = ["openid"]
}
`, `redirect_uris "/callback" must be an absolute http or https URL.`),
	)
}

// Limits the server enforces are checked at plan.
func TestAccValidation_limits(t *testing.T) {
	b := acctest.NewBackend(t)
	planTest(t, b,
		refusedAtPlan(b.ProviderConfig()+`
resource "arbor_permission" "read" {
  key         = "documents.read"
  name        = "Read documents"
  description = "`+strings.Repeat("d", 1025)+`"
}
`, `Attribute description UTF-8 character count must be at most 1024, got: 1025`),
		refusedAtPlan(b.ProviderConfig()+`
resource "arbor_workflow" "welcome" {
  key        = "welcome"
  name       = "Welcome"
  categories = ["Not a key!"]
}
`, `categories "Not a key!" must be`),
		resource.TestStep{
			// Names are counted in characters, as the API counts them.
			Config: b.ProviderConfig() + `
resource "arbor_permission" "read" {
  key  = "documents.read"
  name = "` + strings.Repeat("é", 200) + `"
}
`,
		},
	)
}
