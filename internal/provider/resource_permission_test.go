package provider_test

import (
	"fmt"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/arborhq/terraform-provider-arbor/internal/acctest"
)

func permissionConfig(b *acctest.Backend, key, name, description string) string {
	desc := ""
	if description != "" {
		desc = fmt.Sprintf("\n  description = %q", description)
	}
	return b.ProviderConfig() + fmt.Sprintf(`
resource "arbor_permission" "test" {
  key  = %q
  name = %q%s
}
`, key, name, desc)
}

func TestAccPermission_basic(t *testing.T) {
	b := acctest.NewBackend(t)
	key := acctest.RandomKey("documents.read")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             b.CheckDestroy,
		Steps: []resource.TestStep{
			{
				Config: permissionConfig(b, key, "Read documents", ""),
				Check:  b.Exists("arbor_permission.test"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("arbor_permission.test", tfjsonpath.New("id"), knownvalue.StringExact("development/"+key)),
					statecheck.ExpectKnownValue("arbor_permission.test", tfjsonpath.New("environment"), knownvalue.StringExact("development")),
					statecheck.ExpectKnownValue("arbor_permission.test", tfjsonpath.New("description"), knownvalue.StringExact("")),
				},
			},
			{
				ResourceName:      "arbor_permission.test",
				ImportState:       true,
				ImportStateVerify: true,
			},
			{
				ResourceName:      "arbor_permission.test",
				ImportState:       true,
				ImportStateId:     key,
				ImportStateVerify: true,
			},
			{
				Config: permissionConfig(b, key, "Read all documents", "Lets a role read every document."),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("arbor_permission.test", plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("arbor_permission.test", tfjsonpath.New("name"), knownvalue.StringExact("Read all documents")),
					statecheck.ExpectKnownValue("arbor_permission.test", tfjsonpath.New("description"), knownvalue.StringExact("Lets a role read every document.")),
				},
			},
			{
				Config: permissionConfig(b, key+"2", "Read all documents", ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("arbor_permission.test", plancheck.ResourceActionReplace)},
				},
			},
		},
	})
}

func TestAccPermission_disappears(t *testing.T) {
	key := acctest.RandomKey("perm")
	testDisappears(t, "arbor_permission.test", func(b *acctest.Backend) string { return permissionConfig(b, key, "Gone soon", "") })
}

func TestAccPermission_drift(t *testing.T) {
	b := acctest.NewBackend(t)
	key := acctest.RandomKey("perm")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             b.CheckDestroy,
		Steps: []resource.TestStep{
			{
				Config:             permissionConfig(b, key, "Original", ""),
				Check:              b.PutObject("arbor_permission.test", map[string]any{"name": "Changed outside Terraform"}),
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectResourceAction("arbor_permission.test", plancheck.ResourceActionUpdate)},
				},
			},
			{
				Config: permissionConfig(b, key, "Original", ""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("arbor_permission.test", tfjsonpath.New("name"), knownvalue.StringExact("Original")),
				},
			},
		},
	})
}

func TestAccPermission_existingIsNotTakenOver(t *testing.T) {
	b := acctest.NewBackend(t)
	key := acctest.RandomKey("perm")
	b.PutObjectNow(t, "permission", "development", key, map[string]any{"name": "Made elsewhere"})
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      permissionConfig(b, key, "Mine now", ""),
				ExpectError: regexp.MustCompile(`already exists in environment development[\s\S]*import it`),
			},
		},
	})
}

func TestAccPermission_invalidKeyAtPlan(t *testing.T) {
	b := acctest.NewBackend(t)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      permissionConfig(b, "not a key!", "Bad", ""),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`Invalid key[\s\S]*key must be 1–255 characters`),
			},
		},
	})
}

// The embedded backend: no endpoint, a SQLite file, no server started.
func TestAccPermission_embedded(t *testing.T) {
	db := filepath.Join(t.TempDir(), "embedded.db")
	config := func(name string) string {
		return fmt.Sprintf(`
provider "arbor" {
  database = %q
}

resource "arbor_environment" "staging" {
  slug = "staging"
  name = "Staging"
}

resource "arbor_permission" "test" {
  environment = arbor_environment.staging.slug
  key         = "documents.read"
  name        = %q
}

data "arbor_permission" "test" {
  environment = arbor_permission.test.environment
  key         = arbor_permission.test.key
}
`, db, name)
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config("Read documents"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("arbor_permission.test", tfjsonpath.New("id"), knownvalue.StringExact("staging/documents.read")),
					statecheck.ExpectKnownValue("data.arbor_permission.test", tfjsonpath.New("name"), knownvalue.StringExact("Read documents")),
					statecheck.ExpectKnownValue("arbor_environment.staging", tfjsonpath.New("position"), knownvalue.Int64Exact(2)),
				},
			},
			{
				ResourceName:      "arbor_permission.test",
				ImportState:       true,
				ImportStateId:     "staging/documents.read",
				ImportStateVerify: true,
			},
			{
				Config: config("Read every document"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction("arbor_permission.test", plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}
