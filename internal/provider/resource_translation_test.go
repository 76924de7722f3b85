package provider_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/arborhq/terraform-provider-arbor/internal/acctest"
)

func translationConfig(b *acctest.Backend, key, welcome string) string {
	return b.ProviderConfig() + fmt.Sprintf(`
resource "arbor_translation" "test" {
  key     = %q
  strings = { welcome = %q }
}

data "arbor_translations" "english" {
  locale     = "en-US"
  depends_on = [arbor_translation.test]
}
`, key, welcome)
}

func TestAccTranslation_basic(t *testing.T) {
	b := acctest.NewBackend(t)
	key := acctest.RandomKey("billing") + ".en-US"
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		CheckDestroy:             b.CheckDestroy,
		Steps: []resource.TestStep{
			{
				Config: translationConfig(b, key, "Welcome"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("arbor_translation.test", tfjsonpath.New("id"), knownvalue.StringExact("development/"+key)),
					statecheck.ExpectKnownValue("data.arbor_translations.english", tfjsonpath.New("translations").AtSliceIndex(0).AtMapKey("key"), knownvalue.StringExact(key)),
				},
				Check: b.Exists("arbor_translation.test"),
			},
			{ResourceName: "arbor_translation.test", ImportState: true, ImportStateVerify: true},
			{
				Config: translationConfig(b, key, "Welcome aboard"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("arbor_translation.test", tfjsonpath.New("version"), knownvalue.Int64Exact(2)),
				},
			},
		},
	})
}

func TestAccTranslation_disappears(t *testing.T) {
	testDisappears(t, "arbor_translation.test", func(b *acctest.Backend) string {
		return translationConfig(b, acctest.RandomKey("welcome")+".en", "Welcome")
	})
}

// A translation's key names its locale in canonical BCP 47 form: refused
// at plan otherwise, saying how it is written.
func TestAccTranslation_keyIsALocale(t *testing.T) {
	b := acctest.NewBackend(t)
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      translationConfig(b, "en-us", "Welcome"),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`written "en-US"`),
		}},
	})
}
