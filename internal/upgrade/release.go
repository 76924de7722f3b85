package upgrade

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Release is a tagged commit of this repository.
type Release struct {
	Tag string
	// Commit is the tag's commit: a clone without tags still has it.
	Commit string
	// PostgresSchema is the number of PostgreSQL migrations the release
	// applies: a database migrated past it is newer than the release.
	PostgresSchema int `json:"-"`
}

// Previous is the release whose databases this one must open. When a
// release is tagged, it becomes Previous here and `make upgrade-fixture`
// writes its fixtures.
var Previous = Release{Tag: "v0.20.0", Commit: "160545215137f3d61dfea3254df8b0f47df6f38f", PostgresSchema: 2}

// Fixture values the fixtures are written with. They are test values,
// known to anyone who reads this file, and protect nothing.
const (
	FixtureOwnerToken    = "upgrade-fixture-owner"
	FixtureEncryptionKey = "dXBncmFkZS1maXh0dXJlLWtleS0zMi1ieXRlcy0hISE="
)

// Dir is where a release's fixtures live, relative to this package.
func (r Release) Dir() string { return filepath.Join("testdata", r.Tag) }

// Build builds the release's binary at out from the history of the
// repository that holds dir (git archive of the commit: the work tree and
// the repository's state are left alone).
func (r Release) Build(ctx context.Context, dir, out string) error {
	src, err := os.MkdirTemp("", "arbor-"+r.Tag+"-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(src)
	// git archive in a subdirectory archives only that subdirectory.
	top, err := exec.CommandContext(ctx, "git", "-C", dir, "rev-parse", "--show-toplevel").Output()
	if err != nil {
		return fmt.Errorf("finding the repository that holds %s: %w", dir, err)
	}
	archive := exec.CommandContext(ctx, "git", "-C", strings.TrimSpace(string(top)), "archive", "--format=tar", r.Commit)
	var tarball, stderr bytes.Buffer
	archive.Stdout, archive.Stderr = &tarball, &stderr
	if err := archive.Run(); err != nil {
		return fmt.Errorf("reading release %s (commit %s) from the repository's history: %v: %s; "+
			"the upgrade tests need the full history (a clone, not a shallow one)", r.Tag, r.Commit, err, strings.TrimSpace(stderr.String()))
	}
	untar := exec.CommandContext(ctx, "tar", "-x", "-C", src)
	untar.Stdin = &tarball
	if b, err := untar.CombinedOutput(); err != nil {
		return fmt.Errorf("unpacking release %s: %v: %s", r.Tag, err, b)
	}
	build := exec.CommandContext(ctx, "go", "build", "-trimpath", "-o", out,
		"-ldflags", "-X github.com/arborhq/terraform-provider-arbor/internal/version.Version="+strings.TrimPrefix(r.Tag, "v"), ".")
	build.Dir = src
	if b, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("building release %s: %v: %s", r.Tag, err, b)
	}
	return nil
}

// Server is a `serve` process of some release's binary.
type Server struct {
	URL    string
	cmd    *exec.Cmd
	stderr *syncBuffer
	done   chan struct{}
}

// listening is what serve prints once it accepts requests.
var listening = regexp.MustCompile(`Arbor backend listening on (http://\S+)`)

// Serve starts binary's backend on database with the fixture's owner token
// and encryption key, and waits until it listens or exits.
func Serve(ctx context.Context, binary, database string) (*Server, error) {
	cmd := exec.Command(binary, "serve", "--listen", "127.0.0.1:0", "--database", database)
	cmd.Env = append(os.Environ(), "ARBOR_BOOTSTRAP_TOKEN="+FixtureOwnerToken, "ARBOR_ENCRYPTION_KEY="+FixtureEncryptionKey)
	s := &Server{cmd: cmd, stderr: &syncBuffer{}, done: make(chan struct{})}
	cmd.Stderr = s.stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	go func() {
		_ = cmd.Wait()
		close(s.done)
	}()
	found := make(chan string, 1)
	go func() {
		lines := bufio.NewScanner(stdout)
		for lines.Scan() {
			if m := listening.FindStringSubmatch(lines.Text()); m != nil {
				found <- m[1]
				break
			}
		}
		close(found)
		_, _ = io.Copy(io.Discard, stdout)
	}()
	select {
	case u, ok := <-found:
		if ok {
			s.URL = u
			return s, nil
		}
		<-s.done
		return nil, fmt.Errorf("%s serve exited before listening: %s", binary, s.stderr.String())
	case <-ctx.Done():
		s.Stop()
		return nil, ctx.Err()
	case <-time.After(60 * time.Second):
		s.Stop()
		return nil, fmt.Errorf("%s serve did not listen within a minute: %s", binary, s.stderr.String())
	}
}

// Refused runs binary's serve on database and expects it to refuse to
// start: it returns what serve said, or an error if it started.
func Refused(ctx context.Context, binary, database string) (string, error) {
	s, err := Serve(ctx, binary, database)
	if err == nil {
		s.Stop()
		return "", errors.New("serve started")
	}
	return err.Error(), nil
}

// API is a client of the server as the fixture's owner.
func (s *Server) API() *API { return &API{Base: s.URL, Token: FixtureOwnerToken} }

// Log is what the server wrote to stderr.
func (s *Server) Log() string { return s.stderr.String() }

// Stop ends the server as an operator would (SIGTERM) and waits for it.
func (s *Server) Stop() {
	select {
	case <-s.done:
		return
	default:
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(30 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// The fixture files of a release, in its Dir.
const (
	SQLiteDatabase = "sqlite.db"
	SQLiteRecord   = "sqlite.json"
	PostgresDump   = "postgres.sql"
	PostgresRecord = "postgres.json"
)

// Record is what a release answered over the database it wrote.
type Record struct {
	Release     Release     `json:"release"`
	Credentials Credentials `json:"credentials"`
	Snapshot    Snapshot    `json:"snapshot"`
}
