package bench

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/arborhq/terraform-provider-arbor/internal/store/pgcluster"
)

// pgCluster is a throwaway PostgreSQL cluster the harness started, as
// pgtest starts one for the tests, except that it keeps PostgreSQL's
// durability defaults: fsync, synchronous_commit and full_page_writes on,
// so that a commit is answered once it is on disk, as SQLite's runs
// (synchronous=FULL) are. pgbench and Arbor run on the same cluster, so
// they share these settings. pgtest's own cluster cannot serve here: it is
// handed out to tests only (through a testing.TB) and runs with fsync off.
type pgCluster struct {
	*pgcluster.Cluster
}

// pgClusterSettings are the server options of the cluster, shown in the
// report.
var pgClusterSettings = []string{"fsync=on", "synchronous_commit=on", "full_page_writes=on", "max_connections=300"}

func startPGCluster(ctx context.Context) (*pgCluster, error) {
	c, err := pgcluster.Start(ctx, pgcluster.Options{DirPattern: "arbor-bench-pg-", Settings: pgClusterSettings})
	if err != nil {
		return nil, fmt.Errorf("%w: install the PostgreSQL server binaries to measure the backend on PostgreSQL, or leave the postgres section out (-only)", err)
	}
	return &pgCluster{c}, nil
}

func (c *pgCluster) createDatabase(ctx context.Context, name string) error {
	conn, err := pgx.Connect(ctx, c.URL("postgres"))
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, "CREATE DATABASE "+name)
	return err
}

// cpu is the CPU time of the postmaster and the processes it forked (the
// backends serving connections, the WAL writer, the checkpointer) so far:
// the postmaster's own, that of the children it has reaped (pgbench's
// backends end with its run), and that of those still running.
func (c *pgCluster) cpu() time.Duration {
	pidFile, err := os.ReadFile(filepath.Join(c.DataDir(), "postmaster.pid"))
	if err != nil {
		return 0
	}
	first, _, _ := strings.Cut(string(pidFile), "\n")
	postmaster, err := strconv.Atoi(strings.TrimSpace(first))
	if err != nil {
		return 0
	}
	stat, ok := readStat(postmaster)
	if !ok {
		return 0
	}
	total := stat.cpu + stat.reapedChildrenCPU
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if child, ok := readStat(pid); ok && child.parent == postmaster {
			total += child.cpu
		}
	}
	return total
}

// pgbenchBinary is pgbench on PATH, else the one beside the server.
func (c *pgCluster) pgbenchBinary() (string, error) {
	if p, err := exec.LookPath("pgbench"); err == nil {
		return p, nil
	}
	p := filepath.Join(c.Bin, "pgbench")
	if _, err := os.Stat(p); err != nil {
		return "", errors.New("pgbench is not on PATH nor beside the PostgreSQL server binaries: it is the floor the PostgreSQL figures are compared with")
	}
	return p, nil
}

// pgbenchRun is one timed pgbench run.
type pgbenchRun struct {
	tps            float64
	latencyAverage time.Duration
	// databaseCPU and clientCPU are the CPU time of the cluster and of
	// pgbench during the run.
	databaseCPU, clientCPU time.Duration
}

var (
	pgbenchTPS     = regexp.MustCompile(`(?m)^tps = ([0-9.]+) \(without initial connection time\)`)
	pgbenchLatency = regexp.MustCompile(`(?m)^latency average = ([0-9.]+) ms`)
)

// parsePgbench reads the TPS and the average latency from pgbench's
// summary.
func parsePgbench(out string) (pgbenchRun, error) {
	var r pgbenchRun
	m := pgbenchTPS.FindStringSubmatch(out)
	if m == nil {
		return r, fmt.Errorf("no tps line in pgbench's output:\n%s", out)
	}
	r.tps, _ = strconv.ParseFloat(m[1], 64)
	if m := pgbenchLatency.FindStringSubmatch(out); m != nil {
		ms, _ := strconv.ParseFloat(m[1], 64)
		r.latencyAverage = time.Duration(ms * float64(time.Millisecond))
	}
	return r, nil
}

// pgbenchDatabase is the database of the cluster pgbench works in, apart
// from Arbor's.
const pgbenchDatabase = "pgbench"

// initPgbench creates pgbench's tables (scale 1: 100,000 accounts, more
// than enough rows for the clients to seldom update the same one).
func (c *pgCluster) initPgbench(ctx context.Context, pgbench string) error {
	if err := c.createDatabase(ctx, pgbenchDatabase); err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, pgbench, "-i", "-q", "-s", "1", c.URL(pgbenchDatabase))
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("pgbench -i: %v\n%s", err, out)
	}
	return nil
}

// pgbench's built-in scripts the harness runs.
const (
	// pgbenchSimpleUpdate (-N): one UPDATE of an account, one SELECT of
	// it, one INSERT into the history, in one transaction.
	pgbenchSimpleUpdate = "-N"
	// pgbenchSelectOnly (-S): one SELECT of an account by its key.
	pgbenchSelectOnly = "-S"
)

// runPgbench runs one of pgbench's built-in scripts with clients
// connections for d. Its threads (-j) are as many as the cores, as the
// load generator's goroutines may use.
func (c *pgCluster) runPgbench(ctx context.Context, pgbench, script string, clients, threads int, d time.Duration) (pgbenchRun, error) {
	cmd := exec.CommandContext(ctx, pgbench, script, "-c", strconv.Itoa(clients), "-j", strconv.Itoa(min(clients, threads)),
		"-T", strconv.Itoa(max(1, int(d.Round(time.Second).Seconds()))), c.URL(pgbenchDatabase))
	database := c.cpu()
	out, err := cmd.CombinedOutput()
	if err != nil {
		return pgbenchRun{}, fmt.Errorf("pgbench %s: %v\n%s", script, err, out)
	}
	r, err := parsePgbench(string(out))
	r.databaseCPU = c.cpu() - database
	r.clientCPU = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	return r, err
}

// newEncryptionKey is a random ARBOR_ENCRYPTION_KEY, which replicas of one
// PostgreSQL database must share.
func newEncryptionKey() string {
	key := make([]byte, 32)
	_, _ = rand.Read(key) // crypto/rand.Read does not fail
	return base64.StdEncoding.EncodeToString(key)
}

// postgresResult holds the runs on PostgreSQL: pgbench's, and Arbor's with
// each number of replicas, run i of each made back to back.
type postgresResult struct {
	concurrency int
	duration    time.Duration
	pgbench     []pgbenchRun
	byReplicas  []replicaRuns
}

// replicaRuns are the loads against a number of replicas.
type replicaRuns struct {
	replicas      int
	reads, writes []loadRun
}

// replicaCounts are the numbers of serve processes measured on one
// database.
var replicaCounts = []int{1, 2}

// pgBench is a throwaway cluster with pgbench's tables in one database and,
// in another, Arbor's, served by slices.Max(replicaCounts) serve replicas
// sharing one encryption key: what the postgres and checks sections
// measure on.
type pgBench struct {
	cluster *pgCluster
	pgbench string
	// servers are the replicas, the first the one that created the
	// database (its owner token and API key are the load's).
	servers []*serveProcess
}

// startPGBench starts the cluster, initialises pgbench's database and
// starts the replicas. On error, what was started is stopped.
func (h *harness) startPGBench(ctx context.Context) (b *pgBench, err error) {
	cluster, err := startPGCluster(ctx)
	if err != nil {
		return nil, err
	}
	b = &pgBench{cluster: cluster}
	defer func() {
		if err != nil {
			_ = b.stop() // the start's error is the one to report
		}
	}()
	if b.pgbench, err = cluster.pgbenchBinary(); err != nil {
		return nil, err
	}
	if err := cluster.initPgbench(ctx, b.pgbench); err != nil {
		return nil, err
	}
	if err := cluster.createDatabase(ctx, "arbor"); err != nil {
		return nil, err
	}
	keyEnv := "ARBOR_ENCRYPTION_KEY=" + newEncryptionKey()
	first, err := startServe(ctx, h.arborBinary, cluster.URL("arbor"), keyEnv)
	if err != nil {
		return nil, err
	}
	b.servers = []*serveProcess{first}
	for len(b.servers) < slices.Max(replicaCounts) {
		s, err := startReplica(ctx, h.arborBinary, cluster.URL("arbor"), keyEnv)
		if err != nil {
			return nil, err
		}
		b.servers = append(b.servers, s)
	}
	return b, nil
}

// urls are the replicas' base URLs, the first replica's first.
func (b *pgBench) urls() []string {
	var urls []string
	for _, s := range b.servers {
		urls = append(urls, s.url)
	}
	return urls
}

// stop stops the replicas (a failed stop does not change what was
// measured), then the cluster, whose error it returns.
func (b *pgBench) stop() error {
	for _, s := range b.servers {
		_ = s.stop()
	}
	return b.cluster.Stop("fast")
}

// measurePostgres starts a throwaway cluster and, on it, two serve
// replicas of one database; then, opts.LoadRuns times: pgbench's
// simple-update run, and the read and write loads against one replica and
// against both.
func (h *harness) measurePostgres(ctx context.Context) (r postgresResult, err error) {
	r = postgresResult{concurrency: h.opts.LoadConcurrency, duration: h.opts.LoadDuration}
	pb, err := h.startPGBench(ctx)
	if err != nil {
		return r, err
	}
	defer func() {
		if stopErr := pb.stop(); err == nil {
			err = stopErr
		}
	}()
	cluster, pgbench, servers := pb.cluster, pb.pgbench, pb.servers
	all := loadTarget{urls: pb.urls(), token: servers[0].apiKey}
	if err := all.seed(ctx); err != nil {
		return r, err
	}
	for _, n := range replicaCounts {
		r.byReplicas = append(r.byReplicas, replicaRuns{replicas: n})
	}
	for i := range h.opts.LoadRuns {
		floor, err := cluster.runPgbench(ctx, pgbench, pgbenchSimpleUpdate, r.concurrency, runtime.NumCPU(), r.duration)
		if err != nil {
			return r, err
		}
		r.pgbench = append(r.pgbench, floor)
		line := fmt.Sprintf("postgres: run %d/%d pgbench -N %.0f TPS", i+1, h.opts.LoadRuns, floor.tps)
		for j, n := range replicaCounts {
			t := loadTarget{urls: all.urls[:n], token: all.token}
			read, err := measureLoad(ctx, t.readLoad(r.concurrency, r.duration), servers, cluster.cpu)
			if err != nil {
				return r, fmt.Errorf("read load, %d replicas: %w", n, err)
			}
			write, err := measureLoad(ctx, t.writeLoad(i*len(replicaCounts)+j, r.concurrency, r.duration), servers, cluster.cpu)
			if err != nil {
				return r, fmt.Errorf("write load, %d replicas: %w", n, err)
			}
			runs := &r.byReplicas[j]
			runs.reads, runs.writes = append(runs.reads, read), append(runs.writes, write)
			line += fmt.Sprintf("; %s: reads %.0f/s (p99 %v), writes %.0f/s (p99 %v)", replicaWord(n),
				read.PerSecond, read.P99.Round(time.Microsecond), write.PerSecond, write.P99.Round(time.Microsecond))
		}
		h.logf("%s", line)
	}
	return r, nil
}

// writesToPgbench is the median over runs of Arbor's writes/s with n
// replicas divided by pgbench's TPS of the same run.
func (r postgresResult) writesToPgbench(n int) float64 {
	runs, ok := r.replicas(n)
	if !ok {
		return 0
	}
	var ratios []float64
	for i, w := range runs.writes {
		if i < len(r.pgbench) && r.pgbench[i].tps > 0 {
			ratios = append(ratios, w.PerSecond/r.pgbench[i].tps)
		}
	}
	return medianFloat(ratios)
}

func (r postgresResult) replicas(n int) (replicaRuns, bool) {
	for _, runs := range r.byReplicas {
		if runs.replicas == n {
			return runs, true
		}
	}
	return replicaRuns{}, false
}
