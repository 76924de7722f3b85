package bench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/arborhq/terraform-provider-arbor/internal/domain"
)

// serveProcess is a `terraform-provider-arbor serve` process on a loopback
// port chosen by the OS, as a team would run the backend.
type serveProcess struct {
	cmd   *exec.Cmd
	url   string
	owner string
	// apiKey is a read_write key of the development environment: the
	// credential a team's Terraform runs use.
	apiKey string
}

var listening = regexp.MustCompile(`listening on (http://\S+)`)

// startServe starts serve on a new database (a SQLite file, or a
// postgres:// URL with ARBOR_ENCRYPTION_KEY among env) and makes its API
// key.
func startServe(ctx context.Context, binary, database string, env ...string) (*serveProcess, error) {
	// Not shaped like a generated token, so the server takes it for the
	// bootstrap token it is.
	owner := "bench-owner-" + domain.RandomString(20)
	if !strings.Contains(database, "://") {
		if err := os.MkdirAll(filepath.Dir(database), 0o755); err != nil {
			return nil, err
		}
	}
	p, err := startReplica(ctx, binary, database, append(env, "ARBOR_BOOTSTRAP_TOKEN="+owner)...)
	if err != nil {
		return nil, err
	}
	p.owner = owner
	var key domain.APIKey
	if err := p.call(ctx, owner, http.MethodPost, "/v1/environments/development/api-keys",
		domain.APIKeyInput{Name: "bench", Scope: domain.ScopeReadWrite}, &key); err != nil {
		_ = p.stop() // the error that matters is the one returned
		return nil, fmt.Errorf("creating the benchmark's API key: %w", err)
	}
	p.apiKey = key.Secret
	return p, nil
}

// startReplica starts serve on a database that may already be in use by
// other replicas; it has no credential of its own (see startServe).
func startReplica(ctx context.Context, binary, database string, env ...string) (*serveProcess, error) {
	cmd := exec.CommandContext(ctx, binary, "serve", "--listen", "127.0.0.1:0", "--database", database)
	cmd.Env = append(cleanEnv(), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &serveProcess{cmd: cmd}
	lines := bufio.NewScanner(stdout)
	for lines.Scan() {
		if m := listening.FindStringSubmatch(lines.Text()); m != nil {
			p.url = m[1]
			break
		}
	}
	if p.url == "" {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return nil, fmt.Errorf("serve exited before listening: %s", stderr.String())
	}
	go io.Copy(io.Discard, stdout) //nolint:errcheck // drains the pipe until the process ends
	return p, nil
}

// call sends one JSON request to the server.
func (p *serveProcess) call(ctx context.Context, token, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, p.url+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		return fmt.Errorf("%s %s: HTTP %d: %s", method, path, resp.StatusCode, data)
	}
	if out != nil {
		return json.Unmarshal(data, out)
	}
	return nil
}

// cpu is the CPU time the process has used so far.
func (p *serveProcess) cpu() time.Duration { return processCPU(p.cmd.Process.Pid) }

// stop ends the process cleanly (SIGTERM) and waits for it.
func (p *serveProcess) stop() error {
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(15 * time.Second):
		_ = p.cmd.Process.Kill()
		return fmt.Errorf("serve did not stop within 15s of SIGTERM")
	}
}

// clockTicks is Linux's USER_HZ, the unit of /proc/<pid>/stat times; it is
// 100 on every architecture Go supports.
const clockTicks = 100

// processCPU reads a running process's user and system time from
// /proc/<pid>/stat (0 where /proc is not available).
func processCPU(pid int) time.Duration {
	stat, _ := readStat(pid)
	return stat.cpu
}

// procStat is what the harness reads of /proc/<pid>/stat.
type procStat struct {
	parent int
	// cpu is the process's user and system time; reapedChildrenCPU that
	// of the children it has waited for.
	cpu, reapedChildrenCPU time.Duration
}

func readStat(pid int) (procStat, bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return procStat{}, false
	}
	return parseStat(string(b))
}

// parseStat reads the fields the harness needs of a /proc/<pid>/stat line.
func parseStat(line string) (procStat, bool) {
	// The command name, in parentheses, may hold spaces and parentheses:
	// count fields after its last ")". ppid is field 4 of the line; utime,
	// stime, cutime and cstime fields 14 to 17.
	i := strings.LastIndex(line, ") ")
	if i < 0 {
		return procStat{}, false
	}
	f := strings.Fields(line[i+2:])
	if len(f) < 15 {
		return procStat{}, false
	}
	ticks := func(field string) time.Duration {
		n, _ := strconv.ParseInt(field, 10, 64)
		return time.Duration(n) * time.Second / clockTicks
	}
	parent, _ := strconv.Atoi(f[1])
	return procStat{parent: parent, cpu: ticks(f[11]) + ticks(f[12]), reapedChildrenCPU: ticks(f[13]) + ticks(f[14])}, true
}

// selfCPU is the CPU time this process has used so far.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// cleanEnv is this process's environment without the variables that would
// change what Terraform or Arbor do: the user's Terraform CLI
// configuration and logging, and any ARBOR_* setting.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "TF_") || strings.HasPrefix(kv, "ARBOR_") || strings.HasPrefix(kv, "CHECKPOINT_") {
			continue
		}
		env = append(env, kv)
	}
	return env
}
