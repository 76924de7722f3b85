package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/arborhq/terraform-provider-arbor/internal/client"
	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// The soak (make soak) runs Arbor as a team would for a long while:
// three serve replicas on one PostgreSQL database behind a round-robin
// proxy of the harness's own, Terraform applying a changing configuration
// through it again and again while API clients read, and one replica
// restarted every few minutes, alternately stopped cleanly and killed.
// It reports, minute by minute, the resident memory of the two replicas
// never restarted, the p99 latency of the reads, the applies, the 503s
// the clients retried and the errors; then whether the run met its goal:
// the last window (ten minutes, or a third of a shorter run) within 1.2×
// the first for memory and p99, no error but retried 503s, and no object
// created twice (read from the audit log).

// SoakOptions configure a soak.
type SoakOptions struct {
	// Root is the repository, built into the provider binary.
	Root string
	// Work is the scratch directory, emptied first.
	Work string
	Log  io.Writer
	// Out is the report written at the end.
	Out string
	// Duration is the length of the run.
	Duration time.Duration
	// RestartEvery is the time between restarts of the third replica
	// (0: a third of the duration, at most three minutes).
	RestartEvery time.Duration
	// Readers are the API clients reading concurrently, each pausing
	// ReadPause between reads.
	Readers   int
	ReadPause time.Duration
}

// soakReplicas is the number of serve processes; the last is the one
// restarted.
const soakReplicas = 3

// soakGoal is the largest ratio of the last window to the first, for
// memory and p99, that counts as flat.
const soakGoal = 1.2

// soakMinute is what one minute of the run measured.
type soakMinute struct {
	reads       []time.Duration
	readErrors  int
	applies     []time.Duration
	applyErrors int
	// unavailable counts the 503s the clients were answered (and retried):
	// a replica's own, or the proxy's for a replica that was restarting.
	unavailable int
	// serverErrors counts the other 5xx answers: bugs.
	serverErrors int
	restarts     int
	// rss are the samples of the replicas never restarted, per replica.
	rss [soakReplicas - 1][]int64
}

// soakRun is one soak in progress.
type soakRun struct {
	opts    SoakOptions
	start   time.Time
	mu      sync.Mutex
	minutes []*soakMinute
	errs    []string
	logf    func(string, ...any)
}

// minute returns the bucket of now; s.mu is held.
func (s *soakRun) minute() *soakMinute {
	i := int(time.Since(s.start) / time.Minute)
	for len(s.minutes) <= i {
		s.minutes = append(s.minutes, &soakMinute{})
	}
	return s.minutes[i]
}

func (s *soakRun) record(f func(m *soakMinute)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s.minute())
}

// fail records an error (the first few verbatim, for the report).
func (s *soakRun) fail(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	s.logf("error: %s", msg)
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.errs) < 20 {
		s.errs = append(s.errs, msg)
	}
}

// roundRobin is the proxy in front of the replicas: each request goes to
// the next replica in turn. A replica that does not answer (restarting)
// is answered for with 503 and Retry-After, as a load balancer whose
// backend went away answers, and the client retries.
type roundRobin struct {
	run      *soakRun
	mu       sync.RWMutex
	backends []*url.URL
	next     atomic.Uint64
	proxy    *httputil.ReverseProxy
}

type targetKey struct{}

func newRoundRobin(run *soakRun, urls []string) (*roundRobin, error) {
	rr := &roundRobin{run: run}
	for _, u := range urls {
		parsed, err := url.Parse(u)
		if err != nil {
			return nil, err
		}
		rr.backends = append(rr.backends, parsed)
	}
	rr.proxy = &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(pr.In.Context().Value(targetKey{}).(*url.URL))
		},
		ModifyResponse: func(resp *http.Response) error {
			switch {
			case resp.StatusCode == http.StatusServiceUnavailable:
				run.record(func(m *soakMinute) { m.unavailable++ })
			case resp.StatusCode >= 500:
				run.record(func(m *soakMinute) { m.serverErrors++ })
				run.fail("%s %s answered %d", resp.Request.Method, resp.Request.URL.Path, resp.StatusCode)
			}
			return nil
		},
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			run.record(func(m *soakMinute) { m.unavailable++ })
			w.Header().Set("Retry-After", "1")
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintf(w, `{"code":"unavailable","message":"the replica did not answer (restarting): %s"}`+"\n", strings.ReplaceAll(err.Error(), `"`, `'`))
		},
	}
	return rr, nil
}

func (rr *roundRobin) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rr.mu.RLock()
	target := rr.backends[rr.next.Add(1)%uint64(len(rr.backends))]
	rr.mu.RUnlock()
	rr.proxy.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), targetKey{}, target)))
}

func (rr *roundRobin) replace(i int, u string) error {
	parsed, err := url.Parse(u)
	if err != nil {
		return err
	}
	rr.mu.Lock()
	defer rr.mu.Unlock()
	rr.backends[i] = parsed
	return nil
}

// residentBytes is a process's resident set now (VmRSS), 0 when unknown.
func residentBytes(pid int) int64 {
	status := readFile(fmt.Sprintf("/proc/%d/status", pid))
	for _, line := range strings.Split(status, "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err == nil {
				return kb << 10
			}
		}
	}
	return 0
}

// soakConfig is the configuration each apply converges to: iteration
// iter renames every permission and role and changes every workflow, and
// moves a window of five permissions along by one (one created, one
// destroyed).
const soakConfig = `terraform {
  required_providers {
    arbor = { source = "arborhq/arbor" }
  }
}

variable "iter" {
  type = number
}

resource "arbor_permission" "fixed" {
  count = 20
  key   = format("soak.fixed-%02d", count.index)
  name  = "Fixed ${count.index}, apply ${var.iter}"
}

resource "arbor_permission" "moving" {
  for_each = toset([for i in range(var.iter, var.iter + 5) : tostring(i)])
  key      = "soak.moving-${each.key}"
  name     = "Moving ${each.key}"
}

resource "arbor_role" "r" {
  count       = 5
  key         = format("soak-role-%02d", count.index)
  name        = "Role ${count.index}, apply ${var.iter}"
  permissions = [for p in slice(arbor_permission.fixed, count.index * 4, count.index * 4 + 4) : p.key]
}

resource "arbor_channel" "email" {
  key     = "soak-email"
  name    = "Email"
  type    = "email"
  service = "postmark"
}

resource "arbor_workflow" "w" {
  count = 3
  key   = format("soak-workflow-%02d", count.index)
  name  = "Workflow ${count.index}"
  steps = [{ ref = "email", channel = { type = "email", key = arbor_channel.email.key, subject = "Apply ${var.iter}", body = "Hello" } }]
}
`

// Soak runs a soak and writes its report; it fails when the run had
// errors other than retried 503s or duplicates.
func Soak(ctx context.Context, opts SoakOptions) (err error) {
	if opts.RestartEvery <= 0 {
		opts.RestartEvery = min(3*time.Minute, opts.Duration/3)
	}
	work, err := filepath.Abs(opts.Work)
	if err != nil {
		return err
	}
	run := &soakRun{opts: opts, logf: func(format string, args ...any) { fmt.Fprintf(opts.Log, "soak: "+format+"\n", args...) }}
	if err := os.RemoveAll(work); err != nil {
		return err
	}
	binDir := filepath.Join(work, "bin")
	if err := os.MkdirAll(binDir, 0o755); err != nil {
		return err
	}
	binary := filepath.Join(binDir, "terraform-provider-arbor")
	build := exec.CommandContext(ctx, "go", "build", "-o", binary, ".")
	build.Dir = opts.Root
	if out, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("go build: %w\n%s", err, out)
	}
	cliConfig := filepath.Join(work, "terraformrc")
	if err := os.WriteFile(cliConfig, []byte(fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"arborhq/arbor\" = %q\n  }\n  direct {}\n}\n", binDir)), 0o644); err != nil {
		return err
	}

	cluster, err := startPGCluster(ctx)
	if err != nil {
		return err
	}
	defer func() { _ = cluster.Stop("immediate") }() // its files go with it
	if err := cluster.createDatabase(ctx, "arbor"); err != nil {
		return err
	}
	database := cluster.URL("arbor")
	keyEnv := "ARBOR_ENCRYPTION_KEY=" + newEncryptionKey()
	first, err := startServe(ctx, binary, database, keyEnv)
	if err != nil {
		return err
	}
	replicas := []*serveProcess{first}
	defer func() {
		for _, r := range replicas {
			_ = r.stop() // the run's outcome is already decided
		}
	}()
	for len(replicas) < soakReplicas {
		r, err := startReplica(ctx, binary, database, keyEnv)
		if err != nil {
			return err
		}
		replicas = append(replicas, r)
	}
	urls := make([]string, len(replicas))
	for i, r := range replicas {
		urls[i] = r.url
	}
	rr, err := newRoundRobin(run, urls)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	proxy := &http.Server{Handler: rr, ReadHeaderTimeout: 10 * time.Second}
	go proxy.Serve(ln) //nolint:errcheck // ends with Close below
	defer proxy.Close()
	endpoint := "http://" + ln.Addr().String()
	run.logf("%d replicas on PostgreSQL behind %s; %v, a restart every %v", soakReplicas, endpoint, opts.Duration, opts.RestartEvery)

	run.start = time.Now()
	ctx, cancel := context.WithTimeout(ctx, opts.Duration)
	defer cancel()
	var wg sync.WaitGroup
	wg.Go(func() { run.sampleMemory(ctx, replicas[:soakReplicas-1]) })
	wg.Go(func() { run.restartLoop(ctx, rr, &replicas, binary, database, keyEnv) })
	wg.Go(func() { run.applyLoop(ctx, filepath.Join(work, "terraform"), cliConfig, endpoint, first.owner) })
	for range opts.Readers {
		wg.Go(func() { run.readLoop(ctx, endpoint, first.apiKey) })
	}
	wg.Wait()
	elapsed := time.Since(run.start)

	creates, duplicates, err := countDuplicateCreates(context.Background(), endpoint, first.owner)
	if err != nil {
		return fmt.Errorf("reading the audit log: %w", err)
	}
	report, ok := run.report(elapsed, creates, duplicates)
	if err := os.MkdirAll(filepath.Dir(opts.Out), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(opts.Out, []byte(report), 0o644); err != nil {
		return err
	}
	fmt.Fprint(opts.Log, report)
	run.logf("wrote %s", opts.Out)
	if !ok {
		return errors.New("the soak had errors other than retried 503s, or duplicates: see the report")
	}
	return nil
}

// sampleMemory samples the resident memory of the replicas never
// restarted every 10 seconds.
func (s *soakRun) sampleMemory(ctx context.Context, steady []*serveProcess) {
	tick := time.NewTicker(10 * time.Second)
	defer tick.Stop()
	for {
		s.record(func(m *soakMinute) {
			for i, r := range steady {
				if rss := residentBytes(r.cmd.Process.Pid); rss > 0 {
					m.rss[i] = append(m.rss[i], rss)
				}
			}
		})
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// restartLoop restarts the last replica every RestartEvery, alternately
// with SIGTERM (requests in flight finish) and SIGKILL (they are cut off,
// their answers lost).
func (s *soakRun) restartLoop(ctx context.Context, rr *roundRobin, replicas *[]*serveProcess, binary, database, keyEnv string) {
	last := soakReplicas - 1
	for n := 1; ; n++ {
		select {
		case <-ctx.Done():
			return
		case <-time.After(s.opts.RestartEvery):
		}
		old := (*replicas)[last]
		how := "SIGTERM"
		if n%2 == 0 {
			how = "SIGKILL"
			_ = old.cmd.Process.Kill()
			_ = old.cmd.Wait()
		} else if err := old.stop(); err != nil {
			s.fail("stopping replica %d: %v", last+1, err)
		}
		fresh, err := startReplica(context.Background(), binary, database, keyEnv)
		if err != nil {
			s.fail("restarting replica %d: %v", last+1, err)
			return
		}
		(*replicas)[last] = fresh
		if err := rr.replace(last, fresh.url); err != nil {
			s.fail("%v", err)
		}
		s.record(func(m *soakMinute) { m.restarts++ })
		s.logf("replica %d restarted (%s) at %v", last+1, how, time.Since(s.start).Round(time.Second))
	}
}

// applyLoop applies the configuration with the next iteration, one apply
// after the other, until the run ends.
func (s *soakRun) applyLoop(ctx context.Context, dir, cliConfig, endpoint, token string) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		s.fail("%v", err)
		return
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(soakConfig), 0o644); err != nil {
		s.fail("%v", err)
		return
	}
	env := append(cleanEnv(), "TF_CLI_CONFIG_FILE="+cliConfig, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1",
		"ARBOR_ENDPOINT="+endpoint, "ARBOR_API_KEY="+token, "ARBOR_MAX_RETRY_WAIT=2s")
	for iter := 1; ctx.Err() == nil; iter++ {
		// An apply runs to its end even when the run's time is up: a
		// cut-off apply would be an error of the harness's making.
		cmd := exec.Command("terraform", "apply", "-auto-approve", "-input=false", "-no-color", "-var", "iter="+strconv.Itoa(iter))
		cmd.Dir, cmd.Env = dir, env
		start := time.Now()
		out, err := cmd.CombinedOutput()
		took := time.Since(start)
		if err != nil {
			s.record(func(m *soakMinute) { m.applyErrors++ })
			s.fail("apply %d: %v\n%s", iter, err, tail(string(out), 15))
			continue
		}
		s.record(func(m *soakMinute) { m.applies = append(m.applies, took) })
	}
}

// readLoop reads through the proxy until the run ends, with the
// provider's client and its retries: listings, single objects, the
// promotion states and the environments, in turn.
func (s *soakRun) readLoop(ctx context.Context, endpoint, apiKey string) {
	c, err := client.New(client.Config{Endpoint: endpoint, Token: apiKey, MaxRetries: client.DefaultMaxRetries, RetryWaitMax: 2 * time.Second})
	if err != nil {
		s.fail("%v", err)
		return
	}
	perms := client.Objects[domain.Permission](c, domain.KindPermission)
	reads := []func(context.Context) error{
		func(ctx context.Context) error { _, err := perms.List(ctx, domain.Development, nil); return err },
		func(ctx context.Context) error {
			_, err := perms.Get(ctx, domain.Development, "soak.fixed-07")
			if client.IsNotFound(err) {
				return nil // not applied yet
			}
			return err
		},
		func(ctx context.Context) error {
			_, err := c.Promotion(ctx, domain.KindWorkflow, domain.Development, "soak-workflow-01")
			return err
		},
		func(ctx context.Context) error { _, err := c.Environments(ctx); return err },
	}
	for i := 0; ; i++ {
		select {
		case <-ctx.Done():
			return
		case <-time.After(s.opts.ReadPause):
		}
		start := time.Now()
		err := reads[i%len(reads)](context.WithoutCancel(ctx))
		took := time.Since(start)
		if err != nil {
			s.record(func(m *soakMinute) { m.readErrors++ })
			s.fail("read: %v", err)
			continue
		}
		s.record(func(m *soakMinute) { m.reads = append(m.reads, took) })
	}
}

// countDuplicateCreates reads the whole audit log and counts the creates
// and, among them, the objects created again while they existed: a
// retried create made twice.
func countDuplicateCreates(ctx context.Context, endpoint, owner string) (creates, duplicates int, err error) {
	c, err := client.New(client.Config{Endpoint: endpoint, Token: owner, MaxRetries: client.DefaultMaxRetries})
	if err != nil {
		return 0, 0, err
	}
	entries, err := c.Audit(ctx, "", 0)
	if err != nil {
		return 0, 0, err
	}
	slices.SortFunc(entries, func(a, b domain.AuditEntry) int { return int(a.ID - b.ID) })
	exists := map[string]bool{}
	for _, e := range entries {
		id := e.Environment + "/" + e.Kind + "/" + e.Key
		switch e.Action {
		case "create":
			creates++
			if exists[id] {
				duplicates++
			}
			exists[id] = true
		case "delete":
			exists[id] = false
		}
	}
	return creates, duplicates, nil
}

// window is the length compared at both ends of the run.
func soakWindow(elapsed time.Duration) time.Duration {
	return min(10*time.Minute, elapsed/3).Truncate(time.Minute)
}

func p99(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[int(math.Ceil(0.99*float64(len(s))))-1]
}

func meanBytes(xs []int64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	total := 0.0
	for _, x := range xs {
		total += float64(x)
	}
	return total / float64(len(xs))
}

func mibOf(b float64) string { return fmt.Sprintf("%.1f MiB", b/(1<<20)) }

// report is the run's Markdown report, and whether it had no errors and
// no duplicates.
func (s *soakRun) report(elapsed time.Duration, creates, duplicates int) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var b strings.Builder
	m := describeMachine(s.opts.Root)
	fmt.Fprintf(&b, "## Soak\n\n%v on %s (%d cores), %s, Terraform %s: %d serve replicas on one PostgreSQL database (fsync on) behind a round-robin proxy; "+
		"Terraform applies one after the other (20 permissions renamed, 5 roles, 3 workflows changed, one permission created and one destroyed per apply); "+
		"%d API readers (a read every %v each, through the provider's client and its retries); replica %d restarted every %v, alternately SIGTERM and SIGKILL.\n\n",
		elapsed.Round(time.Second), m.CPU, m.Cores, m.Go, m.Terraform, soakReplicas, s.opts.Readers, s.opts.ReadPause, soakReplicas, s.opts.RestartEvery)
	fmt.Fprintf(&b, "| minute | reads | read p99 | applies | apply median | 503s retried | errors | restarts | RSS replica 1 | RSS replica 2 |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	errorsTotal, unavailable := 0, 0
	for _, mi := range s.minutes {
		errorsTotal += mi.readErrors + mi.applyErrors + mi.serverErrors
		unavailable += mi.unavailable
	}
	for i, mi := range s.minutes {
		if time.Duration(i)*time.Minute+30*time.Second > elapsed {
			break // the last apply's tail after the run, or a few seconds (counted above)
		}
		errs := mi.readErrors + mi.applyErrors + mi.serverErrors
		fmt.Fprintf(&b, "| %d | %d | %v | %d | %v | %d | %d | %d | %s | %s |\n", i+1, len(mi.reads), p99(mi.reads).Round(100*time.Microsecond),
			len(mi.applies), median(mi.applies).Round(100*time.Millisecond), mi.unavailable, errs, mi.restarts, mibOf(meanBytes(mi.rss[0])), mibOf(meanBytes(mi.rss[1])))
	}
	window := soakWindow(elapsed)
	n := int(window / time.Minute)
	full := int(elapsed / time.Minute)
	// An audit log without creates would prove nothing of duplicates.
	ok := errorsTotal == 0 && duplicates == 0 && creates > 0
	fmt.Fprintf(&b, "\nGoal: the last %v within %.1f× the first %v for memory and read p99; no error but retried 503s; no duplicate.\n\n", window, soakGoal, window)
	if n == 0 || full < 2*n {
		fmt.Fprintf(&b, "- The run is too short to compare windows.\n")
	} else {
		firstMinutes, lastMinutes := s.minutes[:n], s.minutes[full-n:full]
		var firstReads, lastReads []time.Duration
		for _, mi := range firstMinutes {
			firstReads = append(firstReads, mi.reads...)
		}
		for _, mi := range lastMinutes {
			lastReads = append(lastReads, mi.reads...)
		}
		ratio := float64(p99(lastReads)) / float64(p99(firstReads))
		fmt.Fprintf(&b, "- Read p99: first %v %v, last %v %v: %.2f× (%s).\n", window, p99(firstReads).Round(100*time.Microsecond), window, p99(lastReads).Round(100*time.Microsecond), ratio, met(ratio <= soakGoal))
		for r := range soakReplicas - 1 {
			var first, last []int64
			for _, mi := range firstMinutes {
				first = append(first, mi.rss[r]...)
			}
			for _, mi := range lastMinutes {
				last = append(last, mi.rss[r]...)
			}
			ratio := meanBytes(last) / meanBytes(first)
			fmt.Fprintf(&b, "- RSS of replica %d (never restarted): first %v %s, last %v %s: %.2f× (%s).\n", r+1, window, mibOf(meanBytes(first)), window, mibOf(meanBytes(last)), ratio, met(ratio <= soakGoal))
		}
	}
	fmt.Fprintf(&b, "- Errors other than retried 503s: %d (%s); 503s answered and retried: %d.\n", errorsTotal, met(errorsTotal == 0), unavailable)
	fmt.Fprintf(&b, "- Objects created twice, among the %d creates of the audit log: %d (%s).\n", creates, duplicates, met(duplicates == 0 && creates > 0))
	for _, e := range s.errs {
		fmt.Fprintf(&b, "\n```\n%s\n```\n", strings.TrimSpace(e))
	}
	return b.String(), ok
}

func met(ok bool) string {
	if ok {
		return "met"
	}
	return "not met"
}
