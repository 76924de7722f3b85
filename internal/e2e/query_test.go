package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/arborhq/terraform-provider-arbor/internal/acctest"
	"github.com/arborhq/terraform-provider-arbor/internal/client"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// queryWorkspace is a root that adopts an environment with terraform query:
// the provider configured on the backend, and list blocks in a
// .tfquery.hcl file.
func queryWorkspace(t *testing.T, b *acctest.Backend, lists string) *acctest.Workspace {
	t.Helper()
	acctest.SkipUnless(t, acctest.FeatureList)
	w := acctest.NewWorkspace(t, filepath.Join(t.TempDir(), "adopt"))
	w.Write("main.tf", "terraform {\n  required_providers {\n    arbor = { source = \"arborhq/arbor\" }\n  }\n}\n\n"+b.ProviderConfig())
	w.Write("development.tfquery.hcl", lists)
	return w
}

// generateConfig runs terraform query -generate-config-out and returns
// what it wrote.
func generateConfig(t *testing.T, w *acctest.Workspace) string {
	t.Helper()
	if out, code := w.Terraform("query", "-generate-config-out=generated.tf"); code != 0 {
		t.Fatalf("terraform query -generate-config-out:\n%s", out)
	}
	generated, err := os.ReadFile(filepath.Join(w.Dir, "generated.tf"))
	if err != nil {
		t.Fatal(err)
	}
	return string(generated)
}

// queryList is a list block of a .tfquery.hcl file.
func queryList(typeName, name, config string, limit int) string {
	return fmt.Sprintf("list %q %q {\n  provider = arbor\n  limit    = %d\n  config {\n%s  }\n}\n\n", typeName, name, limit, config)
}

// listedTypes are the resource types of the list resources, from the seed
// of every keyed kind, and environments.
func listedTypes() []string {
	types := []string{"arbor_environment"}
	for _, o := range acctest.Seed {
		if !slices.Contains(types, "arbor_"+o.Kind.Name) {
			types = append(types, "arbor_"+o.Kind.Name)
		}
	}
	return types
}

// For every list resource, terraform query -generate-config-out writes
// resource and import blocks that plan as imports only, nested attributes
// included, apply, and then plan empty; no secret is in them.
func TestQueryGeneratesConfigThatPlansClean(t *testing.T) {
	b := acctest.NewBackend(t)
	b.PutSeed(t, domain.Development, acctest.Seed...)
	var lists string
	for _, typ := range listedTypes() {
		config := ""
		if typ != "arbor_environment" && typ != "arbor_identity" {
			config = "    environment = \"development\"\n"
		}
		lists += queryList(typ, "adopted", config, 100)
	}
	w := queryWorkspace(t, b, lists)
	generated := generateConfig(t, w)
	want := 2 // the environments development and production
	for _, typ := range listedTypes() {
		if n := strings.Count(generated, fmt.Sprintf("resource %q ", typ)); n == 0 {
			t.Errorf("no configuration generated for %s", typ)
		}
	}
	for range acctest.Seed {
		want++
	}
	if strings.Contains(generated, "pm-secret-token") {
		t.Errorf("the generated configuration holds a channel's credentials:\n%s", generated)
	}
	out := w.PlanChanges()
	if plan := fmt.Sprintf("Plan: %d to import, 0 to add, 0 to change, 0 to destroy.", want); !strings.Contains(out, plan) {
		t.Fatalf("the generated configuration does not plan as %s:\n%s\n%s", plan, out, generated)
	}
	if out := w.Apply(); !strings.Contains(out, fmt.Sprintf("Apply complete! Resources: %d imported, 0 added, 0 changed, 0 destroyed.", want)) {
		t.Fatalf("applying the generated configuration did more than import:\n%s", out)
	}
	w.PlanEmpty()
}

// A sensitive variable's value is never generated: the plan of the
// generated configuration fails naming value_wo, the one thing to fill
// in; once filled in, it plans as an import only, which adopts the value
// the backend holds without sending the one filled in.
func TestQueryGeneratedSecretsNamedToFillIn(t *testing.T) {
	b := acctest.NewBackend(t)
	b.PutSeed(t, domain.Development, acctest.SensitiveVariable)
	w := queryWorkspace(t, b, queryList("arbor_variable", "adopted", "", 100))
	generated := generateConfig(t, w)
	if strings.Contains(generated, "s3cret-token-value") {
		t.Fatalf("the generated configuration holds the secret:\n%s", generated)
	}
	w.PlanFails(regexp.MustCompile(`(?s)value_wo.*Variable "api_token" is sensitive.*Fill in value_wo`))
	filled := regexp.MustCompile(`(?m)^(\s*)value_wo\s*=\s*null.*$`).ReplaceAllString(generated, `${1}value_wo = "another-value"`)
	if filled == generated {
		t.Fatalf("no value_wo line to fill in:\n%s", generated)
	}
	w.Write("generated.tf", filled)
	out := w.PlanChanges()
	if !strings.Contains(out, "Plan: 1 to import, 0 to add, 0 to change, 0 to destroy.") {
		t.Fatalf("with value_wo filled in, the plan is not an import only:\n%s\n%s", out, filled)
	}
	w.Apply()
	w.PlanEmpty()
	values, err := b.Server.VariableValues(context.Background(), domain.Development)
	if err != nil {
		t.Fatal(err)
	}
	if values["api_token"] != "s3cret-token-value" {
		t.Error("adopting the sensitive variable changed its value")
	}
}

// A team adopts production as it is: 250 permissions, a role and a guide
// written in the console (born in production). A .tfquery.hcl with a limit
// above 250 and terraform query -generate-config-out write configuration
// that plans as 252 imports and nothing else, applies, and plans empty;
// then the pipeline's promote action copies development into staging.
func TestQueryAdoptsProductionThenPromotes(t *testing.T) {
	b := acctest.NewBackend(t)
	ctx := context.Background()
	b.CreateEnvironment(t, "staging")
	if _, err := b.Client.PutSettings(ctx, domain.Settings{ProductionWriteAccess: true}, client.Cond{}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Client.ImportConfig(ctx, domain.Production, acctest.Permissions(domain.Production, 250), false); err != nil {
		t.Fatal(err)
	}
	b.PutSeed(t, domain.Production,
		acctest.SeedObject{Kind: domain.KindRole, Key: "auditor", Body: `{"name":"Auditor","permissions":["perm.0000","perm.0249"]}`},
		acctest.SeedObject{Kind: domain.KindChannel, Key: "in-app", Body: `{"name":"In-app","type":"in_app_feed","service":"arbor"}`},
		acctest.SeedObject{Kind: domain.KindGuide, Key: "outage", Body: `{"name":"Outage notice","type":"banner","channel_key":"in-app","content":{"title":"Degraded","body":"We are on it."}}`},
	)
	b.PutSeed(t, domain.Development, acctest.Seed[:3]...)

	w := queryWorkspace(t, b,
		queryList("arbor_permission", "production", "    environment = \"production\"\n", 300)+
			queryList("arbor_role", "production", "    environment = \"production\"\n", 300)+
			queryList("arbor_guide", "production_born", "    environment        = \"production\"\n    origin_environment = \"production\"\n", 300))
	generated := generateConfig(t, w)
	if n := strings.Count(generated, "\nimport {"); n != 252 && !strings.HasPrefix(generated, "import {") {
		t.Errorf("%d import blocks generated, want 252", n)
	}
	out := w.PlanChanges()
	if !strings.Contains(out, "Plan: 252 to import, 0 to add, 0 to change, 0 to destroy.") {
		t.Fatalf("the generated configuration does not plan as 252 imports and nothing else:\n%s", lastLines(out, 40))
	}
	if out := w.Apply(); !strings.Contains(out, "Apply complete! Resources: 252 imported, 0 added, 0 changed, 0 destroyed.") {
		t.Fatalf("applying the generated configuration did more than import:\n%s", lastLines(out, 40))
	}
	w.PlanEmpty()

	// The pipeline's promotion, with the account token's provider alias.
	w.Write("promote.tf", fmt.Sprintf(`provider "arbor" {
  alias    = "admin"
  endpoint = %q
  api_key  = %q
}

action "arbor_environment_promote" "x" {
  provider = arbor.admin
  config {
    from = "development"
    to   = "staging"
  }
}
`, b.URL, b.Token))
	out, code := w.Terraform("apply", "-auto-approve", "-invoke=action.arbor_environment_promote.x")
	if code != 0 {
		t.Fatalf("terraform apply -invoke:\n%s", out)
	}
	for _, want := range []string{"permissions: 2 created, 0 updated, 0 deleted, 0 unchanged", "roles: 1 created"} {
		if !strings.Contains(out, want) {
			t.Errorf("the action's progress does not say %q:\n%s", want, out)
		}
	}
	roles, err := client.Objects[domain.Role](b.Client, domain.KindRole).List(ctx, "staging", nil)
	if err != nil || len(roles) != 1 || roles[0].Key != "editor" {
		t.Errorf("staging's roles after the promotion: %v, %v", roles, err)
	}
	w.PlanEmpty()
}

// lastLines is the end of a long output.
func lastLines(s string, n int) string {
	lines := strings.Split(s, "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
