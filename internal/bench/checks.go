package bench

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/arborhq/terraform-provider-arbor/internal/bench/load"
)

// The checks section (issue 25): access checks as an application asks
// them, on every request, beside a GET of one object on the same store, on
// SQLite and on PostgreSQL with one and two replicas, with pgbench on the
// same cluster as the floor.

// The environment the checks run in, as issue 25 measured it.
const (
	accessNodes       = 1000
	accessPermissions = 20
	accessRoles       = 10
	accessIdentities  = 100
	accessAssignments = 500
	// accessBatch is the size of the batch compared with one check.
	accessBatch = 1000
	// latencySamples single checks are timed, one at a time, for each
	// batch timed; latencyRounds batches are.
	latencySamples = 10
	latencyRounds  = 15
	// requestsPerWorker is how many distinct requests of each load a
	// worker builds before the runs and then cycles through.
	requestsPerWorker = 1024
)

// Goals of issue 25.
const (
	goalChecksToReads     = 1.0
	goalReadsToPgbenchSel = 0.5
	goalBatchToCheck      = 20.0
)

func nodeKey(i int) string       { return fmt.Sprintf("n-%04d", i) }
func identityKey(i int) string   { return fmt.Sprintf("user-%03d", i) }
func permissionKey(i int) string { return fmt.Sprintf("perm-%02d", i) }
func roleKey(i int) string       { return fmt.Sprintf("role-%d", i) }

// nodeParent is node i's parent: a tree of fan-out 10, four levels deep.
func nodeParent(i int) int { return (i - 1) / 10 }

// spread spreads (a, b) over the integers, so that workers ask different
// questions in an order of their own.
func spread(a, b int) int {
	x := uint64(a)*0x9E3779B97F4A7C15 + uint64(b)*0xBF58476D1CE4E5B9
	x ^= x >> 31
	x *= 0x94D049BB133111EB
	x ^= x >> 29
	return int(x >> 1)
}

// accessQuestion is the i-th question of worker w.
func accessQuestion(w, i int) map[string]string {
	h := spread(w, i)
	return map[string]string{
		"identity_key": identityKey(h % accessIdentities),
		"permission":   permissionKey((h / accessIdentities) % accessPermissions),
		"node_key":     nodeKey((h / (accessIdentities * accessPermissions)) % accessNodes),
	}
}

// seedAccess writes the environment the checks run in through serve, as
// a team's Terraform would: permissions, roles, the hierarchy level by
// level, identities (with the owner token: they are account-level) and the
// assignments.
func seedAccess(ctx context.Context, url, owner string) error {
	type put struct{ path, body string }
	var levels [][]put
	var perms, roles, ids, assigns []put
	const env = "/v1/environments/development"
	for i := range accessPermissions {
		perms = append(perms, put{env + "/permissions/" + permissionKey(i), fmt.Sprintf(`{"name":"Permission %d"}`, i)})
	}
	for i := range accessRoles {
		var held []string
		for _, p := range []int{i, i + 5, i + 10, (i * 7) % accessPermissions} {
			if k := permissionKey(p % accessPermissions); !slices.Contains(held, k) {
				held = append(held, k)
			}
		}
		b, _ := json.Marshal(map[string]any{"name": fmt.Sprintf("Role %d", i), "permissions": held})
		roles = append(roles, put{env + "/roles/" + roleKey(i), string(b)})
	}
	depth := func(i int) int {
		d := 0
		for ; i > 0; i = nodeParent(i) {
			d++
		}
		return d
	}
	for i := range accessNodes {
		d := depth(i)
		for len(levels) <= d {
			levels = append(levels, nil)
		}
		body := fmt.Sprintf(`{"name":"Node %d"}`, i)
		if i > 0 {
			body = fmt.Sprintf(`{"name":"Node %d","parent_key":%q}`, i, nodeKey(nodeParent(i)))
		}
		levels[d] = append(levels[d], put{env + "/hierarchy-nodes/" + nodeKey(i), body})
	}
	for i := range accessIdentities {
		ids = append(ids, put{"/v1/identities/" + identityKey(i), fmt.Sprintf(`{"name":"User %d","email":"user-%d@example.com"}`, i, i)})
	}
	seen := map[string]bool{}
	for j := 0; len(assigns) < accessAssignments; j++ {
		h := spread(-1, j)
		path := fmt.Sprintf("%s/role-assignments/%s/%s/%s", env, identityKey(h%accessIdentities), roleKey((h/accessIdentities)%accessRoles),
			nodeKey((h/(accessIdentities*accessRoles))%accessNodes))
		if !seen[path] {
			seen[path] = true
			assigns = append(assigns, put{path, `{}`})
		}
	}
	steps := append([][]put{perms, roles, ids}, levels...)
	steps = append(steps, assigns)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 8}}
	defer client.CloseIdleConnections()
	for _, step := range steps {
		var wg sync.WaitGroup
		errs := make(chan error, len(step))
		work := make(chan put)
		for range 8 {
			wg.Go(func() {
				for p := range work {
					req, err := http.NewRequestWithContext(ctx, http.MethodPut, url+p.path, bytes.NewReader([]byte(p.body)))
					if err != nil {
						errs <- err
						continue
					}
					req.Header.Set("Authorization", "Bearer "+owner)
					req.Header.Set("Content-Type", "application/json")
					resp, err := client.Do(req)
					if err != nil {
						errs <- err
						continue
					}
					data, _ := io.ReadAll(resp.Body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusCreated {
						errs <- fmt.Errorf("seeding %s: HTTP %d: %s", p.path, resp.StatusCode, data)
					}
				}
			})
		}
		for _, p := range step {
			work <- p
		}
		close(work)
		wg.Wait()
		close(errs)
		if err := <-errs; err != nil {
			return err
		}
	}
	return nil
}

// perWorker builds, before a load runs, the first requestsPerWorker
// values of each worker's sequence, which the worker then cycles through:
// a request of the run costs the generator no more than taking the next.
func perWorker[T any](concurrency int, build func(worker, i int) T) func(worker, i int) T {
	built := make([][]T, concurrency)
	for w := range built {
		built[w] = make([]T, requestsPerWorker)
		for i := range built[w] {
			built[w][i] = build(w, i)
		}
	}
	return func(worker, i int) T { return built[worker][i%requestsPerWorker] }
}

// checkLoad asks access checks, each worker its own sequence of questions.
// Bodies and URLs are built before the run, as nodeReadLoad's URLs are, so
// that the generator spends on a check what it spends on a GET.
func (t loadTarget) checkLoad(concurrency int, d time.Duration) load.Config {
	url := make([]string, concurrency)
	for w := range url {
		url[w] = t.url(w) + "/v1/environments/development/access/check"
	}
	body := perWorker(concurrency, func(worker, i int) []byte {
		b, _ := json.Marshal(accessQuestion(worker, i))
		return b
	})
	return load.Config{
		Concurrency: concurrency, Duration: d,
		Request: func(worker, i int) (*http.Request, error) {
			req, err := http.NewRequest(http.MethodPost, url[worker], bytes.NewReader(body(worker, i)))
			if err == nil {
				req.Header.Set("Authorization", "Bearer "+t.token)
				req.Header.Set("Content-Type", "application/json")
			}
			return req, err
		},
		OK: func(status int) bool { return status == http.StatusOK },
	}
}

// nodeReadLoad GETs hierarchy nodes: one object of the environment the
// checks read, each worker walking them in its own order from URLs built
// before the run.
func (t loadTarget) nodeReadLoad(concurrency int, d time.Duration) load.Config {
	url := perWorker(concurrency, func(worker, i int) string {
		return t.url(worker) + "/v1/environments/development/hierarchy-nodes/" + nodeKey(spread(worker, i)%accessNodes)
	})
	return load.Config{
		Concurrency: concurrency, Duration: d,
		Request: func(worker, i int) (*http.Request, error) {
			req, err := http.NewRequest(http.MethodGet, url(worker, i), nil)
			if err == nil {
				req.Header.Set("Authorization", "Bearer "+t.token)
			}
			return req, err
		},
		OK: func(status int) bool { return status == http.StatusOK },
	}
}

// floorLoad GETs /healthz, which reads no credential and no database: what
// a GET costs serve's HTTP stack and the load generator alone, the most
// GETs per second a read of the store could reach on this machine.
func (t loadTarget) floorLoad(concurrency int, d time.Duration) load.Config {
	url := make([]string, concurrency)
	for w := range url {
		url[w] = t.url(w) + "/healthz"
	}
	return load.Config{
		Concurrency: concurrency, Duration: d,
		Request: func(worker, _ int) (*http.Request, error) {
			return http.NewRequest(http.MethodGet, url[worker], nil)
		},
		OK: func(status int) bool { return status == http.StatusOK },
	}
}

// batchLatency times, one request at a time on one connection, single
// checks and batches of accessBatch checks, interleaved so that both see
// the same load; it returns the median of each.
func (t loadTarget) batchLatency(ctx context.Context) (single, batch time.Duration, err error) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
	defer client.CloseIdleConnections()
	post := func(path string, body []byte) (time.Duration, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.urls[0]+path, bytes.NewReader(body))
		if err != nil {
			return 0, err
		}
		req.Header.Set("Authorization", "Bearer "+t.token)
		req.Header.Set("Content-Type", "application/json")
		start := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		data, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		took := time.Since(start)
		if err == nil && resp.StatusCode != http.StatusOK {
			err = fmt.Errorf("POST %s: HTTP %d: %.200s", path, resp.StatusCode, data)
		}
		return took, err
	}
	var singles, batches []time.Duration
	n := 0
	for round := range latencyRounds {
		for range latencySamples {
			body, _ := json.Marshal(accessQuestion(-2, n))
			n++
			d, err := post("/v1/environments/development/access/check", body)
			if err != nil {
				return 0, 0, err
			}
			singles = append(singles, d)
		}
		checks := make([]map[string]string, accessBatch)
		for i := range checks {
			checks[i] = accessQuestion(-3-round, i)
		}
		body, _ := json.Marshal(map[string]any{"checks": checks})
		d, err := post("/v1/environments/development/access/batch-check", body)
		if err != nil {
			return 0, 0, err
		}
		batches = append(batches, d)
	}
	return median(singles), median(batches), nil
}

// checksOn is what one store (and number of replicas) measured.
type checksOn struct {
	store    string
	replicas int
	checks   loadRun
	reads    loadRun
	// floor is a run of floorLoad: GETs that read nothing.
	floor loadRun
	// single and batch are the median latencies of one check and of a
	// batch of accessBatch, asked one at a time (see batchLatency).
	single, batch time.Duration
	// writes are LoadRuns write loads, each beside pgbench's
	// simple-update run of the same repetition (PostgreSQL only).
	writes []loadRun
}

// checksResult holds the checks section's runs.
type checksResult struct {
	concurrency int
	duration    time.Duration
	stores      []checksOn
	// pgbenchSelect is pgbench -S on the cluster of the PostgreSQL runs;
	// pgbenchUpdate its -N runs, one per write repetition.
	pgbenchSelect pgbenchRun
	pgbenchUpdate []pgbenchRun
}

func (r checksResult) on(store string, replicas int) (checksOn, bool) {
	for _, s := range r.stores {
		if s.store == store && s.replicas == replicas {
			return s, true
		}
	}
	return checksOn{}, false
}

// warmUp is how long each load runs, unmeasured, before the measured
// runs: long enough for the servers' connection pools, the environment's
// access index and the Go heap to reach their size under load.
func warmUp(d time.Duration) time.Duration { return min(d/5, time.Second) }

// measureChecksOn runs the check and the read load against t, back to
// back, and times single checks against batches. Both loads first run
// unmeasured (warmUp), so that neither measured run pays for warming what
// the other then finds warm: whichever ran first used to open the
// servers' database connections for both.
func (h *harness) measureChecksOn(ctx context.Context, t loadTarget, servers []*serveProcess, dbCPU func() time.Duration, on *checksOn) error {
	checks := t.checkLoad(h.opts.LoadConcurrency, h.opts.LoadDuration)
	reads := t.nodeReadLoad(h.opts.LoadConcurrency, h.opts.LoadDuration)
	for _, cfg := range []load.Config{checks, reads} {
		cfg.Duration = warmUp(h.opts.LoadDuration)
		if res := load.Run(ctx, cfg); res.Failures > 0 {
			return fmt.Errorf("warming up, %s, %s: %d of %d requests failed; the first: %s", on.store, replicaWord(on.replicas),
				res.Failures, res.Requests, res.FirstFailure)
		}
	}
	// A p99 of one run moves with what else the two cores did in it: the
	// loads alternate checksRuns times and each figure is the median.
	var checkRuns, readRuns []loadRun
	for range checksRuns {
		run, err := measureLoad(ctx, checks, servers, dbCPU)
		if err != nil {
			return fmt.Errorf("check load, %s, %s: %w", on.store, replicaWord(on.replicas), err)
		}
		checkRuns = append(checkRuns, run)
		if run, err = measureLoad(ctx, reads, servers, dbCPU); err != nil {
			return fmt.Errorf("read load, %s, %s: %w", on.store, replicaWord(on.replicas), err)
		}
		readRuns = append(readRuns, run)
	}
	on.checks, on.reads = medianRun(checkRuns), medianRun(readRuns)
	// Once, after a warm-up: its throughput alone is read.
	floor := t.floorLoad(h.opts.LoadConcurrency, h.opts.LoadDuration)
	warm := floor
	warm.Duration = warmUp(h.opts.LoadDuration)
	load.Run(ctx, warm)
	var err error
	if on.floor, err = measureLoad(ctx, floor, servers, dbCPU); err != nil {
		return fmt.Errorf("/healthz load, %s, %s: %w", on.store, replicaWord(on.replicas), err)
	}
	if on.single, on.batch, err = t.batchLatency(ctx); err != nil {
		return fmt.Errorf("batch latency, %s: %w", on.store, err)
	}
	h.logf("checks: %s: checks %.0f/s (p50 %v, p99 %v; CPU %s); GETs %.0f/s (p50 %v, p99 %v; CPU %s); /healthz %.0f/s (CPU %s); one check %v, a batch of %d %v",
		on.where(),
		on.checks.PerSecond, on.checks.P50.Round(time.Microsecond), on.checks.P99.Round(time.Microsecond), on.checks.cpuPerRequest(),
		on.reads.PerSecond, on.reads.P50.Round(time.Microsecond), on.reads.P99.Round(time.Microsecond), on.reads.cpuPerRequest(),
		on.floor.PerSecond, on.floor.cpuPerRequest(),
		on.single.Round(time.Microsecond), accessBatch, on.batch.Round(time.Microsecond))
	return nil
}

// checksRuns is how many times the check and the read load alternate.
const checksRuns = 3

// medianRun is the run of median throughput among runs, with the median
// p50 and p99 of them all.
func medianRun(runs []loadRun) loadRun {
	sorted := slices.Clone(runs)
	slices.SortFunc(sorted, func(a, b loadRun) int { return cmp.Compare(a.PerSecond, b.PerSecond) })
	m := sorted[len(sorted)/2]
	median := func(of func(loadRun) time.Duration) time.Duration {
		ds := make([]time.Duration, len(runs))
		for i, r := range runs {
			ds[i] = of(r)
		}
		slices.Sort(ds)
		return ds[len(ds)/2]
	}
	m.P50 = median(func(r loadRun) time.Duration { return r.P50 })
	m.P99 = median(func(r loadRun) time.Duration { return r.P99 })
	return m
}

// measureChecks measures access checks on SQLite (one serve process) and
// on PostgreSQL (one and two replicas of one database, beside pgbench -S
// and -N on the same cluster).
func (h *harness) measureChecks(ctx context.Context) (r checksResult, err error) {
	r = checksResult{concurrency: h.opts.LoadConcurrency, duration: h.opts.LoadDuration}

	srv, err := startServe(ctx, h.arborBinary, filepath.Join(h.work, "checks", "serve.db"))
	if err != nil {
		return r, err
	}
	sqliteErr := func() error {
		defer func() { _ = srv.stop() }() // a failed stop does not change what was measured
		if err := seedAccess(ctx, srv.url, srv.owner); err != nil {
			return err
		}
		on := checksOn{store: "SQLite", replicas: 1}
		if err := h.measureChecksOn(ctx, loadTarget{urls: []string{srv.url}, token: srv.apiKey}, []*serveProcess{srv}, nil, &on); err != nil {
			return err
		}
		r.stores = append(r.stores, on)
		return nil
	}()
	if sqliteErr != nil {
		return r, sqliteErr
	}

	pb, err := h.startPGBench(ctx)
	if err != nil {
		return r, err
	}
	defer func() {
		if stopErr := pb.stop(); err == nil {
			err = stopErr
		}
	}()
	cluster, pgbench, servers, first, urls := pb.cluster, pb.pgbench, pb.servers, pb.servers[0], pb.urls()
	if err := seedAccess(ctx, first.url, first.owner); err != nil {
		return r, err
	}
	if r.pgbenchSelect, err = cluster.runPgbench(ctx, pgbench, pgbenchSelectOnly, r.concurrency, runtime.NumCPU(), r.duration); err != nil {
		return r, err
	}
	if n := r.pgbenchSelect.tps * r.duration.Seconds(); n > 0 {
		perTx := func(d time.Duration) time.Duration { return (d / time.Duration(n)).Round(time.Microsecond) }
		h.logf("checks: pgbench -S %.0f TPS (CPU PostgreSQL %v, pgbench %v per transaction)", r.pgbenchSelect.tps,
			perTx(r.pgbenchSelect.databaseCPU), perTx(r.pgbenchSelect.clientCPU))
	}
	for _, n := range replicaCounts {
		on := checksOn{store: "PostgreSQL", replicas: n}
		if err := h.measureChecksOn(ctx, loadTarget{urls: urls[:n], token: first.apiKey}, servers, cluster.cpu, &on); err != nil {
			return r, err
		}
		r.stores = append(r.stores, on)
	}
	// Writes last: they add permissions to the environment the checks read.
	for i := range h.opts.LoadRuns {
		floor, err := cluster.runPgbench(ctx, pgbench, pgbenchSimpleUpdate, r.concurrency, runtime.NumCPU(), r.duration)
		if err != nil {
			return r, err
		}
		r.pgbenchUpdate = append(r.pgbenchUpdate, floor)
		line := fmt.Sprintf("checks: run %d/%d pgbench -N %.0f TPS", i+1, h.opts.LoadRuns, floor.tps)
		for j, n := range replicaCounts {
			t := loadTarget{urls: urls[:n], token: first.apiKey}
			write, err := measureLoad(ctx, t.writeLoad(1000+i*len(replicaCounts)+j, r.concurrency, r.duration), servers, cluster.cpu)
			if err != nil {
				return r, fmt.Errorf("write load, %s: %w", replicaWord(n), err)
			}
			for k := range r.stores {
				if r.stores[k].store == "PostgreSQL" && r.stores[k].replicas == n {
					r.stores[k].writes = append(r.stores[k].writes, write)
				}
			}
			line += fmt.Sprintf("; %s: writes %.0f/s (%.2f× pgbench)", replicaWord(n), write.PerSecond, write.PerSecond/floor.tps)
		}
		h.logf("%s", line)
	}
	return r, nil
}

// cpuPerRequest says where a run's CPU went, per request: in the serve
// processes, the database server (PostgreSQL only) and the load
// generator; what the servers spend is what a change to them can cut.
func (x loadRun) cpuPerRequest() string {
	round := func(d time.Duration) time.Duration { return x.perRequest(d).Round(time.Microsecond) }
	s := fmt.Sprintf("serve %v", round(x.serverCPU))
	if x.databaseCPU > 0 {
		s += fmt.Sprintf(", PostgreSQL %v", round(x.databaseCPU))
	}
	return s + fmt.Sprintf(", generator %v per request", round(x.generatorCPU))
}

// where names a store and its number of serve processes.
func (on checksOn) where() string {
	if on.store == "SQLite" {
		return "SQLite, one server"
	}
	return on.store + ", " + replicaWord(on.replicas)
}

// fineMs formats a latency to the hundredth of a millisecond: a check
// answered from memory takes less than one.
func fineMs(d time.Duration) string {
	return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond))
}

// checksGoals prints each goal of issue 25, measured, with its verdict.
func (r checksResult) checksGoals(p func(string, ...any)) {
	if len(r.stores) == 0 {
		return
	}
	for _, s := range []struct {
		store    string
		replicas int
	}{{"SQLite", 1}, {"PostgreSQL", 2}} {
		on, ok := r.on(s.store, s.replicas)
		if !ok {
			continue
		}
		ratio := on.checks.PerSecond / on.reads.PerSecond
		p("| access checks on %s ≥ %.1f× GETs of one object/s, p99 no higher | %.2f× (%s/s vs %s/s); p99 %s vs %s | %s |",
			on.where(), goalChecksToReads, ratio, thousands(on.checks.PerSecond), thousands(on.reads.PerSecond),
			fineMs(on.checks.P99), fineMs(on.reads.P99), verdict(ratio >= goalChecksToReads && on.checks.P99 <= on.reads.P99))
	}
	if on, ok := r.on("PostgreSQL", 2); ok && r.pgbenchSelect.tps > 0 {
		ratio := on.reads.PerSecond / r.pgbenchSelect.tps
		floor := ""
		if on.floor.PerSecond > 0 {
			// What no read of the store can pass: the same servers'
			// GETs that read nothing.
			floor = fmt.Sprintf("; a GET reading nothing (`/healthz`): %.2f× (%s/s)", on.floor.PerSecond/r.pgbenchSelect.tps, thousands(on.floor.PerSecond))
		}
		p("| GETs on PostgreSQL, two replicas, ≥ %.1f× `pgbench -S` at %d clients | %.2f× (%s/s vs %s TPS)%s | %s |",
			goalReadsToPgbenchSel, r.concurrency, ratio, thousands(on.reads.PerSecond), thousands(r.pgbenchSelect.tps), floor, verdict(ratio >= goalReadsToPgbenchSel))
	}
	for _, on := range r.stores {
		if on.single <= 0 {
			continue
		}
		ratio := float64(on.batch) / float64(on.single)
		p("| a batch of %s checks on %s ≤ %.0f× one check's latency | %.1f× (%s vs %s) | %s |", thousands(accessBatch), on.where(),
			goalBatchToCheck, ratio, fineMs(on.batch), fineMs(on.single), verdict(ratio <= goalBatchToCheck))
	}
	for _, on := range r.stores {
		if len(on.writes) == 0 {
			continue
		}
		var ratios []string
		met := len(on.writes) == len(r.pgbenchUpdate)
		for i, w := range on.writes {
			ratio := w.PerSecond / r.pgbenchUpdate[i].tps
			ratios = append(ratios, fmt.Sprintf("%.2f×", ratio))
			met = met && ratio >= goalWritesToPgbench
		}
		p("| writes on PostgreSQL, %s, ≥ %.1f× pgbench's simple-update TPS in every run | %s | %s |", replicaWord(on.replicas), goalWritesToPgbench,
			joinWords(ratios), verdict(met))
	}
}

func joinWords(words []string) string {
	var b bytes.Buffer
	for i, w := range words {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(w)
	}
	return b.String()
}

// checksSection prints the section's figures.
func (r checksResult) checksSection(p func(string, ...any)) {
	if len(r.stores) == 0 {
		return
	}
	p("## Access checks")
	p("")
	p("The development environment of a new database holds %s hierarchy nodes (a tree of fan-out 10, four levels), %d permissions, %d roles, %d identities and %d role assignments, written through the API. "+
		"%d workers, each with one request in flight on a keep-alive connection of its own, for %v per run, authenticate with an environment API key and ask `POST …/access/check` about a spread of identities, permissions and nodes, "+
		"then GET one hierarchy node each (the same store, right after); the two loads alternate %d times, and each figure below is the median of those runs (throughput, p50 and p99 each on its own). Each worker's request bodies and URLs are built before the runs, so the load generator spends as little on a check as on a GET, "+
		"and both loads first run unmeasured for %v each, so that neither measured run pays for warming connection pools and caches the other finds warm. "+
		"One check and a batch of %s are then timed one request at a time (medians of %d and %d, interleaved). "+
		"The same workers then GET `/healthz` for one run, after its own warm-up: it reads no credential and no database, so what it reaches is what serve's HTTP stack and the load generator leave on this machine for any GET, whatever its store. "+
		"On PostgreSQL, `pgbench -S` (one SELECT by primary key per transaction) runs on the same cluster at the same client count, and the write load (`PUT` of a new permission, create-only) runs beside `pgbench -N`, %d times.",
		thousands(accessNodes), accessPermissions, accessRoles, accessIdentities, accessAssignments, r.concurrency, r.duration, checksRuns, warmUp(r.duration), thousands(accessBatch),
		latencyRounds*latencySamples, latencyRounds, len(r.pgbenchUpdate))
	p("")
	p("| store | checks/s | p50 / p99 | GETs/s | p50 / p99 | checks ÷ GETs | `/healthz`/s | one check | batch of %s |", thousands(accessBatch))
	p("|---|---:|---|---:|---|---:|---:|---:|---:|")
	for _, on := range r.stores {
		p("| %s | %s | %s / %s | %s | %s / %s | %.2f× | %s | %s | %s |", on.where(),
			thousands(on.checks.PerSecond), fineMs(on.checks.P50), fineMs(on.checks.P99),
			thousands(on.reads.PerSecond), fineMs(on.reads.P50), fineMs(on.reads.P99),
			on.checks.PerSecond/on.reads.PerSecond, thousands(on.floor.PerSecond), fineMs(on.single), fineMs(on.batch))
	}
	p("")
	if r.pgbenchSelect.tps > 0 {
		p("`pgbench -S` at %d clients: %s TPS.", r.concurrency, thousands(r.pgbenchSelect.tps))
		p("")
	}
	if len(r.pgbenchUpdate) > 0 {
		p("| run | pgbench -N TPS | writes/s, one replica | writes/s, two replicas |")
		p("|---|---:|---:|---:|")
		for i, floor := range r.pgbenchUpdate {
			row := fmt.Sprintf("| %d | %s", i+1, thousands(floor.tps))
			for _, n := range replicaCounts {
				on, _ := r.on("PostgreSQL", n)
				if i < len(on.writes) {
					row += fmt.Sprintf(" | %s (%.2f×)", thousands(on.writes[i].PerSecond), on.writes[i].PerSecond/floor.tps)
				}
			}
			p("%s |", row)
		}
		p("")
	}
}
