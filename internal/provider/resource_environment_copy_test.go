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

// An environment created with copy_from starts with its source's
// configuration: the same roles, with the same permissions.
func TestAccEnvironment_copyFrom(t *testing.T) {
	b := acctest.NewBackend(t)
	source := b.ProviderConfig() + `
resource "arbor_permission" "read" {
  key  = "documents.read"
  name = "Read documents"
}

resource "arbor_permission" "write" {
  key  = "documents.write"
  name = "Write documents"
}

resource "arbor_role" "editor" {
  key         = "editor"
  name        = "Editor"
  permissions = [arbor_permission.read.key, arbor_permission.write.key]
}

resource "arbor_role" "viewer" {
  key         = "viewer"
  name        = "Viewer"
  permissions = [arbor_permission.read.key]
}

resource "arbor_oauth_client" "dashboard" {
  key           = "dashboard"
  name          = "Dashboard"
  redirect_uris = ["https://app.example.com/callback"]
  scopes        = ["openid"]
}

resource "arbor_webhook" "audit" {
  key    = "audit"
  url    = "https://hooks.example.com/arbor"
  events = ["role.updated"]
}
`
	clone := func(from string) string {
		return source + fmt.Sprintf(`
resource "arbor_environment" "qa" {
  slug          = "qa"
  name          = "QA"
  copy_from     = %q
  force_destroy = true
  depends_on    = [arbor_role.editor, arbor_role.viewer, arbor_oauth_client.dashboard, arbor_webhook.audit]
}

data "arbor_environment_config" "development" {
  environment = "development"
  depends_on  = [arbor_environment.qa]
}

data "arbor_environment_config" "qa" {
  environment = arbor_environment.qa.slug
}
`, from)
	}
	sameRoles := func(s *terraformState) error {
		dev := s.RootModule().Resources["data.arbor_environment_config.development"].Primary.Attributes["document"]
		qa := s.RootModule().Resources["data.arbor_environment_config.qa"].Primary.Attributes["document"]
		if want := strings.Replace(dev, `"source_environment": "development"`, `"source_environment": "qa"`, 1); qa != want {
			return fmt.Errorf("qa's configuration differs from development's:\n%s\n---\n%s", dev, qa)
		}
		if !strings.Contains(qa, `"key": "editor"`) || !strings.Contains(qa, `"documents.write"`) {
			return fmt.Errorf("qa lacks the roles: %s", qa)
		}
		return nil
	}
	// The copy's new secrets are the environment's own, and known to the run.
	copiedSecrets := func(s *terraformState) error {
		qa := s.RootModule().Resources["arbor_environment.qa"].Primary.Attributes
		dev := s.RootModule().Resources["arbor_oauth_client.dashboard"].Primary.Attributes
		if qa["copied_oauth_client_secrets.dashboard"] == "" || qa["copied_oauth_client_secrets.dashboard"] == dev["client_secret"] {
			return fmt.Errorf("the copied OAuth client has no secret of its own: %q", qa["copied_oauth_client_secrets.dashboard"])
		}
		signing, err := b.Server.WebhookSigningSecret(t.Context(), "qa", "audit")
		if err != nil {
			return err
		}
		if qa["copied_webhook_signing_secrets.audit"] != signing {
			return fmt.Errorf("copied_webhook_signing_secrets.audit is not the secret qa's webhook signs with")
		}
		return nil
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             b.CheckDestroy,
		Steps: []resource.TestStep{
			{
				Config: clone("development"),
				Check:  resource.ComposeTestCheckFunc(sameRoles, copiedSecrets),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.arbor_environment_config.qa", tfjsonpath.New("counts").AtMapKey("roles"), knownvalue.Int64Exact(2)),
					statecheck.ExpectKnownValue("data.arbor_environment_config.qa", tfjsonpath.New("counts").AtMapKey("permissions"), knownvalue.Int64Exact(2)),
				},
			},
			{
				ResourceName:            "arbor_environment.qa",
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"copy_from", "force_destroy", "copied_oauth_client_secrets", "copied_webhook_signing_secrets", "copy_needs"},
			},
			{
				// Changing copy_from later records it; it neither copies nor replaces.
				Config: clone("production"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("arbor_environment.qa", plancheck.ResourceActionUpdate)},
				},
				Check: resource.ComposeTestCheckFunc(sameRoles, copiedSecrets),
			},
		},
	})
}

// copy_from of a source whose guide shows through a channel copies the
// channel's definition without its credentials and the plain variable
// with its value, leaves the sensitive variable out, and lists both in
// copy_needs.
func TestAccEnvironment_copyFromChannels(t *testing.T) {
	b := acctest.NewBackend(t)
	config := b.ProviderConfig() + `
resource "arbor_channel" "in_app" {
  key                    = "in-app"
  name                   = "In-app"
  type                   = "in_app_feed"
  service                = "arbor"
  credentials_wo         = jsonencode({ api_key = "feed-secret" })
  credentials_wo_version = 1
}

resource "arbor_variable" "app_url" {
  key   = "app_url"
  value = "https://dev.example.com"
}

resource "arbor_variable" "api_token" {
  key              = "api_token"
  sensitive        = true
  value_wo         = "sk-never-copied"
  value_wo_version = 1
}

resource "arbor_guide" "launch" {
  key         = "launch"
  name        = "Launch"
  type        = "banner"
  channel_key = arbor_channel.in_app.key
  content     = { title = "New", body = "Projects are here." }
  active      = true
}

resource "arbor_environment" "qa" {
  slug          = "qa"
  name          = "QA"
  copy_from     = "development"
  force_destroy = true
  depends_on    = [arbor_guide.launch, arbor_variable.app_url, arbor_variable.api_token]
}
`
	copied := func(s *terraformState) error {
		ctx := t.Context()
		if got, err := b.Server.ChannelCredentials(ctx, "qa", "in-app"); err != nil || got != nil {
			return fmt.Errorf("qa's copied channel holds credentials %q (%v)", got, err)
		}
		vars, err := b.Server.VariableValues(ctx, "qa")
		if err != nil {
			return err
		}
		if len(vars) != 1 || vars["app_url"] != "https://dev.example.com" {
			return fmt.Errorf("qa's variables: %v", vars)
		}
		return nil
	}
	need := func(kind, key, needs string) knownvalue.Check {
		return knownvalue.ObjectExact(map[string]knownvalue.Check{
			"kind": knownvalue.StringExact(kind), "key": knownvalue.StringExact(key), "needs": knownvalue.StringExact(needs)})
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             b.CheckDestroy,
		Steps: []resource.TestStep{{
			Config: config,
			Check:  copied,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("arbor_environment.qa", tfjsonpath.New("copy_needs"), knownvalue.ListExact([]knownvalue.Check{
					need("channel", "in-app", "credentials"), need("variable", "api_token", "value")})),
			},
		}},
	})
}
