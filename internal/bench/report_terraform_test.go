package bench

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/arborhq/terraform-provider-arbor/internal/bench/load"
)

// goalRow is one row of the report's goals table.
type goalRow struct{ goal, measured, verdict string }

// goalRows reads the goals table of a report.
func goalRows(t *testing.T, md string) []goalRow {
	t.Helper()
	_, table, ok := strings.Cut(md, "## Goals\n")
	if !ok {
		t.Fatal("the report has no goals section")
	}
	table, _, _ = strings.Cut(table, "\n## ")
	var rows []goalRow
	for _, line := range strings.Split(table, "\n") {
		cells := strings.Split(strings.Trim(line, "|"), " | ")
		if len(cells) != 3 || strings.HasPrefix(line, "|---") || strings.TrimSpace(cells[0]) == "goal" {
			continue
		}
		rows = append(rows, goalRow{strings.TrimSpace(cells[0]), strings.TrimSpace(cells[1]), strings.TrimSpace(cells[2])})
	}
	return rows
}

// findGoal is the one row whose goal holds every part.
func findGoal(t *testing.T, rows []goalRow, parts ...string) goalRow {
	t.Helper()
	var found []goalRow
	for _, r := range rows {
		all := true
		for _, part := range parts {
			all = all && strings.Contains(r.goal, part)
		}
		if all {
			found = append(found, r)
		}
	}
	if len(found) != 1 {
		t.Fatalf("%d goal rows name %q: %+v", len(found), parts, found)
	}
	return found[0]
}

// checkGoal: the row states ratio (two decimals) and the verdict that
// ratio and the goal's limit imply.
func checkGoal(t *testing.T, r goalRow, ratio float64, met bool) {
	t.Helper()
	if want := fmt.Sprintf("%.2f×", ratio); !regexp.MustCompile(`(^|\()` + regexp.QuoteMeta(want)).MatchString(r.measured) {
		t.Errorf("%q: measured %q, want %s", r.goal, r.measured, want)
	}
	if r.verdict != verdict(met) {
		t.Errorf("%q: verdict %q, want %q", r.goal, r.verdict, verdict(met))
	}
}

// syntheticReport is a run whose every figure is known: each subject's
// times are a multiple of the no-op provider's, the same in every
// repetition, though the second repetition ran on a machine twice as busy.
func syntheticReport(factor func(s subject, phase string) float64) report {
	subs := subjects(DefaultLinkDelay)
	at := func(n int, base float64) terraformResult {
		tr := terraformResult{n: n, reps: 2, subjects: subs, apply: map[string]samples{}, plan: map[string]samples{}, stateBytes: map[string]int64{}}
		for i, s := range subs {
			for rep, busy := range []float64{1, 2} {
				tr.apply[s.name] = append(tr.apply[s.name], sample{wall: time.Duration(base * factor(s, "apply") * busy * float64(time.Second)), cpu: time.Duration(rep+1) * time.Second})
				tr.plan[s.name] = append(tr.plan[s.name], sample{wall: time.Duration(base / 4 * factor(s, "refresh plan") * busy * float64(time.Second)), cpu: time.Duration(rep+1) * time.Second})
			}
			tr.stateBytes[s.name] = int64(n * (200 + 10*i))
		}
		return tr
	}
	mem := memoryResult{n: goalMemoryN, subjects: memorySubjects(subs), runs: map[string]subjectRun{}}
	for _, s := range mem.subjects {
		peak := func(phase string) sample {
			return sample{providerPeak: int64(factor(s, phase) * 100 * (1 << 20)), terraformPeak: 300 << 20}
		}
		mem.runs[s.name] = subjectRun{apply: peak("apply"), plan: peak("refresh plan"), destroy: peak("destroy")}
	}
	run := loadRun{Result: load.Result{Requests: 100, PerSecond: 12000, P50: time.Millisecond, P99: 3 * time.Millisecond}}
	return report{
		machine:    machine{CPU: "test CPU", Cores: 2, Start: time.Now()},
		opts:       Options{LinkDelay: DefaultLinkDelay},
		terraform:  []terraformResult{at(100, 0.5), at(goalTerraformN, 11)},
		memory:     []memoryResult{mem},
		throughput: throughputResult{concurrency: 16, duration: time.Second, reads: []loadRun{run}, writes: []loadRun{run}},
		documents:  documentResult{objects: 10000, bytes: 1 << 20, runs: []documentRun{{importWall: 500 * time.Millisecond, exportWall: 100 * time.Millisecond}}},
		startup: startupResult{runs: 1, binaries: []string{noopProvider, "terraform-provider-arbor"}, samples: map[string][]startupSample{
			noopProvider:               {{handshake: 30 * time.Millisecond, schema: time.Millisecond}},
			"terraform-provider-arbor": {{handshake: 40 * time.Millisecond, schema: 2 * time.Millisecond}},
		}},
	}
}

// TestReportStatesEveryGoal: for every goal of issues 7 and 16, and of
// every Arbor subject it applies to, the goals table has one row that
// states the ratio the measurements imply and the verdict that ratio
// implies; so do the backend, start-up and document goals. The ratios are
// paired: the busier second repetition leaves them unchanged.
func TestReportStatesEveryGoal(t *testing.T) {
	// Every Arbor subject costs more than its schema's floor, which costs
	// more than the plain no-op; the link costs more in the plan; mix
	// costs more than permissions; plans more than applies.
	factor := func(s subject, phase string) float64 {
		f := 1.0
		if s.workload != nil {
			f = 1.08 // the schema floor
			if s.workload.name == "mix" {
				f = 1.2
			}
		}
		switch s.backend {
		case remote:
			f *= 1.1
		case remoteOverLink:
			f *= 1.1 * 1.5
		}
		if phase != "apply" && s.backend != noBackend {
			f *= 1.01
		}
		return f
	}
	r := syntheticReport(factor)
	md := r.markdown()
	rows := goalRows(t, md)
	tr := r.terraform[1]
	verdicts := map[string]bool{}
	for _, s := range tr.arborSubjects() {
		floor := subject{workload: s.workload}
		for _, phase := range []string{"apply", "refresh plan"} {
			ratio := factor(s, phase) / factor(subject{}, phase)
			schemaRatio := factor(s, phase) / factor(floor, phase)
			if s.backend == remoteOverLink {
				if phase == "refresh plan" {
					loopback := subject{workload: s.workload, backend: remote}
					ratio := factor(s, phase) / factor(loopback, phase)
					checkGoal(t, findGoal(t, rows, "refresh plan of 1000 `"+s.name+"`", "1.2× the same plan on loopback"), ratio, ratio <= goalLinkRatio)
					verdicts[verdict(ratio <= goalLinkRatio)] = true
				}
				continue
			}
			checkGoal(t, findGoal(t, rows, phase+" of 1000 `"+s.name+"`", "≤ 1.1× the no-op provider"), ratio, ratio <= goalTerraformRatio)
			checkGoal(t, findGoal(t, rows, phase+" of 1000 `"+s.name+"`", "1.05× the no-op provider of its schema"), schemaRatio, schemaRatio <= goalSchemaRatio)
			verdicts[verdict(ratio <= goalTerraformRatio)] = true
		}
	}
	for _, s := range r.memory[0].subjects {
		if s.backend == noBackend {
			continue
		}
		for _, ph := range memoryPhases {
			ratio := factor(s, ph.name) / factor(subject{workload: s.workload}, ph.name)
			checkGoal(t, findGoal(t, rows, "peak memory in the "+ph.name+" of 3000 `"+s.name+"`", "1.5× the no-op provider of its schema"), ratio, ratio <= goalMemoryRatio)
		}
	}
	if !verdicts["met"] || !verdicts["**not met**"] {
		t.Errorf("the synthetic run should meet some goals and miss others: %v", verdicts)
	}
	checkGoal(t, findGoal(t, rows, "backend reads ≥ 10,000/s"), 1.2, true)
	checkGoal(t, findGoal(t, rows, "backend writes ≥ 2,000/s"), 6, true)
	checkGoal(t, findGoal(t, rows, "provider start-up to schema served ≤ 100ms"), 0.42, true)
	checkGoal(t, findGoal(t, rows, "export + import of 10,000 objects ≤ 1s"), 0.6, true)
}

// TestReportSplitsArborsCost: in the table of where Arbor's extra goes,
// the schema's share times that of Arbor's code and backend is Arbor's
// ratio to the no-op provider; the state per resource is the state file's
// size over N; the growth of apply is the no-op provider's.
func TestReportSplitsArborsCost(t *testing.T) {
	factor := func(s subject, phase string) float64 {
		if s.workload == nil {
			return 1
		}
		if s.backend == noBackend {
			return 1.25
		}
		return 1.25 * 1.6
	}
	r := syntheticReport(factor)
	md := r.markdown()
	for _, s := range r.terraform[1].arborSubjects() {
		want := "| " + s.name + " | 1.25× (1.00×) | 1.60× (1.00×) | 1.25× (1.00×) | 1.60× (1.00×) |"
		if s.backend == remoteOverLink {
			// Over the link the remote subject's share is split off: the
			// link itself costs nothing here.
			want = "| " + s.name + " | 1.25× (1.00×) | 1.60× (1.00×) · link 1.00× (1.00×) | 1.25× (1.00×) | 1.60× (1.00×) · link 1.00× (1.00×) |"
		}
		if !strings.Contains(md, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	if !strings.Contains(md, "the no-op provider's apply of 1000 took 22 times its apply of 100") {
		t.Error("the report does not state how apply grew")
	}
	subs := r.terraform[1].subjects
	for i, s := range subs {
		if want := fmt.Sprintf("| %d B (%.2f×) |", 200+10*i, float64(200+10*i)/210); !strings.Contains(md, "| "+s.name+" |") || !strings.Contains(md, want) {
			t.Errorf("%s: the report lacks its state per resource %q", s.name, want)
		}
	}
}
