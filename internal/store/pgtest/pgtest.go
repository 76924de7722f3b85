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
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/arborhq/terraform-provider-arbor/internal/store/pgcluster"
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

// cluster is the server the databases are created on; local is set when
// this process started it.
type cluster struct {
	url   *url.URL
	local *pgcluster.Cluster
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
	if server == nil || server.local == nil {
		return
	}
	if err := server.local.Stop("immediate"); err != nil {
		fmt.Fprintf(os.Stderr, "pgtest: stopping the test cluster: %v\n", err)
	}
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
	if server.local != nil {
		return databaseURL(name)
	}
	t.Cleanup(func() {
		if err := server.exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("dropping test database %s: %v", name, err)
		}
	})
	return databaseURL(name)
}

// NewCluster starts a cluster of this test's own, which it may stop and
// start (pgcluster.Cluster's Pause and Resume) without touching the
// databases of other tests, and returns it with the URL of a database on
// it. The cluster is removed when the test ends. It skips or fails as
// NewDatabase does where no server binaries are installed.
func NewCluster(t testing.TB) (*pgcluster.Cluster, string) {
	t.Helper()
	c, err := pgcluster.Start(context.Background(), pgcluster.Options{
		DirPattern: clusterDirPattern,
		Settings:   []string{"fsync=off", "synchronous_commit=off", "full_page_writes=off", "shared_buffers=16MB"},
	})
	if err != nil {
		if os.Getenv(RequireEnv) == "1" {
			t.Fatalf("PostgreSQL is required (%s=1) but a cluster could not be started: %v", RequireEnv, err)
		}
		t.Skipf("PostgreSQL server binaries are needed to stop and start a database of the test's own: %v", err)
	}
	// A test process killed before its cleanup leaves the cluster to the
	// next run's stopAbandoned.
	if err := os.WriteFile(filepath.Join(c.Dir, ownerFile), []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
		c.Stop("immediate") //nolint:errcheck // the write's error is the one to report
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := c.Stop("immediate"); err != nil {
			t.Logf("stopping the test's cluster: %v", err)
		}
	})
	return c, c.URL("postgres")
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

// startCluster starts a throwaway cluster with fsync off: what it holds
// is thrown away.
func startCluster() (*cluster, error) {
	local, err := pgcluster.Start(context.Background(), pgcluster.Options{
		DirPattern: clusterDirPattern,
		Settings:   []string{"fsync=off", "synchronous_commit=off", "full_page_writes=off", "max_connections=300", "shared_buffers=32MB"},
	})
	if err != nil {
		return nil, err
	}
	// A cluster whose directory has no owner file yet is never taken for
	// an abandoned one, so writing it after the start is safe.
	if err := os.WriteFile(filepath.Join(local.Dir, ownerFile), []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
		local.Stop("immediate") //nolint:errcheck // the write's error is the one to report
		return nil, err
	}
	stopAbandoned(local)
	u, err := url.Parse(local.URL("postgres"))
	if err != nil {
		return nil, err
	}
	return &cluster{url: u, local: local}, nil
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
func stopAbandoned(own *pgcluster.Cluster) {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), clusterDirPattern+"*"))
	for _, dir := range dirs {
		if dir == own.Dir {
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
		own.StopDataDir(filepath.Join(dir, "data"), "immediate") //nolint:errcheck // a cluster that is not running needs no stopping
		os.RemoveAll(dir)
	}
}
