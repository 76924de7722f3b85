package provider_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/arborhq/terraform-provider-arbor/internal/acctest"
)

func variableConfig(b *acctest.Backend, value, description string) string {
	return b.ProviderConfig() + fmt.Sprintf(`
resource "arbor_variable" "test" {
  key         = "app_url"
  value       = %q
  description = %q
}
`, value, description)
}

// sensitiveVariableConfig declares a sensitive variable whose value
// travels write-only.
func sensitiveVariableConfig(b *acctest.Backend, value string, version int) string {
	return b.ProviderConfig() + fmt.Sprintf(`
resource "arbor_variable" "test" {
  key              = "api_token"
  sensitive        = true
  value_wo         = %q
  value_wo_version = %d
}
`, value, version)
}

func TestAccVariable_basic(t *testing.T) {
	b := acctest.NewBackend(t)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             b.CheckDestroy,
		Steps: []resource.TestStep{
			{
				Config: variableConfig(b, "https://dev.example.com", "Links in messages") + `
data "arbor_variable" "test" {
  key = arbor_variable.test.key
}
`,
				Check: resource.ComposeTestCheckFunc(b.Exists("arbor_variable.test"), b.VariableValue("arbor_variable.test", "https://dev.example.com")),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("arbor_variable.test", tfjsonpath.New("id"), knownvalue.StringExact("development/app_url")),
					statecheck.ExpectKnownValue("arbor_variable.test", tfjsonpath.New("sensitive"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue("data.arbor_variable.test", tfjsonpath.New("value"), knownvalue.StringExact("https://dev.example.com")),
				},
			},
			{ResourceName: "arbor_variable.test", ImportState: true, ImportStateVerify: true},
			{
				Config: variableConfig(b, "https://app.example.com", "Links in messages"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("arbor_variable.test", plancheck.ResourceActionUpdate)},
				},
				Check: b.VariableValue("arbor_variable.test", "https://app.example.com"),
			},
		},
	})
}

// A sensitive value is sent only with a new version, kept out of state,
// and never readable, by the resource or its data source.
func TestAccVariable_sensitive(t *testing.T) {
	b := acctest.NewBackend(t)
	noValueInState := []statecheck.StateCheck{
		statecheck.ExpectKnownValue("arbor_variable.test", tfjsonpath.New("value"), knownvalue.Null()),
		statecheck.ExpectKnownValue("arbor_variable.test", tfjsonpath.New("value_wo"), knownvalue.Null()),
	}
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		TerraformVersionChecks:   acctest.Requires(acctest.FeatureWriteOnly),
		CheckDestroy:             b.CheckDestroy,
		Steps: []resource.TestStep{
			{
				Config: sensitiveVariableConfig(b, "sk-first-secret", 1) + `
data "arbor_variable" "test" {
  key = arbor_variable.test.key
}
`,
				Check: b.VariableValue("arbor_variable.test", "sk-first-secret"),
				ConfigStateChecks: append(noValueInState,
					statecheck.ExpectKnownValue("data.arbor_variable.test", tfjsonpath.New("value"), knownvalue.Null()),
					statecheck.ExpectKnownValue("data.arbor_variable.test", tfjsonpath.New("sensitive"), knownvalue.Bool(true))),
			},
			{ResourceName: "arbor_variable.test", ImportState: true, ImportStateVerify: true, ImportStateVerifyIgnore: []string{"value_wo_version"}},
			{
				Config:            sensitiveVariableConfig(b, "sk-changed-same-version", 1),
				ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check:             b.VariableValue("arbor_variable.test", "sk-first-secret"),
				ConfigStateChecks: noValueInState,
			},
			{
				Config:            sensitiveVariableConfig(b, "sk-second-secret", 2),
				Check:             b.VariableValue("arbor_variable.test", "sk-second-secret"),
				ConfigStateChecks: noValueInState,
			},
			{
				// Made plain, it needs its value in value.
				Config: b.ProviderConfig() + `
resource "arbor_variable" "test" {
  key   = "api_token"
  value = "now-public"
}
`,
				Check: b.VariableValue("arbor_variable.test", "now-public"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("arbor_variable.test", tfjsonpath.New("value"), knownvalue.StringExact("now-public")),
				},
			},
		},
	})
}

func TestAccVariable_disappears(t *testing.T) {
	testDisappears(t, "arbor_variable.test", func(b *acctest.Backend) string {
		return variableConfig(b, "https://dev.example.com", "")
	})
}

func TestAccVariable_drift(t *testing.T) {
	b := acctest.NewBackend(t)
	config := variableConfig(b, "https://dev.example.com", "Links")
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             b.CheckDestroy,
		Steps: []resource.TestStep{
			{
				Config:             config,
				Check:              b.PutObject("arbor_variable.test", map[string]any{"value": "https://changed.example.com"}),
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectResourceAction("arbor_variable.test", plancheck.ResourceActionUpdate)},
				},
			},
			{Config: config, Check: b.VariableValue("arbor_variable.test", "https://dev.example.com")},
		},
	})
}

// Exactly the argument the variable's sensitivity takes is set, checked
// at plan.
func TestAccVariable_planValidation(t *testing.T) {
	b := acctest.NewBackend(t)
	variable := func(attrs string) string {
		return b.ProviderConfig() + "resource \"arbor_variable\" \"test\" {\n  key = \"api_token\"\n" + attrs + "\n}\n"
	}
	steps := []resource.TestStep{
		refusedAtPlan(variable(`value = "x"
  sensitive = true`), `value is not allowed for a sensitive variable: Terraform would keep it in plain state`),
		refusedAtPlan(variable(`sensitive = true`), `value_wo (with value_wo_version) is required for a sensitive variable`),
		refusedAtPlan(variable(``), `value is required for a variable that is not sensitive`),
		refusedAtPlan(b.ProviderConfig()+"resource \"arbor_variable\" \"test\" {\n  key   = \"app-url\"\n  value = \"x\"\n}\n", `key must be `+"1–255 letters, digits and _"),
	}
	planTest(t, b, steps...)
}

func TestAccVariable_writeOnlyValidation(t *testing.T) {
	b := acctest.NewBackend(t)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		TerraformVersionChecks:   acctest.Requires(acctest.FeatureWriteOnly),
		Steps: []resource.TestStep{
			refusedAtPlan(b.ProviderConfig()+`
resource "arbor_variable" "test" {
  key              = "api_token"
  value_wo         = "sk-secret"
  value_wo_version = 1
}
`, `value_wo is only for a sensitive variable`),
		},
	})
}
