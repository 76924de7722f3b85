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

// nodesConfig declares arbor_hierarchy_node.<key> for each {key, parent}
// ("" for a root). Parents are literal keys, so that a configuration can
// ask for a cycle; a node depends on a parent declared before it.
func nodesConfig(b *acctest.Backend, nodes [][2]string) string {
	config := b.ProviderConfig()
	declared := map[string]bool{}
	for _, n := range nodes {
		parent := ""
		if n[1] != "" {
			parent = fmt.Sprintf("\n  parent_key = %q", n[1])
		}
		if declared[n[1]] {
			parent += fmt.Sprintf("\n  depends_on = [arbor_hierarchy_node.%s]", n[1])
		}
		declared[n[0]] = true
		config += fmt.Sprintf("\nresource \"arbor_hierarchy_node\" %q {\n  key  = %q\n  name = %q%s\n}\n", n[0], n[0], "Node "+n[0], parent)
	}
	return config
}

func TestAccHierarchyNode_basic(t *testing.T) {
	b := acctest.NewBackend(t)
	config := func(childParent string) string {
		return b.ProviderConfig() + fmt.Sprintf(`
resource "arbor_hierarchy_node" "global" {
  key  = "global"
  name = "Global"
}

resource "arbor_hierarchy_node" "apac" {
  key  = "apac"
  name = "APAC"
}

resource "arbor_hierarchy_node" "test" {
  key        = "emea"
  name       = "EMEA"
  parent_key = arbor_hierarchy_node.%s.key
}
`, childParent)
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             b.CheckDestroy,
		Steps: []resource.TestStep{
			{
				Config: config("global"),
				Check:  b.Exists("arbor_hierarchy_node.test"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("arbor_hierarchy_node.test", tfjsonpath.New("parent_key"), knownvalue.StringExact("global")),
					statecheck.ExpectKnownValue("arbor_hierarchy_node.global", tfjsonpath.New("parent_key"), knownvalue.Null()),
				},
			},
			{ResourceName: "arbor_hierarchy_node.test", ImportState: true, ImportStateVerify: true},
			{ResourceName: "arbor_hierarchy_node.global", ImportState: true, ImportStateId: "global", ImportStateVerify: true},
			// Moving a node is an update in place, never a replacement.
			{
				Config: config("apac"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("arbor_hierarchy_node.test", plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("arbor_hierarchy_node.test", tfjsonpath.New("parent_key"), knownvalue.StringExact("apac")),
				},
			},
		},
	})
}

func TestAccHierarchyNode_disappears(t *testing.T) {
	testDisappears(t, "arbor_hierarchy_node.root", func(b *acctest.Backend) string { return nodesConfig(b, [][2]string{{"root", ""}}) })
}

func TestAccHierarchyNode_cycle(t *testing.T) {
	b := acctest.NewBackend(t)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             b.CheckDestroy,
		Steps: []resource.TestStep{
			{Config: nodesConfig(b, [][2]string{{"a", ""}, {"b", "a"}, {"c", "b"}})},
			{
				// Refused at plan, with the backend's words.
				Config:      nodesConfig(b, [][2]string{{"a", "c"}, {"b", "a"}, {"c", "b"}}),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Error planning hierarchy node "a".*parent_key hierarchy node "c" is "a" or one of its descendants\s+\(a → b → c\)`),
			},
			{
				Config:      nodesConfig(b, [][2]string{{"a", "a"}, {"b", "a"}, {"c", "b"}}),
				ExpectError: regexp.MustCompile(`parent_key a node cannot be its own parent`),
			},
		},
	})
}

// Destroying a node that still has children or assignments is refused:
// the provider never deletes a subtree implicitly.
func TestAccHierarchyNode_refusedDelete(t *testing.T) {
	b := acctest.NewBackend(t)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             b.CheckDestroy,
		Steps: []resource.TestStep{
			{Config: nodesConfig(b, [][2]string{{"root", ""}})},
			{
				PreConfig: func() {
					b.PutObjectNow(t, "hierarchy_node", "development", "leaf", map[string]any{"name": "Leaf", "parent_key": "root"})
				},
				Config:      b.ProviderConfig(),
				ExpectError: regexp.MustCompile(`(?s)hierarchy node "root" still has hierarchy node "leaf".*cascade=true`),
			},
			{
				PreConfig: func() { b.DeleteObjectNow(t, "hierarchy_node", "development", "leaf") },
				Config:    b.ProviderConfig(),
			},
		},
	})
}

func TestAccHierarchyNodeDataSources(t *testing.T) {
	b := acctest.NewBackend(t)
	keys := func(ks ...string) knownvalue.Check {
		checks := make([]knownvalue.Check, len(ks))
		for i, k := range ks {
			checks[i] = knownvalue.StringExact(k)
		}
		return knownvalue.ListExact(checks)
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: b.ProviderConfig() + `
data "arbor_hierarchy_nodes" "both" {
  parent_key = "emea"
  roots_only = true
}
`,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`Invalid Attribute Combination`),
			},
			{
				Config: nodesConfig(b, [][2]string{{"global", ""}, {"apac", ""}, {"emea", "global"}, {"france", "emea"}, {"spain", "emea"}}) + `
locals {
  all_nodes = [arbor_hierarchy_node.global, arbor_hierarchy_node.apac, arbor_hierarchy_node.emea, arbor_hierarchy_node.france, arbor_hierarchy_node.spain]
}

data "arbor_hierarchy_node" "france" {
  key = arbor_hierarchy_node.france.key
}

data "arbor_hierarchy_nodes" "emea" {
  parent_key = arbor_hierarchy_node.emea.key
  depends_on = [local.all_nodes]
}

data "arbor_hierarchy_nodes" "roots" {
  roots_only = true
  depends_on = [local.all_nodes]
}

data "arbor_hierarchy_nodes" "all" {
  depends_on = [local.all_nodes]
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.arbor_hierarchy_node.france", tfjsonpath.New("parent_key"), knownvalue.StringExact("emea")),
					statecheck.ExpectKnownValue("data.arbor_hierarchy_node.france", tfjsonpath.New("name"), knownvalue.StringExact("Node france")),
					statecheck.ExpectKnownValue("data.arbor_hierarchy_nodes.emea", tfjsonpath.New("keys"), keys("france", "spain")),
					statecheck.ExpectKnownValue("data.arbor_hierarchy_nodes.roots", tfjsonpath.New("keys"), keys("apac", "global")),
					statecheck.ExpectKnownValue("data.arbor_hierarchy_nodes.roots", tfjsonpath.New("nodes").AtSliceIndex(0).AtMapKey("parent_key"), knownvalue.Null()),
					statecheck.ExpectKnownValue("data.arbor_hierarchy_nodes.all", tfjsonpath.New("keys"), keys("apac", "emea", "france", "global", "spain")),
				},
			},
		},
	})
}
