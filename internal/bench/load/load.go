// Package load is a closed-loop HTTP load generator: a fixed number of
// workers each send one request, wait for the answer, and send the next,
// for a fixed duration. It reports throughput and latency percentiles.
//
// Each worker keeps one connection to the server and speaks HTTP/1.1 on it
// itself, with net/http's own Request.Write and ReadResponse, instead of
// going through http.Transport, whose goroutines and channels cost about as
// much CPU per request as a small request costs the server. On a machine
// with few cores the generator shares them with the server, so what it
// spends is taken from what it measures; wrk keeps its own cost down the
// same way.
package load

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"sync"
	"time"
)

// Config describes one load run.
type Config struct {
	// Concurrency is the number of workers, each with one request in
	// flight at a time.
	Concurrency int
	// Duration is how long requests are started for.
	Duration time.Duration
	// Request builds the i-th request of a worker.
	Request func(worker, i int) (*http.Request, error)
	// OK reports whether a response status counts as a success.
	OK func(status int) bool
}

// Result is what one run measured.
type Result struct {
	Requests int
	// Failures counts requests that did not succeed (transport errors
	// and statuses OK refused); FirstFailure describes the first.
	// Latencies are those of every request answered, failed or not.
	Failures     int
	FirstFailure string
	Elapsed      time.Duration
	// PerSecond is successful requests per second.
	PerSecond float64
	P50, P99  time.Duration
}

// Run runs cfg until its duration has passed or ctx ends.
func Run(ctx context.Context, cfg Config) Result {
	ctx, cancel := context.WithTimeout(ctx, cfg.Duration)
	defer cancel()
	type worker struct {
		latencies    []time.Duration
		ok, failures int
		firstFailure string
	}
	workers := make([]worker, cfg.Concurrency)
	var wg sync.WaitGroup
	start := time.Now()
	for w := range workers {
		wg.Go(func() {
			me := &workers[w]
			me.latencies = make([]time.Duration, 0, 4096)
			var c conn
			defer c.close()
			fail := func(format string, args ...any) {
				if me.failures == 0 {
					me.firstFailure = fmt.Sprintf(format, args...)
				}
				me.failures++
			}
			for i := 0; ctx.Err() == nil; i++ {
				req, err := cfg.Request(w, i)
				if err != nil {
					fail("building request: %v", err)
					return
				}
				// The run's deadline does not cut a request short: it is
				// measured to its end, so the last ones are not failures.
				t0 := time.Now()
				status, body, err := c.roundTrip(req)
				if err != nil {
					fail("%s %s: %v", req.Method, req.URL.Path, err)
					continue
				}
				me.latencies = append(me.latencies, time.Since(t0))
				if !cfg.OK(status) {
					fail("%s %s: HTTP %d: %.200s", req.Method, req.URL.Path, status, body)
					continue
				}
				me.ok++
			}
		})
	}
	wg.Wait()
	r := Result{Elapsed: time.Since(start)}
	var all []time.Duration
	ok := 0
	for _, w := range workers {
		all = append(all, w.latencies...)
		if w.failures > 0 && r.Failures == 0 {
			r.FirstFailure = w.firstFailure
		}
		r.Failures += w.failures
		ok += w.ok
	}
	r.Requests = ok + r.Failures
	r.PerSecond = float64(ok) / r.Elapsed.Seconds()
	slices.Sort(all)
	r.P50 = Percentile(all, 50)
	r.P99 = Percentile(all, 99)
	return r
}

// Percentile returns the p-th percentile (nearest rank) of sorted values.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(float64(len(sorted))*p/100+0.5) - 1
	return sorted[min(max(rank, 0), len(sorted)-1)]
}

// conn is a worker's keep-alive connection, dialled on first use and
// again after an error or a response that closes it.
type conn struct {
	nc net.Conn
	r  *bufio.Reader
	w  *bufio.Writer
}

func (c *conn) roundTrip(req *http.Request) (status int, body []byte, err error) {
	if c.nc == nil {
		nc, err := net.DialTimeout("tcp", req.URL.Host, 10*time.Second)
		if err != nil {
			return 0, nil, err
		}
		c.nc, c.r, c.w = nc, bufio.NewReader(nc), bufio.NewWriter(nc)
	}
	if err := c.nc.SetDeadline(time.Now().Add(time.Minute)); err != nil {
		c.close()
		return 0, nil, err
	}
	resp, err := c.exchange(req)
	if err != nil {
		c.close()
		return 0, nil, err
	}
	body, err = io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.Close {
		c.close()
	}
	return resp.StatusCode, body, err
}

func (c *conn) exchange(req *http.Request) (*http.Response, error) {
	if err := req.Write(c.w); err != nil {
		return nil, err
	}
	if err := c.w.Flush(); err != nil {
		return nil, err
	}
	return http.ReadResponse(c.r, req)
}

func (c *conn) close() {
	if c.nc != nil {
		c.nc.Close()
		c.nc = nil
	}
}
