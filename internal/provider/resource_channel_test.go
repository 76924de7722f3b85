package provider_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/arborhq/terraform-provider-arbor/internal/acctest"
)

// channelConfig declares arbor_channel.test with credentials of the given
// version.
func channelConfig(b *acctest.Backend, key, name, credential string, version int) string {
	return b.ProviderConfig() + fmt.Sprintf(`
resource "arbor_channel" "test" {
  key                    = %q
  name                   = %q
  type                   = "email"
  service                = "postmark"
  settings               = { from_address = "hello@example.com", sandbox = "true" }
  credentials_wo         = jsonencode({ server_token = %q })
  credentials_wo_version = %d
}
`, key, name, credential, version)
}

func TestAccChannel_basic(t *testing.T) {
	b := acctest.NewBackend(t)
	key := acctest.RandomKey("postmark")
	noCredentialsInState := statecheck.ExpectKnownValue("arbor_channel.test", tfjsonpath.New("credentials_wo"), knownvalue.Null())
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		TerraformVersionChecks:   acctest.Requires(acctest.FeatureWriteOnly),
		CheckDestroy:             b.CheckDestroy,
		Steps: []resource.TestStep{
			{
				Config: channelConfig(b, key, "Postmark", "pm-first-token", 1) + `
data "arbor_channel" "test" {
  key = arbor_channel.test.key
}
`,
				Check: resource.ComposeTestCheckFunc(b.Exists("arbor_channel.test"), b.ChannelCredentials("arbor_channel.test", "pm-first-token")),
				ConfigStateChecks: []statecheck.StateCheck{
					noCredentialsInState,
					statecheck.ExpectKnownValue("arbor_channel.test", tfjsonpath.New("id"), knownvalue.StringExact("development/"+key)),
					statecheck.ExpectKnownValue("data.arbor_channel.test", tfjsonpath.New("type"), knownvalue.StringExact("email")),
					statecheck.ExpectKnownValue("data.arbor_channel.test", tfjsonpath.New("settings").AtMapKey("from_address"), knownvalue.StringExact("hello@example.com")),
				},
			},
			{
				ResourceName: "arbor_channel.test", ImportState: true, ImportStateVerify: true,
				// Arguments that only ever travel towards the backend.
				ImportStateVerifyIgnore: []string{"credentials_wo_version"},
			},
			{
				// A rename keeps the credentials; only a new version sends them.
				Config: channelConfig(b, key, "Postmark (sandbox)", "pm-changed-but-same-version", 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("arbor_channel.test", plancheck.ResourceActionUpdate)},
				},
				Check:             b.ChannelCredentials("arbor_channel.test", "pm-first-token"),
				ConfigStateChecks: []statecheck.StateCheck{noCredentialsInState},
			},
			{
				Config:            channelConfig(b, key, "Postmark (sandbox)", "pm-second-token", 2),
				Check:             b.ChannelCredentials("arbor_channel.test", "pm-second-token"),
				ConfigStateChecks: []statecheck.StateCheck{noCredentialsInState},
			},
		},
	})
}

func TestAccChannel_disappears(t *testing.T) {
	testDisappears(t, "arbor_channel.test", func(b *acctest.Backend) string {
		return b.ProviderConfig() + `
resource "arbor_channel" "test" {
  key     = "gone"
  name    = "Postmark"
  type    = "email"
  service = "postmark"
}
`
	})
}

// A change made outside Terraform shows in the next plan.
func TestAccChannel_drift(t *testing.T) {
	b := acctest.NewBackend(t)
	config := channelConfig(b, acctest.RandomKey("drift"), "Postmark", "pm-token", 1)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		TerraformVersionChecks:   acctest.Requires(acctest.FeatureWriteOnly),
		CheckDestroy:             b.CheckDestroy,
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: b.PutObject("arbor_channel.test", map[string]any{
					"service": "sendgrid", "settings": map[string]any{"from_address": "other@example.com"},
				}),
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectResourceAction("arbor_channel.test", plancheck.ResourceActionUpdate)},
				},
			},
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("arbor_channel.test", tfjsonpath.New("service"), knownvalue.StringExact("postmark")),
					statecheck.ExpectKnownValue("arbor_channel.test", tfjsonpath.New("settings").AtMapKey("from_address"), knownvalue.StringExact("hello@example.com")),
				},
			},
		},
	})
}

func TestAccChannel_planValidation(t *testing.T) {
	b := acctest.NewBackend(t)
	channel := func(attrs string) string {
		return b.ProviderConfig() + `
resource "arbor_channel" "test" {
  key  = "postmark"
  name = "Postmark"
` + attrs + `
}
`
	}
	steps := []resource.TestStep{
		refusedAtPlan(channel(`type = "fax"
  service = "efax"`), `value must be one of`),
		refusedAtPlan(channel(`type = "http"
  service = "hooks"`), `value must be one of`),
		refusedAtPlan(channel(`type = "email"
  service = "Post Mark"`), `service must be `+"1–64 characters"),
		refusedAtPlan(channel(`type = "email"
  service = "postmark"
  settings = {}`), `settings`),
		refusedAtPlan(channel(`type = "email"
  service = "postmark"
  settings = { "from address" = "x" }`), `from address`),
	}
	planTest(t, b, steps...)
}

// The credentials are checked at plan, with a message that does not
// repeat them (secretCheckValidator).
func TestAccChannel_credentialsValidation(t *testing.T) {
	b := acctest.NewBackend(t)
	channel := func(credentials string) string {
		return b.ProviderConfig() + `
resource "arbor_channel" "test" {
  key     = "postmark"
  name    = "Postmark"
  type    = "email"
  service = "postmark"
` + credentials + `
}
`
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		TerraformVersionChecks:   acctest.Requires(acctest.FeatureWriteOnly),
		Steps: []resource.TestStep{
			refusedAtPlan(channel(`credentials_wo = jsonencode(["pm-secret-in-a-list"])
  credentials_wo_version = 1`), `credentials_wo must be a JSON object`),
			refusedAtPlan(channel(`credentials_wo = jsonencode({ token = "pm-secret" })`), `credentials_wo_version`),
		},
	})
}

// A workflow sends through a channel of its own environment: refused at
// plan, naming the channel, where the environment lacks it; promoted once
// the environment has its own channel (created by the same plan); refused
// again when that channel's type is not the step's.
func TestAccChannel_workflowReferencesAcrossPromotion(t *testing.T) {
	b := acctest.NewBackend(t)
	config := func(stagingChannel string) string {
		dependsOn := "arbor_environment.staging"
		if stagingChannel != "" {
			dependsOn = "arbor_channel.staging"
		}
		return b.ProviderConfig() + `
resource "arbor_environment" "staging" {
  slug = "staging"
  name = "Staging"
}

resource "arbor_channel" "dev" {
  key     = "postmark"
  name    = "Postmark sandbox"
  type    = "email"
  service = "postmark"
  settings = { sandbox = "true" }
}
` + stagingChannel + `
locals {
  steps = [{ ref = "email", channel = { type = "email", key = "postmark", subject = "Welcome", body = "Glad you are here." } }]
}

resource "arbor_workflow" "dev" {
  key        = "welcome"
  name       = "Welcome"
  steps      = local.steps
  depends_on = [arbor_channel.dev]
}

# The same content in staging: a promotion, planned after development's.
resource "arbor_workflow" "staging" {
  environment = arbor_environment.staging.slug
  key         = arbor_workflow.dev.key
  name        = "Welcome"
  steps       = local.steps
  depends_on  = [` + dependsOn + `]
}
`
	}
	stagingChannel := func(channelType string) string {
		return fmt.Sprintf(`
resource "arbor_channel" "staging" {
  environment = arbor_environment.staging.slug
  key         = "postmark"
  name        = "Postmark"
  type        = %q
  service     = "postmark"
}
`, channelType)
	}
	planTest(t, b,
		refusedAtPlan(config(""), `channel "postmark" does not exist in environment staging: create an email channel "postmark" there first`),
		resource.TestStep{
			Config: config(stagingChannel("email")),
			Check:  resource.ComposeTestCheckFunc(b.Exists("arbor_workflow.staging"), b.Exists("arbor_channel.staging")),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.CompareValuePairs("arbor_workflow.dev", tfjsonpath.New("sha"), "arbor_workflow.staging", tfjsonpath.New("sha"), compareEqual),
			},
		},
		refusedAtPlan(config(stagingChannel("sms")), `channel "postmark" in environment staging is an sms channel, not email`),
		// Deletions follow the promotion order: development's first.
		resource.TestStep{Config: strings.Replace(strings.Replace(config(stagingChannel("email")),
			`resource "arbor_workflow" "dev" {`, `resource "arbor_workflow" "gone" {
  count      = 0`, 1), "arbor_workflow.dev.key", `"welcome"`, 1)},
	)
}

// A channel a workflow sends through is not deleted: the apply is refused,
// naming the workflow, and the channel stays.
func TestAccChannel_deleteRefusedWhileUsed(t *testing.T) {
	b := acctest.NewBackend(t)
	channel := `
resource "arbor_channel" "postmark" {
  key     = "postmark"
  name    = "Postmark"
  type    = "email"
  service = "postmark"
}
`
	workflow := `
resource "arbor_workflow" "welcome" {
  key   = "welcome"
  name  = "Welcome"
  steps = [{ ref = "email", channel = { type = "email", key = "postmark", subject = "Hi", body = "Welcome" } }]
  depends_on = [arbor_channel.postmark]
}
`
	planTest(t, b,
		resource.TestStep{Config: b.ProviderConfig() + channel + workflow},
		resource.TestStep{
			Config:      b.ProviderConfig() + strings.Replace(workflow, "depends_on = [arbor_channel.postmark]", "", 1),
			ExpectError: acctest.ErrorLike(`channel "postmark" is still used by workflow "welcome"`),
		},
		resource.TestStep{
			Config: b.ProviderConfig() + channel + workflow,
			Check:  b.Exists("arbor_channel.postmark"),
		},
	)
}

// needs_credentials is false for a channel created here, true on one
// copy_from copied without its credentials, and false again once a write
// supplies them, in the resource and the data source alike.
func TestAccChannel_needsCredentials(t *testing.T) {
	b := acctest.NewBackend(t)
	config := b.ProviderConfig() + `
resource "arbor_channel" "dev" {
  key                    = "postmark"
  name                   = "Postmark"
  type                   = "email"
  service                = "postmark"
  credentials_wo         = jsonencode({ server_token = "pm-dev" })
  credentials_wo_version = 1
}

resource "arbor_environment" "qa" {
  slug          = "qa"
  name          = "QA"
  copy_from     = "development"
  force_destroy = true
  depends_on    = [arbor_channel.dev]
}
`
	copied := `
data "arbor_channel" "qa" {
  environment = arbor_environment.qa.slug
  key         = "postmark"
}
`
	adopted := `
import {
  to = arbor_channel.qa
  id = "qa/postmark"
}

resource "arbor_channel" "qa" {
  environment            = arbor_environment.qa.slug
  key                    = "postmark"
  name                   = "Postmark"
  type                   = "email"
  service                = "postmark"
  credentials_wo         = jsonencode({ server_token = "pm-qa" })
  credentials_wo_version = 1
}
`
	needs := func(address string, want bool) statecheck.StateCheck {
		return statecheck.ExpectKnownValue(address, tfjsonpath.New("needs_credentials"), knownvalue.Bool(want))
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		TerraformVersionChecks:   acctest.Requires(acctest.FeatureWriteOnly),
		CheckDestroy:             b.CheckDestroy,
		Steps: []resource.TestStep{
			{Config: config + copied, ConfigStateChecks: []statecheck.StateCheck{needs("arbor_channel.dev", false), needs("data.arbor_channel.qa", true)}},
			{
				Config:            config + adopted,
				Check:             b.ChannelCredentials("arbor_channel.qa", "pm-qa"),
				ConfigStateChecks: []statecheck.StateCheck{needs("arbor_channel.qa", false)},
			},
		},
	})
}
