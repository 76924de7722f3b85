package bench

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/arborhq/terraform-provider-arbor/internal/bench/load"
	"github.com/arborhq/terraform-provider-arbor/internal/bench/noopschema"
)

func TestMedianAndPairedRatio(t *testing.T) {
	if got := median([]time.Duration{5, 1, 3}); got != 3 {
		t.Errorf("median of 5 1 3 = %v", got)
	}
	if got := median([]time.Duration{4, 1, 3, 2}); got != 2 {
		t.Errorf("median of 4 1 3 2 = %v (want the mean of the middle two, truncated)", got)
	}
	if median(nil) != 0 || medianFloat(nil) != 0 {
		t.Error("median of nothing is not 0")
	}
	// Repetition 2 ran on a busy machine: both slowed down, the ratio held.
	subject := []time.Duration{110, 330, 121}
	baseline := []time.Duration{100, 300, 110}
	if got := pairedRatio(subject, baseline); got < 1.0999 || got > 1.1001 {
		t.Errorf("paired ratio = %v, want 1.1", got)
	}
}

func TestSubjectsShareOneConfigurationShape(t *testing.T) {
	subs := subjects(DefaultLinkDelay)
	if subs[0].name != terraformData || subs[1].name != noopProvider {
		t.Fatalf("the floors must come first: %q, %q", subs[0].name, subs[1].name)
	}
	// The plain floors, then per workload its schema's floor and Arbor
	// embedded, remote and remote over the link.
	if len(subs) != 2+4*len(arborWorkloads) {
		t.Fatalf("%d subjects for %d workloads", len(subs), len(arborWorkloads))
	}
	names := map[string]subject{}
	ranges := regexp.MustCompile(`for i in range\((\d+)\)`)
	for _, s := range subs {
		names[s.name] = s
		config := s.resources(12)
		total := 0
		for _, m := range ranges.FindAllStringSubmatch(config, -1) {
			n, _ := strconv.Atoi(m[1])
			total += n
		}
		if total != 12 || !strings.Contains(config, "for_each") {
			t.Errorf("%s: not for_each over 12 keys in all:\n%s", s.name, config)
		}
		if (s.backend == noBackend) != (s.provider != arborHeader) {
			t.Errorf("%s: backend mode %v", s.name, s.backend)
		}
	}
	if len(names) != len(subs) {
		t.Errorf("two subjects share a name: %v", names)
	}
	for _, w := range arborWorkloads {
		floor, ok := names[w.schemaFloor()]
		if !ok {
			t.Fatalf("%s has no schema floor", w.name)
		}
		// The floor runs Arbor's very configuration, on noopschema's twins
		// of its resource types.
		arbor := names[w.over(embedded, DefaultLinkDelay)].resources(12)
		if got := floor.resources(12); got != strings.ReplaceAll(arbor, "arbor_", "noopschema_") || strings.Contains(got, "arbor_") {
			t.Errorf("%s: the schema floor's configuration is not Arbor's:\n%s\n%s", w.name, got, arbor)
		}
		for _, m := range []backendMode{embedded, remote, remoteOverLink} {
			if s, ok := names[w.over(m, DefaultLinkDelay)]; !ok || s.backend != m || s.workload != w {
				t.Errorf("%s: no subject %q", w.name, w.over(m, DefaultLinkDelay))
			}
		}
	}
	if link := arborWorkloads[0].over(remoteOverLink, DefaultLinkDelay); !strings.Contains(link, "50ms link") {
		t.Errorf("the link subject %q does not name its 50 ms round trip", link)
	}
}

// TestWorkloadsRunOnTheSchemaFloor applies, refreshes (the plan after
// apply must be empty) and destroys every workload's configuration with
// Terraform on the no-op provider of Arbor's schemas, as make bench runs
// it (served in this process, as make bench-profile does).
func TestWorkloadsRunOnTheSchemaFloor(t *testing.T) {
	if _, err := exec.LookPath("terraform"); err != nil {
		t.Skip("terraform is not on PATH")
	}
	ctx := context.Background()
	reattach, stop, err := serveInProcess(ctx, noopschema.Address, noopschema.New())
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	h := &harness{cliConfig: filepath.Join(t.TempDir(), "terraformrc")}
	// dev_overrides spare terraform init; the reattached provider serves.
	writeFile(t, h.cliConfig, `provider_installation {
  dev_overrides { "arborhq/noopschema" = "/nonexistent" }
  direct {}
}
`)
	env := append(h.terraformEnv(), "TF_REATTACH_PROVIDERS="+reattach)
	for _, w := range arborWorkloads {
		dir := t.TempDir()
		writeFile(t, filepath.Join(dir, "main.tf"), noopSchemaHeader+w.resources("noopschema", 12))
		for _, args := range [][]string{
			{"apply", "-auto-approve", "-input=false", "-no-color"},
			{"plan", "-input=false", "-no-color", "-detailed-exitcode"},
			{"destroy", "-auto-approve", "-input=false", "-no-color"},
		} {
			if _, err := h.terraform(ctx, dir, env, nil, false, args...); err != nil {
				t.Fatalf("%s: %v", w.name, err)
			}
		}
	}
}

// TestConfigurationsAreValid asks Terraform whether every generated
// configuration is valid, without running any provider.
func TestConfigurationsAreValid(t *testing.T) {
	if _, err := exec.LookPath("terraform"); err != nil {
		t.Skip("terraform is not on PATH")
	}
	for _, s := range subjects(DefaultLinkDelay) {
		if s.provider != "" {
			continue // validate would need the provider's schema
		}
		dir := t.TempDir()
		writeFile(t, filepath.Join(dir, "main.tf"), s.resources(2))
		cmd := exec.Command("terraform", "validate", "-no-color")
		cmd.Dir = dir
		cmd.Env = append(cleanEnv(), "TF_CLI_CONFIG_FILE=", "CHECKPOINT_DISABLE=1")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("%s: %v\n%s", s.name, err, out)
		}
	}
}

func TestParseGoBench(t *testing.T) {
	out := `goos: linux
pkg: github.com/arborhq/terraform-provider-arbor/internal/store/sqlite
BenchmarkObjectRead-2   	   30000	     41234 ns/op	     52000 cpu-ns/op	    1234 B/op	      45 allocs/op
PASS
pkg: github.com/arborhq/terraform-provider-arbor/internal/backend
BenchmarkGet-2   	   10000	    123456 ns/op	   23456 B/op	     345 allocs/op
ok  	github.com/arborhq/terraform-provider-arbor/internal/backend	3.2s
`
	got := parseGoBench(out)
	if len(got) != 2 {
		t.Fatalf("parsed %d benchmarks: %+v", len(got), got)
	}
	if got[0].pkg != "internal/store/sqlite" || got[0].name != "BenchmarkObjectRead-2" || got[0].metrics["ns/op"] != "41234" || got[0].metrics["allocs/op"] != "45" {
		t.Errorf("first: %+v", got[0])
	}
	if got[0].micros("cpu-ns/op") != "52.0 µs" || got[1].micros("cpu-ns/op") != "–" {
		t.Errorf("CPU/op: %q, %q", got[0].micros("cpu-ns/op"), got[1].micros("cpu-ns/op"))
	}
	if got[1].pkg != "internal/backend" || got[1].metrics["B/op"] != "23456" {
		t.Errorf("second: %+v", got[1])
	}
}

// The console's page benchmarks get their own section, each page with its
// server time (Server-Timing), its round trip, and whether the server time
// is under the goal, and stay out of the hot paths' table.
func TestConsoleSection(t *testing.T) {
	out := `pkg: github.com/arborhq/terraform-provider-arbor/internal/backend
BenchmarkGetPermission-2   	   10000	    64500 ns/op	   17090 B/op	     265 allocs/op
pkg: github.com/arborhq/terraform-provider-arbor/internal/console
BenchmarkPages/environments-2         	       3	   4228720 ns/op	  3.91 server-ms/op	  120000 B/op	    900 allocs/op
BenchmarkPages/environments/{env}/promote-2               	       1	  93920000 ns/op	  62.5 server-ms/op	  9120000 B/op	  90000 allocs/op
BenchmarkPages/environments/{env}/old-2               	       1	  1000 ns/op
`
	md := report{goBench: parseGoBench(out)}.markdown()
	_, console, ok := strings.Cut(md, "## Console\n")
	if !ok {
		t.Fatalf("no console section:\n%s", md)
	}
	for _, want := range []string{"| `environments` | 3.9 ms | 4.2 ms | 120000 | 900 | yes |", "| `environments/{env}/promote` | 62.5 ms | 93.9 ms | 9120000 | 90000 | **no** |",
		"| `environments/{env}/old` | – | 0.0 ms |  |  | – |"} {
		if !strings.Contains(console, want+"\n") {
			t.Errorf("the console section lacks %q:\n%s", want, console)
		}
	}
	hot, _, _ := strings.Cut(md, "## Console")
	if !strings.Contains(hot, "BenchmarkGetPermission-2") || strings.Contains(hot, "BenchmarkPages") {
		t.Errorf("the hot paths' table:\n%s", hot)
	}
}

func TestThousands(t *testing.T) {
	for v, want := range map[float64]string{0: "0", 999: "999", 1000: "1,000", 12345.6: "12,346", 1234567: "1,234,567"} {
		if got := thousands(v); got != want {
			t.Errorf("thousands(%v) = %q, want %q", v, got, want)
		}
	}
}

// TestProcessCPU: the CPU time read from /proc is the one the kernel
// accounts to the process, as getrusage reports it. This process spends
// CPU until getrusage shows at least 200 ms, whatever the machine's load;
// /proc then counts as much, to its 10 ms tick.
func TestProcessCPU(t *testing.T) {
	before := processCPU(os.Getpid())
	start := selfCPU()
	for x := 0; selfCPU()-start < 200*time.Millisecond; x++ {
		_ = strconv.Itoa(x)
	}
	spent := selfCPU() - start
	got := processCPU(os.Getpid()) - before
	if got < spent-2*time.Second/clockTicks {
		t.Errorf("/proc counts %v of the %v getrusage counts", got, spent)
	}
	if processCPU(-1) != 0 {
		t.Error("a process that does not exist has CPU time")
	}
}

// TestParseStat reads the fields the harness uses from a /proc stat line
// whose command name holds spaces and parentheses.
func TestParseStat(t *testing.T) {
	line := "4242 (tf (plugin) x) S 17 4242 4242 0 -1 4194560 100 0 0 0 250 50 30 20 20 0 8 0 123 0 0\n"
	got, ok := parseStat(line)
	if !ok {
		t.Fatal("not parsed")
	}
	if got.parent != 17 || got.cpu != 3*time.Second || got.reapedChildrenCPU != 500*time.Millisecond {
		t.Errorf("parsed %+v", got)
	}
	if _, ok := parseStat("4242 (short) S 1 2"); ok {
		t.Error("a truncated line parsed")
	}
}

// TestReapedChildrenCPU: the CPU of a child that has ended is counted in
// its parent's, as pgbench's backends, gone at the end of its run, are in
// the postmaster's.
func TestReapedChildrenCPU(t *testing.T) {
	cmd := exec.CommandContext(context.Background(), "sh", "-c", "(i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done); sleep 5")
	if err := cmd.Start(); err != nil {
		t.Skip(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if stat, _ := readStat(cmd.Process.Pid); stat.reapedChildrenCPU > 0 {
			if stat.parent != os.Getpid() {
				t.Errorf("parent %d, want this process, %d", stat.parent, os.Getpid())
			}
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Error("no CPU time of the ended busy child read from its parent's /proc stat")
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestReportStatesThePostgresGoals: the goals table holds the writes
// against pgbench with each number of replicas, as paired ratios, and the
// reads with two replicas; the section holds every load.
func TestReportStatesThePostgresGoals(t *testing.T) {
	run := func(perSecond float64) loadRun {
		return loadRun{Result: load.Result{Requests: 1000, PerSecond: perSecond, P50: time.Millisecond, P99: 4 * time.Millisecond},
			serverCPU: 100 * time.Millisecond, databaseCPU: 50 * time.Millisecond, generatorCPU: 20 * time.Millisecond}
	}
	// Run 2 was on a busier machine: pgbench and Arbor both slowed, the
	// ratio held at 0.4.
	r := report{
		machine: machine{CPU: "test CPU", Cores: 2, Start: time.Now()},
		postgres: postgresResult{concurrency: 16, duration: time.Second,
			pgbench: []pgbenchRun{{tps: 1000, latencyAverage: 16 * time.Millisecond}, {tps: 500, latencyAverage: 32 * time.Millisecond}, {tps: 1000, latencyAverage: 16 * time.Millisecond}},
			byReplicas: []replicaRuns{
				{replicas: 1, reads: []loadRun{run(6000), run(3000), run(6000)}, writes: []loadRun{run(400), run(200), run(400)}},
				{replicas: 2, reads: []loadRun{run(11000), run(5000), run(12000)}, writes: []loadRun{run(600), run(300), run(600)}},
			}},
	}
	md := r.markdown()
	for _, want := range []string{
		"| backend writes on PostgreSQL, 1 replica, ≥ 0.5× pgbench's simple-update TPS at 16 clients | 0.40× (medians: 400/s; pgbench 1,000 TPS) | **not met** |",
		"| backend writes on PostgreSQL, 2 replicas, ≥ 0.5× pgbench's simple-update TPS at 16 clients | 0.60× (medians: 600/s; pgbench 1,000 TPS) | met |",
		"| backend reads on PostgreSQL, 2 replicas, ≥ 10,000/s | 11,000/s (1.10× the goal) | met |",
		"| pgbench -N, 16 clients (transactions/s; latency average) | 1,000 | 1.00× | – | 16.0 ms average |",
		"| reads: GET a permission, 2 replicas | 11,000 | 11.00× | 1.0 ms | 4.0 ms | 100.0 µs | 50.0 µs | 20.0 µs | 11,765/s |",
		"| writes: PUT a new permission, 1 replica | 400 | 0.40× |",
		"- writes, 2 replicas: 600, 300, 600",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("the report lacks %q:\n%s", want, md)
		}
	}
	if strings.Contains(md, "## Backend throughput and latency") {
		t.Error("a run without the SQLite throughput section reports one")
	}
}

func TestParsePgbench(t *testing.T) {
	out := `pgbench (17.2 (Debian 17.2-1))
transaction type: <builtin: simple update>
scaling factor: 1
number of clients: 16
number of threads: 2
duration: 5 s
number of transactions actually processed: 6170
latency average = 12.964 ms
initial connection time = 21.350 ms
tps = 1234.181360 (without initial connection time)
`
	got, err := parsePgbench(out)
	if err != nil {
		t.Fatal(err)
	}
	if got.tps < 1234.18 || got.tps > 1234.19 || got.latencyAverage != 12964*time.Microsecond {
		t.Errorf("parsed %+v", got)
	}
	if _, err := parsePgbench("pgbench: error: connection to server failed\n"); err == nil {
		t.Error("output without a tps line parsed")
	}
}

// TestLoadSpreadsWorkersOverReplicas: with two replicas, the workers are
// shared out evenly, each keeping to one.
func TestLoadSpreadsWorkersOverReplicas(t *testing.T) {
	target := loadTarget{urls: []string{"http://a", "http://b"}, token: "k"}
	for _, cfg := range []load.Config{target.readLoad(4, time.Second), target.writeLoad(0, 4, time.Second)} {
		hosts := map[string]int{}
		for worker := range 4 {
			first, _ := cfg.Request(worker, 0)
			later, _ := cfg.Request(worker, 7)
			if first.URL.Host != later.URL.Host {
				t.Errorf("worker %d moved from %s to %s", worker, first.URL.Host, later.URL.Host)
			}
			hosts[first.URL.Host]++
		}
		if hosts["a"] != 2 || hosts["b"] != 2 {
			t.Errorf("workers per replica: %v", hosts)
		}
	}
}

// TestConfigurationsScaleBeyondRange: Terraform's range makes at most 1024
// values; the configurations count further, as the memory section's 3000
// needs. terraform_data, which needs no provider, plans exactly 1100.
func TestConfigurationsScaleBeyondRange(t *testing.T) {
	if _, err := exec.LookPath("terraform"); err != nil {
		t.Skip("terraform is not on PATH")
	}
	for _, s := range subjects(DefaultLinkDelay) {
		if s.name != terraformData {
			continue
		}
		dir := t.TempDir()
		writeFile(t, filepath.Join(dir, "main.tf"), s.resources(1100))
		cmd := exec.Command("terraform", "plan", "-input=false", "-no-color")
		cmd.Dir = dir
		cmd.Env = append(cleanEnv(), "TF_CLI_CONFIG_FILE=", "CHECKPOINT_DISABLE=1")
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "Plan: 1100 to add") {
			t.Errorf("%s of 1100: %v\n%s", s.name, err, tail(string(out), 20))
		}
	}
	if got := indices(1024); got != "range(1024)" {
		t.Errorf("indices(1024) = %s", got)
	}
}

func TestReportStatesTheCheckGoals(t *testing.T) {
	run := func(perSecond float64, p99 time.Duration) loadRun {
		return loadRun{Result: load.Result{Requests: 1000, PerSecond: perSecond, P50: time.Millisecond, P99: p99}}
	}
	r := report{
		machine: machine{CPU: "test CPU", Cores: 2, Start: time.Now()},
		checks: checksResult{concurrency: 16, duration: time.Second,
			pgbenchSelect: pgbenchRun{tps: 10000},
			pgbenchUpdate: []pgbenchRun{{tps: 1000}, {tps: 800}},
			stores: []checksOn{
				{store: "SQLite", replicas: 1, checks: run(6000, 3*time.Millisecond), reads: run(5000, 4*time.Millisecond), single: time.Millisecond, batch: 15 * time.Millisecond},
				{store: "PostgreSQL", replicas: 2, checks: run(6000, 5*time.Millisecond), reads: run(6000, 4*time.Millisecond), single: time.Millisecond, batch: 25 * time.Millisecond,
					floor: run(8000, 0), writes: []loadRun{run(600, 0), run(300, 0)}},
			}},
	}
	md := r.markdown()
	for _, want := range []string{
		"| access checks on SQLite, one server ≥ 1.0× GETs of one object/s, p99 no higher | 1.20× (6,000/s vs 5,000/s); p99 3.00 ms vs 4.00 ms | met |",
		// As many checks as GETs, but a higher p99: not met.
		"| access checks on PostgreSQL, 2 replicas ≥ 1.0× GETs of one object/s, p99 no higher | 1.00× (6,000/s vs 6,000/s); p99 5.00 ms vs 4.00 ms | **not met** |",
		// With what a GET that reads nothing reaches beside it.
		"| GETs on PostgreSQL, two replicas, ≥ 0.5× `pgbench -S` at 16 clients | 0.60× (6,000/s vs 10,000 TPS); a GET reading nothing (`/healthz`): 0.80× (8,000/s) | met |",
		"| PostgreSQL, 2 replicas | 6,000 | 1.00 ms / 5.00 ms | 6,000 | 1.00 ms / 4.00 ms | 1.00× | 8,000 | 1.00 ms | 25.00 ms |",
		"| a batch of 1,000 checks on SQLite, one server ≤ 20× one check's latency | 15.0× (15.00 ms vs 1.00 ms) | met |",
		"| a batch of 1,000 checks on PostgreSQL, 2 replicas ≤ 20× one check's latency | 25.0× (25.00 ms vs 1.00 ms) | **not met** |",
		// Met in the first run only: not met.
		"| writes on PostgreSQL, 2 replicas, ≥ 0.5× pgbench's simple-update TPS in every run | 0.60×, 0.38× | **not met** |",
		"| 2 | 800 | 300 (0.38×) |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("the report lacks %q:\n%s", want, md)
		}
	}
}

// The checks section reports, of its alternating runs, the run of median
// throughput with the median p50 and p99 of all of them, each on its own.
func TestMedianRunTakesEachMedian(t *testing.T) {
	run := func(perSecond float64, p50, p99 time.Duration) loadRun {
		return loadRun{Result: load.Result{PerSecond: perSecond, P50: p50, P99: p99}, serverCPU: time.Duration(perSecond)}
	}
	m := medianRun([]loadRun{run(100, 3, 50), run(300, 1, 10), run(200, 2, 30)})
	if m.PerSecond != 200 || m.serverCPU != 200 || m.P50 != 2 || m.P99 != 30 {
		t.Errorf("median run %+v", m)
	}
	m = medianRun([]loadRun{run(100, 1, 50), run(300, 2, 30), run(200, 3, 10)})
	if m.PerSecond != 200 || m.P50 != 2 || m.P99 != 30 {
		t.Errorf("median run %+v, want 200/s with p50 2 and p99 30", m)
	}
}
