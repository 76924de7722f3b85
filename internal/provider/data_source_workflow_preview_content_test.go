package provider_test

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/arborhq/terraform-provider-arbor/internal/acctest"
)

// contentWorkflow is an email inside a layout, rendering a partial, in
// the translations of two locales; the step names its layout as layout.
func contentWorkflow(name, environment, layout string) string {
	return `
resource "arbor_workflow" "` + name + `" {
  environment = "` + environment + `"
  key         = "welcome"
  name        = "Welcome"
  # The partial and translations come first: the workflow renders them.
  depends_on = [arbor_partial.sign_off, arbor_translation.en, arbor_translation.fr]
  steps = [{
    ref = "email"
    channel = {
      type       = "email"
      key        = "postmark"
      layout_key = ` + layout + `
      subject    = "{{ \"greeting\" | t }}"
      body       = "<h1>{{ \"greeting\" | t }}</h1>{% render 'sign-off', team: \"team\" | t %}"
    }
  }]
}
`
}

const reusableContent = `
resource "arbor_email_layout" "default" {
  key         = "default"
  name        = "Default"
  html_layout = "<html><body>{{ content }}</body></html>"
  text_layout = "{{ content }}"
}

resource "arbor_partial" "sign_off" {
  key          = "sign-off"
  name         = "Sign-off"
  type         = "html"
  content      = "<p>{{ team }}</p>"
  input_fields = [{ key = "team" }]
}

resource "arbor_translation" "en" {
  key     = "en"
  strings = { greeting = "Hello {{ recipient.name }}", team = "The Acme team" }
}

resource "arbor_translation" "fr" {
  key     = "fr"
  strings = { greeting = "Bonjour {{ recipient.name }}", team = "L'équipe Acme" }
}
`

// Through Terraform: a workflow using a layout, a partial and translations
// previews rendered in each recipient's locale; applying it in staging
// before its layout is refused at plan, naming the layout.
func TestAccWorkflowPreviewDataSource_content(t *testing.T) {
	b := acctest.NewBackend(t)
	b.CreateEnvironment(t, "staging")
	b.PutChannelNow(t, "development", "postmark", "email")
	b.PutChannelNow(t, "staging", "postmark", "email")
	development := b.ProviderConfig() + reusableContent +
		contentWorkflow("welcome", "development", "arbor_email_layout.default.key") + `
data "arbor_workflow_preview" "en" {
  workflow_key = arbor_workflow.welcome.key
  recipient    = jsonencode({ name = "Ada", locale = "en-GB" })
}

data "arbor_workflow_preview" "fr" {
  workflow_key = arbor_workflow.welcome.key
  recipient    = jsonencode({ name = "Ada", locale = "fr" })
}
`
	email := func(attr string) tfjsonpath.Path {
		return tfjsonpath.New("steps").AtSliceIndex(0).AtMapKey(attr)
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             b.CheckDestroy,
		Steps: []resource.TestStep{
			{
				Config: development,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.arbor_workflow_preview.en", email("rendered"), knownvalue.MapExact(map[string]knownvalue.Check{
						"subject": knownvalue.StringExact("Hello Ada"),
						"body":    knownvalue.StringExact("<html><body><h1>Hello Ada</h1><p>The Acme team</p></body></html>"),
					})),
					statecheck.ExpectKnownValue("data.arbor_workflow_preview.en", email("locale"), knownvalue.StringExact("en")),
					statecheck.ExpectKnownValue("data.arbor_workflow_preview.en", tfjsonpath.New("locale_reason"),
						knownvalue.StringExact("no translation holds the recipient's locale en-GB: its language en")),
					statecheck.ExpectKnownValue("data.arbor_workflow_preview.fr", email("rendered"), knownvalue.MapExact(map[string]knownvalue.Check{
						"subject": knownvalue.StringExact("Bonjour Ada"),
						"body":    knownvalue.StringExact("<html><body><h1>Bonjour Ada</h1><p>L'équipe Acme</p></body></html>"),
					})),
					statecheck.ExpectKnownValue("data.arbor_workflow_preview.fr", email("locale"), knownvalue.StringExact("fr")),
					statecheck.ExpectKnownValue("data.arbor_workflow_preview.fr", email("errors"), knownvalue.MapExact(map[string]knownvalue.Check{})),
				},
			},
			refusedAtPlan(development+contentWorkflow("staged", "staging", `"default"`),
				`steps[0].channel.layout_key email layout "default" does not exist in environment staging`),
		},
	})
}
