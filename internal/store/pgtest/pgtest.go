// Package pgtest gives tests a real PostgreSQL database of their own.
//
// With ARBOR_TEST_POSTGRES_URL set, databases are created on that server.
// Otherwise the first test that asks starts a throwaway cluster from the
// machine's server binaries (initdb, pg_ctl: on PATH or under
// /usr/lib/postgresql/*/bin) in a temporary directory, listening on
// 127.0.0.1 only, on a port the OS chose, with fsync off: what it holds is
// thrown away. The cluster lives as long as the test process; a package
// using pgtest stops it from its TestMain through Main.
//
// Where neither is possible the test skips, saying why, unless
// ARBOR_REQUIRE_POSTGRES=1 (set by .ci/run), which makes it fail instead:
// CI must not pass with the PostgreSQL suites silently left out.
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// URLEnv names a server to use instead of a throwaway cluster: a URL whose
// user may create databases.
const URLEnv = "ARBOR_TEST_POSTGRES_URL"

// RequireEnv, set to 1, turns "PostgreSQL is not available" from a skip
// into a failure.
const RequireEnv = "ARBOR_REQUIRE_POSTGRES"

var (
	startOnce sync.Once
	server    *cluster // nil when no server could be had; then unavailable says why
	// unavailable is why no server is available.
	unavailable error
	databases   atomic.Int64
)

// cluster is the server the databases are created on; dir is set when this
// process started it.
type cluster struct {
	url   *url.URL
	dir   string
	runAs []string
	pgCtl string
}

// Main runs a package's tests and then stops the cluster they started, if
// any. Use it from TestMain: os.Exit(pgtest.Main(m)).
func Main(m *testing.M) int {
	code := m.Run()
	Stop()
	return code
}

// Stop stops the cluster this process started and removes its files.
func Stop() {
	if server == nil || server.dir == "" {
		return
	}
	cmd := exec.Command(server.runAs[0], append(server.runAs[1:], server.pgCtl, "stop", "-s", "-m", "immediate", "-D", filepath.Join(server.dir, "data"))...)
	if out, err := cmd.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "pgtest: stopping the test cluster: %v\n%s", err, out)
	}
	os.RemoveAll(server.dir)
	server = nil
}

// NewDatabase creates an empty database for this test and returns its URL.
// On a server given by ARBOR_TEST_POSTGRES_URL it is dropped when the test
// ends; a throwaway cluster keeps it until the cluster goes, as dropping
// costs a checkpoint.
func NewDatabase(t testing.TB) string {
	t.Helper()
	startOnce.Do(func() { server, unavailable = start() })
	if server == nil {
		if os.Getenv(RequireEnv) == "1" {
			t.Fatalf("PostgreSQL is required (%s=1) but not available: %v", RequireEnv, unavailable)
		}
		t.Skipf("PostgreSQL is not available, so this test is skipped: %v (set %s, or install the PostgreSQL server binaries)", unavailable, URLEnv)
	}
	name := fmt.Sprintf("arbor_test_%d_%d", os.Getpid(), databases.Add(1))
	ctx := context.Background()
	if err := server.exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("creating test database: %v", err)
	}
	if server.dir != "" {
		return databaseURL(name)
	}
	t.Cleanup(func() {
		if err := server.exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("dropping test database %s: %v", name, err)
		}
	})
	return databaseURL(name)
}

func databaseURL(name string) string {
	u := *server.url
	u.Path = "/" + name
	return u.String()
}

// exec runs one statement on the server's maintenance database.
func (c *cluster) exec(ctx context.Context, sql string) error {
	conn, err := pgx.Connect(ctx, c.url.String())
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, sql)
	return err
}

func start() (*cluster, error) {
	if v := os.Getenv(URLEnv); v != "" {
		u, err := url.Parse(v)
		if err != nil {
			return nil, fmt.Errorf("%s is not a URL: %w", URLEnv, err)
		}
		c := &cluster{url: u}
		if err := c.exec(context.Background(), "SELECT 1"); err != nil {
			return nil, fmt.Errorf("connecting to %s: %w", URLEnv, err)
		}
		return c, nil
	}
	return startCluster()
}

// startCluster initialises and starts a cluster in a new temporary
// directory. PostgreSQL refuses to run as root, so as root the binaries run
// as the postgres user.
func startCluster() (*cluster, error) {
	bin, err := serverBinaries()
	if err != nil {
		return nil, err
	}
	c := &cluster{pgCtl: filepath.Join(bin, "pg_ctl"), runAs: []string{"env"}}
	dir, err := os.MkdirTemp("", clusterDirPattern)
	if err != nil {
		return nil, err
	}
	c.dir = dir
	if err := os.WriteFile(filepath.Join(dir, ownerFile), []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	if os.Geteuid() == 0 {
		uid, gid, err := postgresUser()
		if err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
		if err := os.Chown(dir, uid, gid); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
		runuser, err := findRunuser()
		if err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
		c.runAs = []string{runuser, "-u", "postgres", "--"}
	}
	c.stopAbandoned()
	data := filepath.Join(dir, "data")
	if out, err := c.run(filepath.Join(bin, "initdb"), "-D", data, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("initdb failed: %v\n%s", err, out)
	}
	logFile := filepath.Join(dir, "server.log")
	// A port the OS says is free may be taken by someone else before the
	// server binds it: try a few.
	for attempt := 0; ; attempt++ {
		port, err := freePort()
		if err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
		opts := strings.Join([]string{
			"-c listen_addresses=127.0.0.1", "-p " + strconv.Itoa(port), "-k " + dir,
			"-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off",
			"-c max_connections=300", "-c shared_buffers=32MB",
		}, " ")
		out, err := c.run(c.pgCtl, "start", "-s", "-w", "-t", "60", "-D", data, "-l", logFile, "-o", opts)
		if err == nil {
			c.url = &url.URL{Scheme: "postgres", User: url.User("postgres"), Host: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), Path: "/postgres", RawQuery: "sslmode=disable"}
			return c, nil
		}
		if attempt == 2 {
			serverLog, _ := os.ReadFile(logFile)
			os.RemoveAll(dir)
			return nil, fmt.Errorf("pg_ctl start failed: %v\n%s\n%s", err, out, serverLog)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// clusterDirPattern names the directories of the clusters tests start;
// ownerFile in each holds the pid of the test process that started it.
const (
	clusterDirPattern = "arbor-pgtest-"
	ownerFile         = "owner.pid"
)

// stopAbandoned stops the clusters of test processes that ended without
// stopping them (killed, or timed out), so that they do not pile up on a
// machine that runs the tests again and again.
func (c *cluster) stopAbandoned() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), clusterDirPattern+"*"))
	for _, dir := range dirs {
		if dir == c.dir {
			continue
		}
		owner, err := os.ReadFile(filepath.Join(dir, ownerFile))
		if err != nil {
			continue
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(owner)))
		if err != nil || syscall.Kill(pid, 0) != syscall.ESRCH {
			continue
		}
		c.run(c.pgCtl, "stop", "-s", "-m", "immediate", "-D", filepath.Join(dir, "data")) //nolint:errcheck // a cluster that is not running needs no stopping
		os.RemoveAll(dir)
	}
}

func (c *cluster) run(name string, args ...string) ([]byte, error) {
	cmd := exec.Command(c.runAs[0], append(c.runAs[1:], append([]string{name}, args...)...)...)
	// The server must outlive no test process: put it in its own process
	// group so a ^C to go test reaches the test, which stops it, and not
	// the server mid-test.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	return cmd.CombinedOutput()
}

// serverBinaries finds the directory holding initdb and pg_ctl.
func serverBinaries() (string, error) {
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		if resolved, err := filepath.EvalSymlinks(p); err == nil {
			p = resolved
		}
		dir := filepath.Dir(p)
		if _, err := os.Stat(filepath.Join(dir, "initdb")); err == nil {
			return dir, nil
		}
	}
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/pg_ctl")
	if len(matches) > 0 {
		// The newest version sorts last.
		return filepath.Dir(matches[len(matches)-1]), nil
	}
	return "", errors.New("no PostgreSQL server binaries (initdb, pg_ctl) on PATH or under /usr/lib/postgresql/*/bin")
}

func postgresUser() (int, int, error) {
	u, err := user.Lookup("postgres")
	if err != nil {
		return 0, 0, fmt.Errorf("running as root, PostgreSQL must run as the postgres user, which does not exist: %w", err)
	}
	uid, err := strconv.Atoi(u.Uid)
	if err != nil {
		return 0, 0, err
	}
	gid, err := strconv.Atoi(u.Gid)
	return uid, gid, err
}

// findRunuser finds runuser, which lives in sbin, often not on a test's PATH.
func findRunuser() (string, error) {
	if p, err := exec.LookPath("runuser"); err == nil {
		return p, nil
	}
	for _, p := range []string{"/usr/sbin/runuser", "/sbin/runuser"} {
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", errors.New("running as root, runuser is needed to start PostgreSQL as the postgres user, and it is not on PATH or in /usr/sbin, /sbin")
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	addr, ok := ln.Addr().(*net.TCPAddr)
	if !ok {
		return 0, fmt.Errorf("listening on 127.0.0.1 gave a %T address", ln.Addr())
	}
	return addr.Port, nil
}
