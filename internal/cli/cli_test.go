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
)

// binary is the provider binary built once for these tests.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "arbor-cli-test")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "terraform-provider-arbor")
	build := exec.Command("go", "build", "-o", binary, "github.com/arborhq/terraform-provider-arbor")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		panic("building the provider: " + err.Error())
	}
	code := m.Run()
	os.RemoveAll(dir)
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
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	lines := bufio.NewScanner(stdout)
	for lines.Scan() {
		if m := listening.FindStringSubmatch(lines.Text()); m != nil {
			go io.Copy(io.Discard, stdout)
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
	json.NewDecoder(resp.Body).Decode(&body)
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
	srv.cmd.Process.Signal(syscall.SIGTERM)
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
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
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

// terraformDir writes a root module and a CLI configuration that points
// Terraform at the binary under test through dev_overrides, as a user of a
// checkout would.
func terraformDir(t *testing.T, provider string) (string, []string) {
	t.Helper()
	return terraformModule(t, provider+`
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
}

// terraformModule writes a root module of the given configuration, with
// the CLI configuration of terraformDir.
func terraformModule(t *testing.T, config string) (string, []string) {
	t.Helper()
	if _, err := exec.LookPath("terraform"); err != nil {
		t.Skip("terraform is not on PATH; install it (go install github.com/hashicorp/terraform@v1.5.7)")
	}
	if os.Getenv("TF_ACC") == "" {
		t.Skip("set TF_ACC=1 to run Terraform")
	}
	dir := t.TempDir()
	rc := filepath.Join(dir, "dev.tfrc")
	os.WriteFile(rc, []byte(fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"arborhq/arbor\" = %q\n  }\n  direct {}\n}\n", filepath.Dir(binary))), 0o644)
	module := filepath.Join(dir, "module")
	os.Mkdir(module, 0o755)
	os.WriteFile(filepath.Join(module, "main.tf"), []byte(`terraform {
  required_providers {
    arbor = { source = "arborhq/arbor" }
  }
}
`+config), 0o644)
	return module, []string{"TF_CLI_CONFIG_FILE=" + rc, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1"}
}

func applyThenPlanEmpty(t *testing.T, dir string, env []string) {
	t.Helper()
	run(t, dir, env, "terraform", "apply", "-auto-approve", "-no-color")
	cmd := exec.Command("terraform", "plan", "-detailed-exitcode", "-no-color")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("the plan after apply is not empty (%v):\n%s", err, out)
	}
}

func TestTerraformEmbedded(t *testing.T) {
	dir, env := terraformDir(t, `provider "arbor" {
  database = "state.db"
}`)
	applyThenPlanEmpty(t, dir, env)
	if _, err := os.Stat(filepath.Join(dir, "state.db")); err != nil {
		t.Errorf("the embedded database is not where the configuration says: %v", err)
	}
}

func TestTerraformRemote(t *testing.T) {
	srv := startServe(t, filepath.Join(t.TempDir(), "x.db"), "ARBOR_BOOTSTRAP_TOKEN=t")
	dir, env := terraformDir(t, fmt.Sprintf(`provider "arbor" {
  endpoint    = %q
  api_key     = "t"
  environment = "development"
}`, srv.url))
	applyThenPlanEmpty(t, dir, env)
	_, perms := get(t, srv.url+"/v1/environments/staging/permissions", "t")
	if !strings.Contains(fmt.Sprint(perms), "documents.read") {
		t.Errorf("the server does not hold what Terraform applied: %v", perms)
	}
	run(t, dir, env, "terraform", "destroy", "-auto-approve", "-no-color")
}

// send makes one API request with a JSON body and returns the status.
func send(t *testing.T, method, url, token, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// Objects made outside Terraform are adopted with import blocks: the
// configuration Terraform generates for them applies, and then plans empty.
func TestTerraformGeneratesConfigForImports(t *testing.T) {
	srv := startServe(t, filepath.Join(t.TempDir(), "x.db"), "ARBOR_BOOTSTRAP_TOKEN=t")
	dev := srv.url + "/v1/environments/development/"
	for _, o := range []struct{ path, body string }{
		{dev + "permissions/docs.read", `{"name":"Read documents"}`},
		{dev + "roles/editor", `{"name":"Editor","description":"Edits.","permissions":["docs.read"]}`},
		{dev + "hierarchy-nodes/global", `{"name":"Global"}`},
		{dev + "hierarchy-nodes/emea", `{"name":"EMEA","parent_key":"global"}`},
		{srv.url + "/v1/identities/ada", `{"email":"ada@example.com","name":"Ada Lovelace"}`},
		{dev + "role-assignments/ada/editor/emea", `{}`},
		{dev + "role-assignments/ada/editor/global", `{}`},
		{dev + "oauth-clients/dashboard", `{"name":"Dashboard","redirect_uris":["https://app.example.com/cb"],"scopes":["openid"]}`},
		{dev + "webhooks/audit", `{"url":"https://hooks.example.com","events":["role.updated"],"enabled":false}`},
		{dev + "webhooks/billing", `{"url":"https://billing.example.com","events":["role.created"],"enabled":true,"signing_secret":"billing-secret-0123456789"}`},
	} {
		if code, body := send(t, "PUT", o.path, "t", o.body); code != 201 {
			t.Fatalf("PUT %s: %d %s", o.path, code, body)
		}
	}
	// Import ids with and without the environment.
	imports := map[string]string{
		"arbor_role.editor":                "development/editor",
		"arbor_hierarchy_node.global":      "global",
		"arbor_hierarchy_node.emea":        "development/emea",
		"arbor_identity.ada":               "ada",
		"arbor_role_assignment.ada_emea":   "development/ada/editor/emea",
		"arbor_role_assignment.ada_global": "ada/editor/global",
		"arbor_oauth_client.dashboard":     "dashboard",
		"arbor_webhook.audit":              "development/audit",
		"arbor_webhook.billing":            "billing",
	}
	config := fmt.Sprintf("provider \"arbor\" {\n  endpoint = %q\n  api_key  = \"t\"\n}\n", srv.url)
	for to, id := range imports {
		config += fmt.Sprintf("\nimport {\n  to = %s\n  id = %q\n}\n", to, id)
	}
	dir, env := terraformModule(t, config)
	run(t, dir, env, "terraform", "plan", "-generate-config-out=generated.tf", "-no-color")
	generated, err := os.ReadFile(filepath.Join(dir, "generated.tf"))
	if err != nil {
		t.Fatal(err)
	}
	for to := range imports {
		kind, name, _ := strings.Cut(to, ".")
		if !strings.Contains(string(generated), fmt.Sprintf("resource %q %q {", kind, name)) {
			t.Errorf("no configuration generated for %s:\n%s", to, generated)
		}
	}
	out := run(t, dir, env, "terraform", "apply", "-auto-approve", "-no-color")
	if !strings.Contains(out, fmt.Sprintf("Apply complete! Resources: %d imported, 0 added, 0 changed, 0 destroyed.", len(imports))) {
		t.Errorf("applying the generated configuration did more than import:\n%s", out)
	}
	cmd := exec.Command("terraform", "plan", "-detailed-exitcode", "-no-color")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("the plan after applying the generated configuration is not empty (%v):\n%s\n%s", err, out, generated)
	}
}
