package provider_test

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/arborhq/terraform-provider-arbor/internal/acctest"
)

// Two resources declaring one object are refused at plan time, naming the
// attribute: otherwise, in a later run, the backend could not tell the
// second one's create from the first one's repeated after its answer was
// lost, and would answer it with the first one's object or credential.
func TestAccDuplicateObjects_refusedAtPlan(t *testing.T) {
	b := acctest.NewBackend(t)
	for name, config := range map[string]string{
		"API keys of one name": `
resource "arbor_api_key" "a" {
  name  = "ci"
  scope = "read_write"
}
resource "arbor_api_key" "b" {
  name  = "ci"
  scope = "read_write"
}`,
		"permissions of one key": `
resource "arbor_permission" "a" {
  key  = "docs.read"
  name = "Read docs"
}
resource "arbor_permission" "b" {
  key         = "docs.read"
  name        = "Read docs"
  environment = "development"
}`,
		"identities of one key": `
resource "arbor_identity" "a" {
  key   = "ada"
  email = "ada@example.com"
  name  = "Ada"
}
resource "arbor_identity" "b" {
  key   = "ada"
  email = "ada@example.com"
  name  = "Ada"
}`,
	} {
		t.Run(name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				PreCheck:                 func() { acctest.PreCheck(t) },
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      b.ProviderConfig() + config,
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(`(?s)Two resources manage the same object.*also manages`),
				}},
			})
		})
	}
}

// A second API key of a name added in a later run, while the first key's
// create is still within the backend's replay window, is refused at plan
// time too: applied, it would be answered with the first key's secret.
func TestAccDuplicateObjects_addedLater(t *testing.T) {
	b := acctest.NewBackend(t)
	first := `
resource "arbor_api_key" "a" {
  name  = "ci"
  scope = "read_write"
}`
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             b.CheckDestroy,
		Steps: []resource.TestStep{
			{Config: b.ProviderConfig() + first},
			{
				Config: b.ProviderConfig() + first + `
resource "arbor_api_key" "b" {
  name  = "ci"
  scope = "read_write"
}`,
				ExpectError: regexp.MustCompile(`(?s)Two resources manage the same object.*API key named\s+"ci"`),
			},
		},
	})
}
