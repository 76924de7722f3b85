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
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

func identityConfig(b *acctest.Backend, key, email, name string) string {
	return b.ProviderConfig() + fmt.Sprintf(`
resource "arbor_identity" "test" {
  key   = %q
  email = %q
  name  = %q
}
`, key, email, name)
}

func TestAccIdentity_basic(t *testing.T) {
	b := acctest.NewBackend(t)
	key := acctest.RandomKey("ada")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             b.CheckDestroy,
		Steps: []resource.TestStep{
			{
				Config: identityConfig(b, key, "ada@example.com", "Ada") + `
data "arbor_identity" "test" {
  key = arbor_identity.test.key
}
`,
				Check: b.Exists("arbor_identity.test"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("arbor_identity.test", tfjsonpath.New("id"), knownvalue.StringExact(key)),
					statecheck.ExpectKnownValue("data.arbor_identity.test", tfjsonpath.New("email"), knownvalue.StringExact("ada@example.com")),
					statecheck.ExpectKnownValue("data.arbor_identity.test", tfjsonpath.New("name"), knownvalue.StringExact("Ada")),
				},
			},
			{ResourceName: "arbor_identity.test", ImportState: true, ImportStateVerify: true},
			// An identity belongs to the account: its import id is its key
			// alone, never with an environment.
			{
				ResourceName:  "arbor_identity.test",
				ImportState:   true,
				ImportStateId: "development/" + key,
				ExpectError:   regexp.MustCompile(`Expected <key>, got "development/` + key + `"`),
			},
			{
				ResourceName:  "arbor_identity.test",
				ImportState:   true,
				ImportStateId: "Not a key!",
				ExpectError:   regexp.MustCompile(`key "Not a key!" must be`),
			},
			{
				Config: identityConfig(b, key, "ada.lovelace@example.com", "Ada Lovelace"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("arbor_identity.test", plancheck.ResourceActionUpdate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("arbor_identity.test", tfjsonpath.New("email"), knownvalue.StringExact("ada.lovelace@example.com")),
				},
			},
			{
				Config: identityConfig(b, key+"2", "ada.lovelace@example.com", "Ada Lovelace"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("arbor_identity.test", plancheck.ResourceActionReplace)},
				},
			},
		},
	})
}

func TestAccIdentity_disappears(t *testing.T) {
	testDisappears(t, "arbor_identity.test", func(b *acctest.Backend) string {
		return identityConfig(b, acctest.RandomKey("gone"), "gone@example.com", "Gone")
	})
}

func TestAccIdentity_emailIsUnique(t *testing.T) {
	b := acctest.NewBackend(t)
	b.PutObjectNow(t, "identity", "", "grace", map[string]any{"email": "grace@example.com", "name": "Grace"})
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             b.CheckDestroy,
		Steps: []resource.TestStep{
			{
				Config:      identityConfig(b, "hopper", "Grace@Example.com", "Grace Hopper"),
				ExpectError: regexp.MustCompile(`(?s)Error creating identity "hopper".*email already used by identity "grace"`),
			},
			{
				Config:      identityConfig(b, "grace", "grace@example.com", "Grace"),
				ExpectError: regexp.MustCompile(`Identity "grace" already exists[\s\S]*import`),
			},
		},
	})
}

func TestAccIdentity_validatedAtPlan(t *testing.T) {
	b := acctest.NewBackend(t)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      identityConfig(b, "ada", "ada at example", "Ada"),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`Invalid email address[\s\S]*email must be an email address`),
			},
		},
	})
}

// Identities belong to the account: an environment API key reads them but
// cannot manage them, which the plan says before anything is applied.
func TestAccIdentity_environmentKeyCannotManage(t *testing.T) {
	b := acctest.NewBackend(t)
	key := b.APIKey(t, "development", domain.ScopeReadWrite)
	b.PutObjectNow(t, "identity", "", "ada", map[string]any{"email": "ada@example.com", "name": "Ada"})
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: b.ProviderConfigWith(key, "") + `
data "arbor_identity" "ada" {
  key = "ada"
}

resource "arbor_identity" "grace" {
  key   = "grace"
  email = "grace@example.com"
  name  = "Grace"
}
`,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`Identities need an account token`),
			},
		},
	})
}
