package cli_test

import (
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// putJSON writes one object to a running server with the bootstrap token t.
func putJSON(t *testing.T, url, body string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPut, url, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer t")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("PUT %s: %d", url, resp.StatusCode)
	}
}

// runCode runs the binary and returns its stdout, stderr and exit code.
func runCode(t *testing.T, dir string, env []string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if exit, ok := err.(*exec.ExitError); ok {
		code = exit.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return stdout.String(), stderr.String(), code
}

func TestCheckCommands(t *testing.T) {
	dir := t.TempDir()
	srv := startServe(t, filepath.Join(dir, "arbor.db"), "ARBOR_BOOTSTRAP_TOKEN=t")
	dev := srv.url + "/v1/environments/development"
	putJSON(t, dev+"/permissions/docs.write", `{"name":"Write"}`)
	putJSON(t, dev+"/roles/editor", `{"name":"Editor","permissions":["docs.write"]}`)
	putJSON(t, dev+"/hierarchy-nodes/org", `{"name":"Org"}`)
	putJSON(t, dev+"/hierarchy-nodes/team", `{"name":"Team","parent_key":"org"}`)
	putJSON(t, srv.url+"/v1/identities/ada", `{"name":"Ada","email":"ada@example.com"}`)
	putJSON(t, dev+"/role-assignments/ada/editor/team", `{}`)
	putJSON(t, dev+"/tenants/acme", `{"name":"Acme","branding":{"primary_color":"#0A7CFF"}}`)
	putJSON(t, dev+"/channels/postmark", `{"name":"Postmark","type":"email","service":"postmark"}`)
	putJSON(t, dev+"/workflows/welcome", `{"name":"Welcome","steps":[{"ref":"email","channel":{"type":"email","key":"postmark","subject":"Welcome to {{ tenant.name }}","body":"{{ branding.primary_color }} for {{ recipient.name }}"}}]}`)
	remote := []string{"ARBOR_ENDPOINT=" + srv.url, "ARBOR_API_KEY=t"}

	out, _, code := runCode(t, dir, remote, "check", "access", "--identity", "ada", "--permission", "docs.write", "--node", "team")
	var ans struct {
		Allowed   bool     `json:"allowed"`
		GrantedBy []string `json:"granted_by"`
	}
	if err := json.Unmarshal([]byte(out), &ans); err != nil || code != 0 || !ans.Allowed || ans.GrantedBy[0] != "development/ada/editor/team" {
		t.Errorf("allowed: exit %d, %s", code, out)
	}
	out, errOut, code := runCode(t, dir, remote, "check", "access", "--identity", "ada", "--permission", "docs.write", "--node", "org")
	if code != 1 || !strings.Contains(out, `"allowed": false`) || !strings.Contains(errOut, "ada does not hold docs.write at org in development") {
		t.Errorf("denied: exit %d, %s %s", code, out, errOut)
	}
	_, errOut, code = runCode(t, dir, remote, "check", "access", "--identity", "ada", "--permission", "docs.read", "--node", "org")
	if code != 1 || !strings.Contains(errOut, `permission "docs.read" does not exist`) {
		t.Errorf("missing permission: exit %d, %s", code, errOut)
	}
	batch := filepath.Join(dir, "checks.json")
	if err := os.WriteFile(batch, []byte(`{"checks":[{"identity_key":"ada","permission":"docs.write","node_key":"team"},{"identity_key":"ada","permission":"docs.write","node_key":"org"}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, code = runCode(t, dir, remote, "check", "access", "--file", batch)
	if code != 0 || strings.Count(out, `"allowed": true`) != 1 || strings.Count(out, `"allowed": false`) != 1 {
		t.Errorf("batch: exit %d, %s", code, out)
	}
	if _, _, code = runCode(t, dir, remote, "check", "access", "--identity", "ada"); code != 2 {
		t.Errorf("an incomplete question: exit %d, want the usage's 2", code)
	}

	out, errOut, code = runCode(t, dir, remote, "check", "preview", "--workflow", "welcome", "--tenant", "acme", "--recipient", `{"name":"Ada"}`)
	if code != 0 || !strings.Contains(out, `"subject": "Welcome to Acme"`) || !strings.Contains(out, `"body": "#0A7CFF for Ada"`) {
		t.Errorf("preview: exit %d, %s %s", code, out, errOut)
	}
	putJSON(t, dev+"/workflows/broken", `{"name":"Broken","steps":[{"ref":"email","channel":{"type":"email","key":"postmark","subject":"Hi","body":"{{ 1 | divided_by: 0 }}"}}]}`)
	_, errOut, code = runCode(t, dir, remote, "check", "preview", "--workflow", "broken")
	if code != 1 || !strings.Contains(errOut, "step email: body: division by zero") {
		t.Errorf("a template that does not render: exit %d, %s", code, errOut)
	}
	if _, errOut, code = runCode(t, dir, remote, "check", "preview", "--workflow", "welcome", "--data", "{not json"); code != 1 || !strings.Contains(errOut, "--data is not JSON") {
		t.Errorf("bad JSON: exit %d, %s", code, errOut)
	}
}
