package bench

import (
	"fmt"
	"math"
)

// Goals of issue 7: Arbor's apply and refresh plan against the plain
// no-op provider.
const (
	goalTerraformRatio = 1.1
	goalTerraformN     = 1000
)

// Goals of issue 16: a refresh plan over a slow link against the same plan
// on loopback; Arbor against the no-op provider of its own schemas, on
// loopback; and the provider's peak memory against that no-op provider's.
const (
	goalLinkRatio   = 1.2
	goalSchemaRatio = 1.05
	goalMemoryRatio = 1.5
	goalMemoryN     = 3000
)

// phase is apply or refresh plan, with its samples by subject.
type phase struct {
	name    string
	samples map[string]samples
}

func (tr terraformResult) phases() []phase {
	return []phase{{"apply", tr.apply}, {"refresh plan", tr.plan}}
}

// arborSubjects are the subjects that run the Arbor provider.
func (tr terraformResult) arborSubjects() []subject {
	var out []subject
	for _, s := range tr.subjects {
		if s.backend != noBackend {
			out = append(out, s)
		}
	}
	return out
}

func (r report) terraformAt(n int) (terraformResult, bool) {
	for _, tr := range r.terraform {
		if tr.n == n {
			return tr, true
		}
	}
	return terraformResult{}, false
}

func (r report) memoryAt(n int) (memoryResult, bool) {
	for _, m := range r.memory {
		if m.n == n {
			return m, true
		}
	}
	return memoryResult{}, false
}

func verdict(met bool) string {
	if met {
		return "met"
	}
	return "**not met**"
}

// terraformGoals writes the goal rows of the Terraform and memory
// sections: issue 7's against the plain no-op provider, then issue 16's.
func (r report) terraformGoals(p func(string, ...any)) {
	tr, ok := r.terraformAt(goalTerraformN)
	if ok {
		for _, s := range tr.arborSubjects() {
			if s.backend == remoteOverLink {
				continue
			}
			for _, ph := range tr.phases() {
				wall := pairedRatio(ph.samples[s.name].wall(), ph.samples[noopProvider].wall())
				cpu := pairedRatio(ph.samples[s.name].cpu(), ph.samples[noopProvider].cpu())
				if math.IsNaN(wall) {
					continue
				}
				p("| %s of %d `%s` ≤ %.1f× the no-op provider | %.2f× (CPU %.2f×) | %s |", ph.name, tr.n, s.name, goalTerraformRatio, wall, cpu, verdict(wall <= goalTerraformRatio))
			}
		}
		for _, s := range tr.arborSubjects() {
			if s.backend != remoteOverLink {
				continue
			}
			loopback := s.workload.over(remote, 0)
			wall := pairedRatio(tr.plan[s.name].wall(), tr.plan[loopback].wall())
			cpu := pairedRatio(tr.plan[s.name].cpu(), tr.plan[loopback].cpu())
			if math.IsNaN(wall) {
				continue
			}
			p("| refresh plan of %d `%s` ≤ %.1f× %s (`%s`) | %.2f× (CPU %.2f×) | %s |", tr.n, s.name, goalLinkRatio, "the same plan on loopback", loopback, wall, cpu, verdict(wall <= goalLinkRatio))
		}
		for _, s := range tr.arborSubjects() {
			if s.backend == remoteOverLink {
				continue
			}
			floor := s.workload.schemaFloor()
			for _, ph := range tr.phases() {
				wall := pairedRatio(ph.samples[s.name].wall(), ph.samples[floor].wall())
				cpu := pairedRatio(ph.samples[s.name].cpu(), ph.samples[floor].cpu())
				if math.IsNaN(wall) {
					continue
				}
				p("| %s of %d `%s` ≤ %.2f× the no-op provider of its schema | %.2f× (CPU %.2f×) | %s |", ph.name, tr.n, s.name, goalSchemaRatio, wall, cpu, verdict(wall <= goalSchemaRatio))
			}
		}
	}
	if m, ok := r.memoryAt(goalMemoryN); ok {
		for _, s := range m.subjects {
			if s.backend == noBackend {
				continue
			}
			floor := s.workload.schemaFloor()
			if _, ok := m.runs[floor]; !ok {
				continue
			}
			for _, ph := range memoryPhases {
				peak, floorPeak := ph.of(m.runs[s.name]).providerPeak, ph.of(m.runs[floor]).providerPeak
				ratio := float64(peak) / float64(max(floorPeak, 1))
				p("| provider peak memory in the %s of %d `%s` ≤ %.1f× the no-op provider of its schema | %.2f× (%s against %s) | %s |",
					ph.name, m.n, s.name, goalMemoryRatio, ratio, mib(peak), mib(floorPeak), verdict(ratio <= goalMemoryRatio))
			}
		}
	}
}

func (r report) terraformSection(p func(string, ...any)) {
	if len(r.terraform) == 0 {
		return
	}
	link := 2 * r.opts.LinkDelay
	p("## Terraform: apply and refresh plan")
	p("")
	p("Every subject applies N resources to an empty working directory (and, for Arbor, a new database), " +
		"`terraform apply -auto-approve -input=false`, then runs `terraform plan -input=false -detailed-exitcode`, " +
		"a plan that refreshes all N and must find nothing to change. Terraform runs at its default `-parallelism` (10), " +
		"with a CLI configuration of the harness's own (`dev_overrides` to the binaries it built), never the user's. The subjects:")
	p("")
	p("- `terraform_data`: Terraform's built-in resource; no plugin, no I/O.")
	p("- no-op provider: `internal/bench/noopprovider`, terraform-plugin-framework, one resource (`key`, `name`) that does no I/O: the floor every plugin provider pays. It keeps the framework's defaults, logging included; Arbor switches off the log lines Terraform would discard (no `TF_LOG`; see `process.Tune`), a saving open to any provider.")
	p("- no-op, *workload* schema: `internal/bench/noopschema`, a provider serving every Arbor resource's schema and identity schema, taken from the Arbor provider itself so they cannot drift, with none of Arbor's code: no I/O, and at plan time only the schema's validators, defaults and plan modifiers, and the environment and id Arbor plans. Its process is tuned as Arbor's (`process.Tune`: the same logs switched off, the same garbage collection), so that against Arbor only Arbor's own code and backend differ; against the plain no-op provider, its ratio is what the schemas cost less what switching the logs off saves. It runs the workload's very configuration.")
	p("- *workload* embedded: no `endpoint`; the provider runs the backend in-process on a SQLite file in the working directory.")
	p("- *workload* remote: a `terraform-provider-arbor serve` process on 127.0.0.1 (port chosen by the OS), reached with an environment API key.")
	p("- *workload* remote, %v link: the same, through the harness's own TCP proxy, which delivers each chunk it reads %v after it arrived, each way (`internal/bench/link.go`): a backend in another region or behind a VPN. Chunks in flight overlap, as on a real link: it adds latency, not a bandwidth cap.", link, r.opts.LinkDelay)
	p("")
	p("The workloads: `arbor_permission`, N permissions; mix, N objects as a configuration holds them: half permissions, a sixth each of roles granting two of them, tenants with properties and branding, and two-step workflows, whose plans also ask the backend's promotion rule.")
	p("")
	p("Each configuration is one `for_each` over a map of N keys. CPU is user + system time of Terraform and the provider plugins it ran, plus, in remote mode, the server's. " +
		"*State per resource* is the size of the state file after apply, divided by N (× the no-op provider's).")
	p("")
	growth := ""
	small, okSmall := r.terraformAt(100)
	large, okLarge := r.terraformAt(1000)
	if okSmall && okLarge {
		growth = fmt.Sprintf(" (in this run the no-op provider's apply of 1000 took %.0f times its apply of 100)",
			float64(median(large.apply[noopProvider].wall()))/float64(median(small.apply[noopProvider].wall())))
	}
	p("Why apply grows faster than N, and why the bytes in state matter: with local state, Terraform rewrites the whole state file " +
		"(and fsyncs it) each time it finishes a resource, so an apply of N resources encodes and writes N snapshots of up to N resources each. " +
		"That work grows as N²" + growth + ", and in proportion to what each resource keeps in state: " +
		"its attributes' names and values as JSON, and private data (Arbor's object version, for `If-Match`). " +
		"`arbor_permission` keeps `id` and `environment` (DESIGN's schema) on top of the no-op's `key` and `name`; " +
		"that, more than the work of its provider, is what the *schema* ratio below measures.")
	p("")
	for _, tr := range r.terraform {
		p("### N = %d (%d repetitions)", tr.n, tr.reps)
		p("")
		p("| subject | apply | × no-op | × terraform_data | refresh plan | × no-op | × terraform_data | apply CPU (× no-op) | plan CPU (× no-op) | state per resource |")
		p("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
		for _, sub := range tr.subjects {
			s := sub.name
			a, pl := tr.apply[s], tr.plan[s]
			an, pn := tr.apply[noopProvider], tr.plan[noopProvider]
			at, pt := tr.apply[terraformData], tr.plan[terraformData]
			p("| %s | %s | %.2f× | %.2f× | %s | %.2f× | %.2f× | %s (%.2f×) | %s (%.2f×) | %d B (%.2f×) |", s,
				secondsRange(a.wall()), pairedRatio(a.wall(), an.wall()), pairedRatio(a.wall(), at.wall()),
				secondsRange(pl.wall()), pairedRatio(pl.wall(), pn.wall()), pairedRatio(pl.wall(), pt.wall()),
				seconds(median(a.cpu())), pairedRatio(a.cpu(), an.cpu()),
				seconds(median(pl.cpu())), pairedRatio(pl.cpu(), pn.cpu()),
				tr.stateBytes[s]/int64(tr.n), float64(tr.stateBytes[s])/float64(max(tr.stateBytes[noopProvider], 1)))
		}
		p("")
		p("Where Arbor's extra goes, as ratios of wall time (CPU): *schema* is the no-op provider of the workload's schemas against the plain one; *code and backend* is Arbor against that no-op; *link* is the remote subject over the slow link against the same on loopback. Their product is Arbor's ratio to the no-op provider.")
		p("")
		p("| subject | apply: schema | apply: code and backend | plan: schema | plan: code and backend |")
		p("|---|---:|---:|---:|---:|")
		for _, s := range tr.arborSubjects() {
			row := "| " + s.name
			for _, ph := range tr.phases() {
				floor, schema, arbor := ph.samples[noopProvider], ph.samples[s.workload.schemaFloor()], ph.samples[s.name]
				if s.backend == remoteOverLink {
					// The link's share, on top of remote's on loopback.
					arbor = ph.samples[s.workload.over(remote, 0)]
				}
				row += fmt.Sprintf(" | %.2f× (%.2f×) | %.2f× (%.2f×)",
					pairedRatio(schema.wall(), floor.wall()), pairedRatio(schema.cpu(), floor.cpu()),
					pairedRatio(arbor.wall(), schema.wall()), pairedRatio(arbor.cpu(), schema.cpu()))
				if s.backend == remoteOverLink {
					over := ph.samples[s.name]
					row += fmt.Sprintf(" · link %.2f× (%.2f×)", pairedRatio(over.wall(), arbor.wall()), pairedRatio(over.cpu(), arbor.cpu()))
				}
			}
			p("%s |", row)
		}
		p("")
	}
	p("Times are medians with the fastest and slowest repetition in parentheses.")
	p("")
}

func (r report) memorySection(p func(string, ...any)) {
	if len(r.memory) == 0 {
		return
	}
	p("## Memory")
	p("")
	p("The peak resident set (`VmHWM` in `/proc/<pid>/status`, the kernel's high-water mark) of the provider plugin, the largest of those Terraform starts for one command, " +
		"and of Terraform itself, in an apply of N resources to an empty working directory, its refresh plan and `terraform destroy`, one run of each, for the no-op providers with Arbor's schemas and, of Arbor, embedded mode, where the plugin also holds the backend. " +
		"The harness reads `/proc` every " + peakPollInterval.String() + " while the command runs: Terraform starts and reaps its plugins itself, so their `wait4` rusage reaches the harness only as the largest of Terraform and all its plugins, which cannot be told apart.")
	p("")
	for _, m := range r.memory {
		p("### N = %d", m.n)
		p("")
		p("| subject | apply: provider | × its schema's no-op | plan: provider | × its schema's no-op | destroy: provider | × its schema's no-op | Terraform's peak (apply, plan, destroy) |")
		p("|---|---:|---:|---:|---:|---:|---:|---|")
		for _, s := range m.subjects {
			row := "| " + s.name
			run := m.runs[s.name]
			for _, ph := range memoryPhases {
				peak := ph.of(run).providerPeak
				vsSchema := "–"
				if s.workload != nil && m.runs[s.workload.schemaFloor()].apply.providerPeak > 0 {
					vsSchema = fmt.Sprintf("%.2f×", float64(peak)/float64(max(ph.of(m.runs[s.workload.schemaFloor()]).providerPeak, 1)))
				}
				row += fmt.Sprintf(" | %s | %s", mib(peak), vsSchema)
			}
			row += fmt.Sprintf(" | %s, %s, %s |", mib(run.apply.terraformPeak), mib(run.plan.terraformPeak), mib(run.destroy.terraformPeak))
			p("%s", row)
		}
		p("")
	}
}

// mib renders bytes in MiB.
func mib(bytes int64) string { return fmt.Sprintf("%.0f MiB", float64(bytes)/(1<<20)) }
