package provider_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/arborhq/terraform-provider-arbor/internal/acctest"
	"github.com/arborhq/terraform-provider-arbor/internal/client"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// triggered runs action on the creation of a terraform_data, as a
// pipeline's apply would.
func triggered(action, name, config string) string {
	return triggeredBy("v1", action, name, config)
}

// triggeredBy runs action on the creation of a terraform_data, and on
// each change of its input, release.
func triggeredBy(release, action, name, config string) string {
	return fmt.Sprintf(`
resource "terraform_data" "release" {
  input = %[4]q
  lifecycle {
    action_trigger {
      events  = [after_create, after_update]
      actions = [action.%[1]s.%[2]s]
    }
  }
}

action %[1]q %[2]q {
  config {
%[3]s  }
}
`, action, name, config, release)
}

// arbor_environment_promote copies development's configuration into
// staging; the next plan of a root managing a copied object shows the
// change.
func TestAccEnvironmentPromoteAction(t *testing.T) {
	b := acctest.NewBackend(t)
	b.CreateEnvironment(t, "staging")
	b.PutSeed(t, domain.Development, acctest.Seed[:2]...)
	staged := func(key, name string) func(*terraformState) error {
		return func(*terraformState) error {
			p, err := client.Objects[domain.Permission](b.Client, domain.KindPermission).Get(context.Background(), "staging", key)
			if err != nil {
				return err
			}
			if p.Name != name {
				return fmt.Errorf("staging's %s is named %q, want %q", key, p.Name, name)
			}
			return nil
		}
	}
	stagingRoot := b.ProviderConfigWith(b.Token, "staging") + `
resource "arbor_permission" "read" {
  key  = "docs.read"
  name = "Old name"
}
`
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		TerraformVersionChecks:   acctest.Requires(acctest.FeatureAction),
		Steps: []resource.TestStep{
			{Config: stagingRoot},
			{
				Config: stagingRoot + triggered("arbor_environment_promote", "up", "    from = \"development\"\n    to   = \"staging\"\n"),
				Check:  resource.ComposeTestCheckFunc(staged("docs.read", "Read documents"), staged("docs.write", "Write documents")),
				// The promotion renamed the permission the root manages:
				// the next plan says so.
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("arbor_permission.read", plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue("arbor_permission.read", tfjsonpath.New("name"), knownvalue.StringExact("Old name")),
				}},
			},
			{
				// The root takes the promoted name: nothing left to do.
				Config: strings.Replace(stagingRoot, `name = "Old name"`, "name        = \"Read documents\"\n  description = \"View documents.\"", 1) +
					triggered("arbor_environment_promote", "up", "    from = \"development\"\n    to   = \"staging\"\n"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// Refusals are errors naming the cause: an environment that does not
// exist, a promotion into itself, an API key instead of an account token,
// a promotion the rule refuses (a role with assignments it would delete,
// without prune_assignments); prune_assignments then lets it through.
func TestAccEnvironmentPromoteAction_refusals(t *testing.T) {
	b := acctest.NewBackend(t)
	b.CreateEnvironment(t, "staging")
	b.PutSeed(t, domain.Development, acctest.Seed[0])
	b.PutSeed(t, "staging", acctest.Seed[:7]...)
	release := 0
	promote := func(provider, from, to, extra string) string {
		release++
		return provider + triggeredBy(fmt.Sprint(release), "arbor_environment_promote", "up", fmt.Sprintf("    from = %q\n    to   = %q\n%s", from, to, extra))
	}
	step := func(config, want string) resource.TestStep {
		return resource.TestStep{Config: config, ExpectError: regexp.MustCompile(want)}
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		TerraformVersionChecks:   acctest.Requires(acctest.FeatureAction),
		Steps: []resource.TestStep{
			step(promote(b.ProviderConfig(), "develop", "staging", ""), `from: environment "develop" not found`),
			step(promote(b.ProviderConfig(), "staging", "staging", ""), `from and to are both "staging"`),
			step(promote(b.ProviderConfigWith(b.APIKey(t, "staging", domain.ScopeReadWrite), ""), "development", "staging", ""),
				`(?s)API key of environment "staging"; promoting\s+needs an account token`),
			step(promote(b.ProviderConfig(), "development", "staging", ""), `(?s)Error promoting development into staging.*role "editor" would be removed but\s+still has`),
			{
				Config: promote(b.ProviderConfig(), "development", "staging", "    prune_assignments = true\n"),
				Check: func(*terraformState) error {
					roles, err := client.Objects[domain.Role](b.Client, domain.KindRole).List(context.Background(), "staging", nil)
					if err != nil || len(roles) != 0 {
						return fmt.Errorf("staging's roles after the promotion: %v, %v", roles, err)
					}
					return nil
				},
			},
		},
	})
}

// arbor_environment_export writes the environment's document, byte for
// byte as the backend exports it; a missing directory is refused at plan.
func TestAccEnvironmentExportAction(t *testing.T) {
	b := acctest.NewBackend(t)
	b.PutSeed(t, domain.Development, acctest.Seed[:3]...)
	dir := t.TempDir()
	file := filepath.Join(dir, "development.json")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		TerraformVersionChecks:   acctest.Requires(acctest.FeatureAction),
		Steps: []resource.TestStep{
			{
				Config:      b.ProviderConfig() + triggered("arbor_environment_export", "doc", fmt.Sprintf("    path = %q\n", filepath.Join(dir, "missing", "x.json"))),
				ExpectError: regexp.MustCompile(`(?s)directory ".*missing" does\s+not\s+exist`),
			},
			{
				Config:      b.ProviderConfig() + triggered("arbor_environment_export", "doc", fmt.Sprintf("    environment = \"qa\"\n    path = %q\n", file)),
				ExpectError: regexp.MustCompile(`environment "qa" not found`),
			},
			{
				Config: b.ProviderConfig() + triggered("arbor_environment_export", "doc", fmt.Sprintf("    path = %q\n", file)),
				Check: func(*terraformState) error {
					got, err := os.ReadFile(file)
					if err != nil {
						return err
					}
					want, _, err := b.Client.ExportConfig(context.Background(), domain.Development)
					if err != nil {
						return err
					}
					if string(got) != string(want) || !strings.Contains(string(got), `"editor"`) {
						return fmt.Errorf("the file is not the export:\n%s", got)
					}
					return nil
				},
			},
		},
	})
}
