package provider_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/arborhq/terraform-provider-arbor/internal/acctest"
)

// hcl renders strings as an HCL list.
func hcl(values ...string) string {
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = fmt.Sprintf("%q", v)
	}
	return "[" + strings.Join(quoted, ", ") + "]"
}

// permissionsConfig declares arbor_permission.<key> for each key.
func permissionsConfig(keys ...string) string {
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "\nresource \"arbor_permission\" %q {\n  key  = %q\n  name = %q\n}\n", strings.ReplaceAll(k, ".", "_"), k, k)
	}
	return b.String()
}

func roleConfig(b *acctest.Backend, key, name string, permissions ...string) string {
	refs := make([]string, len(permissions))
	for i, p := range permissions {
		refs[i] = "arbor_permission." + strings.ReplaceAll(p, ".", "_") + ".key"
	}
	return b.ProviderConfig() + permissionsConfig("docs.read", "docs.write", "docs.delete") + fmt.Sprintf(`
resource "arbor_role" "test" {
  key         = %q
  name        = %q
  permissions = [%s]
}
`, key, name, strings.Join(refs, ", "))
}

func TestAccRole_basic(t *testing.T) {
	b := acctest.NewBackend(t)
	key := acctest.RandomKey("editor")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             b.CheckDestroy,
		Steps: []resource.TestStep{
			{
				Config: roleConfig(b, key, "Editor", "docs.write", "docs.read"),
				Check:  b.Exists("arbor_role.test"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("arbor_role.test", tfjsonpath.New("id"), knownvalue.StringExact("development/"+key)),
					statecheck.ExpectKnownValue("arbor_role.test", tfjsonpath.New("description"), knownvalue.StringExact("")),
					statecheck.ExpectKnownValue("arbor_role.test", tfjsonpath.New("permissions"),
						knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("docs.read"), knownvalue.StringExact("docs.write")})),
				},
			},
			{ResourceName: "arbor_role.test", ImportState: true, ImportStateVerify: true},
			{ResourceName: "arbor_role.test", ImportState: true, ImportStateId: key, ImportStateVerify: true},
			{
				Config: roleConfig(b, key, "Senior editor", "docs.read", "docs.delete"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("arbor_role.test", plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("arbor_role.test", tfjsonpath.New("name"), knownvalue.StringExact("Senior editor")),
					statecheck.ExpectKnownValue("arbor_role.test", tfjsonpath.New("permissions"),
						knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("docs.read"), knownvalue.StringExact("docs.delete")})),
				},
			},
			// No permissions at all: the omitted set is the empty set.
			{
				Config: roleConfig(b, key, "Senior editor"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("arbor_role.test", tfjsonpath.New("permissions"), knownvalue.SetSizeExact(0)),
				},
			},
		},
	})
}

func TestAccRole_disappears(t *testing.T) {
	testDisappears(t, "arbor_role.test", func(b *acctest.Backend) string {
		return roleConfig(b, acctest.RandomKey("role"), "Gone soon", "docs.read")
	})
}

// permissions owns the role's whole set: a join made outside Terraform is
// planned away.
func TestAccRole_permissionsAreAuthoritative(t *testing.T) {
	b := acctest.NewBackend(t)
	key := acctest.RandomKey("role")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             b.CheckDestroy,
		Steps: []resource.TestStep{
			{
				Config:             roleConfig(b, key, "Reader", "docs.read"),
				Check:              b.PutObject("arbor_role.test", map[string]any{"permissions": []string{"docs.read", "docs.delete"}}),
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectResourceAction("arbor_role.test", plancheck.ResourceActionUpdate)},
				},
			},
			{
				Config: roleConfig(b, key, "Reader", "docs.read"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("arbor_role.test", tfjsonpath.New("permissions"),
						knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("docs.read")})),
				},
			},
		},
	})
}

func TestAccRole_unknownPermission(t *testing.T) {
	b := acctest.NewBackend(t)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: b.ProviderConfig() + `
resource "arbor_role" "test" {
  key         = "editor"
  name        = "Editor"
  permissions = ["docs.publish"]
}
`,
				ExpectError: regexp.MustCompile(`permissions permission "docs.publish" does not exist\s+in\s+environment\s+development`),
			},
			{
				Config: b.ProviderConfig() + `
resource "arbor_role" "test" {
  key         = "editor"
  name        = "Editor"
  permissions = ["not a key"]
}
`,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`Invalid key`),
			},
		},
	})
}

// A permission a role grants cannot be destroyed out from under it.
func TestAccRole_permissionInUse(t *testing.T) {
	b := acctest.NewBackend(t)
	b.PutObjectNow(t, "permission", "development", "docs.read", map[string]any{"name": "Read"})
	b.PutObjectNow(t, "role", "development", "reader", map[string]any{"name": "Reader", "permissions": []string{"docs.read"}})
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: b.ProviderConfig() + `
import {
  to = arbor_permission.read
  id = "docs.read"
}

resource "arbor_permission" "read" {
  key  = "docs.read"
  name = "Read"
}
`,
			},
			{
				Config:      b.ProviderConfig(),
				ExpectError: regexp.MustCompile(`permission "docs.read" is still used by role "reader"`),
			},
			{
				PreConfig: func() { b.DeleteObjectNow(t, "role", "development", "reader") },
				Config:    b.ProviderConfig(),
			},
		},
	})
}

func TestAccRoleDataSources(t *testing.T) {
	b := acctest.NewBackend(t)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: roleConfig(b, "editor", "Editor", "docs.read", "docs.write") + `
resource "arbor_role" "reader" {
  key         = "reader"
  name        = "Reader"
  description = "Reads."
  permissions = [arbor_permission.docs_read.key]
}

data "arbor_role" "reader" {
  key = arbor_role.reader.key
}

data "arbor_roles" "writers" {
  permission = arbor_permission.docs_write.key
  depends_on = [arbor_role.test, arbor_role.reader]
}

data "arbor_roles" "all" {
  depends_on = [arbor_role.test, arbor_role.reader]
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.arbor_role.reader", tfjsonpath.New("description"), knownvalue.StringExact("Reads.")),
					statecheck.ExpectKnownValue("data.arbor_role.reader", tfjsonpath.New("permissions"), knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("docs.read")})),
					statecheck.ExpectKnownValue("data.arbor_roles.writers", tfjsonpath.New("keys"), knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("editor")})),
					statecheck.ExpectKnownValue("data.arbor_roles.all", tfjsonpath.New("keys"), knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("editor"), knownvalue.StringExact("reader")})),
					statecheck.ExpectKnownValue("data.arbor_roles.all", tfjsonpath.New("roles").AtSliceIndex(0).AtMapKey("permissions"), knownvalue.SetSizeExact(2)),
					statecheck.ExpectKnownValue("data.arbor_roles.all", tfjsonpath.New("environment"), knownvalue.StringExact("development")),
				},
			},
		},
	})
}
