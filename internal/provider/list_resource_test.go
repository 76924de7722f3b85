package provider_test

import (
	"context"
	"fmt"
	"github.com/arborhq/terraform-provider-arbor/internal/client"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/action"
	fwprovider "github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/arborhq/terraform-provider-arbor/internal/acctest"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
	"github.com/arborhq/terraform-provider-arbor/internal/provider"
)

// listExempt are the resources that name no objects to adopt: the
// singletons, and API keys, whose secret cannot be adopted.
var listExempt = []string{"arbor_account_settings", "arbor_branding", "arbor_api_key"}

// Every resource that names objects has a list resource of its type name,
// and the exempt ones none: walked from the provider's resources, so a new
// resource cannot be left out.
func TestListResources_everyResourceThatNamesObjects(t *testing.T) {
	ctx := context.Background()
	p := provider.New("test")()
	var listed []string
	for _, newList := range p.(fwprovider.ProviderWithListResources).ListResources(ctx) {
		var meta resource.MetadataResponse
		newList().Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "arbor"}, &meta)
		listed = append(listed, meta.TypeName)
	}
	for _, newResource := range p.Resources(ctx) {
		var meta resource.MetadataResponse
		newResource().Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "arbor"}, &meta)
		want := !slices.Contains(listExempt, meta.TypeName)
		if got := slices.Contains(listed, meta.TypeName); got != want {
			t.Errorf("%s: has a list resource %t, want %t", meta.TypeName, got, want)
		}
	}
	// Each has the example its documentation shows (tfplugindocs).
	for _, typ := range listed {
		if _, err := os.Stat(filepath.Join("..", "..", "examples", "list-resources", typ, "list-resource.tfquery.hcl")); err != nil {
			t.Errorf("%s: no example for its documentation: %v", typ, err)
		}
	}
	for _, newAction := range p.(fwprovider.ProviderWithActions).Actions(ctx) {
		var meta action.MetadataResponse
		newAction().Metadata(ctx, action.MetadataRequest{ProviderTypeName: "arbor"}, &meta)
		if _, err := os.Stat(filepath.Join("..", "..", "examples", "actions", meta.TypeName, "action.tf")); err != nil {
			t.Errorf("%s: no example for its documentation: %v", meta.TypeName, err)
		}
	}
	// Every keyed kind has an object in the seed the query tests adopt.
	for _, kind := range domain.Kinds {
		if !slices.ContainsFunc(acctest.Seed, func(o acctest.SeedObject) bool { return o.Kind == kind }) {
			t.Errorf("kind %s has no object in acctest.Seed", kind.Name)
		}
	}
}

// listBlock is a list block over a resource type; config is what its
// config block holds.
func listBlock(typeName, name, config string, limit int) string {
	return fmt.Sprintf("list %q %q {\n  provider         = arbor\n  include_resource = true\n  limit            = %d\n  config {\n%s  }\n}\n", typeName, name, limit, config)
}

// terraform query finds the seeded objects of every kind, each with its
// identity, its display name and its whole resource.
func TestAccListResources_everyKind(t *testing.T) {
	b := acctest.NewBackend(t)
	b.PutSeed(t, domain.Development, acctest.Seed...)
	query := b.ProviderConfig()
	counts := map[string]int{}
	for _, o := range acctest.Seed {
		counts[o.Kind.Name]++
	}
	var checks []querycheck.QueryResultCheck
	for name, n := range counts {
		query += listBlock("arbor_"+name, "all", "", 100)
		checks = append(checks, querycheck.ExpectLength("arbor_"+name+".all", n))
	}
	query += listBlock("arbor_environment", "all", "", 100)
	checks = append(checks,
		querycheck.ExpectLength("arbor_environment.all", 2),
		querycheck.ExpectIdentity("arbor_role.all", map[string]knownvalue.Check{
			"environment": knownvalue.StringExact("development"), "key": knownvalue.StringExact("editor"),
		}),
		querycheck.ExpectResourceDisplayName("arbor_role.all", queryfilter.ByResourceIdentity(map[string]knownvalue.Check{
			"environment": knownvalue.StringExact("development"), "key": knownvalue.StringExact("editor"),
		}), knownvalue.StringExact("Editor")),
		querycheck.ExpectResourceDisplayName("arbor_variable.all", queryfilter.ByResourceIdentity(map[string]knownvalue.Check{
			"environment": knownvalue.StringExact("development"), "key": knownvalue.StringExact("app_url"),
		}), knownvalue.StringExact("app_url")),
		querycheck.ExpectIdentity("arbor_role_assignment.all", map[string]knownvalue.Check{
			"environment": knownvalue.StringExact("development"), "identity_key": knownvalue.StringExact("ada"),
			"role_key": knownvalue.StringExact("editor"), "node_key": knownvalue.StringExact("emea"),
		}),
		querycheck.ExpectIdentity("arbor_identity.all", map[string]knownvalue.Check{"key": knownvalue.StringExact("ada")}),
		querycheck.ExpectIdentity("arbor_environment.all", map[string]knownvalue.Check{"slug": knownvalue.StringExact("production")}),
		querycheck.ExpectResourceKnownValues("arbor_role.all", queryfilter.ByResourceIdentity(map[string]knownvalue.Check{
			"environment": knownvalue.StringExact("development"), "key": knownvalue.StringExact("editor"),
		}), []querycheck.KnownValueCheck{
			{Path: tfjsonpath.New("permissions"), KnownValue: knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("docs.read"), knownvalue.StringExact("docs.write")})},
			{Path: tfjsonpath.New("id"), KnownValue: knownvalue.StringExact("development/editor")},
		}),
		querycheck.ExpectResourceKnownValues("arbor_workflow.all", queryfilter.ByResourceIdentity(map[string]knownvalue.Check{
			"environment": knownvalue.StringExact("development"), "key": knownvalue.StringExact("welcome"),
		}), []querycheck.KnownValueCheck{
			{Path: tfjsonpath.New("steps").AtSliceIndex(1).AtMapKey("channel").AtMapKey("key"), KnownValue: knownvalue.StringExact("postmark")},
			{Path: tfjsonpath.New("origin_environment"), KnownValue: knownvalue.StringExact("development")},
		}),
	)
	tfresource.ParallelTest(t, tfresource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		TerraformVersionChecks:   acctest.Requires(acctest.FeatureList),
		Steps:                    []tfresource.TestStep{{Query: true, Config: query, QueryResultChecks: checks}},
	})
}

// A listing longer than one page of the backend's (1,000) is read to the
// end, up to limit, in key order; key_prefix narrows it.
func TestAccListResources_pagesLimitAndFilters(t *testing.T) {
	b := acctest.NewBackend(t)
	if _, err := b.Client.ImportConfig(context.Background(), domain.Development, acctest.Permissions(domain.Development, 1205), client.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	perm := func(i int) map[string]knownvalue.Check {
		return map[string]knownvalue.Check{"environment": knownvalue.StringExact("development"), "key": knownvalue.StringExact(fmt.Sprintf("perm.%04d", i))}
	}
	tfresource.ParallelTest(t, tfresource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		TerraformVersionChecks:   acctest.Requires(acctest.FeatureList),
		Steps: []tfresource.TestStep{{
			Query: true,
			Config: b.ProviderConfig() +
				listBlock("arbor_permission", "all", "", 5000) +
				listBlock("arbor_permission", "first", "", 3) +
				listBlock("arbor_permission", "eleven_hundreds", "    key_prefix = \"perm.11\"\n", 1000),
			QueryResultChecks: []querycheck.QueryResultCheck{
				querycheck.ExpectLength("arbor_permission.all", 1205),
				querycheck.ExpectIdentity("arbor_permission.all", perm(1204)),
				querycheck.ExpectLength("arbor_permission.first", 3),
				querycheck.ExpectIdentity("arbor_permission.first", perm(0)),
				querycheck.ExpectIdentity("arbor_permission.first", perm(2)),
				querycheck.ExpectLength("arbor_permission.eleven_hundreds", 100),
				querycheck.ExpectIdentity("arbor_permission.eleven_hundreds", perm(1199)),
			},
		}},
	})
}

// An environment or a filter value that names nothing is an error naming
// it, never an empty answer a user would take for "nothing to adopt".
func TestAccListResources_unknownNames(t *testing.T) {
	b := acctest.NewBackend(t)
	b.PutSeed(t, domain.Development, acctest.Seed...)
	step := func(block string, want string) tfresource.TestStep {
		return tfresource.TestStep{Query: true, Config: b.ProviderConfig() + block, ExpectError: regexp.MustCompile(want)}
	}
	tfresource.ParallelTest(t, tfresource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		TerraformVersionChecks:   acctest.Requires(acctest.FeatureList),
		Steps: []tfresource.TestStep{
			step(listBlock("arbor_role", "x", "    environment = \"stagign\"\n", 10), `environment "stagign" does not exist`),
			step(listBlock("arbor_guide", "x", "    origin_environment = \"prod\"\n", 10), `origin_environment: environment "prod" does not exist`),
			step(listBlock("arbor_role_assignment", "x", "    identity_key = \"bob\"\n", 10), `identity_key: identity "bob" does not exist`),
			step(listBlock("arbor_role_assignment", "x", "    role_key = \"admin\"\n", 10), `role_key: role "admin" does not exist\s+in\s+this\s+environment`),
			step(listBlock("arbor_role_assignment", "x", "    node_key = \"apac\"\n", 10), `node_key: hierarchy node "apac" does not exist`),
		},
	})
}

// The filters of versioned kinds and role assignments narrow the results.
func TestAccListResources_filters(t *testing.T) {
	b := acctest.NewBackend(t)
	b.PutSeed(t, domain.Development, acctest.Seed...)
	b.PutSeed(t, domain.Development,
		acctest.SeedObject{Kind: domain.KindIdentity, Key: "bob", Body: `{"email":"bob@example.com","name":"Bob"}`},
		acctest.SeedObject{Kind: domain.KindRoleAssignment, Key: "bob/editor/global", Body: `{}`},
		acctest.SeedObject{Kind: domain.KindWorkflow, Key: "dormant", Body: `{"name":"Dormant","active":false}`},
	)
	config := b.ProviderConfig() +
		listBlock("arbor_role_assignment", "bob", "    identity_key = \"bob\"\n", 10) +
		listBlock("arbor_role_assignment", "emea", "    node_key = \"emea\"\n", 10) +
		listBlock("arbor_workflow", "inactive", "    active = false\n", 10) +
		listBlock("arbor_workflow", "from_dev", "    origin_environment = \"development\"\n", 10) +
		listBlock("arbor_workflow", "from_prod", "    origin_environment = \"production\"\n", 10) +
		listBlock("arbor_channel_group", "email", "    channel_type = \"email\"\n", 10) +
		listBlock("arbor_channel_group", "chat", "    channel_type = \"chat\"\n", 10)
	tfresource.ParallelTest(t, tfresource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProviderFactories,
		TerraformVersionChecks:   acctest.Requires(acctest.FeatureList),
		Steps: []tfresource.TestStep{{
			Query: true, Config: config,
			QueryResultChecks: []querycheck.QueryResultCheck{
				querycheck.ExpectLength("arbor_role_assignment.bob", 1),
				querycheck.ExpectResourceDisplayName("arbor_role_assignment.bob", queryfilter.ByResourceIdentity(map[string]knownvalue.Check{
					"environment": knownvalue.StringExact("development"), "identity_key": knownvalue.StringExact("bob"),
					"role_key": knownvalue.StringExact("editor"), "node_key": knownvalue.StringExact("global"),
				}), knownvalue.StringExact("bob as editor at global")),
				querycheck.ExpectLength("arbor_role_assignment.emea", 1),
				querycheck.ExpectLength("arbor_workflow.inactive", 1),
				querycheck.ExpectLength("arbor_workflow.from_dev", 2),
				querycheck.ExpectLength("arbor_workflow.from_prod", 0),
				querycheck.ExpectLength("arbor_channel_group.email", 1),
				querycheck.ExpectLength("arbor_channel_group.chat", 0),
			},
		}},
	})
}
