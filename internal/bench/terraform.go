package bench

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// backendMode is how a subject's provider reaches the Arbor backend.
type backendMode int

const (
	noBackend backendMode = iota
	// embedded: no endpoint; the provider runs the backend in-process on a
	// SQLite file in the working directory.
	embedded
	// remote: the provider talks to a serve process on 127.0.0.1 with an
	// environment API key.
	remote
)

// subject is one Terraform configuration measured at every size.
type subject struct {
	name string
	// provider is the configuration's terraform block and provider block
	// ("" for Terraform's built-in terraform_data).
	provider string
	// resources are the resource blocks of n objects.
	resources func(n int) string
	backend   backendMode
}

// The two floors every ratio is taken against, and the no-op provider with
// arbor_permission's schema, which splits the gap.
const (
	terraformData = "terraform_data"
	noopProvider  = "no-op provider"
	noopSchema    = "no-op, arbor_permission schema"
)

// workload is a set of Arbor resources applied as one configuration.
type workload struct {
	name string
	// resources returns the resource blocks of n objects in all.
	resources func(n int) string
}

// arborWorkloads are measured at every size, embedded and remote, side by
// side with terraform_data and the no-op provider. This is where a kind joins
// the measurements when it lands: add a workload (or extend one) whose
// resources split n among the kinds, referencing each other as users would.
var arborWorkloads = []workload{
	{name: "arbor_permission", resources: func(n int) string {
		return forEach("arbor_permission", n, "key  = each.key\n  name = each.value")
	}},
	{name: "mix", resources: mix},
}

// mix is n objects as a configuration holds them: half permissions, and a
// sixth each of roles granting two of them, tenants with properties and
// branding, and workflows (whose plans also ask the backend's promotion
// rule).
func mix(n int) string {
	perms := n / 2
	roles, tenants := n/6, n/6
	workflows := n - perms - roles - tenants
	return fmt.Sprintf(`locals {
  permissions = { for i in range(%[1]d) : format("perm.%%05d", i) => "Permission ${i}" }
}

resource "arbor_permission" "mix" {
  for_each = local.permissions
  key      = each.key
  name     = each.value
}

resource "arbor_role" "mix" {
  for_each = { for i in range(%[2]d) : format("role-%%05d", i) => i }
  key      = each.key
  name     = "Role ${each.value}"
  permissions = [
    arbor_permission.mix[format("perm.%%05d", (each.value * 2) %% %[1]d)].key,
    arbor_permission.mix[format("perm.%%05d", (each.value * 2 + 1) %% %[1]d)].key,
  ]
}

resource "arbor_tenant" "mix" {
  for_each   = { for i in range(%[3]d) : format("tenant-%%05d", i) => i }
  key        = each.key
  name       = "Tenant ${each.value}"
  properties = jsonencode({ plan = "pro", seats = each.value })
  branding   = { primary_color = "#0A7CFF", logo_url = "https://cdn.example.com/${each.key}.png" }
}

resource "arbor_channel" "postmark" {
  key     = "postmark"
  name    = "Postmark"
  type    = "email"
  service = "postmark"
}

resource "arbor_workflow" "mix" {
  for_each = { for i in range(%[4]d) : format("workflow-%%05d", i) => i }
  key      = each.key
  name     = "Workflow ${each.value}"
  steps = [
    { ref = "wait", delay = { duration = "5m" } },
    { ref = "email", channel = { type = "email", key = arbor_channel.postmark.key, subject = "Hello", body = "Hello {{ recipient.name }}" } },
  ]
}
`, perms, roles, tenants, workflows)
}

const (
	noopHeader = `terraform {
  required_providers {
    noop = { source = "arborhq/noop" }
  }
}
`
	// The Arbor provider block is empty: embedded or remote is chosen by
	// ARBOR_ENDPOINT and ARBOR_API_KEY, so both run the very same file.
	arborHeader = `terraform {
  required_providers {
    arbor = { source = "arborhq/arbor" }
  }
}

provider "arbor" {}
`
)

// subjects are the floors, the no-op provider with Arbor's schema, then
// every Arbor workload, embedded and remote.
func subjects() []subject {
	all := []subject{
		{name: terraformData, resources: func(n int) string {
			return forEach("terraform_data", n, "input = { key = each.key, name = each.value }")
		}},
		{name: noopProvider, provider: noopHeader, resources: func(n int) string {
			return forEach("noop_item", n, "key  = each.key\n  name = each.value")
		}},
		{name: noopSchema, provider: noopHeader, resources: func(n int) string {
			return forEach("noop_permission", n, "key  = each.key\n  name = each.value")
		}},
	}
	for _, w := range arborWorkloads {
		all = append(all,
			subject{name: w.name + " embedded", provider: arborHeader, resources: w.resources, backend: embedded},
			subject{name: w.name + " remote", provider: arborHeader, resources: w.resources, backend: remote})
	}
	return all
}

// forEach is n resources of one type, named item, one instance per key of
// a local map, as a module managing many objects is usually written.
func forEach(resourceType string, n int, body string) string {
	return fmt.Sprintf(`locals {
  item_keys = { for i in range(%[2]d) : format("item-%%05d", i) => "Item ${i}" }
}

resource %[1]q "item" {
  for_each = local.item_keys
  %[3]s
}
`, resourceType, n, body)
}

// terraformResult holds the samples of every subject at one size.
type terraformResult struct {
	n        int
	reps     int
	subjects []string
	apply    map[string]samples
	plan     map[string]samples
	// stateBytes is the size of each subject's state file after its apply,
	// the same in every repetition.
	stateBytes map[string]int64
}

// measureTerraform runs, for each size, every subject's apply from nothing
// and then its refresh plan, reps times. Each repetition runs all subjects
// back to back (starting with a different one each time), so that paired
// ratios compare runs made under the same conditions.
func (h *harness) measureTerraform(ctx context.Context) ([]terraformResult, error) {
	subs := subjects()
	h.logf("terraform: warming up (one small untimed run of each subject)")
	for _, s := range subs {
		if _, _, err := h.runSubject(ctx, s, 10); err != nil {
			return nil, err
		}
	}
	var results []terraformResult
	for _, n := range h.opts.Sizes {
		r := terraformResult{n: n, reps: h.opts.repsFor(n), apply: map[string]samples{}, plan: map[string]samples{}, stateBytes: map[string]int64{}}
		for _, s := range subs {
			r.subjects = append(r.subjects, s.name)
		}
		for rep := range r.reps {
			for i := range subs {
				s := subs[(i+rep)%len(subs)]
				apply, plan, err := h.runSubject(ctx, s, n)
				if err != nil {
					return nil, err
				}
				st, err := os.Stat(filepath.Join(h.subjectDir(s), "terraform.tfstate"))
				if err != nil {
					return nil, err
				}
				r.stateBytes[s.name] = st.Size()
				r.apply[s.name] = append(r.apply[s.name], apply)
				r.plan[s.name] = append(r.plan[s.name], plan)
				h.logf("terraform: N=%d rep %d/%d %-28s apply %6.2fs (cpu %6.2fs)  plan %6.2fs (cpu %6.2fs)",
					n, rep+1, r.reps, s.name, apply.wall.Seconds(), apply.cpu.Seconds(), plan.wall.Seconds(), plan.cpu.Seconds())
			}
		}
		results = append(results, r)
	}
	return results, nil
}

// subjectDir is the working directory of s's Terraform runs.
func (h *harness) subjectDir(s subject) string {
	return filepath.Join(h.work, "terraform", slug(s.name))
}

// runSubject applies n resources of s to a new working directory (and a new
// database), then runs a refresh plan, which must find nothing to change.
func (h *harness) runSubject(ctx context.Context, s subject, n int) (apply, plan sample, err error) {
	dir := h.subjectDir(s)
	if err := os.RemoveAll(dir); err != nil {
		return apply, plan, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return apply, plan, err
	}
	config := s.provider + "\n" + s.resources(n)
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o644); err != nil {
		return apply, plan, err
	}
	env := h.terraformEnv()
	var srv *serveProcess
	if s.backend == remote {
		srv, err = startServe(ctx, h.arborBinary, filepath.Join(dir, "serve.db"))
		if err != nil {
			return apply, plan, err
		}
		defer func() { _ = srv.stop() }() // a failed stop does not change what was measured
		env = append(env, "ARBOR_ENDPOINT="+srv.url, "ARBOR_API_KEY="+srv.apiKey)
	}
	apply, err = h.terraform(ctx, dir, env, srv, "apply", "-auto-approve", "-input=false", "-no-color")
	if err != nil {
		return apply, plan, fmt.Errorf("%s, N=%d: %w", s.name, n, err)
	}
	// -detailed-exitcode: 0 means the plan is empty, as it must be.
	plan, err = h.terraform(ctx, dir, env, srv, "plan", "-input=false", "-no-color", "-detailed-exitcode")
	if err != nil {
		return apply, plan, fmt.Errorf("%s, N=%d: the refresh plan after apply is not empty or failed: %w", s.name, n, err)
	}
	return apply, plan, nil
}

// terraformEnv is the environment of every Terraform run: the harness's
// CLI configuration (dev_overrides to the binaries just built), never the
// user's.
func (h *harness) terraformEnv() []string {
	return append(cleanEnv(), "TF_CLI_CONFIG_FILE="+h.cliConfig, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1")
}

// terraform runs one Terraform command and times it. Its CPU time includes
// the provider plugins Terraform started (it waits for them before exiting)
// and the CPU srv used meanwhile, when there is one.
func (h *harness) terraform(ctx context.Context, dir string, env []string, srv *serveProcess, args ...string) (sample, error) {
	cmd := exec.CommandContext(ctx, "terraform", args...)
	cmd.Dir = dir
	cmd.Env = env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	var srvBefore time.Duration
	if srv != nil {
		srvBefore = srv.cpu()
	}
	start := time.Now()
	err := cmd.Run()
	s := sample{wall: time.Since(start)}
	if cmd.ProcessState != nil {
		s.cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	if srv != nil {
		s.cpu += srv.cpu() - srvBefore
	}
	if err != nil {
		return s, fmt.Errorf("terraform %s: %w\n%s", strings.Join(args, " "), err, tail(out.String(), 40))
	}
	return s, nil
}

// tail is the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// slug turns a subject name into a directory name.
func slug(name string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' {
			return r
		}
		return '-'
	}, strings.ToLower(name))
}
