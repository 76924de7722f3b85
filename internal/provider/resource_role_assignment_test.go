package provider_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/arborhq/terraform-provider-arbor/internal/acctest"
)

// assignmentConfig declares identity ada, roles editor and viewer, node
// emea, and an assignment of role to ada at emea.
func assignmentConfig(b *acctest.Backend, role string) string {
	return b.ProviderConfig() + fmt.Sprintf(`
resource "arbor_identity" "ada" {
  key   = "ada"
  email = "ada@example.com"
  name  = "Ada"
}

resource "arbor_role" "editor" {
  key  = "editor"
  name = "Editor"
}

resource "arbor_role" "viewer" {
  key  = "viewer"
  name = "Viewer"
}

resource "arbor_hierarchy_node" "emea" {
  key  = "emea"
  name = "EMEA"
}

resource "arbor_role_assignment" "test" {
  identity_key = arbor_identity.ada.key
  role_key     = arbor_role.%s.key
  node_key     = arbor_hierarchy_node.emea.key
}
`, role)
}

func TestAccRoleAssignment_basic(t *testing.T) {
	b := acctest.NewBackend(t)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             b.CheckDestroy,
		Steps: []resource.TestStep{
			{
				Config: assignmentConfig(b, "editor") + `
data "arbor_role_assignment" "test" {
  identity_key = arbor_role_assignment.test.identity_key
  role_key     = arbor_role_assignment.test.role_key
  node_key     = arbor_role_assignment.test.node_key
}
`,
				Check: b.Exists("arbor_role_assignment.test"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("arbor_role_assignment.test", tfjsonpath.New("id"), knownvalue.StringExact("development/ada/editor/emea")),
					statecheck.ExpectKnownValue("arbor_role_assignment.test", tfjsonpath.New("environment"), knownvalue.StringExact("development")),
					statecheck.ExpectKnownValue("data.arbor_role_assignment.test", tfjsonpath.New("id"), knownvalue.StringExact("development/ada/editor/emea")),
				},
			},
			{ResourceName: "arbor_role_assignment.test", ImportState: true, ImportStateVerify: true},
			{ResourceName: "arbor_role_assignment.test", ImportState: true, ImportStateId: "ada/editor/emea", ImportStateVerify: true},
			{
				ResourceName:  "arbor_role_assignment.test",
				ImportState:   true,
				ImportStateId: "ada/editor",
				ExpectError:   regexp.MustCompile(`Expected <environment>/<identity_key>/<role_key>/<node_key>`),
			},
			// Each part of the id is checked by the key rule, and the error
			// names the part.
			{
				ResourceName:  "arbor_role_assignment.test",
				ImportState:   true,
				ImportStateId: "development/ada/Editor!/emea",
				ExpectError:   regexp.MustCompile(`role_key "Editor!" must be`),
			},
			// Any change of the triple is another assignment.
			{
				Config: assignmentConfig(b, "viewer"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("arbor_role_assignment.test", plancheck.ResourceActionReplace)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("arbor_role_assignment.test", tfjsonpath.New("id"), knownvalue.StringExact("development/ada/viewer/emea")),
				},
			},
		},
	})
}

func TestAccRoleAssignment_disappears(t *testing.T) {
	testDisappears(t, "arbor_role_assignment.test", func(b *acctest.Backend) string { return assignmentConfig(b, "editor") })
}

// The triple is unique: a second resource for an existing assignment is
// refused, never a silent takeover.
func TestAccRoleAssignment_tripleIsUnique(t *testing.T) {
	b := acctest.NewBackend(t)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             b.CheckDestroy,
		Steps: []resource.TestStep{
			{
				Config: assignmentConfig(b, "editor") + `
resource "arbor_role_assignment" "again" {
  identity_key = "ada"
  role_key     = "editor"
  node_key     = "emea"
  depends_on   = [arbor_role_assignment.test]
}
`,
				ExpectError: regexp.MustCompile(`(?s)Two resources manage the same object.*role assignment\s+"ada/editor/emea"`),
			},
		},
	})
}

func TestAccRoleAssignment_missingObjects(t *testing.T) {
	b := acctest.NewBackend(t)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: b.ProviderConfig() + `
resource "arbor_role_assignment" "test" {
  identity_key = "nobody"
  role_key     = "editor"
  node_key     = "emea"
}
`,
				ExpectError: regexp.MustCompile(`(?s)identity_key identity "nobody" does not exist.*role_key role "editor" does not exist.*node_key hierarchy node "emea" does not exist`),
			},
		},
	})
}

// While an assignment exists, nothing it joins can be destroyed; the error
// names the assignment.
func TestAccRoleAssignment_joinedObjectsInUse(t *testing.T) {
	b := acctest.NewBackend(t)
	b.PutObjectNow(t, "identity", "", "grace", map[string]any{"email": "grace@example.com", "name": "Grace"})
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             b.CheckDestroy,
		Steps: []resource.TestStep{
			{Config: assignmentConfig(b, "editor")},
			{
				PreConfig: func() {
					b.PutObjectNow(t, "role_assignment", "development", "grace/viewer/emea", map[string]any{})
				},
				Config: b.ProviderConfig() + `
resource "arbor_identity" "ada" {
  key   = "ada"
  email = "ada@example.com"
  name  = "Ada"
}
`,
				ExpectError: regexp.MustCompile(`(?s)(role "viewer"|hierarchy node "emea") is still used by role assignment\s+"grace/viewer/emea"`),
			},
			{
				PreConfig: func() { b.DeleteObjectNow(t, "role_assignment", "development", "grace/viewer/emea") },
				Config:    b.ProviderConfig(),
			},
		},
	})
}
