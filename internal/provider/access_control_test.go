package provider_test

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/arborhq/terraform-provider-arbor/internal/acctest"
)

// everyArgument uses every argument of every access-control resource, in an
// environment other than the provider's default.
const everyArgument = `
resource "arbor_environment" "staging" {
  slug = "staging"
  name = "Staging"
}

resource "arbor_permission" "read" {
  environment = arbor_environment.staging.slug
  key         = "documents.read"
  name        = "Read documents"
  description = "View any document."
}

resource "arbor_permission" "write" {
  environment = arbor_environment.staging.slug
  key         = "documents.write"
  name        = "Write documents"
}

resource "arbor_role" "editor" {
  environment = arbor_environment.staging.slug
  key         = "editor"
  name        = "Editor"
  description = "Reads and writes documents."
  permissions = [arbor_permission.write.key, arbor_permission.read.key]
}

resource "arbor_hierarchy_node" "global" {
  environment = arbor_environment.staging.slug
  key         = "global"
  name        = "Global"
}

resource "arbor_hierarchy_node" "emea" {
  environment = arbor_environment.staging.slug
  key         = "emea"
  name        = "EMEA"
  parent_key  = arbor_hierarchy_node.global.key
}

resource "arbor_identity" "ada" {
  key   = "ada"
  email = "Ada@Example.com"
  name  = "Ada Lovelace"
}

resource "arbor_role_assignment" "ada_editor_emea" {
  environment  = arbor_environment.staging.slug
  identity_key = arbor_identity.ada.key
  role_key     = arbor_role.editor.key
  node_key     = arbor_hierarchy_node.emea.key
}

resource "arbor_oauth_client" "dashboard" {
  environment   = arbor_environment.staging.slug
  key           = "dashboard"
  name          = "Customer dashboard"
  redirect_uris = ["https://app.example.com/callback", "http://localhost:3000/callback"]
  scopes        = ["openid", "email", "documents:read"]
}

resource "arbor_webhook" "generated" {
  environment = arbor_environment.staging.slug
  key         = "audit"
  url         = "https://hooks.example.com/audit"
  events      = ["role.updated", "role.created"]
  enabled     = false
}

resource "arbor_webhook" "supplied" {
  environment               = arbor_environment.staging.slug
  key                       = "billing"
  url                       = "https://billing.example.com/hooks"
  events                    = ["role_assignment.created"]
  enabled                   = true
  signing_secret_wo         = "billing-secret-0123456789"
  signing_secret_wo_version = 3
}
`

func TestAccAccessControl_everyArgumentPlansEmpty(t *testing.T) {
	b := acctest.NewBackend(t)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             b.CheckDestroy,
		TerraformVersionChecks:   acctest.Requires(acctest.FeatureWriteOnly),
		Steps: []resource.TestStep{
			{
				Config: b.ProviderConfig() + everyArgument,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeTestCheckFunc(
					b.WebhookSigningSecret("arbor_webhook.generated", ""),
					b.WebhookSigningSecret("arbor_webhook.supplied", "billing-secret-0123456789"),
				),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("arbor_role_assignment.ada_editor_emea", tfjsonpath.New("id"), knownvalue.StringExact("staging/ada/editor/emea")),
					statecheck.ExpectKnownValue("arbor_oauth_client.dashboard", tfjsonpath.New("id"), knownvalue.StringExact("staging/dashboard")),
				},
			},
			// A second plan of the same configuration changes nothing either.
			{
				Config: b.ProviderConfig() + everyArgument,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}
