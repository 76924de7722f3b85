package bench

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"
)

// machine describes where and on what the benchmarks ran.
type machine struct {
	CPU       string
	Cores     int
	Memory    string
	Kernel    string
	Go        string
	Terraform string
	Commit    string
	Start     time.Time
	LoadStart string
	LoadEnd   string
	Elapsed   time.Duration
}

func describeMachine(root string) machine {
	m := machine{
		CPU:       cpuModel(),
		Cores:     runtime.NumCPU(),
		Memory:    memTotal(),
		Kernel:    strings.TrimSpace(readFile("/proc/sys/kernel/osrelease")),
		Go:        runtime.Version(),
		Terraform: terraformVersion(),
		Commit:    gitCommit(root),
		Start:     time.Now(),
		LoadStart: loadAverage(),
	}
	return m
}

func readFile(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "unknown"
	}
	return string(b)
}

func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	defer f.Close()
	lines := bufio.NewScanner(f)
	for lines.Scan() {
		if k, v, ok := strings.Cut(lines.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return runtime.GOARCH
}

func memTotal() string {
	for _, line := range strings.Split(readFile("/proc/meminfo"), "\n") {
		if v, ok := strings.CutPrefix(line, "MemTotal:"); ok {
			var kb int64
			if _, err := fmt.Sscanf(strings.TrimSpace(v), "%d", &kb); err != nil {
				return "unknown"
			}
			return fmt.Sprintf("%.1f GiB", float64(kb)/(1<<20))
		}
	}
	return "unknown"
}

// loadAverage is the 1, 5 and 15 minute load averages: other work on the
// machine while the benchmarks ran.
func loadAverage() string {
	f := strings.Fields(readFile("/proc/loadavg"))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

func terraformVersion() string {
	out, err := exec.Command("terraform", "version", "-json").Output()
	if err != nil {
		return "unknown"
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	if json.Unmarshal(out, &v) != nil {
		return "unknown"
	}
	return v.Version
}

func gitCommit(root string) string {
	out, err := exec.Command("git", "-C", root, "rev-parse", "--short", "HEAD").Output()
	if err != nil {
		return "unknown"
	}
	commit := strings.TrimSpace(string(out))
	if status, err := exec.Command("git", "-C", root, "status", "--porcelain", "--untracked-files=no").Output(); err == nil && len(status) > 0 {
		commit += " (with uncommitted changes)"
	}
	return commit
}
