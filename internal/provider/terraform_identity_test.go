package provider_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/arborhq/terraform-provider-arbor/internal/acctest"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
	"github.com/arborhq/terraform-provider-arbor/internal/provider"
)

// identityCase creates one resource of a type (with what it needs) and
// says what its identity must be.
type identityCase struct {
	// config declares arbor_<type>.test; key is unique to the test.
	config func(key string) string
	// identity is the expected identity of arbor_<type>.test.
	identity func(key string) map[string]knownvalue.Check
}

func environmentKey(key string) map[string]knownvalue.Check {
	return map[string]knownvalue.Check{"environment": knownvalue.StringExact(domain.Development), "key": knownvalue.StringExact(key)}
}

// identityCases has a case for every resource type of the provider
// (TestResourceIdentity_everyResource holds it to that).
var identityCases = map[string]identityCase{
	"arbor_environment": {
		config: func(key string) string {
			return fmt.Sprintf("resource \"arbor_environment\" \"test\" {\n  slug = %q\n  name = \"QA\"\n}\n", key)
		},
		identity: func(key string) map[string]knownvalue.Check {
			return map[string]knownvalue.Check{"slug": knownvalue.StringExact(key)}
		},
	},
	"arbor_account_settings": {
		config: func(string) string {
			return "resource \"arbor_account_settings\" \"test\" {\n  production_write_access = true\n}\n"
		},
		identity: func(string) map[string]knownvalue.Check {
			return map[string]knownvalue.Check{"id": knownvalue.StringExact("account")}
		},
	},
	"arbor_api_key": {
		config: func(key string) string {
			return fmt.Sprintf("resource \"arbor_api_key\" \"test\" {\n  name  = %q\n  scope = \"read_only\"\n}\n", key)
		},
		// key_id is the backend's; ExpectIdentityValueMatchesState pins it.
		identity: func(string) map[string]knownvalue.Check {
			return map[string]knownvalue.Check{"environment": knownvalue.StringExact(domain.Development), "key_id": knownvalue.NotNull()}
		},
	},
	"arbor_identity": {
		config: func(key string) string {
			return fmt.Sprintf("resource \"arbor_identity\" \"test\" {\n  key   = %q\n  email = \"%s@example.com\"\n  name  = \"Ada\"\n}\n", key, key)
		},
		identity: func(key string) map[string]knownvalue.Check {
			return map[string]knownvalue.Check{"key": knownvalue.StringExact(key)}
		},
	},
	"arbor_permission": {
		config: func(key string) string {
			return fmt.Sprintf("resource \"arbor_permission\" \"test\" {\n  key  = %q\n  name = \"Read\"\n}\n", key)
		},
		identity: environmentKey,
	},
	"arbor_role": {
		config: func(key string) string {
			return fmt.Sprintf("resource \"arbor_role\" \"test\" {\n  key  = %q\n  name = \"Editor\"\n}\n", key)
		},
		identity: environmentKey,
	},
	"arbor_hierarchy_node": {
		config: func(key string) string {
			return fmt.Sprintf("resource \"arbor_hierarchy_node\" \"test\" {\n  key  = %q\n  name = \"EMEA\"\n}\n", key)
		},
		identity: environmentKey,
	},
	"arbor_role_assignment": {
		config: func(key string) string {
			return fmt.Sprintf(`
resource "arbor_identity" "ada" {
  key   = %[1]q
  email = "%[1]s@example.com"
  name  = "Ada"
}

resource "arbor_role" "editor" {
  key  = "editor"
  name = "Editor"
}

resource "arbor_hierarchy_node" "emea" {
  key  = "emea"
  name = "EMEA"
}

resource "arbor_role_assignment" "test" {
  identity_key = arbor_identity.ada.key
  role_key     = arbor_role.editor.key
  node_key     = arbor_hierarchy_node.emea.key
}
`, key)
		},
		identity: func(key string) map[string]knownvalue.Check {
			return map[string]knownvalue.Check{
				"environment":  knownvalue.StringExact(domain.Development),
				"identity_key": knownvalue.StringExact(key),
				"role_key":     knownvalue.StringExact("editor"),
				"node_key":     knownvalue.StringExact("emea"),
			}
		},
	},
	"arbor_oauth_client": {
		config: func(key string) string {
			return fmt.Sprintf("resource \"arbor_oauth_client\" \"test\" {\n  key           = %q\n  name          = \"Dashboard\"\n  redirect_uris = [\"https://app.example.com/callback\"]\n  scopes        = [\"openid\"]\n}\n", key)
		},
		identity: environmentKey,
	},
	"arbor_webhook": {
		config: func(key string) string {
			return fmt.Sprintf("resource \"arbor_webhook\" \"test\" {\n  key    = %q\n  url    = \"https://hooks.example.com/arbor\"\n  events = [\"role.created\"]\n}\n", key)
		},
		identity: environmentKey,
	},
	"arbor_tenant": {
		config: func(key string) string {
			return fmt.Sprintf("resource \"arbor_tenant\" \"test\" {\n  key  = %q\n  name = \"Acme\"\n}\n", key)
		},
		identity: environmentKey,
	},
	"arbor_channel": {
		config: func(key string) string {
			return fmt.Sprintf("resource \"arbor_channel\" \"test\" {\n  key     = %q\n  name    = \"Postmark\"\n  type    = \"email\"\n  service = \"postmark\"\n}\n", key)
		},
		identity: environmentKey,
	},
	"arbor_channel_group": {
		config: func(key string) string {
			return "resource \"arbor_channel\" \"slack\" {\n  key     = \"slack\"\n  name    = \"Slack\"\n  type    = \"chat\"\n  service = \"slack\"\n}\n\n" +
				fmt.Sprintf("resource \"arbor_channel_group\" \"test\" {\n  key           = %q\n  name          = \"Chat\"\n  channel_type  = \"chat\"\n  operator      = \"any\"\n  channel_rules = [{ channel_key = arbor_channel.slack.key, rule_type = \"always\" }]\n}\n", key)
		},
		identity: environmentKey,
	},
	"arbor_variable": {
		// A variable key is an identifier (templates read vars.<key>).
		config: func(string) string {
			return "resource \"arbor_variable\" \"test\" {\n  key   = \"app_url\"\n  value = \"https://app.example.com\"\n}\n"
		},
		identity: func(string) map[string]knownvalue.Check { return environmentKey("app_url") },
	},
	"arbor_branding": {
		config: func(string) string {
			return "resource \"arbor_branding\" \"test\" {\n  primary_color = \"#0A7CFF\"\n}\n"
		},
		identity: func(string) map[string]knownvalue.Check {
			return map[string]knownvalue.Check{"environment": knownvalue.StringExact(domain.Development)}
		},
	},
	"arbor_workflow": {
		config: func(key string) string {
			return fmt.Sprintf("resource \"arbor_workflow\" \"test\" {\n  key  = %q\n  name = \"Welcome\"\n}\n", key)
		},
		identity: environmentKey,
	},
	"arbor_email_layout": {
		config: func(key string) string {
			return fmt.Sprintf("resource \"arbor_email_layout\" \"test\" {\n  key         = %q\n  name        = \"Default\"\n  html_layout = \"{{ content }}\"\n  text_layout = \"{{ content }}\"\n}\n", key)
		},
		identity: environmentKey,
	},
	"arbor_partial": {
		config: func(key string) string {
			return fmt.Sprintf("resource \"arbor_partial\" \"test\" {\n  key     = %q\n  name    = \"Button\"\n  type    = \"html\"\n  content = \"<b>{{ label }}</b>\"\n}\n", key)
		},
		identity: environmentKey,
	},
	"arbor_translation": {
		// A translation's key names its locale.
		config: func(key string) string {
			return fmt.Sprintf("resource \"arbor_translation\" \"test\" {\n  key     = \"%s.en\"\n  strings = { welcome = \"Welcome\" }\n}\n", key)
		},
		identity: func(key string) map[string]knownvalue.Check { return environmentKey(key + ".en") },
	},
	"arbor_guide": {
		config: func(key string) string {
			return "resource \"arbor_channel\" \"in_app\" {\n  key     = \"in-app\"\n  name    = \"In-app\"\n  type    = \"in_app_feed\"\n  service = \"arbor\"\n}\n\n" +
				fmt.Sprintf("resource \"arbor_guide\" \"test\" {\n  key         = %q\n  name        = \"Launch\"\n  type        = \"banner\"\n  channel_key = arbor_channel.in_app.key\n  content     = { body = \"New\" }\n}\n", key)
		},
		identity: environmentKey,
	},
}

// Every resource the provider serves has an identity, each identity
// attribute is a string attribute of the resource's schema (so the identity
// repeats state, never adds to it), and the acceptance test below has a
// case for it.
func TestResourceIdentity_everyResource(t *testing.T) {
	ctx := context.Background()
	p := provider.New("test")()
	var types []string
	for _, newResource := range p.Resources(ctx) {
		r := newResource()
		var meta resource.MetadataResponse
		r.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "arbor"}, &meta)
		types = append(types, meta.TypeName)
		withIdentity, ok := r.(resource.ResourceWithIdentity)
		if !ok {
			t.Errorf("%s has no resource identity (resource.ResourceWithIdentity)", meta.TypeName)
			continue
		}
		var identity resource.IdentitySchemaResponse
		withIdentity.IdentitySchema(ctx, resource.IdentitySchemaRequest{}, &identity)
		if identity.Diagnostics.HasError() || len(identity.IdentitySchema.Attributes) == 0 {
			t.Errorf("%s: empty identity schema: %v", meta.TypeName, identity.Diagnostics)
			continue
		}
		var sch resource.SchemaResponse
		r.Schema(ctx, resource.SchemaRequest{}, &sch)
		requiredForImport := 0
		for name, a := range identity.IdentitySchema.Attributes {
			if _, ok := sch.Schema.Attributes[name].(schema.StringAttribute); !ok {
				t.Errorf("%s: identity attribute %s is not a string attribute of the resource", meta.TypeName, name)
			}
			if a.IsRequiredForImport() {
				requiredForImport++
			}
		}
		if requiredForImport == 0 {
			t.Errorf("%s: an import block's identity must require at least one attribute", meta.TypeName)
		}
	}
	slices.Sort(types)
	if cases := slices.Sorted(maps.Keys(identityCases)); !slices.Equal(types, cases) {
		t.Errorf("identityCases cover %v, the provider serves %v", cases, types)
	}
}

// Through Terraform: each resource type records its identity on create,
// and an import block with that identity (no id) imports the same object
// with nothing to change.
func TestAccResourceIdentity(t *testing.T) {
	for _, resourceType := range slices.Sorted(maps.Keys(identityCases)) {
		c := identityCases[resourceType]
		t.Run(resourceType, func(t *testing.T) {
			b := acctest.NewBackend(t)
			key := acctest.RandomKey("id")
			address := resourceType + ".test"
			checks := []statecheck.StateCheck{statecheck.ExpectIdentity(address, c.identity(key))}
			if resourceType == "arbor_api_key" {
				checks = append(checks, statecheck.ExpectIdentityValueMatchesState(address, tfjsonpath.New("key_id")))
			}
			tfresource.ParallelTest(t, tfresource.TestCase{
				PreCheck:                 func() { acctest.PreCheck(t) },
				TerraformVersionChecks:   acctest.Requires(acctest.FeatureIdentity),
				ProtoV6ProviderFactories: acctest.ProviderFactories,
				CheckDestroy:             b.CheckDestroy,
				Steps: []tfresource.TestStep{
					{
						Config:            b.ProviderConfig() + c.config(key),
						ConfigStateChecks: checks,
					},
					{
						ResourceName:    address,
						ImportState:     true,
						ImportStateKind: tfresource.ImportBlockWithResourceIdentity,
					},
				},
			})
		})
	}
}

// An import block's identity may leave out the environment, which then is
// the provider's, as an import id may; a bad key is refused at plan, naming
// it.
func TestAccResourceIdentity_importBlock(t *testing.T) {
	b := acctest.NewBackend(t)
	b.CreateEnvironment(t, "staging")
	b.PutObjectNow(t, "permission", "staging", "documents.read", map[string]any{"name": "Read documents"})
	b.PutObjectNow(t, "identity", "", "ada", map[string]any{"email": "ada@example.com", "name": "Ada"})
	b.PutObjectNow(t, "role", "staging", "editor", map[string]any{"name": "Editor"})
	b.PutObjectNow(t, "hierarchy_node", "staging", "emea", map[string]any{"name": "EMEA"})
	b.PutObjectNow(t, "role_assignment", "staging", "ada/editor/emea", map[string]any{})
	providerBlock := b.ProviderConfigWith(b.Token, "staging")
	imported := providerBlock + `
import {
  to       = arbor_permission.read
  identity = { key = "documents.read" }
}

resource "arbor_permission" "read" {
  key  = "documents.read"
  name = "Read documents"
}

import {
  to       = arbor_role_assignment.ada
  identity = { identity_key = "ada", role_key = "editor", node_key = "emea" }
}

resource "arbor_role_assignment" "ada" {
  identity_key = "ada"
  role_key     = "editor"
  node_key     = "emea"
}
`
	tfresource.ParallelTest(t, tfresource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		TerraformVersionChecks:   acctest.Requires(acctest.FeatureIdentity),
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []tfresource.TestStep{
			{
				Config: providerBlock + `
import {
  to       = arbor_permission.read
  identity = { environment = "staging", key = "Not A Key" }
}

resource "arbor_permission" "read" {
  key  = "documents.read"
  name = "Read documents"
}
`,
				ExpectError: acctest.ErrorLike(`key "Not A Key"`),
			},
			{
				Config: imported,
				ConfigPlanChecks: tfresource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("arbor_permission.read", plancheck.ResourceActionNoop),
						plancheck.ExpectResourceAction("arbor_role_assignment.ada", plancheck.ResourceActionNoop),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectIdentity("arbor_permission.read", map[string]knownvalue.Check{
						"environment": knownvalue.StringExact("staging"), "key": knownvalue.StringExact("documents.read"),
					}),
					statecheck.ExpectIdentity("arbor_role_assignment.ada", map[string]knownvalue.Check{
						"environment":  knownvalue.StringExact("staging"),
						"identity_key": knownvalue.StringExact("ada"),
						"role_key":     knownvalue.StringExact("editor"),
						"node_key":     knownvalue.StringExact("emea"),
					}),
					statecheck.ExpectKnownValue("arbor_role_assignment.ada", tfjsonpath.New("id"), knownvalue.StringExact("staging/ada/editor/emea")),
				},
			},
			{
				Config:           imported,
				ConfigPlanChecks: tfresource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}
