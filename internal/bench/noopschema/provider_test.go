package noopschema_test

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/arborhq/terraform-provider-arbor/internal/bench/noopschema"
	"github.com/arborhq/terraform-provider-arbor/internal/provider"
	"github.com/arborhq/terraform-provider-arbor/internal/version"
)

// TestMirrorsEveryArborResource: Terraform sees, for every resource of the
// Arbor provider, a noopschema resource with the very same schema and
// identity schema, and no other resource.
func TestMirrorsEveryArborResource(t *testing.T) {
	ctx := context.Background()
	arbor, err := providerserver.NewProtocol6WithError(provider.New(version.Version)())()
	if err != nil {
		t.Fatal(err)
	}
	noop, err := providerserver.NewProtocol6WithError(noopschema.New())()
	if err != nil {
		t.Fatal(err)
	}
	arborSchemas, err := arbor.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	noopSchemas, err := noop.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	arborIdentities, err := arbor.GetResourceIdentitySchemas(ctx, &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil {
		t.Fatal(err)
	}
	noopIdentities, err := noop.GetResourceIdentitySchemas(ctx, &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if len(arborSchemas.ResourceSchemas) == 0 || len(noopSchemas.ResourceSchemas) != len(arborSchemas.ResourceSchemas) {
		t.Fatalf("%d resources mirror Arbor's %d", len(noopSchemas.ResourceSchemas), len(arborSchemas.ResourceSchemas))
	}
	for name, want := range arborSchemas.ResourceSchemas {
		twin := noopschema.TypeName + strings.TrimPrefix(name, "arbor")
		if got := noopSchemas.ResourceSchemas[twin]; !reflect.DeepEqual(got, want) {
			t.Errorf("%s's schema is not %s's", twin, name)
		}
		if got, want := noopIdentities.IdentitySchemas[twin], arborIdentities.IdentitySchemas[name]; !reflect.DeepEqual(got, want) {
			t.Errorf("%s's identity schema is not %s's", twin, name)
		}
	}
}

// TestPermissionPlansLikeArbor: noopschema_permission plans as
// arbor_permission does: the environment defaults, the id is computed, the
// description defaults to "", and a change of environment is planned.
func TestPermissionPlansLikeArbor(t *testing.T) {
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: map[string]func() (tfprotov6.ProviderServer, error){
			"noopschema": providerserver.NewProtocol6WithError(noopschema.New()),
		},
		Steps: []resource.TestStep{
			{Config: `resource "noopschema_permission" "x" {
  key  = "documents.read"
  name = "Read"
}`, ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("noopschema_permission.x", tfjsonpath.New("id"), knownvalue.StringExact("development/documents.read")),
				statecheck.ExpectKnownValue("noopschema_permission.x", tfjsonpath.New("environment"), knownvalue.StringExact("development")),
				statecheck.ExpectKnownValue("noopschema_permission.x", tfjsonpath.New("description"), knownvalue.StringExact("")),
			}},
			{Config: `resource "noopschema_permission" "x" {
  environment = "staging"
  key         = "documents.read"
  name        = "Read"
}`, ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("noopschema_permission.x", tfjsonpath.New("id"), knownvalue.StringExact("staging/documents.read")),
			}},
		},
	})
}
