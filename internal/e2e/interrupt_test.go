package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/arborhq/terraform-provider-arbor/internal/acctest"
	"github.com/arborhq/terraform-provider-arbor/internal/client"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// The shape of the interrupted configuration: a few hundred small objects,
// API keys (no key of their own: recognised by name) and objects whose
// create answers with a secret shown once.
const (
	interruptedPermissions = 150
	interruptedRoles       = 15
	interruptedAPIKeys     = 25
	interruptedClients     = 3
	interruptedWebhooks    = 3
	interruptedResources   = interruptedPermissions + interruptedRoles + interruptedAPIKeys + interruptedClients + interruptedWebhooks
)

func interruptedConfig(endpoint string) string {
	return fmt.Sprintf(`terraform {
  required_providers {
    arbor = { source = "arborhq/arbor" }
  }
}

provider "arbor" {
  endpoint = %q
  api_key  = "owner"
}

resource "arbor_permission" "p" {
  for_each = toset([for i in range(%d) : format("perm.%%03d", i)])
  key      = each.key
  name     = "Permission ${each.key}"
}

resource "arbor_role" "r" {
  for_each    = toset([for i in range(%d) : format("role-%%02d", i)])
  key         = each.key
  name        = "Role ${each.key}"
  permissions = [arbor_permission.p[format("perm.%%03d", tonumber(substr(each.key, 5, 2)))].key]
}

resource "arbor_api_key" "k" {
  for_each = toset([for i in range(%d) : format("deploy-%%02d", i)])
  name     = each.key
  scope    = "read_only"
}

resource "arbor_oauth_client" "c" {
  for_each      = toset([for i in range(%d) : format("app-%%d", i)])
  key           = each.key
  name          = "App ${each.key}"
  redirect_uris = ["https://${each.key}.example.com/callback"]
  scopes        = ["openid"]
}

resource "arbor_webhook" "w" {
  for_each = toset([for i in range(%d) : format("sink-%%d", i)])
  key      = each.key
  url      = "https://hooks.example.com/${each.key}"
  events   = ["role.updated"]
  enabled  = true
}
`, endpoint, interruptedPermissions, interruptedRoles, interruptedAPIKeys, interruptedClients, interruptedWebhooks)
}

// backendProcess is `terraform-provider-arbor serve`, run as its own
// process so that a test can kill it and start it again on the same
// address and database.
type backendProcess struct {
	t        *testing.T
	binary   string
	database string
	addr     string
	cmd      *exec.Cmd
}

func startBackendProcess(t *testing.T) *backendProcess {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	b := &backendProcess{t: t, binary: acctest.ProviderBinary(t), database: filepath.Join(t.TempDir(), "arbor.db"), addr: addr}
	b.start()
	t.Cleanup(func() {
		if b.cmd != nil {
			b.kill()
		}
	})
	return b
}

func (b *backendProcess) url() string { return "http://" + b.addr }

// start runs the backend and waits until it answers.
func (b *backendProcess) start() {
	b.t.Helper()
	b.cmd = exec.Command(b.binary, "serve", "--listen", b.addr, "--database", b.database)
	b.cmd.Env = append(os.Environ(), "ARBOR_BOOTSTRAP_TOKEN=owner", "ARBOR_ENCRYPTION_KEY=")
	if err := b.cmd.Start(); err != nil {
		b.t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(b.url() + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	b.t.Fatalf("the backend did not answer on %s within 30s", b.addr)
}

// kill ends the backend with SIGKILL: no answer in flight is sent.
func (b *backendProcess) kill() {
	_ = b.cmd.Process.Signal(syscall.SIGKILL)
	_ = b.cmd.Wait() // killed: its error says so
	b.cmd = nil
}

// applyUntil starts terraform apply and calls interrupt once created
// resources have been reported complete; it returns apply's exit code (-1
// when a signal ended it) and how many creations it reported.
func applyUntil(t *testing.T, w *acctest.Workspace, env []string, created int, interrupt func(cmd *exec.Cmd)) (int, int) {
	t.Helper()
	cmd := w.Command("apply", "-auto-approve")
	cmd.Env = append(cmd.Env, env...)
	// Terraform and the provider plugins it starts share this process
	// group, so that a kill reaches all of them at once.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	complete := 0
	lines := bufio.NewScanner(out)
	for lines.Scan() {
		if strings.Contains(lines.Text(), "Creation complete") {
			complete++
			if complete == created {
				interrupt(cmd)
			}
		}
	}
	_, _ = io.Copy(io.Discard, out)
	err = cmd.Wait()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode(), complete
	}
	if err != nil {
		t.Fatal(err)
	}
	return 0, complete
}

// stateResources are the instances in a workspace's state, by type, each
// its attributes; none when there is no state yet.
func stateResources(t *testing.T, w *acctest.Workspace) map[string][]map[string]any {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(w.Dir, "terraform.tfstate"))
	if errors.Is(err, os.ErrNotExist) || (err == nil && len(raw) == 0) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var state struct {
		Resources []struct {
			Type      string `json:"type"`
			Instances []struct {
				Attributes map[string]any `json:"attributes"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(raw, &state); err != nil {
		t.Fatalf("reading the state: %v", err)
	}
	out := map[string][]map[string]any{}
	for _, r := range state.Resources {
		for _, i := range r.Instances {
			out[r.Type] = append(out[r.Type], i.Attributes)
		}
	}
	return out
}

// stateWhole reports whether the workspace's state file, if any, is
// whole JSON.
func stateWhole(t *testing.T, w *acctest.Workspace) bool {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(w.Dir, "terraform.tfstate"))
	if errors.Is(err, os.ErrNotExist) {
		return true
	}
	if err != nil {
		t.Fatal(err)
	}
	return len(raw) == 0 || json.Valid(raw)
}

// outcome is what one interrupted trial left once apply ran again.
type outcome struct {
	duplicates, orphans, missing int
}

// notInState counts the objects on the server that the state lacks: what
// the interrupted apply created without recording it.
func notInState(t *testing.T, b *backendProcess, w *acctest.Workspace) int {
	t.Helper()
	ctx := context.Background()
	c, err := client.New(client.Config{Endpoint: b.url(), Token: "owner"})
	if err != nil {
		t.Fatal(err)
	}
	onServer := 0
	for _, kind := range []domain.Kind{domain.KindPermission, domain.KindRole, domain.KindOAuthClient, domain.KindWebhook} {
		objs, err := client.Objects[map[string]any](c, kind).List(ctx, "development", nil)
		if err != nil {
			t.Fatal(err)
		}
		onServer += len(objs)
	}
	keys, err := c.APIKeys(ctx, "development")
	if err != nil {
		t.Fatal(err)
	}
	onServer += len(keys)
	inState := 0
	for _, instances := range stateResources(t, w) {
		inState += len(instances)
	}
	return onServer - inState
}

// checkConverged checks that the server holds exactly the configured
// objects, each in state once, and that the secrets in state work.
func checkConverged(t *testing.T, b *backendProcess, w *acctest.Workspace) outcome {
	t.Helper()
	ctx := context.Background()
	c, err := client.New(client.Config{Endpoint: b.url(), Token: "owner"})
	if err != nil {
		t.Fatal(err)
	}
	state := stateResources(t, w)
	var o outcome
	// diff compares the server's keys of a kind with those in state.
	diff := func(what string, server []string, inState []string, want int) {
		t.Helper()
		counts := map[string]int{}
		for _, k := range server {
			counts[k]++
		}
		held := map[string]bool{}
		for _, k := range inState {
			held[k] = true
		}
		for k, n := range counts {
			if n > 1 {
				o.duplicates += n - 1
				t.Errorf("%s %q exists %d times on the server", what, k, n)
			}
			if !held[k] {
				o.orphans++
				t.Errorf("%s %q exists on the server but not in state", what, k)
			}
		}
		for k := range held {
			if counts[k] == 0 {
				o.missing++
				t.Errorf("%s %q is in state but not on the server", what, k)
			}
		}
		if len(server) != want || len(inState) != want {
			t.Errorf("%d %ss on the server and %d in state, want %d", len(server), what, len(inState), want)
		}
	}
	attr := func(typ, name string) []string {
		var out []string
		for _, a := range state[typ] {
			out = append(out, fmt.Sprint(a[name]))
		}
		return out
	}
	keysOf := func(kind domain.Kind) []string {
		t.Helper()
		objs, err := client.Objects[map[string]any](c, kind).List(ctx, "development", nil)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, o := range objs {
			out = append(out, fmt.Sprint(o["key"]))
		}
		return out
	}
	diff("permission", keysOf(domain.KindPermission), attr("arbor_permission", "key"), interruptedPermissions)
	diff("role", keysOf(domain.KindRole), attr("arbor_role", "key"), interruptedRoles)
	diff("OAuth client", keysOf(domain.KindOAuthClient), attr("arbor_oauth_client", "key"), interruptedClients)
	diff("webhook", keysOf(domain.KindWebhook), attr("arbor_webhook", "key"), interruptedWebhooks)
	keys, err := c.APIKeys(ctx, "development")
	if err != nil {
		t.Fatal(err)
	}
	var names, ids []string
	for _, k := range keys {
		names = append(names, k.Name)
		ids = append(ids, k.ID)
	}
	diff("API key named", names, attr("arbor_api_key", "name"), interruptedAPIKeys)
	diff("API key", ids, attr("arbor_api_key", "key_id"), interruptedAPIKeys)

	// Every API key in state authenticates as itself.
	for _, a := range state["arbor_api_key"] {
		secret, _ := a["secret"].(string)
		kc, err := client.New(client.Config{Endpoint: b.url(), Token: secret, MaxRetries: 1})
		if err != nil {
			t.Fatal(err)
		}
		who, err := kc.Whoami(ctx)
		if err != nil || who.ID != a["key_id"] {
			t.Errorf("the secret in state of API key %v (%v): whoami %+v, %v", a["name"], a["key_id"], who, err)
		}
	}
	for typ, secret := range map[string]string{"arbor_oauth_client": "client_secret", "arbor_webhook": "signing_secret"} {
		for _, a := range state[typ] {
			if s, _ := a[secret].(string); s == "" {
				t.Errorf("%s %v has no %s in state", typ, a["key"], secret)
			}
		}
	}
	return o
}

// interruptTrial is one apply interrupted after a number of creations.
type interruptTrial struct {
	name string
	// after is how many creations apply reports before the interruption.
	after int
	// env is added to the first apply's environment.
	env []string
}

// runInterruptTrials applies the configuration once per trial, each on a
// backend of its own, interrupting each apply as interrupt does; then runs
// apply again and checks that it converged.
func runInterruptTrials(t *testing.T, trials []interruptTrial, interrupt func(b *backendProcess, cmd *exec.Cmd)) {
	var figures []string
	for _, trial := range trials {
		t.Run(trial.name, func(t *testing.T) {
			var b *backendProcess
			var w *acctest.Workspace
			var start time.Time
			var first, complete int
			// A kill that lands while Terraform writes its state file leaves
			// it cut short: Terraform's local state is written in place,
			// and no provider can repair it. Such a trial is run again, on
			// a new backend and workspace, and says so.
			for attempt := 1; ; attempt++ {
				b = startBackendProcess(t)
				w = acctest.NewWorkspace(t, t.TempDir())
				w.Write("main.tf", interruptedConfig(b.url()))
				start = time.Now()
				first, complete = applyUntil(t, w, trial.env, trial.after, func(cmd *exec.Cmd) { interrupt(b, cmd) })
				if stateWhole(t, w) || attempt == 3 {
					break
				}
				t.Logf("attempt %d: the kill cut Terraform's own write of its state file short; trying again", attempt)
			}
			interrupted := time.Since(start)
			lost := notInState(t, b, w)
			out, code := w.Terraform("apply", "-auto-approve")
			if code != 0 {
				t.Fatalf("apply after the interruption failed:\n%s", out)
			}
			again := time.Since(start) - interrupted
			w.PlanEmpty()
			o := checkConverged(t, b, w)
			figures = append(figures, fmt.Sprintf("%s: first apply exit %d after %d of %d creations (%s), %d objects created but not in state; apply again converged %v (%s); duplicates %d, orphans %d, missing %d; total %s",
				trial.name, first, complete, interruptedResources, interrupted.Round(100*time.Millisecond), lost, !t.Failed(), again.Round(100*time.Millisecond),
				o.duplicates, o.orphans, o.missing, time.Since(start).Round(100*time.Millisecond)))
		})
	}
	sort.Strings(figures)
	t.Log("trials:\n" + strings.Join(figures, "\n"))
}

// The backend killed with SIGKILL mid-apply and started again on the same
// database: the provider's retries ride out the restart, or, when they ran
// out, the next apply repairs what the first left: creates whose answer
// died with the backend are answered again, secrets included.
func TestApplyRepairsABackendKilledMidApply(t *testing.T) {
	t.Parallel()
	runInterruptTrials(t, []interruptTrial{
		{name: "retries ride out the restart", after: interruptedResources / 3},
		{name: "retries run out", after: interruptedResources / 2, env: []string{"ARBOR_MAX_RETRIES=0"}},
		{name: "retries run out late", after: interruptedResources * 4 / 5, env: []string{"ARBOR_MAX_RETRIES=1"}},
	}, func(b *backendProcess, _ *exec.Cmd) {
		b.kill()
		time.Sleep(time.Second)
		b.start()
	})
}

// Terraform and its provider plugin killed with SIGKILL mid-apply: the
// creates in flight commit with nobody to hear the answer, and the state
// misses them; the next apply creates them again with the same derived
// Idempotency-Keys and is answered with what they made.
func TestApplyRepairsTerraformKilledMidApply(t *testing.T) {
	t.Parallel()
	runInterruptTrials(t, []interruptTrial{
		{name: "early", after: interruptedResources / 5},
		{name: "midway", after: interruptedResources / 2},
		{name: "late", after: interruptedResources * 9 / 10},
	}, func(_ *backendProcess, cmd *exec.Cmd) {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	})
}
