package bench

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"sync"
	"time"

	"github.com/arborhq/terraform-provider-arbor/internal/bench/load"
)

// seeded is how many permissions the read load chooses from.
const seeded = 1000

func permissionPath(key string) string {
	return "/v1/environments/development/permissions/" + key
}

// loadTarget is the API a load runs against: one or more replicas of
// one backend, which the workers share out, each staying on one replica
// (its keep-alive connection), as a load balancer's connections would.
type loadTarget struct {
	urls  []string
	token string
}

// url is the base URL worker sends to.
func (t loadTarget) url(worker int) string { return t.urls[worker%len(t.urls)] }

// readLoad GETs seeded permissions, each worker walking them in its own
// order.
func (t loadTarget) readLoad(concurrency int, d time.Duration) load.Config {
	return load.Config{
		Concurrency: concurrency, Duration: d,
		Request: func(worker, i int) (*http.Request, error) {
			req, err := http.NewRequest(http.MethodGet, t.url(worker)+permissionPath(fmt.Sprintf("seed-%04d", (worker*7919+i*31)%seeded)), nil)
			if err == nil {
				req.Header.Set("Authorization", "Bearer "+t.token)
			}
			return req, err
		},
		OK: func(status int) bool { return status == http.StatusOK },
	}
}

// writeLoad creates permissions, each request a new one, create-only as
// terraform apply writes them. run keeps the keys of successive runs apart.
func (t loadTarget) writeLoad(run, concurrency int, d time.Duration) load.Config {
	body := []byte(`{"name":"Load test permission","description":"written by the benchmark's write load"}`)
	return load.Config{
		Concurrency: concurrency, Duration: d,
		Request: func(worker, i int) (*http.Request, error) {
			req, err := http.NewRequest(http.MethodPut, t.url(worker)+permissionPath(fmt.Sprintf("load-%d-%d-%d", run, worker, i)), bytes.NewReader(body))
			if err == nil {
				req.Header.Set("Authorization", "Bearer "+t.token)
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("If-None-Match", "*")
			}
			return req, err
		},
		OK: func(status int) bool { return status == http.StatusCreated },
	}
}

// seed creates the permissions the read load reads.
func (t loadTarget) seed(ctx context.Context) error {
	const workers = 8
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: workers}}
	defer client.CloseIdleConnections()
	var wg sync.WaitGroup
	errs := make(chan error, seeded)
	keys := make(chan int)
	for range workers {
		wg.Go(func() {
			for i := range keys {
				body := fmt.Sprintf(`{"name":"Seeded permission %d"}`, i)
				req, err := http.NewRequestWithContext(ctx, http.MethodPut, t.url(i)+permissionPath(fmt.Sprintf("seed-%04d", i)), bytes.NewReader([]byte(body)))
				if err != nil {
					errs <- err
					continue
				}
				req.Header.Set("Authorization", "Bearer "+t.token)
				req.Header.Set("Content-Type", "application/json")
				resp, err := client.Do(req)
				if err != nil {
					errs <- err
					continue
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusCreated {
					errs <- fmt.Errorf("seeding permission %d: HTTP %d", i, resp.StatusCode)
				}
			}
		})
	}
	for i := range seeded {
		keys <- i
	}
	close(keys)
	wg.Wait()
	close(errs)
	return <-errs
}

// loadRun is one load run, with the CPU time the servers (every replica),
// the database server where it is a process of its own, and the load
// generator (this process) used during it.
type loadRun struct {
	load.Result
	serverCPU, databaseCPU, generatorCPU time.Duration
}

// measureLoad runs cfg, timing the CPU of servers and of the database
// server (databaseCPU, nil for SQLite: it is in the servers' processes).
// A run with failed requests is an error: it measured something else.
func measureLoad(ctx context.Context, cfg load.Config, servers []*serveProcess, databaseCPU func() time.Duration) (loadRun, error) {
	serversCPU := func() (total time.Duration) {
		for _, s := range servers {
			total += s.cpu()
		}
		return total
	}
	if databaseCPU == nil {
		databaseCPU = func() time.Duration { return 0 }
	}
	server, database, generator := serversCPU(), databaseCPU(), selfCPU()
	res := load.Run(ctx, cfg)
	run := loadRun{Result: res, serverCPU: serversCPU() - server, databaseCPU: databaseCPU() - database, generatorCPU: selfCPU() - generator}
	if res.Failures > 0 {
		return run, fmt.Errorf("%d of %d requests failed; the first: %s", res.Failures, res.Requests, res.FirstFailure)
	}
	return run, nil
}

// perRequest divides a run's CPU time among its requests.
func (x loadRun) perRequest(cpu time.Duration) time.Duration {
	if x.Requests == 0 {
		return 0
	}
	return cpu / time.Duration(x.Requests)
}

// throughputResult holds the runs of the read and the write load.
type throughputResult struct {
	concurrency   int
	duration      time.Duration
	reads, writes []loadRun
}

// measureThroughput runs the read and the write load against a serve
// process, alternating, opts.LoadRuns times each.
func (h *harness) measureThroughput(ctx context.Context) (throughputResult, error) {
	r := throughputResult{concurrency: h.opts.LoadConcurrency, duration: h.opts.LoadDuration}
	srv, err := startServe(ctx, h.arborBinary, filepath.Join(h.work, "throughput", "serve.db"))
	if err != nil {
		return r, err
	}
	defer func() { _ = srv.stop() }() // a failed stop does not change what was measured
	t := loadTarget{urls: []string{srv.url}, token: srv.apiKey}
	if err := t.seed(ctx); err != nil {
		return r, err
	}
	measure := func(cfg load.Config) (loadRun, error) { return measureLoad(ctx, cfg, []*serveProcess{srv}, nil) }
	for i := range h.opts.LoadRuns {
		read, err := measure(t.readLoad(r.concurrency, r.duration))
		if err != nil {
			return r, fmt.Errorf("read load: %w", err)
		}
		r.reads = append(r.reads, read)
		write, err := measure(t.writeLoad(i, r.concurrency, r.duration))
		if err != nil {
			return r, fmt.Errorf("write load: %w", err)
		}
		r.writes = append(r.writes, write)
		h.logf("throughput: run %d/%d reads %.0f/s (p50 %v, p99 %v)  writes %.0f/s (p50 %v, p99 %v)", i+1, h.opts.LoadRuns,
			read.PerSecond, read.P50.Round(time.Microsecond), read.P99.Round(time.Microsecond),
			write.PerSecond, write.P50.Round(time.Microsecond), write.P99.Round(time.Microsecond))
	}
	return r, nil
}
