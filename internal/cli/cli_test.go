package cli_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"

	"github.com/arborhq/terraform-provider-arbor/internal/acctest"
	"github.com/arborhq/terraform-provider-arbor/internal/store/pgtest"
)

// binary is the provider binary under test.
var binary string

func TestMain(m *testing.M) {
	code := m.Run()
	acctest.RemoveProviderBinary()
	pgtest.Stop()
	os.Exit(code)
}

// server is a `serve` process.
type server struct {
	cmd *exec.Cmd
	url string
}

var listening = regexp.MustCompile(`listening on (http://\S+)`)

// startServe runs `serve` on an OS-chosen loopback port.
func startServe(t *testing.T, database string, env ...string) *server {
	t.Helper()
	binary = acctest.ProviderBinary(t)
	cmd := exec.Command(binary, "serve", "--listen", "127.0.0.1:0", "--database", database)
	cmd.Env = append(os.Environ(), env...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	lines := bufio.NewScanner(stdout)
	for lines.Scan() {
		if m := listening.FindStringSubmatch(lines.Text()); m != nil {
			go io.Copy(io.Discard, stdout) //nolint:errcheck // drains the server's output; nothing to do if that fails
			return &server{cmd: cmd, url: m[1]}
		}
	}
	t.Fatal("serve exited before listening")
	return nil
}

func get(t *testing.T, url, token string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	// Not every answer is a JSON object (healthz); such a body reads as nil.
	_ = json.NewDecoder(resp.Body).Decode(&body)
	return resp.StatusCode, body
}

func TestServe(t *testing.T) {
	srv := startServe(t, filepath.Join(t.TempDir(), "x.db"), "ARBOR_BOOTSTRAP_TOKEN=t")
	if code, _ := get(t, srv.url+"/healthz", ""); code != 200 {
		t.Errorf("/healthz: %d", code)
	}
	if code, _ := get(t, srv.url+"/v1/whoami", ""); code != 401 {
		t.Errorf("/v1/whoami without a credential: %d", code)
	}
	if code, who := get(t, srv.url+"/v1/whoami", "t"); code != 200 || who["role"] != "owner" {
		t.Errorf("/v1/whoami with t: %d %v", code, who)
	}
	code, envs := get(t, srv.url+"/v1/environments", "t")
	if code != 200 || fmt.Sprint(envs["items"]) == "" || !strings.Contains(fmt.Sprint(envs), "slug:development") || !strings.Contains(fmt.Sprint(envs), "slug:production") {
		t.Errorf("/v1/environments: %d %v", code, envs)
	}
	// SIGTERM shuts down cleanly.
	if err := srv.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error)
	go func() { done <- srv.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve exited with %v after SIGTERM", err)
		}
	case <-time.After(10 * time.Second):
		t.Error("serve did not stop within 10s of SIGTERM")
	}
}

func TestServePrintsGeneratedTokenOnce(t *testing.T) {
	binary = acctest.ProviderBinary(t)
	db := filepath.Join(t.TempDir(), "x.db")
	for i, want := range []bool{true, false} {
		cmd := exec.Command(binary, "serve", "--listen", "127.0.0.1:0", "--database", db)
		cmd.Env = append(os.Environ(), "ARBOR_BOOTSTRAP_TOKEN=")
		stdout, _ := cmd.StdoutPipe()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		var out strings.Builder
		lines := bufio.NewScanner(stdout)
		for lines.Scan() {
			out.WriteString(lines.Text() + "\n")
			if strings.Contains(lines.Text(), "listening on") {
				break
			}
		}
		if err := cmd.Process.Signal(os.Interrupt); err != nil {
			t.Fatal(err)
		}
		_ = cmd.Wait()
		printed := regexp.MustCompile(`arbt_[a-z2-7]{8}_[a-z2-7]{32}`).MatchString(out.String())
		if printed != want {
			t.Errorf("start %d printed a token: %v, want %v:\n%s", i+1, printed, want, out.String())
		}
	}
}

func run(t *testing.T, dir string, env []string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

func TestOperatorVerbsOnADatabase(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "arbor.db")
	srv := startServe(t, db, "ARBOR_BOOTSTRAP_TOKEN=t")
	// On the database directly, while the server runs.
	out := run(t, dir, nil, binary, "key", "create", "--database", db, "--environment", "production", "--name", "ci", "--scope", "read_only")
	var key map[string]any
	if err := json.Unmarshal([]byte(out), &key); err != nil || key["secret"] == nil {
		t.Fatalf("key create: %s", out)
	}
	if code, who := get(t, srv.url+"/v1/whoami", key["secret"].(string)); code != 200 || who["environment"] != "production" {
		t.Errorf("the key made on the database does not work on the server: %d %v", code, who)
	}
	// Against the server.
	out = run(t, dir, []string{"ARBOR_ENDPOINT=" + srv.url, "ARBOR_API_KEY=t"}, binary, "token", "create", "--name", "ops", "--role", "viewer")
	if !strings.Contains(out, `"role": "viewer"`) {
		t.Errorf("token create: %s", out)
	}
	out = run(t, dir, []string{"ARBOR_ENDPOINT=" + srv.url, "ARBOR_API_KEY=t"}, binary, "token", "list")
	if strings.Count(out, `"id"`) != 2 || strings.Contains(out, `"secret"`) {
		t.Errorf("token list: %s", out)
	}
	backup := filepath.Join(dir, "backup.db")
	run(t, dir, nil, binary, "backup", "--database", db, "--out", backup)
	if _, err := os.Stat(backup); err != nil {
		t.Errorf("backup: %v", err)
	}
	bsrv := startServe(t, backup, "ARBOR_ENCRYPTION_KEY=")
	if code, _ := get(t, bsrv.url+"/v1/environments/production/api-keys", "t"); code != 200 {
		t.Errorf("the backup does not serve: %d", code)
	}
}

// terraformWorkspace is a root module with one environment and one
// permission, under the provider configuration given.
func terraformWorkspace(t *testing.T, provider string) *acctest.Workspace {
	t.Helper()
	w := acctest.NewWorkspace(t, filepath.Join(t.TempDir(), "module"))
	w.Write("main.tf", `terraform {
  required_providers {
    arbor = { source = "arborhq/arbor" }
  }
}
`+provider+`
resource "arbor_environment" "staging" {
  slug = "staging"
  name = "Staging"
}

resource "arbor_permission" "read" {
  environment = arbor_environment.staging.slug
  key         = "documents.read"
  name        = "Read documents"
}
`)
	return w
}

func TestTerraformEmbedded(t *testing.T) {
	w := terraformWorkspace(t, `provider "arbor" {
  database = "state.db"
}`)
	w.Apply()
	w.PlanEmpty()
	if _, err := os.Stat(filepath.Join(w.Dir, "state.db")); err != nil {
		t.Errorf("the embedded database is not where the configuration says: %v", err)
	}
}

func TestTerraformRemote(t *testing.T) {
	srv := startServe(t, filepath.Join(t.TempDir(), "x.db"), "ARBOR_BOOTSTRAP_TOKEN=t")
	w := terraformWorkspace(t, fmt.Sprintf(`provider "arbor" {
  endpoint    = %q
  api_key     = "t"
  environment = "development"
}`, srv.url))
	w.Apply()
	w.PlanEmpty()
	_, perms := get(t, srv.url+"/v1/environments/staging/permissions", "t")
	if !strings.Contains(fmt.Sprint(perms), "documents.read") {
		t.Errorf("the server does not hold what Terraform applied: %v", perms)
	}
	if out, code := w.Terraform("destroy", "-auto-approve"); code != 0 {
		t.Fatalf("destroy: %s", out)
	}
}

// send makes one API request with the owner token the tests bootstrap
// (ARBOR_BOOTSTRAP_TOKEN=t) and returns the status and body.
func send(t *testing.T, method, url, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer t")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// For an import block of every resource type, terraform plan
// -generate-config-out writes configuration that applies (importing only)
// and then plans empty.
func TestTerraformGeneratesConfigForImports(t *testing.T) {
	srv := startServe(t, filepath.Join(t.TempDir(), "x.db"), "ARBOR_BOOTSTRAP_TOKEN=t")
	dev := srv.url + "/v1/environments/development/"
	for _, o := range []struct{ method, path, body string }{
		{"POST", srv.url + "/v1/environments", `{"slug":"staging","name":"Staging","description":"Release candidates","obfuscate_customer_data":true}`},
		{"PUT", dev + "permissions/docs.read", `{"name":"Read documents","description":"View documents."}`},
		{"PUT", dev + "roles/editor", `{"name":"Editor","description":"Edits.","permissions":["docs.read"]}`},
		{"PUT", dev + "hierarchy-nodes/global", `{"name":"Global"}`},
		{"PUT", dev + "hierarchy-nodes/emea", `{"name":"EMEA","parent_key":"global"}`},
		{"PUT", srv.url + "/v1/identities/ada", `{"email":"ada@example.com","name":"Ada Lovelace"}`},
		{"PUT", dev + "role-assignments/ada/editor/emea", `{}`},
		{"PUT", dev + "role-assignments/ada/editor/global", `{}`},
		{"PUT", dev + "oauth-clients/dashboard", `{"name":"Dashboard","redirect_uris":["https://app.example.com/cb"],"scopes":["openid"]}`},
		{"PUT", dev + "webhooks/audit", `{"url":"https://hooks.example.com","events":["role.updated"],"enabled":false}`},
		{"PUT", dev + "webhooks/billing", `{"url":"https://billing.example.com","events":["role.created"],"enabled":true,"signing_secret":"billing-secret-0123456789"}`},
		{"PUT", dev + "tenants/acme", `{"name":"Acme","properties":{"plan":"pro","seats":12},"branding":{"primary_color":"#0A7","logo_url":"https://acme.example/logo.png"},"preference_set":{"channel_types":{"email":true},"categories":null,"workflows":{"welcome":false}}}`},
		{"PUT", dev + "channels/postmark", `{"name":"Postmark","type":"email","service":"postmark","settings":{"sandbox":"true"},"credentials":{"token":"pm-x"}}`},
		{"PUT", dev + "variables/app_url", `{"value":"https://dev.example.com","description":"Links"}`},
		{"PUT", dev + "branding", `{"primary_color":"#0A7CFF","logo_url":"https://cdn.example.com/logo.png"}`},
		{"PUT", dev + "workflows/welcome", `{"name":"Welcome","categories":["onboarding"],"trigger_data_schema":{"type":"object"},"conditions":{"rules":[{"variable":"recipient.plan","operator":"not_empty"}]},"steps":[{"ref":"wait","delay":{"duration":"1h"}},{"ref":"email","channel":{"type":"email","key":"postmark","subject":"Hi","body":"Welcome"}}]}`},
		{"PUT", srv.url + "/v1/settings", `{"production_write_access":true}`},
	} {
		if code, body := send(t, o.method, o.path, o.body); code != 201 && code != 200 {
			t.Fatalf("%s %s: %d %s", o.method, o.path, code, body)
		}
	}
	_, body := send(t, "POST", srv.url+"/v1/environments/production/api-keys", `{"name":"ci","scope":"read_only"}`)
	var key domain.APIKey
	if err := json.Unmarshal([]byte(body), &key); err != nil {
		t.Fatalf("creating an API key: %v: %s", err, body)
	}

	// Import ids with and without the environment.
	imports := map[string]string{
		"arbor_environment.staging":        "staging",
		"arbor_api_key.ci":                 "production/" + key.ID,
		"arbor_permission.read":            "docs.read",
		"arbor_role.editor":                "development/editor",
		"arbor_hierarchy_node.global":      "global",
		"arbor_hierarchy_node.emea":        "development/emea",
		"arbor_identity.ada":               "ada",
		"arbor_role_assignment.ada_emea":   "development/ada/editor/emea",
		"arbor_role_assignment.ada_global": "ada/editor/global",
		"arbor_oauth_client.dashboard":     "dashboard",
		"arbor_webhook.audit":              "development/audit",
		"arbor_webhook.billing":            "billing",
		"arbor_tenant.acme":                "development/acme",
		"arbor_workflow.welcome":           "welcome",
		"arbor_channel.postmark":           "postmark",
		"arbor_variable.app_url":           "development/app_url",
		"arbor_branding.development":       "development",
		"arbor_account_settings.this":      "account",
	}
	config := fmt.Sprintf("provider \"arbor\" {\n  endpoint = %q\n  api_key  = \"t\"\n}\n", srv.url)
	for to, id := range imports {
		config += fmt.Sprintf("\nimport {\n  to = %s\n  id = %q\n}\n", to, id)
	}
	w := acctest.NewWorkspace(t, filepath.Join(t.TempDir(), "module"))
	w.Write("main.tf", "terraform {\n  required_providers {\n    arbor = { source = \"arborhq/arbor\" }\n  }\n}\n\n"+config)
	if out, code := w.Terraform("plan", "-generate-config-out=generated.tf"); code != 0 {
		t.Fatalf("plan -generate-config-out:\n%s", out)
	}
	generated, err := os.ReadFile(filepath.Join(w.Dir, "generated.tf"))
	if err != nil {
		t.Fatal(err)
	}
	for to := range imports {
		kind, name, _ := strings.Cut(to, ".")
		if !strings.Contains(string(generated), fmt.Sprintf("resource %q %q {", kind, name)) {
			t.Errorf("no configuration generated for %s:\n%s", to, generated)
		}
	}
	out := w.Apply()
	if !strings.Contains(out, fmt.Sprintf("Apply complete! Resources: %d imported, 0 added, 0 changed, 0 destroyed.", len(imports))) {
		t.Errorf("applying the generated configuration did more than import:\n%s\n%s", out, generated)
	}
	if out, code := w.Plan(); code != 0 {
		t.Fatalf("the plan after applying the generated configuration is not empty (exit %d):\n%s\n%s", code, out, generated)
	}
}

func TestConfigurationVerbs(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "arbor.db")
	srv := startServe(t, db, "ARBOR_BOOTSTRAP_TOKEN=t")
	for _, o := range []struct{ path, body string }{
		{"/v1/environments/development/permissions/docs.read", `{"name":"Read documents"}`},
		{"/v1/environments/development/roles/reader", `{"name":"Reader","permissions":["docs.read"]}`},
		{"/v1/environments/development/workflows/welcome", `{"name":"Welcome"}`},
	} {
		if code, body := send(t, "PUT", srv.url+o.path, o.body); code != 201 {
			t.Fatalf("%s: %d %s", o.path, code, body)
		}
	}
	send(t, "POST", srv.url+"/v1/environments", `{"slug":"staging","name":"Staging"}`)
	remote := []string{"ARBOR_ENDPOINT=" + srv.url, "ARBOR_API_KEY=t"}

	// Against the server: the default file name carries the date.
	run(t, dir, remote, binary, "export", "--environment", "development")
	name := "development-config-" + time.Now().UTC().Format("2006-01-02") + ".json"
	exported, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatalf("export did not write %s: %v", name, err)
	}
	if stdout := run(t, dir, remote, binary, "export", "--environment", "development", "--out", "-"); stdout != string(exported) {
		t.Error("export to stdout differs from the file")
	}

	// Directly on the database file, while the server runs.
	out := run(t, dir, nil, binary, "import", "--database", db, "--environment", "staging", "--file", name)
	if !strings.Contains(out, `"roles": 1`) {
		t.Errorf("import: %s", out)
	}
	out = run(t, dir, remote, binary, "promote", "--from", "staging", "--to", "production")
	if !strings.Contains(out, `"source_environment": "staging"`) {
		t.Errorf("promote: %s", out)
	}
	prod := run(t, dir, remote, binary, "export", "--environment", "production", "--out", "-")
	if want := strings.Replace(string(exported), `"source_environment": "development"`, `"source_environment": "production"`, 1); prod != want {
		t.Errorf("production after the promotion:\n%s\nwant\n%s", prod, want)
	}

	// A refused import says why and changes nothing.
	bad := strings.Replace(string(exported), `"docs.read"`+"\n", `"no.such"`+"\n", 1)
	if err := os.WriteFile(filepath.Join(dir, "bad.json"), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(binary, "import", "--environment", "staging", "--file", "bad.json")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), remote...)
	if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "no.such") {
		t.Errorf("a bad document was not refused clearly: %v\n%s", err, out)
	}
}
