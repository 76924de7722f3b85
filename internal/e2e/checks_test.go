package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/arborhq/terraform-provider-arbor/internal/acctest"
)

// checksConfig is a root whose check blocks ask the backend, through the
// data sources, what the configuration beside them grants and sends.
// permissions is the editor role's permission list.
func checksConfig(b *acctest.Backend, permissions string) string {
	return fmt.Sprintf(`terraform {
  required_providers {
    arbor = { source = "arborhq/arbor" }
  }
}

provider "arbor" {
  endpoint = %q
  api_key  = %q
}

resource "arbor_permission" "write" {
  key  = "documents.write"
  name = "Write documents"
}

resource "arbor_role" "editor" {
  key         = "editor"
  name        = "Editor"
  permissions = %s
  depends_on  = [arbor_permission.write]
}

resource "arbor_hierarchy_node" "org" {
  key  = "org"
  name = "Org"
}

resource "arbor_hierarchy_node" "team" {
  key        = "team"
  name       = "Team"
  parent_key = arbor_hierarchy_node.org.key
}

resource "arbor_identity" "ada" {
  key   = "ada"
  email = "ada@example.com"
  name  = "Ada"
}

resource "arbor_role_assignment" "ada" {
  identity_key = arbor_identity.ada.key
  role_key     = arbor_role.editor.key
  node_key     = arbor_hierarchy_node.team.key
}

resource "arbor_tenant" "acme" {
  key      = "acme"
  name     = "Acme"
  branding = { primary_color = "#0A7CFF" }
}

resource "arbor_channel" "postmark" {
  key     = "postmark"
  name    = "Postmark"
  type    = "email"
  service = "postmark"
}

resource "arbor_workflow" "welcome" {
  key        = "welcome"
  name       = "Welcome"
  depends_on = [arbor_channel.postmark]
  steps = [{
    ref     = "email"
    channel = { type = "email", key = "postmark", subject = "Welcome to {{ tenant.name }}", body = "{{ branding.primary_color }}" }
  }]
}

check "editor_writes_at_team" {
  data "arbor_access_check" "ada" {
    identity_key = arbor_role_assignment.ada.identity_key
    permission   = "documents.write"
    node_key     = arbor_role_assignment.ada.node_key
  }

  assert {
    condition     = data.arbor_access_check.ada.allowed
    error_message = "EDITOR-CANNOT-WRITE"
  }
}

check "welcome_is_branded" {
  data "arbor_workflow_preview" "acme" {
    workflow_key = arbor_workflow.welcome.key
    tenant_key   = arbor_tenant.acme.key
  }

  assert {
    condition     = data.arbor_workflow_preview.acme.steps[0].rendered == tomap({ subject = "Welcome to Acme", body = "#0A7CFF" })
    error_message = "WELCOME-NOT-BRANDED"
  }
}
`, b.URL, b.Token, permissions)
}

// check {} blocks answer through the real path: the CLI, the provider
// binary, the HTTP API and the store. A passing configuration applies
// without a failed assertion; one whose role stops granting warns, naming
// the check.
func TestCheckBlocksAskTheBackend(t *testing.T) {
	b := acctest.NewBackend(t)
	w := acctest.NewWorkspace(t, filepath.Join(t.TempDir(), "root"))
	w.Write("main.tf", checksConfig(b, "[arbor_permission.write.key]"))
	out := w.Apply()
	if strings.Contains(out, "assertion failed") || !strings.Contains(out, "data.arbor_access_check.ada: Read complete") || !strings.Contains(out, "data.arbor_workflow_preview.acme: Read complete") {
		t.Fatalf("the checks of a good configuration:\n%s", out)
	}
	w.Write("main.tf", checksConfig(b, "[]"))
	out = w.Apply()
	if !strings.Contains(out, "EDITOR-CANNOT-WRITE") || strings.Contains(out, "WELCOME-NOT-BRANDED") {
		t.Fatalf("a role that stopped granting documents.write must fail its check, and only that one:\n%s", out)
	}
}

// The GitOps example's tests/ pass on development as applied, and fail,
// naming the broken promise, once a change breaks it.
func TestGitOpsTestsGuardPromotion(t *testing.T) {
	acctest.SkipUnless(t, acctest.FeatureTestFiles)
	b := acctest.NewBackend(t)
	repo := filepath.Join(t.TempDir(), "gitops")
	if err := os.CopyFS(repo, os.DirFS(filepath.Join(examplesDir(), "gitops"))); err != nil {
		t.Fatal(err)
	}
	// The pipeline supplies the backend; here, an override file per root.
	reach := fmt.Sprintf("provider \"arbor\" {\n  endpoint = %q\n  api_key  = %q\n}\n", b.URL, b.Token)
	root := func(dir string) *acctest.Workspace {
		w := acctest.NewWorkspace(t, filepath.Join(repo, dir))
		w.Write("reach_override.tf", reach)
		w.InstallModules()
		return w
	}
	root("account").Apply()
	development := root("environments/development")
	development.Apply()
	tests := root("tests")
	if out, code := tests.Terraform("test"); code != 0 || !strings.Contains(out, "4 passed, 0 failed") {
		t.Fatalf("the tests of development as applied (exit %d):\n%s", code, out)
	}

	access := filepath.Join(repo, "modules/notifications/access.tf")
	original, err := os.ReadFile(access)
	if err != nil {
		t.Fatal(err)
	}
	broken := strings.Replace(string(original), "    arbor_permission.this[\"documents.write\"].key,\n", "", 1)
	if broken == string(original) {
		t.Fatal("the editor role of the example no longer lists documents.write as this test expects")
	}
	development.Write("../../modules/notifications/access.tf", broken)
	development.Apply()
	out, code := tests.Terraform("test")
	if code == 0 || !strings.Contains(out, "3 passed, 1 failed") || !strings.Contains(strings.Join(strings.Fields(out), " "), "The editor role no longer grants documents.write at team node engineering") {
		t.Fatalf("a role that stopped granting must fail its test, naming it (exit %d):\n%s", code, out)
	}
}
