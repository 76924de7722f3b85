package cli_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// promotionFixture is staging's configuration, which takes docs.write
// from the editor role, and a production where ada is an editor at eng
// and bob at org.
func promotionFixture(t *testing.T, url string) {
	t.Helper()
	send(t, "POST", url+"/v1/environments", `{"slug":"staging","name":"Staging"}`)
	for _, who := range []string{"ada", "bob"} {
		if code, body := send(t, "PUT", url+"/v1/identities/"+who, `{"name":"`+who+`","email":"`+who+`@example.com"}`); code != 201 {
			t.Fatalf("identity %s: %d %s", who, code, body)
		}
	}
	for env, perms := range map[string]string{"staging": `["docs.read"]`, "production": `["docs.read","docs.write"]`} {
		base := url + "/v1/environments/" + env
		for _, o := range []struct{ path, body string }{
			{"/permissions/docs.read", `{"name":"Read"}`},
			{"/permissions/docs.write", `{"name":"Write"}`},
			{"/roles/editor", `{"name":"Editor","permissions":` + perms + `}`},
			{"/hierarchy-nodes/org", `{"name":"Org"}`},
			{"/hierarchy-nodes/eng", `{"name":"Engineering","parent_key":"org"}`},
		} {
			if code, body := send(t, "PUT", base+o.path, o.body); code != 201 {
				t.Fatalf("%s%s: %d %s", env, o.path, code, body)
			}
		}
	}
	for _, a := range []string{"ada/editor/eng", "bob/editor/org"} {
		if code, body := send(t, "PUT", url+"/v1/environments/production/role-assignments/"+a, `{}`); code != 201 {
			t.Fatalf("assignment %s: %d %s", a, code, body)
		}
	}
}

// runSplit runs the binary and returns its stdout and stderr apart, and
// whether it succeeded.
func runSplit(t *testing.T, dir string, env []string, args ...string) (stdout, stderr string, ok bool) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	return out.String(), errOut.String(), err == nil
}

// TestPromoteDryRunSaysWhoLosesWhat is the review of a promotion: the
// access impact route, promote --dry-run and the promotion itself each
// say which identities lose which permission where, and production
// changes only at the promotion, and only at the version reviewed.
func TestPromoteDryRunSaysWhoLosesWhat(t *testing.T) {
	dir := t.TempDir()
	srv := startServe(t, filepath.Join(dir, "arbor.db"), "ARBOR_BOOTSTRAP_TOKEN=t")
	promotionFixture(t, srv.url)
	remote := []string{"ARBOR_ENDPOINT=" + srv.url, "ARBOR_API_KEY=t"}
	exportProduction := func() string {
		return run(t, dir, remote, binary, "export", "--environment", "production", "--out", "-")
	}
	before := exportProduction()
	wantLines := []string{
		"removes docs.write at eng and below from 1 identity (ada)",
		"removes docs.write at org and below from 1 identity (bob)",
	}

	// The API: staging's document, measured in production.
	staging := run(t, dir, remote, binary, "export", "--environment", "staging", "--out", "-")
	code, body := send(t, "POST", srv.url+"/v1/environments/production/access/impact", `{"document":`+staging+`}`)
	var impact struct {
		domain.AccessImpact
		ConfigVersion string `json:"config_version"`
	}
	if err := json.Unmarshal([]byte(body), &impact); code != 200 || err != nil {
		t.Fatalf("access impact: %d %s", code, body)
	}
	if got := strings.Join(impact.Summary(10, true), "\n"); got != strings.Join(wantLines, "\n") {
		t.Errorf("the API says:\n%s\nwant\n%s", got, strings.Join(wantLines, "\n"))
	}

	// promote --dry-run says the same, and changes nothing.
	stdout, stderr, ok := runSplit(t, dir, remote, "promote", "--from", "staging", "--to", "production", "--dry-run")
	if !ok {
		t.Fatalf("promote --dry-run failed:\n%s%s", stdout, stderr)
	}
	for _, want := range append(wantLines, "Would change in the configuration of production (from staging):", "roles updated: editor", "Nothing was changed (dry run") {
		if !strings.Contains(stderr, want) {
			t.Errorf("promote --dry-run does not say %q:\n%s", want, stderr)
		}
	}
	dryRunSaid := stderr
	var res domain.ImportResult
	if err := json.Unmarshal([]byte(stdout), &res); err != nil || !res.DryRun || res.ConfigVersion != impact.ConfigVersion || res.AccessImpact.Totals.Removed != 2 {
		t.Errorf("promote --dry-run's answer: %v %+v", err, res)
	}
	if after := exportProduction(); after != before {
		t.Errorf("promote --dry-run changed production:\n%s\nwas\n%s", after, before)
	}
	if code, body := send(t, "GET", srv.url+"/v1/environments/production/roles/editor", ""); code != 200 || !strings.Contains(body, "docs.write") {
		t.Errorf("the editor role after the dry run: %d %s", code, body)
	}

	// A confirm at another version than the one reviewed is refused
	// (412), naming the current version, and changes nothing.
	_, stderr, ok = runSplit(t, dir, remote, "promote", "--from", "staging", "--to", "production", "--if-match", "sha256-0")
	if ok || !strings.Contains(stderr, "has changed since it was reviewed") || !strings.Contains(stderr, res.ConfigVersion) {
		t.Errorf("a stale confirm: ok %v\n%s", ok, stderr)
	}
	if after := exportProduction(); after != before {
		t.Error("a refused promotion changed production")
	}
	// So is one naming another access impact than the promotion's.
	_, stderr, ok = runSplit(t, dir, remote, "promote", "--from", "staging", "--to", "production", "--if-match", res.ConfigVersion, "--impact-version", "sha256-0")
	if ok || !strings.Contains(stderr, "what the change does to people in production has changed") {
		t.Errorf("a confirm naming another impact: ok %v\n%s", ok, stderr)
	}

	// The confirm the dry run printed, at the versions reviewed, applies
	// it and says what it did.
	if res.ImpactVersion == "" || !strings.Contains(dryRunSaid, "--if-match "+res.ConfigVersion+" --impact-version "+res.ImpactVersion) {
		t.Errorf("the dry run does not print the confirm with both versions:\n%s", dryRunSaid)
	}
	stdout, stderr, ok = runSplit(t, dir, remote, "promote", "--from", "staging", "--to", "production", "--if-match", res.ConfigVersion, "--impact-version", res.ImpactVersion)
	if !ok || !strings.Contains(stderr, "Changed in the configuration of production") || !strings.Contains(stderr, wantLines[0]) {
		t.Fatalf("the confirmed promotion:\n%s%s", stdout, stderr)
	}
	if code, body := send(t, "GET", srv.url+"/v1/environments/production/roles/editor", ""); code != 200 || strings.Contains(body, "docs.write") {
		t.Errorf("the editor role after the promotion: %d %s", code, body)
	}
}
