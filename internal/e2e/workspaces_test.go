package e2e

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/arborhq/terraform-provider-arbor/internal/acctest"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

const versions = "terraform {\n  required_providers {\n    arbor = { source = \"arborhq/arbor\" }\n  }\n}\n\n"

// TestWorkspaces walks one root through development, staging and
// production, one Terraform workspace per environment (environment =
// terraform.workspace), each stage with its own environment's key, as
// examples/workspaces lays it out. Staging comes from the account root.
// Not parallel: each stage's key is in the environment, as a pipeline
// stage's is.
func TestWorkspaces(t *testing.T) {
	b := acctest.NewBackend(t)
	dir := t.TempDir()

	account := acctest.NewWorkspace(t, filepath.Join(dir, "account"))
	account.Write("main.tf", versions+b.ProviderConfig()+`
resource "arbor_environment" "staging" {
  slug = "staging"
  name = "Staging"
}
`)
	account.Apply()

	workflow := versioned{kind: domain.KindWorkflow, write: versionedResources[domain.KindWorkflow.Name]}
	module := acctest.NewWorkspace(t, filepath.Join(dir, "module"))
	module.Write("versions.tf", versions)
	module.Write("main.tf", workflow.welcome("Welcome aboard"))
	root := acctest.NewWorkspace(t, filepath.Join(dir, "root"))
	root.Write("main.tf", versions+`provider "arbor" {
  environment = terraform.workspace
}

module "notifications" {
  source = "../module"
}
`)
	root.InstallModules()

	t.Setenv("ARBOR_ENDPOINT", b.URL)
	keys := map[string]string{}
	for _, env := range []string{"development", "staging", "production"} {
		keys[env] = b.APIKey(t, env, domain.ScopeReadWrite)
	}
	terraform := func(args ...string) {
		t.Helper()
		if out, code := root.Terraform(args...); code != 0 {
			t.Fatalf("terraform %s:\n%s", strings.Join(args, " "), out)
		}
	}
	stage := func(env string) {
		t.Helper()
		terraform("workspace", "select", env)
		t.Setenv("ARBOR_API_KEY", keys[env])
	}

	// The default workspace is no environment: refused at plan, even with
	// an account token that reaches every environment.
	t.Setenv("ARBOR_API_KEY", b.Token)
	root.PlanFails(acctest.ErrorLike(`environment "default" not found`))

	for _, env := range []string{"development", "staging", "production"} {
		terraform("workspace", "new", env)
	}
	// A stage with another environment's key is refused before planning.
	terraform("workspace", "select", "development")
	t.Setenv("ARBOR_API_KEY", keys["staging"])
	root.PlanFails(acctest.ErrorLike(`The api_key is a key of environment "staging", so the provider cannot use environment "development"`))

	// Development, then staging, then production: each workspace's plan is
	// the promotion diff.
	for _, env := range []string{"development", "staging", "production"} {
		stage(env)
		if plan := root.PlanChanges(); !strings.Contains(plan, "module.notifications.arbor_workflow.welcome will be created") {
			t.Fatalf("the %s plan does not create the workflow:\n%s", env, plan)
		}
		root.Apply()
		root.PlanEmpty()
	}
	p := &pipeline{t: t, b: b}
	v1 := p.state(domain.KindWorkflow, "development", "welcome").SHA
	if p.state(domain.KindWorkflow, "production", "welcome").SHA != v1 {
		t.Fatal("production does not hold development's content")
	}

	// A change reaches production only through development and staging,
	// and each refused plan says which workspace to apply first.
	module.Write("main.tf", workflow.welcome("Welcome to Arbor"))
	stage("production")
	root.PlanFails(acctest.ErrorLike(`workflow "welcome" differs from its version in staging (sha ` + v1[:12] + `): apply this change to staging first`))
	stage("staging")
	root.PlanFails(acctest.ErrorLike(`apply this change to development first`))
	stage("development")
	root.Apply()
	for _, env := range []string{"staging", "production"} {
		stage(env)
		if plan := root.PlanChanges(); !strings.Contains(plan, "~ sha") {
			t.Fatalf("the %s plan does not show the content change:\n%s", env, plan)
		}
		root.Apply()
	}
	if p.state(domain.KindWorkflow, "production", "welcome").SHA != p.state(domain.KindWorkflow, "development", "welcome").SHA {
		t.Fatal("production does not hold development's new content")
	}
}
