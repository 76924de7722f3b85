package e2e

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/arborhq/terraform-provider-arbor/internal/acctest"
	"github.com/arborhq/terraform-provider-arbor/internal/client"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// impactModule is production's access control as a module manages it:
// the editor role's permissions and the parent of eng are what a
// promotion from staging changes. roleName lets a plan change nothing of
// anyone's access; withRole false plans the role's destroy.
func impactModule(b *acctest.Backend, permissions, engParent, roleName string, withRole bool) string {
	role := ""
	if withRole {
		role = fmt.Sprintf(`
resource "arbor_role" "editor" {
  key         = "editor"
  name        = %q
  permissions = %s
  depends_on  = [arbor_permission.read, arbor_permission.write]
}
`, roleName, permissions)
	}
	parent := ""
	if engParent != "" {
		parent = fmt.Sprintf("\n  parent_key = %q", engParent)
	}
	return `terraform {
  required_providers {
    arbor = { source = "arborhq/arbor" }
  }
}
` + b.ProviderConfigWith(b.Token, domain.Production) + `
resource "arbor_permission" "read" {
  key  = "docs.read"
  name = "Read"
}

resource "arbor_permission" "write" {
  key  = "docs.write"
  name = "Write"
}
` + role + `
resource "arbor_hierarchy_node" "org" {
  key  = "org"
  name = "Org"
}

resource "arbor_hierarchy_node" "eng" {
  key        = "eng"
  name       = "Engineering"` + parent + `
  depends_on = [arbor_hierarchy_node.org]
}
`
}

// TestPlanWarnsWhoseAccessAChangeRemoves applies production's access
// control, gives ada (editor at eng) and bob (editor at org) their roles
// out of band, as operational state is, then plans staging's
// configuration: editor without docs.write, eng a root of its own. The
// plan names, per resource, who loses what where, and changes nothing
// until the apply.
func TestPlanWarnsWhoseAccessAChangeRemoves(t *testing.T) {
	b := acctest.NewBackend(t)
	w := acctest.NewWorkspace(t, filepath.Join(t.TempDir(), "production"))
	w.Write("main.tf", impactModule(b, `["docs.read", "docs.write"]`, "org", "Editor", true))
	w.Apply()
	for _, who := range []string{"ada", "bob"} {
		b.PutObjectNow(t, "identity", "", who, map[string]any{"name": who, "email": who + "@example.com"})
	}
	b.PutObjectNow(t, "role_assignment", domain.Production, "ada/editor/eng", map[string]any{})
	b.PutObjectNow(t, "role_assignment", domain.Production, "bob/editor/org", map[string]any{})

	w.Write("main.tf", impactModule(b, `["docs.read"]`, "", "Editor", true))
	plan := w.PlanChanges()
	for _, want := range []string{
		`arbor_role "editor" changes who may do what in production (this change alone)`,
		"removes docs.write at eng and below from 1 identity (ada)",
		"removes docs.write at org and below from 1 identity (bob)",
		`arbor_hierarchy_node "eng" changes who may do what in production (this change alone)`,
		"removes docs.read at eng and below from 1 identity (bob)",
	} {
		if !strings.Contains(plan, want) {
			t.Errorf("the plan does not say %q:\n%s", want, plan)
		}
	}
	if strings.Contains(plan, "@example.com") {
		t.Errorf("the plan names an email:\n%s", plan)
	}
	role, err := client.Objects[domain.Role](b.Client, domain.KindRole).Get(context.Background(), domain.Production, "editor")
	if err != nil || !slices.Contains(role.Permissions, "docs.write") {
		t.Fatalf("the plan changed production: %+v %v", role, err)
	}

	// Where production obfuscates customer data, the warning counts.
	ctx := context.Background()
	if _, err := b.Client.UpdateEnvironment(ctx, domain.Production, domain.EnvironmentInput{Name: "Production", ObfuscateCustomerData: true}, client.Cond{}); err != nil {
		t.Fatal(err)
	}
	plan = w.PlanChanges()
	if !strings.Contains(plan, "removes docs.write at eng and below from 1 identity\n") || strings.Contains(plan, "(ada)") || !strings.Contains(plan, "Identities are counted, not named") {
		t.Errorf("under obfuscation the plan names identities:\n%s", plan)
	}
	if _, err := b.Client.UpdateEnvironment(ctx, domain.Production, domain.EnvironmentInput{Name: "Production"}, client.Cond{}); err != nil {
		t.Fatal(err)
	}

	// No warning for a change of nobody's access, nor for a destroy the
	// backend would refuse (the role is still assigned).
	for what, module := range map[string]string{
		"a rename":                        impactModule(b, `["docs.read", "docs.write"]`, "org", "Editors", true),
		"the destroy of an assigned role": impactModule(b, `["docs.read", "docs.write"]`, "org", "Editor", false),
	} {
		w.Write("main.tf", module)
		if plan := w.PlanChanges(); strings.Contains(plan, "changes who may do what") {
			t.Errorf("%s warns:\n%s", what, plan)
		}
	}

	// The apply makes it so.
	w.Write("main.tf", impactModule(b, `["docs.read"]`, "", "Editor", true))
	w.Apply()
	role, err = client.Objects[domain.Role](b.Client, domain.KindRole).Get(ctx, domain.Production, "editor")
	if err != nil || slices.Contains(role.Permissions, "docs.write") {
		t.Errorf("after the apply: %+v %v", role, err)
	}
	w.PlanEmpty()
}

// TestPromoteActionWarnsWhoseAccessItChanges plans the promote action of a
// pipeline (terraform plan -invoke): staging's editor holds docs.write,
// development's does not, and ada is editor at org in staging. The plan
// warns that the promotion removes docs.write from ada there, measured by
// a dry run that changes nothing.
func TestPromoteActionWarnsWhoseAccessItChanges(t *testing.T) {
	acctest.SkipUnless(t, acctest.FeatureAction)
	b := acctest.NewBackend(t)
	b.CreateEnvironment(t, "staging")
	for env, permissions := range map[string]string{domain.Development: `["docs.read"]`, "staging": `["docs.read","docs.write"]`} {
		b.PutSeed(t, env,
			acctest.SeedObject{Kind: domain.KindPermission, Key: "docs.read", Body: `{"name":"Read"}`},
			acctest.SeedObject{Kind: domain.KindPermission, Key: "docs.write", Body: `{"name":"Write"}`},
			acctest.SeedObject{Kind: domain.KindRole, Key: "editor", Body: `{"name":"Editor","permissions":` + permissions + `}`},
			acctest.SeedObject{Kind: domain.KindHierarchyNode, Key: "org", Body: `{"name":"Org"}`})
	}
	b.PutObjectNow(t, "identity", "", "ada", map[string]any{"name": "Ada", "email": "ada@example.com"})
	b.PutObjectNow(t, "role_assignment", "staging", "ada/editor/org", map[string]any{})

	w := acctest.NewWorkspace(t, filepath.Join(t.TempDir(), "pipeline"))
	w.Write("main.tf", fmt.Sprintf(`terraform {
  required_providers {
    arbor = { source = "arborhq/arbor" }
  }
}

provider "arbor" {
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
	out, code := w.Terraform("plan", "-invoke=action.arbor_environment_promote.x")
	if code != 0 {
		t.Fatalf("terraform plan -invoke:\n%s", out)
	}
	for _, want := range []string{"Promoting development into staging changes who may do what in staging", "removes docs.write at org and below from 1 identity (ada)"} {
		if !strings.Contains(out, want) {
			t.Errorf("the plan of the promotion does not say %q:\n%s", want, out)
		}
	}
	role, err := client.Objects[domain.Role](b.Client, domain.KindRole).Get(context.Background(), "staging", "editor")
	if err != nil || !slices.Contains(role.Permissions, "docs.write") {
		t.Errorf("planning the promotion changed staging: %+v %v", role, err)
	}
}
