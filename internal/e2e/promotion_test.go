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

// versionedResources write, per versioned kind, an HCL resource of the
// kind named name with key, whose content differs with text and whose
// active flag is active (both HCL expressions; a kind without an active
// flag leaves active out), and the channel, named and
// keyed name, it sends through: channels are each environment's own, so
// every root that writes the object creates its channel too. A versioned
// kind without one fails the promotion tests.
var versionedResources = map[string]func(name, key, text, active string) string{
	domain.KindWorkflow.Name: func(name, key, text, active string) string {
		return fmt.Sprintf(`
resource "arbor_channel" %[1]q {
  key     = %[1]q
  name    = "Postmark"
  type    = "email"
  service = "postmark"
}

resource "arbor_workflow" %[1]q {
  key    = %[2]q
  name   = "Welcome"
  active = %[3]s
  steps = [
    {
      ref     = "email"
      channel = { type = "email", key = arbor_channel.%[1]s.key, subject = %[4]s, body = "Glad you are here." }
    },
  ]
}
`, name, key, active, text)
	},
	domain.KindGuide.Name: func(name, key, text, active string) string {
		return fmt.Sprintf(`
resource "arbor_channel" %[1]q {
  key     = %[1]q
  name    = "In-app"
  type    = "in_app_feed"
  service = "arbor"
}

resource "arbor_guide" %[1]q {
  key         = %[2]q
  name        = "Welcome"
  type        = "modal"
  channel_key = arbor_channel.%[1]s.key
  active      = %[3]s
  content     = { title = %[4]s, body = "Glad you are here." }
}
`, name, key, active, text)
	},
	domain.KindPartial.Name: func(name, key, text, _ string) string {
		return fmt.Sprintf(`
resource "arbor_partial" %[1]q {
  key     = %[2]q
  name    = "Button"
  type    = "html"
  content = %[3]s
}
`, name, key, text)
	},
	// A translation's key names its locale, here after key as its
	// namespace.
	domain.KindTranslation.Name: func(name, key, text, _ string) string {
		return fmt.Sprintf(`
resource "arbor_translation" %[1]q {
  key     = "%[2]s.en"
  strings = { welcome = %[3]s }
}
`, name, key, text)
	},
	domain.KindEmailLayout.Name: func(name, key, text, _ string) string {
		return fmt.Sprintf(`
resource "arbor_email_layout" %[1]q {
  key         = %[2]q
  name        = %[3]s
  html_layout = "<html><body>{{ content }}</body></html>"
  text_layout = "{{ content }}"
}
`, name, key, text)
	},
}

// eachVersionedKind runs test once per versioned kind, in parallel.
func eachVersionedKind(t *testing.T, test func(t *testing.T, v versioned)) {
	for _, kind := range domain.VersionedKinds {
		write, ok := versionedResources[kind.Name]
		if !ok {
			t.Errorf("versioned kind %s has no resource in versionedResources", kind.Name)
			continue
		}
		t.Run(kind.Name, func(t *testing.T) {
			t.Parallel()
			test(t, versioned{kind: kind, write: write})
		})
	}
}

// versioned is the versioned kind a promotion test runs on.
type versioned struct {
	kind  domain.Kind
	write func(name, key, text, active string) string
}

// named is how a refusal names the object: `workflow "welcome"`.
func (v versioned) named(key string) string {
	return fmt.Sprintf("%s %q", v.kind.Noun, objectKey(v.kind, key))
}

// objectKey is the key the resources of versionedResources give an object
// written with key: a translation's names its locale.
func objectKey(kind domain.Kind, key string) string {
	if kind == domain.KindTranslation {
		return key + ".en"
	}
	return key
}

// welcome is a version of the shared module: one object whose text is the
// content that changes between versions. active comes from each root; so
// can the text, to edit one environment alone.
func (v versioned) welcome(text string) string {
	return fmt.Sprintf(`variable "active" {
  type    = bool
  default = true
}

variable "subject" {
  type    = string
  default = %q
}
`, text) + v.write("welcome", "welcome", "var.subject", "var.active")
}

// withoutWelcome is the module after the object was removed from it.
const withoutWelcome = `variable "active" {
  type    = bool
  default = true
}

variable "subject" {
  type    = string
  default = ""
}
`

// versionedState is what every versioned object stores beside its
// content: its version state and, for a kind that has one, its active flag.
type versionedState struct {
	domain.Activation
	domain.VersionState
}

// state is the version state of object key of the kind in env.
func (p *pipeline) state(kind domain.Kind, env, key string) *versionedState {
	p.t.Helper()
	obj, err := client.Objects[versionedState](p.b.Client, kind).Get(context.Background(), env, objectKey(kind, key))
	if err != nil {
		p.t.Fatalf("reading %s %s in %s: %v", kind.Noun, key, env, err)
	}
	return obj
}

func (p *pipeline) absent(kind domain.Kind, env, key string) {
	p.t.Helper()
	_, err := client.Objects[domain.VersionState](p.b.Client, kind).Get(context.Background(), env, objectKey(kind, key))
	if !client.IsNotFound(err) {
		p.t.Fatalf("%s %s still exists in %s (%v)", kind.Noun, key, env, err)
	}
}

func (p *pipeline) settings(on bool) {
	p.account.Write("main.tf", fmt.Sprintf("resource \"arbor_account_settings\" \"this\" {\n  production_write_access = %t\n}\n", on))
	p.account.Apply()
}

// TestPromotionByPlan walks a workflow, and a guide, from development
// through staging to production, one workspace per environment, and proves
// each rule of promotion at plan time.
func TestPromotionByPlan(t *testing.T) {
	t.Parallel()
	eachVersionedKind(t, func(t *testing.T, v versioned) {
		p := newPipeline(t)
		dev, staging, prod := p.envs["development"], p.envs["staging"], p.envs["production"]
		resource := "arbor_" + v.kind.Name

		// v1 is born in development.
		p.commit(v.welcome("Welcome aboard"))
		dev.Apply()
		dev.PlanEmpty()

		// Skipping staging fails at plan, naming staging.
		prod.PlanFails(acctest.ErrorLike(v.named("welcome") + ` does not exist in staging: apply it to staging first ` + order))

		// The staging plan is the promotion diff; then production.
		if plan := staging.PlanChanges(); !strings.Contains(plan, resource+`.welcome will be created`) {
			t.Fatalf("staging plan:\n%s", plan)
		}
		staging.Apply()
		prod.Apply()
		prod.PlanEmpty()
		v1 := p.state(v.kind, "development", "welcome").SHA
		if p.state(v.kind, "production", "welcome").SHA != v1 {
			t.Fatal("production does not hold development's content")
		}

		// v2 is committed: it reaches production only through development and staging.
		p.commit(v.welcome("Welcome to Arbor"))
		prod.PlanFails(acctest.ErrorLike(v.named("welcome") + ` differs from its version in staging (sha ` + v1[:12] + `): apply this change to staging first`))
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
		// production workspace, or an object created there.
		p.rootWith("production", `subject = "Edited in production"`, "")
		prod.PlanFails(acctest.ErrorLike(v.named("welcome") + ` differs from its version in staging`))
		p.setRoot("production", v.write("hotfix", "welcome-hotfix", `"Hotfix"`, "true"))
		prod.PlanFails(acctest.ErrorLike(v.named("welcome-hotfix") + ` does not exist in staging: create it in development and promote it, or turn production write access on`))
		p.setRoot("production", "")

		// active is per environment: it switches in production without promotion.
		if domain.HasActive(v.kind) {
			p.rootWith("production", "active = false", "")
			prod.Apply()
			prod.PlanEmpty()
			if p.state(v.kind, "production", "welcome").IsActive() || !p.state(v.kind, "staging", "welcome").IsActive() {
				t.Fatal("active did not switch in production alone")
			}
		}

		// Deletion follows the promotion order.
		p.commit(withoutWelcome)
		prod.PlanFails(acctest.ErrorLike(v.named("welcome") + ` still exists in staging: delete it there first; deletions follow the promotion order too ` + order))
		staging.PlanFails(acctest.ErrorLike(`still exists in development: delete it there first`))
		dev.Apply()
		p.absent(v.kind, "development", "welcome")
		staging.Apply()
		prod.Apply()
		p.absent(v.kind, "production", "welcome")
	})
}

// TestProductionWriteAccess proves both origins at plan time, for a
// workflow and a guide: with production write access off nothing is born
// in production; on, a production-born object is edited only in
// production, and a development-born one still only in development.
func TestProductionWriteAccess(t *testing.T) {
	t.Parallel()
	eachVersionedKind(t, func(t *testing.T, v versioned) {
		p := newPipeline(t)
		dev, staging, prod := p.envs["development"], p.envs["staging"], p.envs["production"]
		campaign := func(text string, active bool) string {
			return v.write("campaign", "spring-campaign", fmt.Sprintf("%q", text), fmt.Sprint(active))
		}
		p.commit(v.welcome("Welcome aboard"))
		dev.Apply()
		staging.Apply()
		prod.Apply()

		// Off: nothing can be born in production.
		p.settings(false)
		p.setRoot("production", campaign("Sale", true))
		prod.PlanFails(acctest.ErrorLike(`turn production write access on (arbor_account_settings) to create it directly in production`))

		// On: it is born there, with origin production, and edited there.
		p.settings(true)
		prod.Apply()
		if got := p.state(v.kind, "production", "spring-campaign").OriginEnvironment; got != "production" {
			t.Fatalf("origin %q", got)
		}
		p.setRoot("production", campaign("Bigger sale", true))
		prod.Apply()
		prod.PlanEmpty()

		// Its key is refused in every other environment.
		p.setRoot("development", campaign("Sale", true))
		dev.PlanFails(acctest.ErrorLike(v.named("spring-campaign") + ` was created in production and is edited only there; its key cannot be used in development`))
		p.setRoot("development", "")

		// A development-born object is still edited only in development.
		p.rootWith("production", `subject = "Edited in production"`, campaign("Bigger sale", true))
		prod.PlanFails(acctest.ErrorLike(`apply this change to staging first; ` + v.named("welcome") + ` is edited only in development and reaches production by promotion`))

		// Off again: the production-born object freezes; active still switches.
		p.settings(false)
		p.setRoot("production", campaign("Biggest sale", true))
		prod.PlanFails(acctest.ErrorLike(`was created in production and is edited there only while production write access is on`))
		if domain.HasActive(v.kind) {
			p.setRoot("production", campaign("Bigger sale", false))
			prod.Apply()
			if p.state(v.kind, "production", "spring-campaign").IsActive() {
				t.Fatal("active did not switch")
			}
		}

		// Deleting it needs write access too; with it, it goes.
		p.setRoot("production", "")
		prod.PlanFails(acctest.ErrorLike(`is deleted there only while production write access is on`))
		p.settings(true)
		prod.Apply()
		p.absent(v.kind, "production", "spring-campaign")
	})
}
