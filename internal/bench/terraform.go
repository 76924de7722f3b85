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
	// remoteOverLink: the same, through the harness's slow link (see
	// slowLink), as a team far from its backend.
	remoteOverLink
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
	// workload is the Arbor workload the subject runs, or whose schemas
	// it mirrors; nil for the plain floors.
	workload *workload
}

// The two floors every ratio is taken against.
const (
	terraformData = "terraform_data"
	noopProvider  = "no-op provider"
)

// workload is a set of Arbor resources applied as one configuration.
type workload struct {
	name string
	// resources returns the resource blocks of n objects in all, of the
	// provider whose resource types start with prefix (arbor, or
	// noopschema for the same schemas without Arbor's code).
	resources func(prefix string, n int) string
}

// schemaFloor names the subject that runs w's configuration on the no-op
// provider of Arbor's schemas.
func (w *workload) schemaFloor() string { return "no-op, " + w.name + " schema" }

// over names the subject that runs w with backend mode m.
func (w *workload) over(m backendMode, linkDelay time.Duration) string {
	switch m {
	case embedded:
		return w.name + " embedded"
	case remote:
		return w.name + " remote"
	case remoteOverLink:
		return fmt.Sprintf("%s remote, %v link", w.name, 2*linkDelay)
	}
	return w.schemaFloor()
}

// arborWorkloads are measured at every size, embedded, remote on loopback
// and remote over the slow link, side by side with terraform_data, the
// no-op provider and the no-op provider of the same schemas. This is where
// a kind joins the measurements when it lands: add a workload (or extend
// one) whose resources split n among the kinds, referencing each other as
// users would.
var arborWorkloads = []*workload{
	{name: "arbor_permission", resources: func(prefix string, n int) string {
		return forEach(prefix+"_permission", n, "key  = each.key\n  name = each.value")
	}},
	{name: "mix", resources: mix},
}

// mix is n objects as a configuration holds them: half permissions, and a
// sixth each of roles granting two of them, tenants with properties and
// branding, and workflows (whose plans also ask the backend's promotion
// rule).
func mix(prefix string, n int) string {
	perms := n / 2
	roles, tenants := n/6, n/6
	workflows := n - perms - roles - tenants
	config := fmt.Sprintf(`locals {
  permissions = { for i in %[5]s : format("perm.%%05d", i) => "Permission ${i}" }
}

resource "arbor_permission" "mix" {
  for_each = local.permissions
  key      = each.key
  name     = each.value
}

resource "arbor_role" "mix" {
  for_each = { for i in %[6]s : format("role-%%05d", i) => i }
  key      = each.key
  name     = "Role ${each.value}"
  permissions = [
    arbor_permission.mix[format("perm.%%05d", (each.value * 2) %% %[1]d)].key,
    arbor_permission.mix[format("perm.%%05d", (each.value * 2 + 1) %% %[1]d)].key,
  ]
}

resource "arbor_tenant" "mix" {
  for_each   = { for i in %[7]s : format("tenant-%%05d", i) => i }
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
  for_each = { for i in %[8]s : format("workflow-%%05d", i) => i }
  key      = each.key
  name     = "Workflow ${each.value}"
  steps = [
    { ref = "wait", delay = { duration = "5m" } },
    { ref = "email", channel = { type = "email", key = arbor_channel.postmark.key, subject = "Hello", body = "Hello {{ recipient.name }}" } },
  ]
}
`, perms, roles, tenants, workflows, indices(perms), indices(roles), indices(tenants), indices(workflows))
	return strings.ReplaceAll(config, "arbor_", prefix+"_")
}

const (
	noopHeader = `terraform {
  required_providers {
    noop = { source = "arborhq/noop" }
  }
}
`
	noopSchemaHeader = `terraform {
  required_providers {
    noopschema = { source = "arborhq/noopschema" }
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

// subjects are the floors, the no-op provider of each workload's schemas,
// then every Arbor workload, embedded, remote and remote over a link of
// linkDelay each way.
func subjects(linkDelay time.Duration) []subject {
	all := []subject{
		{name: terraformData, resources: func(n int) string {
			return forEach("terraform_data", n, "input = { key = each.key, name = each.value }")
		}},
		{name: noopProvider, provider: noopHeader, resources: func(n int) string {
			return forEach("noop_item", n, "key  = each.key\n  name = each.value")
		}},
	}
	for _, w := range arborWorkloads {
		all = append(all, subject{name: w.schemaFloor(), provider: noopSchemaHeader, workload: w,
			resources: func(n int) string { return w.resources("noopschema", n) }})
	}
	for _, w := range arborWorkloads {
		arbor := func(n int) string { return w.resources("arbor", n) }
		for _, m := range []backendMode{embedded, remote, remoteOverLink} {
			all = append(all, subject{name: w.over(m, linkDelay), provider: arborHeader, resources: arbor, backend: m, workload: w})
		}
	}
	return all
}

// indices is an HCL expression of the numbers 0 to n-1. Terraform's range
// makes at most 1024 values, so beyond that they are counted in thousands.
func indices(n int) string {
	if n <= 1024 {
		return fmt.Sprintf("range(%d)", n)
	}
	return fmt.Sprintf("[for p in setproduct(range(%d), range(1000)) : p[0] * 1000 + p[1] if p[0] * 1000 + p[1] < %d]", (n+999)/1000, n)
}

// subjects are those the run measures.
func (h *harness) subjects() []subject {
	var out []subject
	for _, s := range subjects(h.opts.LinkDelay) {
		if h.opts.Subjects == nil || h.opts.Subjects.MatchString(s.name) {
			out = append(out, s)
		}
	}
	return out
}

// forEach is n resources of one type, named item, one instance per key of
// a local map, as a module managing many objects is usually written.
func forEach(resourceType string, n int, body string) string {
	return fmt.Sprintf(`locals {
  item_keys = { for i in %[3]s : format("item-%%05d", i) => "Item ${i}" }
}

resource %[1]q "item" {
  for_each = local.item_keys
  %[2]s
}
`, resourceType, body, indices(n))
}

// terraformResult holds the samples of every subject at one size.
type terraformResult struct {
	n        int
	reps     int
	subjects []subject
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
	subs := h.subjects()
	h.logf("terraform: warming up (one small untimed run of each subject)")
	for _, s := range subs {
		if _, err := h.runSubject(ctx, s, 10, runOptions{}); err != nil {
			return nil, err
		}
	}
	var results []terraformResult
	for _, n := range h.opts.Sizes {
		r := terraformResult{n: n, reps: h.opts.repsFor(n), subjects: subs, apply: map[string]samples{}, plan: map[string]samples{}, stateBytes: map[string]int64{}}
		for rep := range r.reps {
			for i := range subs {
				s := subs[(i+rep)%len(subs)]
				got, err := h.runSubject(ctx, s, n, runOptions{})
				if err != nil {
					return nil, err
				}
				r.stateBytes[s.name] = got.stateBytes
				r.apply[s.name] = append(r.apply[s.name], got.apply)
				r.plan[s.name] = append(r.plan[s.name], got.plan)
				h.logf("terraform: N=%d rep %d/%d %-36s apply %6.2fs (cpu %6.2fs)  plan %6.2fs (cpu %6.2fs)",
					n, rep+1, r.reps, s.name, got.apply.wall.Seconds(), got.apply.cpu.Seconds(), got.plan.wall.Seconds(), got.plan.cpu.Seconds())
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

// runOptions say what a subject's run measures beyond apply and plan.
type runOptions struct {
	// watchMemory follows the peak resident set of Terraform and of the
	// provider plugins it starts (see watchPeaks).
	watchMemory bool
	// destroy ends the run with terraform destroy.
	destroy bool
}

// subjectRun is what one run of a subject measured.
type subjectRun struct {
	apply, plan, destroy sample
	// stateBytes is the size of the state file after apply.
	stateBytes int64
}

// runSubject applies n resources of s to a new working directory (and a new
// database), then runs a refresh plan, which must find nothing to change,
// and, when asked, destroys everything.
func (h *harness) runSubject(ctx context.Context, s subject, n int, opts runOptions) (got subjectRun, err error) {
	dir := h.subjectDir(s)
	if err := os.RemoveAll(dir); err != nil {
		return got, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return got, err
	}
	config := s.provider + "\n" + s.resources(n)
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o644); err != nil {
		return got, err
	}
	env := h.terraformEnv()
	var srv *serveProcess
	if s.backend == remote || s.backend == remoteOverLink {
		srv, err = startServe(ctx, h.arborBinary, filepath.Join(dir, "serve.db"))
		if err != nil {
			return got, err
		}
		defer func() { _ = srv.stop() }() // a failed stop does not change what was measured
		endpoint := srv.url
		if s.backend == remoteOverLink {
			link, err := startSlowLink(strings.TrimPrefix(srv.url, "http://"), h.opts.LinkDelay)
			if err != nil {
				return got, err
			}
			defer func() { _ = link.close() }() // as above
			endpoint = "http://" + link.addr()
		}
		env = append(env, "ARBOR_ENDPOINT="+endpoint, "ARBOR_API_KEY="+srv.apiKey)
	}
	run := func(args ...string) (sample, error) {
		return h.terraform(ctx, dir, env, srv, opts.watchMemory, args...)
	}
	if got.apply, err = run("apply", "-auto-approve", "-input=false", "-no-color"); err != nil {
		return got, fmt.Errorf("%s, N=%d: %w", s.name, n, err)
	}
	st, err := os.Stat(filepath.Join(dir, "terraform.tfstate"))
	if err != nil {
		return got, err
	}
	got.stateBytes = st.Size()
	// -detailed-exitcode: 0 means the plan is empty, as it must be.
	if got.plan, err = run("plan", "-input=false", "-no-color", "-detailed-exitcode"); err != nil {
		return got, fmt.Errorf("%s, N=%d: the refresh plan after apply is not empty or failed: %w", s.name, n, err)
	}
	if opts.destroy {
		if got.destroy, err = run("destroy", "-auto-approve", "-input=false", "-no-color"); err != nil {
			return got, fmt.Errorf("%s, N=%d: %w", s.name, n, err)
		}
	}
	return got, nil
}

// terraformEnv is the environment of every Terraform run: the harness's
// CLI configuration (dev_overrides to the binaries just built), never the
// user's.
func (h *harness) terraformEnv() []string {
	return append(cleanEnv(), "TF_CLI_CONFIG_FILE="+h.cliConfig, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1")
}

// terraform runs one Terraform command and times it. Its CPU time includes
// the provider plugins Terraform started (it waits for them before exiting)
// and the CPU srv used meanwhile, when there is one. With watchMemory it
// also follows the peak memory of Terraform and its plugins.
func (h *harness) terraform(ctx context.Context, dir string, env []string, srv *serveProcess, watchMemory bool, args ...string) (sample, error) {
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
	err := cmd.Start()
	var peaks *peakWatch
	if err == nil {
		if watchMemory {
			peaks = watchPeaks(cmd.Process.Pid, h.binDir)
		}
		err = cmd.Wait()
	}
	s := sample{wall: time.Since(start)}
	if peaks != nil {
		s.terraformPeak, s.providerPeak = peaks.stop()
	}
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
