package provider_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/arborhq/terraform-provider-arbor/internal/acctest"
	"github.com/arborhq/terraform-provider-arbor/internal/client"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

func oauthClientConfig(b *acctest.Backend, key, name string, redirectURIs ...string) string {
	return b.ProviderConfig() + fmt.Sprintf(`
resource "arbor_oauth_client" "test" {
  key           = %q
  name          = %q
  redirect_uris = %s
  scopes        = ["openid", "email"]
}
`, key, name, hcl(redirectURIs...))
}

// secretNeverRead checks that no read of the client, single or listed,
// carries the secret the resource holds in state.
func secretNeverRead(b *acctest.Backend, name string) func(*terraform.State) error {
	return func(s *terraform.State) error {
		a := s.RootModule().Resources[name].Primary.Attributes
		secret := a["client_secret"]
		if !strings.HasPrefix(secret, domain.ClientSecretPrefix) {
			return fmt.Errorf("%s.client_secret is %q", name, secret)
		}
		objects := client.Objects[map[string]any](b.Client, domain.KindOAuthClient)
		one, err := objects.Get(context.Background(), a["environment"], a["key"])
		if err != nil {
			return err
		}
		all, err := objects.List(context.Background(), a["environment"], nil)
		if err != nil {
			return err
		}
		if read := fmt.Sprint(*one, all); strings.Contains(read, secret) || strings.Contains(read, "client_secret") {
			return fmt.Errorf("a read of the client shows its secret: %s", read)
		}
		return nil
	}
}

func TestAccOAuthClient_basic(t *testing.T) {
	b := acctest.NewBackend(t)
	key := acctest.RandomKey("dashboard")
	sameID := statecheck.CompareValue(compare.ValuesSame())
	sameSecret := statecheck.CompareValue(compare.ValuesSame())
	// Each call records the credentials of one step; all must be equal.
	keepsCredentials := func(checks ...statecheck.StateCheck) []statecheck.StateCheck {
		return append(checks,
			sameID.AddStateValue("arbor_oauth_client.test", tfjsonpath.New("client_id")),
			sameSecret.AddStateValue("arbor_oauth_client.test", tfjsonpath.New("client_secret")))
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             b.CheckDestroy,
		Steps: []resource.TestStep{
			{
				Config: oauthClientConfig(b, key, "Dashboard", "https://app.example.com/callback", "http://localhost:8080/callback") + `
data "arbor_oauth_client" "test" {
  key = arbor_oauth_client.test.key
}
`,
				Check: resource.ComposeTestCheckFunc(
					b.Exists("arbor_oauth_client.test"),
					secretNeverRead(b, "arbor_oauth_client.test"),
					resource.TestMatchResourceAttr("arbor_oauth_client.test", "client_id", regexp.MustCompile(`^arbc_[a-z2-7]{16}$`)),
					resource.TestCheckNoResourceAttr("data.arbor_oauth_client.test", "client_secret"),
					resource.TestCheckResourceAttrPair("data.arbor_oauth_client.test", "client_id", "arbor_oauth_client.test", "client_id"),
				),
				ConfigStateChecks: keepsCredentials(
					statecheck.ExpectSensitiveValue("arbor_oauth_client.test", tfjsonpath.New("client_secret")),
					statecheck.ExpectKnownValue("arbor_oauth_client.test", tfjsonpath.New("redirect_uris"), knownvalue.SetSizeExact(2)),
					statecheck.ExpectKnownValue("data.arbor_oauth_client.test", tfjsonpath.New("scopes"),
						knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("email"), knownvalue.StringExact("openid")})),
				),
			},
			// The secret is not readable, so an import cannot have it.
			{ResourceName: "arbor_oauth_client.test", ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: []string{"client_secret"}},
			{
				Config: oauthClientConfig(b, key, "Customer dashboard", "https://app.example.com/callback"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("arbor_oauth_client.test", plancheck.ResourceActionUpdate)},
				},
				// An update keeps the client's credentials.
				ConfigStateChecks: keepsCredentials(
					statecheck.ExpectKnownValue("arbor_oauth_client.test", tfjsonpath.New("redirect_uris"),
						knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("https://app.example.com/callback")})),
				),
			},
		},
	})
}

func TestAccOAuthClient_disappears(t *testing.T) {
	testDisappears(t, "arbor_oauth_client.test", func(b *acctest.Backend) string {
		return oauthClientConfig(b, acctest.RandomKey("gone"), "Gone", "https://app.example.com/cb")
	})
}

// An imported client has no secret, and keeps none through updates.
func TestAccOAuthClient_importedHasNoSecret(t *testing.T) {
	b := acctest.NewBackend(t)
	b.PutObjectNow(t, "oauth_client", "development", "cli", map[string]any{"name": "CLI", "redirect_uris": []string{"http://127.0.0.1:9000/cb"}, "scopes": []string{"openid", "email"}})
	config := func(name string) string {
		return b.ProviderConfig() + fmt.Sprintf(`
import {
  to = arbor_oauth_client.test
  id = "development/cli"
}

resource "arbor_oauth_client" "test" {
  key           = "cli"
  name          = %q
  redirect_uris = ["http://127.0.0.1:9000/cb"]
  scopes        = ["openid", "email"]
}
`, name)
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             b.CheckDestroy,
		Steps: []resource.TestStep{
			{
				Config: config("CLI"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("arbor_oauth_client.test", tfjsonpath.New("client_secret"), knownvalue.Null()),
					statecheck.ExpectKnownValue("arbor_oauth_client.test", tfjsonpath.New("client_id"), knownvalue.NotNull()),
				},
			},
			{
				Config: config("Command line"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("arbor_oauth_client.test", tfjsonpath.New("client_secret"), knownvalue.Null()),
				},
			},
		},
	})
}

func TestAccOAuthClient_validatedAtPlan(t *testing.T) {
	b := acctest.NewBackend(t)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      oauthClientConfig(b, "web", "Web", "http://app.example.com/callback"),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`Invalid redirect URI[\s\S]*must\s+use\s+https\s+\(http\s+is\s+allowed\s+only\s+for\s+localhost\)`),
			},
		},
	})
}
