// Package bench is Arbor's benchmark harness (make bench). In one run it
// measures Terraform apply and refresh plan with the Arbor provider side by
// side with three floors, Terraform's built-in terraform_data, a no-op
// plugin provider and a no-op provider of Arbor's own schemas, on loopback
// and over a slow link; the peak memory of the provider plugins; the
// backend's throughput and latency under concurrent load, on SQLite and on
// PostgreSQL with one and two replicas, the latter beside pgbench on the
// same cluster; access checks beside GETs of one object on both stores;
// and the provider's start-up. It writes every figure and
// ratio to BENCHMARKS.md.
//
// Absolute figures depend on the machine and on whatever else it is doing;
// ratios are taken between runs made back to back in the same run, so they
// hold better across machines.
package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Options configure a run.
type Options struct {
	// Root is the repository's root directory.
	Root string
	// Work is a scratch directory; the harness owns it and empties it.
	Work string
	// Out is the report written (BENCHMARKS.md).
	Out string
	// Sizes are the numbers of resources Terraform applies and plans.
	Sizes []int
	// Reps are the repetitions at each size (Terraform runs); sizes not
	// listed use DefaultReps.
	Reps        map[int]int
	DefaultReps int
	// LinkDelay is the one-way delay of the slow link remote-mode
	// subjects are also measured over.
	LinkDelay time.Duration
	// MemorySizes are the numbers of resources whose peak memory is
	// measured in apply, plan and destroy.
	MemorySizes []int
	// Subjects, when set, limits the Terraform and memory sections to the
	// subjects whose names it matches; ratios to subjects left out read
	// NaN, and their goals are left out.
	Subjects *regexp.Regexp
	// LoadConcurrency, LoadDuration and LoadRuns shape the backend load.
	LoadConcurrency int
	LoadDuration    time.Duration
	LoadRuns        int
	// StartupRuns is how many times each provider is started.
	StartupRuns int
	// Only names the sections to measure (see sections); empty means all.
	Only []string
	// ArborBinary, when set, is measured instead of a build of Root: to
	// compare two builds under the same conditions.
	ArborBinary string
	// Log receives progress.
	Log io.Writer
}

// sections are what a run measures, in order. A new measurement is a new
// section here, a field of report and its part of the markdown.
var sections = []struct {
	name    string
	measure func(h *harness, ctx context.Context, r *report) error
}{
	{"terraform", func(h *harness, ctx context.Context, r *report) (err error) {
		r.terraform, err = h.measureTerraform(ctx)
		return err
	}},
	{"memory", func(h *harness, ctx context.Context, r *report) (err error) {
		r.memory, err = h.measureMemory(ctx)
		return err
	}},
	{"throughput", func(h *harness, ctx context.Context, r *report) (err error) {
		r.throughput, err = h.measureThroughput(ctx)
		return err
	}},
	{"postgres", func(h *harness, ctx context.Context, r *report) (err error) {
		r.postgres, err = h.measurePostgres(ctx)
		return err
	}},
	{"checks", func(h *harness, ctx context.Context, r *report) (err error) {
		r.checks, err = h.measureChecks(ctx)
		return err
	}},
	{"documents", func(h *harness, ctx context.Context, r *report) (err error) {
		r.documents, err = h.measureDocuments(ctx)
		return err
	}},
	{"startup", func(h *harness, ctx context.Context, r *report) (err error) {
		r.startup, err = h.measureStartup(ctx)
		return err
	}},
	{"go", func(h *harness, ctx context.Context, r *report) (err error) {
		r.goBench, err = h.measureGoBenchmarks(ctx)
		return err
	}},
}

// SectionNames are the names Options.Only accepts.
func SectionNames() []string {
	var names []string
	for _, s := range sections {
		names = append(names, s.name)
	}
	return names
}

func (o Options) repsFor(n int) int {
	if r, ok := o.Reps[n]; ok {
		return r
	}
	return o.DefaultReps
}

// harness is one run.
type harness struct {
	opts        Options
	work        string
	binDir      string
	arborBinary string
	noopBinary  string
	// noopSchemaBinary serves Arbor's schemas without Arbor's code.
	noopSchemaBinary string
	cliConfig        string
}

func (h *harness) logf(format string, args ...any) {
	fmt.Fprintf(h.opts.Log, "bench: "+format+"\n", args...)
}

// newHarness lays out a run in opts.Work.
func newHarness(opts Options) (*harness, error) {
	work, err := filepath.Abs(opts.Work)
	if err != nil {
		return nil, err
	}
	h := &harness{opts: opts, work: work, binDir: filepath.Join(work, "bin")}
	h.arborBinary = filepath.Join(h.binDir, "terraform-provider-arbor")
	h.noopBinary = filepath.Join(h.binDir, "terraform-provider-noop")
	h.noopSchemaBinary = filepath.Join(h.binDir, "terraform-provider-noopschema")
	h.cliConfig = filepath.Join(work, "terraformrc")
	return h, nil
}

// Run measures everything and writes the report.
func Run(ctx context.Context, opts Options) error {
	h, err := newHarness(opts)
	if err != nil {
		return err
	}
	m := describeMachine(opts.Root)
	h.logf("on %s (%d cores), %s, Terraform %s; load average %s", m.CPU, m.Cores, m.Go, m.Terraform, m.LoadStart)
	if err := h.prepare(ctx); err != nil {
		return err
	}
	rep := report{machine: m, opts: opts}
	// A section that fails does not cost the others' figures: they are
	// measured and written all the same, and the failures are returned.
	var failed []error
	for _, s := range sections {
		if len(opts.Only) > 0 && !slices.Contains(opts.Only, s.name) {
			continue
		}
		before := rep
		if err := s.measure(h, ctx, &rep); err != nil {
			rep = before // no partial figures
			err = fmt.Errorf("%s: %w", s.name, err)
			h.logf("%v", err)
			failed = append(failed, err)
			rep.failed = append(rep.failed, s.name)
		}
	}
	rep.machine.Elapsed = time.Since(m.Start)
	rep.machine.LoadEnd = loadAverage()
	out := rep.markdown()
	if len(opts.Only) > 0 {
		// A run of some sections updates only theirs (merge.go).
		if old, err := os.ReadFile(opts.Out); err == nil {
			m := rep.machine
			note := fmt.Sprintf("*Measured on its own (`-only %s`) on %s, commit %s, load average %s at start; %s at end: the machine table above is that of the run the other sections come from.*",
				strings.Join(opts.Only, ","), m.Start.UTC().Format("2006-01-02 15:04 MST"), m.Commit, m.LoadStart, m.LoadEnd)
			out = mergeReport(string(old), out, note)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	if err := os.WriteFile(opts.Out, []byte(out), 0o644); err != nil {
		return err
	}
	h.logf("wrote %s in %v", opts.Out, rep.machine.Elapsed.Round(time.Second))
	return errors.Join(failed...)
}

// prepare empties the scratch directory, builds both providers into it and
// writes the Terraform CLI configuration that points Terraform at them.
func (h *harness) prepare(ctx context.Context) error {
	if err := os.RemoveAll(h.work); err != nil {
		return err
	}
	if err := os.MkdirAll(h.binDir, 0o755); err != nil {
		return err
	}
	builds := map[string]string{
		h.arborBinary:      ".",
		h.noopBinary:       "./internal/bench/cmd/terraform-provider-noop",
		h.noopSchemaBinary: "./internal/bench/cmd/terraform-provider-noopschema",
	}
	if h.opts.ArborBinary != "" {
		delete(builds, h.arborBinary)
		b, err := os.ReadFile(h.opts.ArborBinary)
		if err != nil {
			return err
		}
		if err := os.WriteFile(h.arborBinary, b, 0o755); err != nil {
			return err
		}
	}
	for binary, pkg := range builds {
		build := exec.CommandContext(ctx, "go", "build", "-o", binary, pkg)
		build.Dir = h.opts.Root
		if out, err := build.CombinedOutput(); err != nil {
			return fmt.Errorf("go build %s: %w\n%s", pkg, err, out)
		}
	}
	config := fmt.Sprintf(`provider_installation {
  dev_overrides {
    "arborhq/arbor" = %[1]q
    "arborhq/noop"  = %[1]q
    "arborhq/noopschema" = %[1]q
  }
  direct {}
}
`, h.binDir)
	return os.WriteFile(h.cliConfig, []byte(config), 0o644)
}
