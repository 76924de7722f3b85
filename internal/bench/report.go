package bench

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Goals of issue 7. Ratios hold across machines; absolute figures are for
// the 2-core machine the issue was written on.
const (
	goalReadsPerSecond = 10000
	goalWritesPerSec   = 2000
	goalStartup        = 100 * time.Millisecond
	goalDocuments      = time.Second
)

// Goals of issue 11 on PostgreSQL: writes against pgbench's simple-update
// TPS at the same client count on the same cluster, reads with two
// replicas.
const (
	goalWritesToPgbench   = 0.5
	goalPostgresReplicas  = 2
	goalPostgresReadsPerS = 10000
)

// report is everything one run measured.
type report struct {
	machine    machine
	opts       Options
	terraform  []terraformResult
	memory     []memoryResult
	throughput throughputResult
	postgres   postgresResult
	checks     checksResult
	documents  documentResult
	startup    startupResult
	goBench    []goBenchmark
	// failed names the sections that failed: the report leaves them out.
	failed []string
}

func (r report) markdown() string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	m := r.machine
	p("# Benchmarks")
	p("")
	p("Written by `make bench` (`internal/bench`): rerun it rather than editing this file. Each figure is the median of the repetitions shown. " +
		"Each ratio is the median, over repetitions, of the ratio between two runs of the same repetition, made back to back, so that it compares runs made under the same load. " +
		"This machine is shared with other work (see the load average): trust ratios more than absolute figures.")
	p("")
	p("## Machine")
	p("")
	p("| | |")
	p("|---|---|")
	p("| CPU | %s, %d cores, %s memory |", m.CPU, m.Cores, m.Memory)
	p("| Kernel | Linux %s |", m.Kernel)
	p("| Go | %s |", m.Go)
	p("| Terraform | %s |", m.Terraform)
	p("| Commit | %s |", m.Commit)
	p("| Date | %s |", m.Start.UTC().Format("2006-01-02 15:04 MST"))
	p("| Length of the run | %v |", m.Elapsed.Round(time.Second))
	p("| Load average (1, 5, 15 min) at start; at end | %s; %s |", m.LoadStart, m.LoadEnd)
	p("")
	if len(r.failed) > 0 {
		p("**Not measured: %s failed in this run**, and its figures are left out (the error is in the run's output).", strings.Join(r.failed, ", "))
		p("")
	}
	r.goals(p)
	r.terraformSection(p)
	r.memorySection(p)
	r.throughputSection(p)
	r.postgresSection(p)
	r.checks.checksSection(p)
	r.documentsSection(p)
	r.startupSection(p)
	r.goBenchSection(p)
	r.consoleSection(p)
	p("## Reproduce")
	p("")
	p("- `make bench` runs all of the above and rewrites this file (the length of the run is in the table above: most of it is Terraform applying and destroying 3000 resources for the memory section, whose cost grows as N²). `make bench ONLY=<sections>` (`-only`, comma-separated) measures some sections alone and updates only their part of this file, their goals' rows and sections, marked with when and under what load they ran (`ONLY=postgres`: the backend on PostgreSQL and its pgbench floor; `ONLY=checks`: issue 25's access checks beside GETs on SQLite and PostgreSQL, GETs against `pgbench -S`, and writes against `pgbench -N` in three runs with one and two replicas, in a few minutes; `ONLY=memory`: the peak memory), `-link-delay` sets the slow link's one-way delay, `-memory-sizes` the sizes whose peak memory is measured, `-arbor-binary` measures a given build: `go run ./internal/bench/cmd/arbor-bench -h`.")
	p("- `make bench-profile` writes CPU profiles of the provider during apply and refresh plan (served in-process, Terraform attached to it) and of the backend under the read and the write load, to `.bench/profiles`; read them with `go tool pprof -top`.")
	p("- `go test -run '^$' -bench . -benchmem %s` runs the Go benchmarks alone.", strings.Join(goBenchPackages, " "))
	return b.String()
}

func (r report) documentsSection(p func(string, ...any)) {
	d := r.documents
	if len(d.runs) == 0 {
		return
	}
	p("## Configuration documents")
	p("")
	p("A document of %s objects (%s KiB: permissions, roles granting three permissions each, a hierarchy, OAuth clients, webhooks and two-step workflows) "+
		"is imported into the empty development environment of a new database, then exported, over loopback, by a client in the harness's process; "+
		"each run on a fresh `serve` process. The import validates the whole document, then writes it in one transaction, generating and sealing the new OAuth client and webhook secrets.",
		thousands(float64(d.objects)), thousands(float64(d.bytes)/1024))
	p("")
	p("| | median | runs |")
	p("|---|---:|---|")
	for _, row := range []struct {
		name string
		f    func(documentRun) time.Duration
	}{
		{"import", func(x documentRun) time.Duration { return x.importWall }},
		{"export", func(x documentRun) time.Duration { return x.exportWall }},
		{"both", func(x documentRun) time.Duration { return x.importWall + x.exportWall }},
		{"server CPU, both", func(x documentRun) time.Duration { return x.serverCPU }},
	} {
		p("| %s | %s | %s |", row.name, ms(median(collect(d.runs, row.f))), strings.Join(collect(d.runs, func(x documentRun) string { return ms(row.f(x)) }), ", "))
	}
	p("")
}

func (r report) goals(p func(string, ...any)) {
	p("## Goals")
	p("")
	p("Terraform goals compare wall-clock time, as a user feels it; the CPU ratio beside each (Terraform, its plugins and, in remote mode, the server) moves much less with the machine's load.")
	p("")
	p("| goal | measured | |")
	p("|---|---|---|")
	r.terraformGoals(p)
	if len(r.throughput.reads) > 0 {
		reads := medianFloat(collect(r.throughput.reads, func(x loadRun) float64 { return x.PerSecond }))
		writes := medianFloat(collect(r.throughput.writes, func(x loadRun) float64 { return x.PerSecond }))
		p("| backend reads ≥ %s/s | %s/s (%.2f× the goal) | %s |", thousands(goalReadsPerSecond), thousands(reads), reads/goalReadsPerSecond, verdict(reads >= goalReadsPerSecond))
		p("| backend writes ≥ %s/s | %s/s (%.2f× the goal) | %s |", thousands(goalWritesPerSec), thousands(writes), writes/goalWritesPerSec, verdict(writes >= goalWritesPerSec))
	}
	if pg := r.postgres; len(pg.pgbench) > 0 {
		tps := medianFloat(collect(pg.pgbench, func(x pgbenchRun) float64 { return x.tps }))
		for _, runs := range pg.byReplicas {
			writes := medianFloat(collect(runs.writes, func(x loadRun) float64 { return x.PerSecond }))
			ratio := pg.writesToPgbench(runs.replicas)
			p("| backend writes on PostgreSQL, %s, ≥ %.1f× pgbench's simple-update TPS at %d clients | %.2f× (medians: %s/s; pgbench %s TPS) | %s |",
				replicaWord(runs.replicas), goalWritesToPgbench, pg.concurrency, ratio, thousands(writes), thousands(tps), verdict(ratio >= goalWritesToPgbench))
		}
		if runs, ok := pg.replicas(goalPostgresReplicas); ok {
			reads := medianFloat(collect(runs.reads, func(x loadRun) float64 { return x.PerSecond }))
			p("| backend reads on PostgreSQL, %s, ≥ %s/s | %s/s (%.2f× the goal) | %s |", replicaWord(goalPostgresReplicas),
				thousands(goalPostgresReadsPerS), thousands(reads), reads/goalPostgresReadsPerS, verdict(reads >= goalPostgresReadsPerS))
		}
	}
	r.checks.checksGoals(p)
	if r.startup.runs > 0 {
		start := median(collect(r.startup.samples["terraform-provider-arbor"], startupSample.total))
		p("| provider start-up to schema served ≤ %v | %s (%.2f× the budget) | %s |", goalStartup, ms(start), float64(start)/float64(goalStartup), verdict(start <= goalStartup))
	}
	if len(r.documents.runs) > 0 {
		both := median(collect(r.documents.runs, func(x documentRun) time.Duration { return x.importWall + x.exportWall }))
		p("| export + import of %s objects ≤ %v | %s (%.2f× the budget) | %s |", thousands(float64(r.documents.objects)), goalDocuments, ms(both), float64(both)/float64(goalDocuments), verdict(both <= goalDocuments))
	}
	p("")
}

func (r report) throughputSection(p func(string, ...any)) {
	t := r.throughput
	if len(t.reads) == 0 {
		return
	}
	p("## Backend throughput and latency")
	p("")
	p("A `serve` process on 127.0.0.1 and a new database, reached over loopback by the load generator of `internal/bench/load` in the harness's process: "+
		"%d workers, each with one request in flight on a keep-alive connection of its own (closed loop), for %v per run; %d runs of each load, alternating. "+
		"Every request authenticates with an environment API key, as Terraform in remote mode does. "+
		"Reads GET one of %d permissions; writes PUT a new permission each, create-only (`If-None-Match: *`) as `terraform apply` does; each is answered once it is durable (synchronous=FULL). "+
		"On %d cores the load generator competes with the server for CPU, so these figures are a floor.",
		t.concurrency, t.duration, len(t.reads), seeded, r.machine.Cores)
	p("")
	p("| load | requests/s | goal | × goal | p50 | p99 | server CPU per request | generator CPU per request | CPU ceiling |")
	p("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, l := range []struct {
		name string
		runs []loadRun
		goal float64
	}{{"reads: GET a permission", t.reads, goalReadsPerSecond}, {"writes: PUT a new permission", t.writes, goalWritesPerSec}} {
		perSec := medianFloat(collect(l.runs, func(x loadRun) float64 { return x.PerSecond }))
		p50 := median(collect(l.runs, func(x loadRun) time.Duration { return x.P50 }))
		p99 := median(collect(l.runs, func(x loadRun) time.Duration { return x.P99 }))
		server := median(collect(l.runs, func(x loadRun) time.Duration { return x.perRequest(x.serverCPU) }))
		generator := median(collect(l.runs, func(x loadRun) time.Duration { return x.perRequest(x.generatorCPU) }))
		ceiling := 0.0
		if server+generator > 0 {
			ceiling = float64(r.machine.Cores) * float64(time.Second) / float64(server+generator)
		}
		p("| %s | %s | %s | %.2f× | %s | %s | %s | %s | %s/s |", l.name, thousands(perSec), thousands(l.goal), perSec/l.goal, ms(p50), ms(p99), micros(server), micros(generator), thousands(ceiling))
	}
	p("")
	p("*CPU ceiling* is the rate at which the server and the generator together would use all %d cores, from their CPU time per request: what this machine could sustain with nothing else running (writes are also bounded by the single writer, which the ceiling ignores).", r.machine.Cores)
	p("")
	p("Runs, in order (requests/s):")
	p("")
	p("- reads: %s", strings.Join(collect(t.reads, func(x loadRun) string { return thousands(x.PerSecond) }), ", "))
	p("- writes: %s", strings.Join(collect(t.writes, func(x loadRun) string { return thousands(x.PerSecond) }), ", "))
	p("")
}

func replicaWord(n int) string {
	if n == 1 {
		return "1 replica"
	}
	return fmt.Sprintf("%d replicas", n)
}

func (r report) postgresSection(p func(string, ...any)) {
	pg := r.postgres
	if len(pg.pgbench) == 0 {
		return
	}
	p("## Backend on PostgreSQL, against pgbench")
	p("")
	p("A throwaway PostgreSQL cluster started by the harness as the tests start theirs (`initdb`, `pg_ctl`, 127.0.0.1, trust authentication), "+
		"with `%s`: a commit is answered once it is on disk, as on SQLite above. On it, in one database, %d `serve` processes sharing one `ARBOR_ENCRYPTION_KEY`; "+
		"the same loads as above (%d workers, %v per run, closed loop, an environment API key), against the first replica alone and against every replica, "+
		"the workers shared out among them, each keeping to one. "+
		"The floor, in another database of the same cluster: `pgbench -N` (simple update: one `UPDATE` of an account, a `SELECT` of it and an `INSERT` into the history, in one transaction, after `pgbench -i -s 1`) "+
		"with %d clients for the same time. %d runs, each of pgbench then Arbor's loads, back to back; *× pgbench* is the median of each run's ratio to that run's pgbench.",
		strings.Join(pgClusterSettings, ", "), slices.Max(replicaCounts), pg.concurrency, pg.duration, pg.concurrency, len(pg.pgbench))
	p("")
	p("| load | requests/s | × pgbench | p50 | p99 | serve CPU per request | PostgreSQL CPU per request | client CPU per request | CPU ceiling |")
	p("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
	ceiling := func(cpu ...time.Duration) string {
		var total time.Duration
		for _, c := range cpu {
			total += c
		}
		if total <= 0 {
			return "–"
		}
		return thousands(float64(r.machine.Cores)*float64(time.Second)/float64(total)) + "/s"
	}
	tps := medianFloat(collect(pg.pgbench, func(x pgbenchRun) float64 { return x.tps }))
	perTx := func(x pgbenchRun, cpu time.Duration) time.Duration {
		if x.tps <= 0 {
			return 0
		}
		return time.Duration(float64(cpu) / (x.tps * pg.duration.Seconds()))
	}
	floorDatabase := median(collect(pg.pgbench, func(x pgbenchRun) time.Duration { return perTx(x, x.databaseCPU) }))
	floorClient := median(collect(pg.pgbench, func(x pgbenchRun) time.Duration { return perTx(x, x.clientCPU) }))
	p("| pgbench -N, %d clients (transactions/s; latency average) | %s | 1.00× | – | %s average | – | %s | %s | %s |", pg.concurrency, thousands(tps),
		ms(median(collect(pg.pgbench, func(x pgbenchRun) time.Duration { return x.latencyAverage }))),
		micros(floorDatabase), micros(floorClient), ceiling(floorDatabase, floorClient))
	for _, runs := range pg.byReplicas {
		for _, l := range []struct {
			name string
			runs []loadRun
		}{{"reads: GET a permission", runs.reads}, {"writes: PUT a new permission", runs.writes}} {
			var ratios []float64
			for i, x := range l.runs {
				if i < len(pg.pgbench) && pg.pgbench[i].tps > 0 {
					ratios = append(ratios, x.PerSecond/pg.pgbench[i].tps)
				}
			}
			server := median(collect(l.runs, func(x loadRun) time.Duration { return x.perRequest(x.serverCPU) }))
			database := median(collect(l.runs, func(x loadRun) time.Duration { return x.perRequest(x.databaseCPU) }))
			generator := median(collect(l.runs, func(x loadRun) time.Duration { return x.perRequest(x.generatorCPU) }))
			p("| %s, %s | %s | %.2f× | %s | %s | %s | %s | %s | %s |", l.name, replicaWord(runs.replicas),
				thousands(medianFloat(collect(l.runs, func(x loadRun) float64 { return x.PerSecond }))), medianFloat(ratios),
				ms(median(collect(l.runs, func(x loadRun) time.Duration { return x.P50 }))),
				ms(median(collect(l.runs, func(x loadRun) time.Duration { return x.P99 }))),
				micros(server), micros(database), micros(generator), ceiling(server, database, generator))
		}
	}
	p("")
	p("*Serve CPU* is every replica's; *PostgreSQL CPU* is the cluster's processes' (its backends, WAL writer and checkpointer); *client CPU* is the load generator's, or pgbench's; "+
		"*CPU ceiling* is the rate at which the three together would use all %d cores. "+
		"Arbor's writes take one advisory lock shared by all replicas (`internal/store/postgres`), held until the commit is on disk; "+
		"a replica's writes that queue behind one another share one transaction, lock and WAL flush (group commit, `commit.go`), "+
		"so the replicas take turns with whole batches, while pgbench's %d clients commit side by side and share their WAL flushes.", r.machine.Cores, pg.concurrency)
	p("")
	p("Runs, in order (per second):")
	p("")
	p("- pgbench -N: %s", strings.Join(collect(pg.pgbench, func(x pgbenchRun) string { return thousands(x.tps) }), ", "))
	for _, runs := range pg.byReplicas {
		p("- reads, %s: %s", replicaWord(runs.replicas), strings.Join(collect(runs.reads, func(x loadRun) string { return thousands(x.PerSecond) }), ", "))
		p("- writes, %s: %s", replicaWord(runs.replicas), strings.Join(collect(runs.writes, func(x loadRun) string { return thousands(x.PerSecond) }), ", "))
	}
	p("")
}

func (r report) startupSection(p func(string, ...any)) {
	s := r.startup
	if s.runs == 0 {
		return
	}
	p("## Provider start-up")
	p("")
	p("Each provider binary is launched the way Terraform launches it (go-plugin client: magic cookie, protocols 5 and 6 offered, AutoMTLS, gRPC), "+
		"timed from the launch until its first `GetProviderSchema` has been answered; then it is stopped. "+
		"*Handshake* is process start to gRPC connection (Go runtime and package initialisation, the handshake line, the TLS certificate exchange); "+
		"*schema* is the `GetProviderSchema` call. %d starts of each, alternating, after one untimed start of each. "+
		"Configuring the provider (in embedded mode: opening the database) comes later, in `ConfigureProvider`, and is part of every Terraform figure above.", s.runs)
	p("")
	p("| provider | binary | handshake | schema | total | slowest | × no-op | schema size |")
	p("|---|---:|---:|---:|---:|---:|---:|---:|")
	noop := collect(s.samples[noopProvider], startupSample.total)
	for _, name := range s.binaries {
		samples := s.samples[name]
		total := collect(samples, startupSample.total)
		schemaBytes := 0
		if len(samples) > 0 {
			schemaBytes = samples[0].schemaBytes
		}
		p("| %s | %.1f MiB | %s | %s | %s | %s | %.2f× | %s B |", name, float64(s.size[name])/(1<<20),
			ms(median(collect(samples, func(x startupSample) time.Duration { return x.handshake }))),
			ms(median(collect(samples, func(x startupSample) time.Duration { return x.schema }))),
			ms(median(total)), ms(slices.Max(append(total, 0))), pairedRatio(total, noop), thousands(float64(schemaBytes)))
	}
	p("")
}

func (r report) goBenchSection(p func(string, ...any)) {
	if len(r.goBench) == 0 {
		return
	}
	p("## Go benchmarks of the hot paths")
	p("")
	p("`go test -run '^$' -bench . -benchmem` over %s, once each (the default one-second benchtime). They run without Terraform, so they show a regression in one layer in review. *CPU/op* is the CPU time the benchmark's process spent per operation (all goroutines, the garbage collector's included): on a busy machine it moves much less than the time per operation.", strings.Join(goBenchPackages, ", "))
	p("")
	p("| package | benchmark | time/op | CPU/op | B/op | allocs/op |")
	p("|---|---|---:|---:|---:|---:|")
	for _, g := range r.goBench {
		if _, ok := g.consolePage(); ok {
			continue
		}
		p("| %s | %s | %s | %s | %s | %s |", g.pkg, g.name, g.micros("ns/op"), g.micros("cpu-ns/op"), g.metrics["B/op"], g.metrics["allocs/op"])
	}
	p("")
}

// consolePageGoal is DESIGN's bound on a console page's render time on
// the server with 10,000 objects of a kind.
const consolePageGoal = 50 * time.Millisecond

// consoleSection is the console's BenchmarkPages: every page it registers,
// rendered on the server with 10,000 objects of every kind.
func (r report) consoleSection(p func(string, ...any)) {
	var pages []goBenchmark
	for _, g := range r.goBench {
		if _, ok := g.consolePage(); ok {
			pages = append(pages, g)
		}
	}
	if len(pages) == 0 {
		return
	}
	p("## Console")
	p("")
	p("`BenchmarkPages` in internal/console (run with the Go benchmarks above): every page the console registers, the review an import form posts to included, rendered by the server as an owner signed in, over 10,000 objects of every kind in development (identities in the account), a copy of each workflow, guide, partial, translation and email layout in production with one in a thousand changed, and 10,000 tokens, API keys and audit entries. Pending promotion and the promotion review are shown in production, above development; the import review is sent development's export (10,000 objects of each configuration kind), and `one-kind/config/review` a document of 10,000 permissions. Each page is shown once before it is timed, as a person finds it on a second look; `cold/` times the reviews made anew after a write to production outside the configuration before each (its in-app channel: the kept export is taken again without reading a section), `cold-kind/` after a write of one object of a configuration kind there (a workflow; that object's row is read again, and the rest of its section taken as it was), `new-document/` the import review of a document the server was never sent (the export with as many spaces before it as the times it was sent: the same objects in other bytes, so nothing made of an earlier upload serves), as a person's first upload, and `cold/<section>/`, `cold-kind/<section>/` and `new-document/<section>/` the same on a site holding 10,000 objects of that configuration kind alone (the import review sent its export; the write of that kind). *Server* is what the page's `Server-Timing` header says the server took; *round trip* adds the client's share (sending and reading the page), which for a document of megabytes is most of it. The goal is %s per page on the server.", ms(consolePageGoal))
	p("")
	p("| page | server | round trip | B/op | allocs/op | under %s |", ms(consolePageGoal))
	p("|---|---:|---:|---:|---:|---|")
	for _, g := range pages {
		page, _ := g.consolePage()
		verdict, took := "–", "–"
		var server float64
		if _, err := fmt.Sscanf(g.metrics["server-ms/op"], "%g", &server); err == nil {
			d := time.Duration(server * float64(time.Millisecond))
			verdict, took = "yes", ms(d)
			if d >= consolePageGoal {
				verdict = "**no**"
			}
		}
		p("| `%s` | %s | %s | %s | %s | %s |", page, took, g.millis("ns/op"), g.metrics["B/op"], g.metrics["allocs/op"], verdict)
	}
	p("")
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }

func secondsRange(ds []time.Duration) string {
	if len(ds) == 0 {
		return "–"
	}
	return fmt.Sprintf("%s (%.2f–%.2f)", seconds(median(ds)), slices.Min(ds).Seconds(), slices.Max(ds).Seconds())
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond)) }

func micros(d time.Duration) string {
	return fmt.Sprintf("%.1f µs", float64(d)/float64(time.Microsecond))
}

// thousands renders a count with thousands separators: 12,345.
func thousands(v float64) string {
	s := fmt.Sprintf("%.0f", v)
	var out []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 && s[i-1] != '-' {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}
