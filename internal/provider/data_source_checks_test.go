package provider_test

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/arborhq/terraform-provider-arbor/internal/acctest"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// accessConfig declares documents.write granted by an editor role held by
// ada at team, under org; checks reads data.arbor_access_check from it.
func accessConfig(b *acctest.Backend, checks string) string {
	return b.ProviderConfig() + `
resource "arbor_permission" "write" {
  key  = "documents.write"
  name = "Write documents"
}

resource "arbor_role" "editor" {
  key         = "editor"
  name        = "Editor"
  permissions = [arbor_permission.write.key]
}

resource "arbor_hierarchy_node" "org" {
  key  = "org"
  name = "Org"
}

resource "arbor_hierarchy_node" "team" {
  key        = "team"
  name       = "Team"
  parent_key = arbor_hierarchy_node.org.key
}

resource "arbor_identity" "ada" {
  key   = "ada"
  email = "ada@example.com"
  name  = "Ada"
}

resource "arbor_role_assignment" "ada_editor" {
  identity_key = arbor_identity.ada.key
  role_key     = arbor_role.editor.key
  node_key     = arbor_hierarchy_node.team.key
}
` + checks
}

func TestAccAccessCheckDataSource_basic(t *testing.T) {
	b := acctest.NewBackend(t)
	checks := `
data "arbor_access_check" "at_team" {
  identity_key = arbor_role_assignment.ada_editor.identity_key
  permission   = arbor_permission.write.key
  node_key     = arbor_hierarchy_node.team.key
}

data "arbor_access_check" "at_org" {
  identity_key = arbor_role_assignment.ada_editor.identity_key
  permission   = arbor_permission.write.key
  node_key     = arbor_hierarchy_node.org.key
}
`
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             b.CheckDestroy,
		Steps: []resource.TestStep{
			{
				Config: accessConfig(b, checks),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.arbor_access_check.at_team", tfjsonpath.New("allowed"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue("data.arbor_access_check.at_team", tfjsonpath.New("environment"), knownvalue.StringExact("development")),
					statecheck.ExpectKnownValue("data.arbor_access_check.at_team", tfjsonpath.New("granted_by"),
						knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("development/ada/editor/team")})),
					statecheck.ExpectKnownValue("data.arbor_access_check.at_team", tfjsonpath.New("path"),
						knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("team"), knownvalue.StringExact("org")})),
					statecheck.ExpectKnownValue("data.arbor_access_check.at_org", tfjsonpath.New("allowed"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue("data.arbor_access_check.at_org", tfjsonpath.New("granted_by"), knownvalue.ListExact([]knownvalue.Check{})),
					// The granting assignment's id is the resource's id.
					statecheck.CompareValuePairs("data.arbor_access_check.at_team", tfjsonpath.New("granted_by").AtSliceIndex(0),
						"arbor_role_assignment.ada_editor", tfjsonpath.New("id"), compareEqual),
				},
			},
		},
	})
}

// A check naming what does not exist fails, at the attribute, instead of
// passing for "not allowed"; a malformed key fails at plan.
func TestAccAccessCheckDataSource_missing(t *testing.T) {
	b := acctest.NewBackend(t)
	planTest(t, b,
		refusedAtPlan(b.ProviderConfig()+`
data "arbor_access_check" "bad" {
  identity_key = "ada"
  permission   = "documents write"
  node_key     = "team"
}
`, `permission must be 1–255 characters`),
		resource.TestStep{
			Config: accessConfig(b, `
data "arbor_access_check" "typo" {
  identity_key = arbor_role_assignment.ada_editor.identity_key
  permission   = "documents.wirte"
  node_key     = arbor_hierarchy_node.team.key
}
`),
			ExpectError: acctest.ErrorLike(`permission "documents.wirte" does not exist in environment development`),
		},
		resource.TestStep{Config: accessConfig(b, "")},
	)
}

// previewConfig declares the tenant acme and a welcome workflow whose
// email renders the tenant's name, plan and colour.
func previewConfig(b *acctest.Backend, previews string) string {
	return b.ProviderConfig() + `
resource "arbor_tenant" "acme" {
  key        = "acme"
  name       = "Acme"
  properties = jsonencode({ plan = "pro" })
  branding   = { primary_color = "#0A7CFF" }
  preference_set = {
    channel_types = { sms = false }
    categories    = {}
    workflows     = {}
  }
}

resource "arbor_channel" "postmark" {
  key     = "postmark"
  name    = "Postmark"
  type    = "email"
  service = "postmark"
}

resource "arbor_channel" "twilio" {
  key     = "twilio"
  name    = "Twilio"
  type    = "sms"
  service = "twilio"
}

resource "arbor_workflow" "welcome" {
  depends_on = [arbor_channel.postmark, arbor_channel.twilio]
  key        = "welcome"
  name       = "Welcome"
  categories = ["onboarding"]
  steps = [
    {
      ref = "email"
      channel = {
        type    = "email"
        key     = "postmark"
        subject = "Welcome to {{ tenant.name }}, {{ recipient.name }}"
        body    = "Your {{ tenant.properties.plan }} plan, in {{ branding.primary_color }}."
      }
    },
    { ref = "wait", delay = { duration = "1h" } },
    {
      ref     = "sms"
      channel = { type = "sms", key = "twilio", body = "Hi {{ recipient.name }}" }
    },
  ]
}
` + previews
}

func TestAccWorkflowPreviewDataSource_basic(t *testing.T) {
	b := acctest.NewBackend(t)
	previews := `
data "arbor_workflow_preview" "acme" {
  workflow_key = arbor_workflow.welcome.key
  tenant_key   = arbor_tenant.acme.key
  recipient    = jsonencode({ id = "ada", name = "Ada" })
  data         = jsonencode({})
}

data "arbor_workflow_preview" "stub" {
  workflow_key = arbor_workflow.welcome.key
  tenant_key   = "not-yet"
  recipient    = jsonencode({ name = "Ada", preferences = { channel_types = { email = false } } })
}
`
	step := func(i int, attr string) tfjsonpath.Path {
		return tfjsonpath.New("steps").AtSliceIndex(i).AtMapKey(attr)
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             b.CheckDestroy,
		Steps: []resource.TestStep{
			{
				Config: previewConfig(b, previews),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.arbor_workflow_preview.acme", tfjsonpath.New("runs"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue("data.arbor_workflow_preview.acme", tfjsonpath.New("tenant_found"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue("data.arbor_workflow_preview.acme", step(0, "rendered"), knownvalue.MapExact(map[string]knownvalue.Check{
						"subject": knownvalue.StringExact("Welcome to Acme, Ada"),
						"body":    knownvalue.StringExact("Your pro plan, in #0A7CFF."),
					})),
					statecheck.ExpectKnownValue("data.arbor_workflow_preview.acme", step(0, "channel_key"), knownvalue.StringExact("postmark")),
					statecheck.ExpectKnownValue("data.arbor_workflow_preview.acme", step(0, "errors"), knownvalue.MapExact(map[string]knownvalue.Check{})),
					statecheck.ExpectKnownValue("data.arbor_workflow_preview.acme", step(1, "kind"), knownvalue.StringExact("delay")),
					statecheck.ExpectKnownValue("data.arbor_workflow_preview.acme", step(1, "runs"), knownvalue.Bool(true)),
					// The tenant's default turns sms off.
					statecheck.ExpectKnownValue("data.arbor_workflow_preview.acme", step(2, "runs"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue("data.arbor_workflow_preview.acme", step(2, "reason"),
						knownvalue.StringRegexp(regexp.MustCompile(`opted out of sms messages \(the tenant's default\)`))),
					// A tenant that does not exist is empty; the recipient's own preference stops the email.
					statecheck.ExpectKnownValue("data.arbor_workflow_preview.stub", tfjsonpath.New("tenant_found"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue("data.arbor_workflow_preview.stub", step(0, "runs"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue("data.arbor_workflow_preview.stub", step(0, "rendered").AtMapKey("subject"), knownvalue.StringExact("Welcome to , Ada")),
					statecheck.ExpectKnownValue("data.arbor_workflow_preview.stub", step(2, "runs"), knownvalue.Bool(true)),
				},
			},
		},
	})
}

func TestAccWorkflowPreviewDataSource_errors(t *testing.T) {
	b := acctest.NewBackend(t)
	planTest(t, b,
		refusedAtPlan(b.ProviderConfig()+`
data "arbor_workflow_preview" "bad" {
  workflow_key = "We"
}
`, `workflow_key must be `+domain.WorkflowKeyRule),
		resource.TestStep{
			Config: previewConfig(b, `
data "arbor_workflow_preview" "missing" {
  workflow_key = "no-such-workflow"
  depends_on   = [arbor_workflow.welcome]
}
`),
			ExpectError: acctest.ErrorLike(`workflow "no-such-workflow" not found in environment development`),
		},
		resource.TestStep{
			Config: previewConfig(b, `
data "arbor_workflow_preview" "bad" {
  workflow_key = arbor_workflow.welcome.key
  recipient    = jsonencode({ preferences = { channel_types = { email = "no" } } })
}
`),
			ExpectError: acctest.ErrorLike(`recipient.preferences must be an object of channel_types`),
		},
		resource.TestStep{Config: previewConfig(b, "")},
	)
}
