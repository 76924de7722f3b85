// Package pgcluster starts throwaway PostgreSQL clusters from the machine's
// server binaries (initdb, pg_ctl: on PATH or under
// /usr/lib/postgresql/*/bin), in a temporary directory, listening on
// 127.0.0.1 only on a port the OS chose, with trust authentication for the
// postgres user. The tests (through pgtest) and the bench start theirs here;
// they differ only in their server settings.
package pgcluster

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
	"syscall"
	"time"
)

// Options configure a cluster.
type Options struct {
	// DirPattern names the temporary directory (os.MkdirTemp's pattern).
	DirPattern string
	// Settings are server settings, such as "fsync=off".
	Settings []string
}

// Cluster is a running cluster.
type Cluster struct {
	// Dir holds the cluster's files; Stop removes it.
	Dir string
	// Bin is the directory of the server binaries.
	Bin  string
	Port int
	// runAs prefixes every server command: PostgreSQL refuses to run as
	// root, so as root the binaries run as the postgres user.
	runAs []string
	// serverOptions are pg_ctl's -o of the running server, for Resume.
	serverOptions string
}

// Start initialises and starts a cluster.
func Start(ctx context.Context, o Options) (*Cluster, error) {
	bin, err := ServerBinaries()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", o.DirPattern)
	if err != nil {
		return nil, err
	}
	c := &Cluster{Dir: dir, Bin: bin, runAs: []string{"env"}}
	if err := c.start(ctx, o); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return c, nil
}

func (c *Cluster) start(ctx context.Context, o Options) error {
	if os.Geteuid() == 0 {
		uid, gid, err := postgresUser()
		if err != nil {
			return err
		}
		if err := os.Chown(c.Dir, uid, gid); err != nil {
			return err
		}
		runuser, err := findRunuser()
		if err != nil {
			return err
		}
		c.runAs = []string{runuser, "-u", "postgres", "--"}
	}
	if out, err := c.Run(ctx, filepath.Join(c.Bin, "initdb"), "-D", c.DataDir(), "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"); err != nil {
		return fmt.Errorf("initdb failed: %v\n%s", err, out)
	}
	logFile := filepath.Join(c.Dir, "server.log")
	// A port the OS says is free may be taken by someone else before the
	// server binds it: try a few.
	for attempt := 0; ; attempt++ {
		port, err := freePort()
		if err != nil {
			return err
		}
		opts := []string{"-c listen_addresses=127.0.0.1", "-p " + strconv.Itoa(port), "-k " + c.Dir}
		for _, s := range o.Settings {
			opts = append(opts, "-c "+s)
		}
		out, err := c.pgCtlStart(ctx, strings.Join(opts, " "))
		if err == nil {
			c.Port, c.serverOptions = port, strings.Join(opts, " ")
			return nil
		}
		if attempt == 2 {
			serverLog, _ := os.ReadFile(logFile)
			return fmt.Errorf("pg_ctl start failed: %v\n%s\n%s", err, out, serverLog)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (c *Cluster) pgCtlStart(ctx context.Context, options string) ([]byte, error) {
	return c.Run(ctx, filepath.Join(c.Bin, "pg_ctl"), "start", "-s", "-w", "-t", "60", "-D", c.DataDir(), "-l", filepath.Join(c.Dir, "server.log"), "-o", options)
}

// Pause stops the server with pg_ctl's shutdown mode ("fast" terminates
// every connection, "immediate" drops them as a crash would) and keeps its
// files, for Resume: a database outage, for tests and the soak.
func (c *Cluster) Pause(mode string) error {
	if out, err := c.StopDataDir(c.DataDir(), mode); err != nil {
		return fmt.Errorf("pg_ctl stop: %v\n%s", err, out)
	}
	return nil
}

// Resume starts a paused server again, on the same port with the same
// settings.
func (c *Cluster) Resume(ctx context.Context) error {
	if out, err := c.pgCtlStart(ctx, c.serverOptions); err != nil {
		return fmt.Errorf("pg_ctl start: %v\n%s", err, out)
	}
	return nil
}

// DataDir is the cluster's data directory.
func (c *Cluster) DataDir() string { return filepath.Join(c.Dir, "data") }

// URL is the URL of one of the cluster's databases.
func (c *Cluster) URL(database string) string {
	u := url.URL{Scheme: "postgres", User: url.User("postgres"), Host: net.JoinHostPort("127.0.0.1", strconv.Itoa(c.Port)), Path: "/" + database, RawQuery: "sslmode=disable"}
	return u.String()
}

// Run runs a server binary as the cluster's owner, in a process group of
// its own, so that a ^C reaches the caller, which stops the cluster, and
// not the server mid-run.
func (c *Cluster) Run(ctx context.Context, name string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, c.runAs[0], append(c.runAs[1:], append([]string{name}, args...)...)...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	return cmd.CombinedOutput()
}

// StopDataDir stops the cluster whose data directory is data with pg_ctl's
// shutdown mode ("fast", "immediate").
func (c *Cluster) StopDataDir(data, mode string) ([]byte, error) {
	return c.Run(context.Background(), filepath.Join(c.Bin, "pg_ctl"), "stop", "-s", "-m", mode, "-D", data)
}

// Stop stops the cluster and removes its files. It takes no context: the
// one that ended a run must not keep its cluster running.
func (c *Cluster) Stop(mode string) error {
	out, err := c.StopDataDir(c.DataDir(), mode)
	os.RemoveAll(c.Dir)
	if err != nil {
		return fmt.Errorf("pg_ctl stop: %v\n%s", err, out)
	}
	return nil
}

// ServerBinaries finds the directory holding initdb and pg_ctl.
func ServerBinaries() (string, error) {
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

// findRunuser finds runuser, which lives in sbin, often not on PATH.
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
