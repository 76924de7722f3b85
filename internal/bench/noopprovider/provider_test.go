package noopprovider_test

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/arborhq/terraform-provider-arbor/internal/bench/noopprovider"
)

// TestItem applies, refreshes (the plan after each step must be empty),
// renames and replaces an item: the no-op provider must behave like any
// provider for the benchmark's floor to mean anything.
func TestItem(t *testing.T) {
	config := func(key, name string) string {
		return `resource "noop_item" "x" {
  key  = "` + key + `"
  name = "` + name + `"
}`
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: map[string]func() (tfprotov6.ProviderServer, error){
			"noop": providerserver.NewProtocol6WithError(noopprovider.New()),
		},
		Steps: []resource.TestStep{
			{Config: config("a", "A"), ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("noop_item.x", tfjsonpath.New("name"), knownvalue.StringExact("A")),
			}},
			{Config: config("a", "B"), ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("noop_item.x", tfjsonpath.New("name"), knownvalue.StringExact("B")),
			}},
			{Config: config("b", "B"), ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("noop_item.x", tfjsonpath.New("key"), knownvalue.StringExact("b")),
			}},
		},
	})
}
