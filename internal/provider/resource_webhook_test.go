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

func webhookConfig(b *acctest.Backend, key, url string, enabled bool, events ...string) string {
	return b.ProviderConfig() + fmt.Sprintf(`
resource "arbor_webhook" "test" {
  key     = %q
  url     = %q
  events  = %s
  enabled = %t
}
`, key, url, hcl(events...), enabled)
}

func TestAccWebhook_basic(t *testing.T) {
	b := acctest.NewBackend(t)
	key := acctest.RandomKey("audit")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             b.CheckDestroy,
		Steps: []resource.TestStep{
			{
				Config: webhookConfig(b, key, "https://hooks.example.com/arbor", true, "role.updated", "role.created") + `
data "arbor_webhook" "test" {
  key = arbor_webhook.test.key
}
`,
				Check: resource.ComposeTestCheckFunc(
					b.Exists("arbor_webhook.test"),
					// The secret in state is the one deliveries are signed with.
					b.WebhookSigningSecret("arbor_webhook.test", ""),
					resource.TestMatchResourceAttr("arbor_webhook.test", "signing_secret", regexp.MustCompile(`^whsec_[a-z2-7]{39}$`)),
					resource.TestCheckNoResourceAttr("data.arbor_webhook.test", "signing_secret"),
				),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectSensitiveValue("arbor_webhook.test", tfjsonpath.New("signing_secret")),
					statecheck.ExpectKnownValue("data.arbor_webhook.test", tfjsonpath.New("events"),
						knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("role.created"), knownvalue.StringExact("role.updated")})),
					statecheck.ExpectKnownValue("data.arbor_webhook.test", tfjsonpath.New("enabled"), knownvalue.Bool(true)),
				},
			},
			{ResourceName: "arbor_webhook.test", ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: []string{"signing_secret"}},
			{
				Config: webhookConfig(b, key, "https://hooks.example.com/v2", false, "role.updated"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("arbor_webhook.test", plancheck.ResourceActionUpdate)},
				},
				// An update keeps the secret, in state and in the backend.
				Check: b.WebhookSigningSecret("arbor_webhook.test", ""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("arbor_webhook.test", tfjsonpath.New("enabled"), knownvalue.Bool(false)),
				},
			},
		},
	})
}

func TestAccWebhook_disappears(t *testing.T) {
	testDisappears(t, "arbor_webhook.test", func(b *acctest.Backend) string {
		return webhookConfig(b, acctest.RandomKey("gone"), "https://hooks.example.com", true, "role.updated")
	})
}

// A supplied secret travels only in the configuration: never in state,
// sent at creation and again only when its version changes.
func TestAccWebhook_writeOnlySecretRotatedByVersion(t *testing.T) {
	b := acctest.NewBackend(t)
	config := func(secret string, version int, url string) string {
		return b.ProviderConfig() + fmt.Sprintf(`
resource "arbor_webhook" "test" {
  key                       = "signed"
  url                       = %q
  events                    = ["role.updated"]
  signing_secret_wo         = %q
  signing_secret_wo_version = %d
}
`, url, secret, version)
	}
	const url = "https://hooks.example.com/arbor"
	noSecretInState := []statecheck.StateCheck{
		statecheck.ExpectKnownValue("arbor_webhook.test", tfjsonpath.New("signing_secret_wo"), knownvalue.Null()),
		statecheck.ExpectKnownValue("arbor_webhook.test", tfjsonpath.New("signing_secret"), knownvalue.Null()),
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             b.CheckDestroy,
		TerraformVersionChecks:   acctest.Requires(acctest.FeatureWriteOnly),
		Steps: []resource.TestStep{
			{
				Config:            config("first-secret-0123456789", 1, url),
				Check:             b.WebhookSigningSecret("arbor_webhook.test", "first-secret-0123456789"),
				ConfigStateChecks: noSecretInState,
			},
			// The value alone changed: nothing to do, the backend keeps the first.
			{
				Config: config("second-secret-0123456789", 1, url),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: b.WebhookSigningSecret("arbor_webhook.test", "first-secret-0123456789"),
			},
			// A new version sends it.
			{
				Config: config("second-secret-0123456789", 2, url),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("arbor_webhook.test", plancheck.ResourceActionUpdate)},
				},
				Check:             b.WebhookSigningSecret("arbor_webhook.test", "second-secret-0123456789"),
				ConfigStateChecks: noSecretInState,
			},
			// Another change, same version: the secret is not sent again.
			{
				Config: config("third-secret-0123456789", 2, url+"/v2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("arbor_webhook.test", plancheck.ResourceActionUpdate)},
				},
				Check: b.WebhookSigningSecret("arbor_webhook.test", "second-secret-0123456789"),
			},
			{ResourceName: "arbor_webhook.test", ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: []string{"signing_secret_wo_version"}},
		},
	})
}

// Supplying a secret to a webhook whose secret was generated replaces it,
// and the generated one leaves state.
func TestAccWebhook_writeOnlySecretReplacesGenerated(t *testing.T) {
	b := acctest.NewBackend(t)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             b.CheckDestroy,
		TerraformVersionChecks:   acctest.Requires(acctest.FeatureWriteOnly),
		Steps: []resource.TestStep{
			{
				Config: webhookConfig(b, "hook", "https://hooks.example.com", true, "role.updated"),
				Check:  b.WebhookSigningSecret("arbor_webhook.test", ""),
			},
			{
				Config: b.ProviderConfig() + `
resource "arbor_webhook" "test" {
  key                       = "hook"
  url                       = "https://hooks.example.com"
  events                    = ["role.updated"]
  signing_secret_wo         = "my-own-secret-0123456789"
  signing_secret_wo_version = 1
}
`,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("arbor_webhook.test", plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue("arbor_webhook.test", tfjsonpath.New("signing_secret"), knownvalue.Null()),
					},
				},
				Check: b.WebhookSigningSecret("arbor_webhook.test", "my-own-secret-0123456789"),
			},
		},
	})
}

func TestAccWebhook_validatedAtPlan(t *testing.T) {
	b := acctest.NewBackend(t)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		TerraformVersionChecks:   acctest.Requires(acctest.FeatureWriteOnly),
		Steps: []resource.TestStep{
			{
				Config:      webhookConfig(b, "hook", "ftp://hooks.example.com", true, "role.updated"),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`Invalid URL[\s\S]*url must be an absolute http or https URL`),
			},
			{
				Config: b.ProviderConfig() + `
resource "arbor_webhook" "test" {
  key                       = "hook"
  url                       = "https://hooks.example.com"
  events                    = ["role.updated"]
  signing_secret_wo         = "too short"
  signing_secret_wo_version = 1
}
`,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`Invalid signing secret[\s\S]*signing_secret_wo must be 16–255 characters\.`),
			},
			{
				Config: b.ProviderConfig() + `
resource "arbor_webhook" "test" {
  key               = "hook"
  url               = "https://hooks.example.com"
  events            = ["role.updated"]
  signing_secret_wo = "long-enough-secret-0123"
}
`,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`signing_secret_wo_version`),
			},
		},
	})
}
