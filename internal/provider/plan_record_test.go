package provider_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/arborhq/terraform-provider-arbor/internal/acctest"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// Each test below runs a plan that depends on what the same plan creates:
// it must plan and apply in one run when the apply can succeed, and fail
// at plan, with the backend's words, when it cannot.

func planTest(t *testing.T, b *acctest.Backend, steps ...resource.TestStep) {
	t.Helper()
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             b.CheckDestroy,
		Steps:                    steps,
	})
}

// refusedAtPlan is a step whose plan must fail with msg: PlanOnly, so a
// plan that passes and an apply that fails do not count.
func refusedAtPlan(config, msg string) resource.TestStep {
	return resource.TestStep{Config: config, PlanOnly: true, ExpectError: acctest.ErrorLike(msg)}
}

// Production write access turned on by the same plan counts for a
// workflow created in production that depends on it.
func TestAccPlan_productionWriteAccessInSamePlan(t *testing.T) {
	b := acctest.NewBackend(t)
	config := b.ProviderConfigWith(b.Token, domain.Production) + `
resource "arbor_account_settings" "this" {
  production_write_access = true
}

resource "arbor_workflow" "campaign" {
  key        = "spring-campaign"
  name       = "Spring campaign"
  depends_on = [arbor_account_settings.this]
}
`
	planTest(t, b, resource.TestStep{
		Config: config,
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue("arbor_workflow.campaign", tfjsonpath.New("origin_environment"), knownvalue.StringExact(domain.Production)),
		},
	})
}

// Without production write access, the same workflow is refused at plan.
func TestAccPlan_productionWriteAccessOff(t *testing.T) {
	b := acctest.NewBackend(t)
	config := b.ProviderConfigWith(b.Token, domain.Production) + `
resource "arbor_account_settings" "this" {
  production_write_access = false
}

resource "arbor_workflow" "campaign" {
  key        = "spring-campaign"
  name       = "Spring campaign"
  depends_on = [arbor_account_settings.this]
}
`
	planTest(t, b, refusedAtPlan(config, `workflow "spring-campaign" does not exist in development: create it in development and promote it, or turn production write access on`))
}

// A workflow in an environment the same plan creates is judged at plan: the
// new environment is inserted below production, so its workflows must be
// in the environment below it.
func TestAccPlan_workflowInNewEnvironment(t *testing.T) {
	b := acctest.NewBackend(t)
	environment := b.ProviderConfig() + `
resource "arbor_environment" "qa" {
  slug = "qa"
  name = "QA"
}
`
	workflow := func(name, env string) string {
		return fmt.Sprintf(`
resource "arbor_workflow" %q {
  environment = %s
  key         = "welcome"
  name        = "Welcome"
}
`, name, env)
	}
	inDevelopment := workflow("welcome_development", `"development"`)
	planTest(t, b,
		refusedAtPlan(environment+workflow("welcome_qa", "arbor_environment.qa.slug"), `workflow "welcome" does not exist in development: apply it to development first`),
		resource.TestStep{
			// In development and in the new environment, in one run.
			Config: environment + inDevelopment + `
resource "arbor_workflow" "welcome_qa" {
  environment = arbor_environment.qa.slug
  key         = arbor_workflow.welcome_development.key
  name        = "Welcome"
}
`,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue("arbor_workflow.welcome_qa", tfjsonpath.New("origin_environment"), knownvalue.StringExact(domain.Development)),
				},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.CompareValuePairs("arbor_workflow.welcome_qa", tfjsonpath.New("sha"), "arbor_workflow.welcome_development", tfjsonpath.New("sha"), compareEqual),
			},
		},
		resource.TestStep{
			// Deletions follow the promotion order: development's first.
			PreConfig: func() { b.DeleteObjectNow(t, "workflow", domain.Development, "welcome") },
			Config:    environment,
		},
	)
}

// With copy_from, the new environment starts with the source's objects: a
// resource creating one of them again cannot succeed and fails at plan;
// other objects plan and apply.
func TestAccPlan_copiedObject(t *testing.T) {
	b := acctest.NewBackend(t)
	config := func(qaKey string) string {
		return b.ProviderConfig() + fmt.Sprintf(`
resource "arbor_permission" "read" {
  key  = "documents.read"
  name = "Read documents"
}

resource "arbor_environment" "qa" {
  slug          = "qa"
  name          = "QA"
  copy_from     = "development"
  force_destroy = true
  depends_on    = [arbor_permission.read]
}

resource "arbor_permission" "qa" {
  environment = arbor_environment.qa.slug
  key         = %q
  name        = "Read documents"
}
`, qaKey)
	}
	planTest(t, b,
		refusedAtPlan(config("documents.read"), `Environment qa is created by this plan with copy_from = "development", which copies permission "documents.read" into it`),
		resource.TestStep{Config: config("documents.write")},
	)
}

// References are checked at plan: an object neither on the backend nor
// created by this plan is refused with the backend's message, one created
// by this plan counts, and a key known only at apply is left to the apply.
func TestAccPlan_references(t *testing.T) {
	b := acctest.NewBackend(t)
	base := b.ProviderConfig() + `
resource "arbor_permission" "read" {
  key  = "documents.read"
  name = "Read documents"
}

resource "arbor_hierarchy_node" "global" {
  key  = "global"
  name = "Global"
}

resource "arbor_identity" "ada" {
  key   = "ada"
  email = "ada@example.com"
  name  = "Ada"
}

resource "arbor_role" "viewer" {
  key         = "viewer"
  name        = "Viewer"
  permissions = [arbor_permission.read.key]
}
`
	planTest(t, b,
		refusedAtPlan(base+`
resource "arbor_role" "editor" {
  key         = "editor"
  name        = "Editor"
  permissions = [arbor_permission.read.key, "documents.write"]
}
`, `permissions permission "documents.write" does not exist in environment development`),
		refusedAtPlan(base+`
resource "arbor_hierarchy_node" "emea" {
  key        = "emea"
  name       = "EMEA"
  parent_key = "europe"
}
`, `parent_key hierarchy node "europe" does not exist in environment development`),
		refusedAtPlan(base+`
resource "arbor_role_assignment" "grace" {
  identity_key = "grace"
  role_key     = arbor_role.viewer.key
  node_key     = "nowhere"
}
`, `identity_key identity "grace" does not exist`),
		refusedAtPlan(base+`
resource "arbor_role_assignment" "ada" {
  identity_key = arbor_identity.ada.key
  role_key     = "admin"
  node_key     = arbor_hierarchy_node.global.key
}
`, `role_key role "admin" does not exist in environment development`),
		resource.TestStep{
			// Everything referred to is created by the same plan; a key
			// known only at apply is never refused.
			Config: base + `
resource "arbor_hierarchy_node" "emea" {
  key        = "emea"
  name       = "EMEA"
  parent_key = arbor_hierarchy_node.global.key
}

resource "arbor_role_assignment" "ada" {
  identity_key = arbor_identity.ada.key
  role_key     = arbor_role.viewer.key
  node_key     = arbor_hierarchy_node.emea.key
}

resource "terraform_data" "suffix" {
  input = "editor"
}

resource "arbor_role" "editor" {
  key         = terraform_data.suffix.output
  name        = "Editor"
  permissions = [arbor_permission.read.key]
}
`,
		},
	)
}

// A parent that would close a cycle is refused at plan, counting the
// parents this plan gives.
func TestAccPlan_hierarchyCycle(t *testing.T) {
	b := acctest.NewBackend(t)
	nodes := func(globalParent string) string {
		return b.ProviderConfig() + fmt.Sprintf(`
resource "arbor_hierarchy_node" "global" {
  key        = "global"
  name       = "Global"
  parent_key = %s
}

resource "arbor_hierarchy_node" "emea" {
  key        = "emea"
  name       = "EMEA"
  parent_key = "global"
  depends_on = [arbor_hierarchy_node.global]
}

resource "arbor_hierarchy_node" "paris" {
  key        = "paris"
  name       = "Paris"
  parent_key = arbor_hierarchy_node.emea.key
}
`, globalParent)
	}
	planTest(t, b,
		resource.TestStep{Config: nodes("null")},
		refusedAtPlan(nodes(`"paris"`), `hierarchy node "paris" is "global" or one of its descendants (global → emea → paris); a node cannot move under its own subtree`),
	)
}

// An environment that does not exist, and is not created by this plan, is
// refused at plan for every environment-scoped resource.
func TestAccPlan_environmentMustExist(t *testing.T) {
	b := acctest.NewBackend(t)
	resources := map[string]string{
		"arbor_permission":      `key = "documents.read"` + "\n  name = \"Read\"",
		"arbor_role":            `key = "viewer"` + "\n  name = \"Viewer\"",
		"arbor_hierarchy_node":  `key = "global"` + "\n  name = \"Global\"",
		"arbor_tenant":          `key = "acme"` + "\n  name = \"Acme\"",
		"arbor_workflow":        `key = "welcome"` + "\n  name = \"Welcome\"",
		"arbor_webhook":         `key = "audit"` + "\n  url = \"https://hooks.example.com/arbor\"\n  events = [\"role.updated\"]",
		"arbor_oauth_client":    `key = "dashboard"` + "\n  name = \"Dashboard\"\n  redirect_uris = [\"https://app.example.com/callback\"]\n  scopes = [\"openid\"]",
		"arbor_api_key":         `name = "deploy"` + "\n  scope = \"read_only\"",
		"arbor_role_assignment": `identity_key = "ada"` + "\n  role_key = \"viewer\"\n  node_key = \"global\"",
	}
	var steps []resource.TestStep
	for typ, args := range resources {
		steps = append(steps, refusedAtPlan(b.ProviderConfigWith(b.Token, "default")+fmt.Sprintf(`
resource %q "test" {
  %s
}
`, typ, args), `environment "default" not found`))
	}
	planTest(t, b, steps...)
}

// The built-in environments are never created, only read or imported.
func TestAccPlan_builtinEnvironment(t *testing.T) {
	b := acctest.NewBackend(t)
	planTest(t, b, refusedAtPlan(b.ProviderConfig()+`
resource "arbor_environment" "production" {
  slug = "production"
  name = "Production"
}
`, `environment production already exists; it is built in: read it with the arbor_environment data source or adopt it with terraform import`))
}

// A second configuration's arbor_account_settings does not adopt settings
// another one wrote: it is told to import them (settings never written
// are created, as TestAccAccountSettings_basic shows).
func TestAccPlan_accountSettingsWrittenElsewhere(t *testing.T) {
	b := acctest.NewBackend(t)
	config := b.ProviderConfig() + `
resource "arbor_account_settings" "this" {
  production_write_access = false
}
`
	writtenElsewhere := func() {
		if _, err := b.Client.PutSettings(t.Context(), domain.Settings{ProductionWriteAccess: true}, clientCond()); err != nil {
			t.Fatal(err)
		}
	}
	step := refusedAtPlan(config, `Import them to manage them here (terraform import arbor_account_settings.<name> account`)
	step.PreConfig = writtenElsewhere
	planTest(t, b,
		step,
		resource.TestStep{Config: config, ResourceName: "arbor_account_settings.this", ImportState: true, ImportStateId: "account", ImportStatePersist: true},
		resource.TestStep{
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("arbor_account_settings.this", plancheck.ResourceActionUpdate)},
			},
		},
	)
}
