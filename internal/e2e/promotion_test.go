package e2e

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/arborhq/terraform-provider-arbor/internal/acctest"
	"github.com/arborhq/terraform-provider-arbor/internal/client"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// pipeline is a GitOps repository: one shared module and one root per
// environment, each applied with its environment's own API key.
type pipeline struct {
	t       *testing.T
	b       *acctest.Backend
	module  *acctest.Workspace
	envs    map[string]*acctest.Workspace
	account *acctest.Workspace
}

const order = "(promotion order: development → staging → production)"

func newPipeline(t *testing.T) *pipeline {
	b := acctest.NewBackend(t)
	b.CreateEnvironment(t, "staging")
	root := t.TempDir()
	p := &pipeline{t: t, b: b, envs: map[string]*acctest.Workspace{}}
	p.module = acctest.NewWorkspace(t, filepath.Join(root, "module"))
	p.module.Write("versions.tf", "terraform {\n  required_providers {\n    arbor = { source = \"arborhq/arbor\" }\n  }\n}\n")
	p.commit("")
	for _, env := range []string{"development", "staging", "production"} {
		w := acctest.NewWorkspace(t, filepath.Join(root, env))
		w.Write("providers.tf", fmt.Sprintf(`terraform {
  required_providers {
    arbor = { source = "arborhq/arbor" }
  }
}

provider "arbor" {
  endpoint = %q
  api_key  = %q
}
`, b.URL, b.APIKey(t, env, domain.ScopeReadWrite)))
		p.envs[env] = w
		p.setRoot(env, "")
		w.InstallModules()
	}
	// Account settings need an admin: a workspace of their own.
	p.account = acctest.NewWorkspace(t, filepath.Join(root, "account"))
	p.account.Write("providers.tf", "terraform {\n  required_providers {\n    arbor = { source = \"arborhq/arbor\" }\n  }\n}\n\n"+b.ProviderConfig())
	return p
}

// setRoot writes an environment's root: the shared module, plus extra.
func (p *pipeline) setRoot(env, extra string) { p.rootWith(env, "", extra) }

// rootWith writes an environment's root, passing args to the shared module.
func (p *pipeline) rootWith(env, args, extra string) {
	p.envs[env].Write("main.tf", "module \"notifications\" {\n  source = \"../module\"\n  "+args+"\n}\n"+extra)
}

// commit changes the shared module, as a merged pull request would.
func (p *pipeline) commit(module string) { p.module.Write("main.tf", module) }

// welcome is a version of the shared module: one workflow whose email
// subject is the content that changes between versions. active comes from
// each root; so can the subject, to edit one environment alone.
func welcome(subject string) string {
	return fmt.Sprintf(`variable "active" {
  type    = bool
  default = true
}

variable "subject" {
  type    = string
  default = %q
}
`, subject) + `
# Each environment has its own channel under the same key.
resource "arbor_channel" "postmark" {
  key     = "postmark"
  name    = "Postmark"
  type    = "email"
  service = "postmark"
}

resource "arbor_workflow" "welcome" {
  key    = "welcome"
  name   = "Welcome"
  active = var.active
  steps = [
    {
      ref     = "email"
      channel = { type = "email", key = arbor_channel.postmark.key, subject = var.subject, body = "Glad you are here." }
    },
  ]
}
`
}

// withoutWelcome is the module after the workflow was removed from it.
const withoutWelcome = `variable "active" {
  type    = bool
  default = true
}

variable "subject" {
  type    = string
  default = ""
}
`

func (p *pipeline) workflow(env, key string) *domain.Workflow {
	p.t.Helper()
	wf, err := client.Objects[domain.Workflow](p.b.Client, domain.KindWorkflow).Get(context.Background(), env, key)
	if err != nil {
		p.t.Fatalf("reading workflow %s in %s: %v", key, env, err)
	}
	return wf
}

func (p *pipeline) absent(env, key string) {
	p.t.Helper()
	_, err := client.Objects[domain.Workflow](p.b.Client, domain.KindWorkflow).Get(context.Background(), env, key)
	if !client.IsNotFound(err) {
		p.t.Fatalf("workflow %s still exists in %s (%v)", key, env, err)
	}
}

func (p *pipeline) settings(on bool) {
	p.account.Write("main.tf", fmt.Sprintf("resource \"arbor_account_settings\" \"this\" {\n  production_write_access = %t\n}\n", on))
	p.account.Apply()
}

// TestPromotionByPlan walks a workflow from development through staging to
// production, one workspace per environment, and proves each rule of
// promotion at plan time.
func TestPromotionByPlan(t *testing.T) {
	t.Parallel()
	p := newPipeline(t)
	dev, staging, prod := p.envs["development"], p.envs["staging"], p.envs["production"]

	// v1 is born in development.
	p.commit(welcome("Welcome aboard"))
	dev.Apply()
	dev.PlanEmpty()

	// Skipping staging fails at plan, naming staging.
	prod.PlanFails(acctest.ErrorLike(`workflow "welcome" does not exist in staging: apply it to staging first ` + order))

	// The staging plan is the promotion diff; then production.
	if plan := staging.PlanChanges(); !strings.Contains(plan, `arbor_workflow.welcome will be created`) {
		t.Fatalf("staging plan:\n%s", plan)
	}
	staging.Apply()
	prod.Apply()
	prod.PlanEmpty()
	v1 := p.workflow("development", "welcome").SHA
	if p.workflow("production", "welcome").SHA != v1 {
		t.Fatal("production does not hold development's content")
	}

	// v2 is committed: it reaches production only through development and staging.
	p.commit(welcome("Welcome to Arbor"))
	prod.PlanFails(acctest.ErrorLike(`workflow "welcome" differs from its version in staging (sha ` + v1[:12] + `): apply this change to staging first`))
	staging.PlanFails(acctest.ErrorLike(`differs from its version in development (sha ` + v1[:12] + `): apply this change to development first`))
	dev.Apply()
	if plan := staging.PlanChanges(); !strings.Contains(plan, `~ sha`) {
		t.Fatalf("the staging plan does not show the content change:\n%s", plan)
	}
	prod.PlanFails(acctest.ErrorLike(`apply this change to staging first`))
	staging.Apply()
	prod.Apply()
	for _, w := range []*acctest.Workspace{dev, staging, prod} {
		w.PlanEmpty()
	}

	// Editing in production fails at plan: content changed only in the
	// production workspace, or a workflow created there.
	p.rootWith("production", `subject = "Edited in production"`, "")
	prod.PlanFails(acctest.ErrorLike(`workflow "welcome" differs from its version in staging`))
	p.setRoot("production", "\nresource \"arbor_workflow\" \"hotfix\" {\n  key  = \"welcome-hotfix\"\n  name = \"Hotfix\"\n}\n")
	prod.PlanFails(acctest.ErrorLike(`workflow "welcome-hotfix" does not exist in staging: create it in development and promote it, or turn production write access on`))

	// active is per environment: it switches in production without promotion.
	p.rootWith("production", "active = false", "")
	prod.Apply()
	prod.PlanEmpty()
	if p.workflow("production", "welcome").IsActive() || !p.workflow("staging", "welcome").IsActive() {
		t.Fatal("active did not switch in production alone")
	}

	// Deletion follows the promotion order.
	p.commit(withoutWelcome)
	prod.PlanFails(acctest.ErrorLike(`workflow "welcome" still exists in staging: delete it there first; deletions follow the promotion order too ` + order))
	staging.PlanFails(acctest.ErrorLike(`still exists in development: delete it there first`))
	dev.Apply()
	p.absent("development", "welcome")
	staging.Apply()
	prod.Apply()
	p.absent("production", "welcome")
}

// TestProductionWriteAccess proves both origins at plan time: with
// production write access off nothing is born in production; on, a
// production-born workflow is edited only in production, and a
// development-born one still only in development.
func TestProductionWriteAccess(t *testing.T) {
	t.Parallel()
	p := newPipeline(t)
	dev, staging, prod := p.envs["development"], p.envs["staging"], p.envs["production"]
	campaign := func(subject string, active bool) string {
		return fmt.Sprintf(`
resource "arbor_channel" "fcm" {
  key     = "fcm"
  name    = "Firebase"
  type    = "push"
  service = "fcm"
}

resource "arbor_workflow" "campaign" {
  key    = "spring-campaign"
  name   = "Spring campaign"
  active = %t
  steps  = [{ ref = "push", channel = { type = "push", key = arbor_channel.fcm.key, subject = %q, body = "Spring is here." } }]
}
`, active, subject)
	}
	p.commit(welcome("Welcome aboard"))
	dev.Apply()
	staging.Apply()
	prod.Apply()

	// Off: a workflow cannot be born in production.
	p.settings(false)
	p.setRoot("production", campaign("Sale", true))
	prod.PlanFails(acctest.ErrorLike(`turn production write access on (arbor_account_settings) to create it directly in production`))

	// On: it is born there, with origin production, and edited there.
	p.settings(true)
	prod.Apply()
	if got := p.workflow("production", "spring-campaign").OriginEnvironment; got != "production" {
		t.Fatalf("origin %q", got)
	}
	p.setRoot("production", campaign("Bigger sale", true))
	prod.Apply()
	prod.PlanEmpty()

	// Its key is refused in every other environment.
	p.setRoot("development", campaign("Sale", true))
	dev.PlanFails(acctest.ErrorLike(`workflow "spring-campaign" was created in production and is edited only there; its key cannot be used in development`))
	p.setRoot("development", "")

	// A development-born workflow is still edited only in development.
	p.rootWith("production", `subject = "Edited in production"`, campaign("Bigger sale", true))
	prod.PlanFails(acctest.ErrorLike(`apply this change to staging first; workflow "welcome" is edited only in development and reaches production by promotion`))

	// Off again: the production-born workflow freezes; active still switches.
	p.settings(false)
	p.setRoot("production", campaign("Biggest sale", true))
	prod.PlanFails(acctest.ErrorLike(`was created in production and is edited there only while production write access is on`))
	p.setRoot("production", campaign("Bigger sale", false))
	prod.Apply()
	if p.workflow("production", "spring-campaign").IsActive() {
		t.Fatal("active did not switch")
	}

	// Deleting it needs write access too; with it, it goes.
	p.setRoot("production", "")
	prod.PlanFails(acctest.ErrorLike(`is deleted there only while production write access is on`))
	p.settings(true)
	prod.Apply()
	p.absent("production", "spring-campaign")
}
