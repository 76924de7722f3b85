package bench

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Why /proc and not wait4: Terraform starts and reaps the provider plugins
// itself, so their rusage reaches the harness only folded into
// Terraform's, whose ru_maxrss is the largest of Terraform and all its
// plugins, with no telling which. VmHWM in /proc/<pid>/status is the
// kernel's own high-water mark of one process's resident set: polled while
// the process lives, it loses only what the process grew in its last poll
// interval, when a plugin is being stopped rather than working.
const (
	peakPollInterval = 10 * time.Millisecond
	// New plugin processes are looked for less often than known ones are
	// read: each search reads every process's stat file.
	peakSearchEvery = 5
)

// peakWatch follows a Terraform process and the provider plugins it
// starts from the harness's bin directory, keeping their peak resident
// sets.
type peakWatch struct {
	root   int
	binDir string
	halt   chan struct{}
	done   sync.WaitGroup
	// terraform is Terraform's peak; provider the largest of its plugins'.
	terraform, provider int64
}

// watchPeaks starts following the Terraform process root.
func watchPeaks(root int, binDir string) *peakWatch {
	w := &peakWatch{root: root, binDir: binDir, halt: make(chan struct{})}
	w.done.Add(1)
	go w.poll()
	return w
}

func (w *peakWatch) poll() {
	defer w.done.Done()
	plugins := map[int]bool{}
	tick := time.NewTicker(peakPollInterval)
	defer tick.Stop()
	for i := 0; ; i++ {
		if i%peakSearchEvery == 0 {
			for _, pid := range w.pluginsOf(w.root) {
				plugins[pid] = true
			}
		}
		w.terraform = max(w.terraform, peakRSS(w.root))
		for pid := range plugins {
			w.provider = max(w.provider, peakRSS(pid))
		}
		select {
		case <-w.halt:
			return
		case <-tick.C:
		}
	}
}

// pluginsOf lists the children of parent whose executable is in binDir.
func (w *peakWatch) pluginsOf(parent int) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var out []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if st, ok := readStat(pid); !ok || st.parent != parent {
			continue
		}
		if exe, err := os.Readlink(filepath.Join("/proc", e.Name(), "exe")); err == nil && filepath.Dir(exe) == w.binDir {
			out = append(out, pid)
		}
	}
	return out
}

// stop ends the watch (once the process has ended) and returns the peaks,
// in bytes.
func (w *peakWatch) stop() (terraform, provider int64) {
	close(w.halt)
	w.done.Wait()
	return w.terraform, w.provider
}

// peakRSS is a process's VmHWM in bytes; 0 once it has ended.
func peakRSS(pid int) int64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	return vmHWM(string(b))
}

// vmHWM reads the VmHWM line of a /proc/<pid>/status file, in bytes.
func vmHWM(status string) int64 {
	for _, line := range strings.Split(status, "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			f := strings.Fields(rest)
			if len(f) == 2 && f[1] == "kB" {
				kb, _ := strconv.ParseInt(f[0], 10, 64)
				return kb << 10
			}
		}
	}
	return 0
}

// memoryResult is the peak memory of each memory subject at one size.
type memoryResult struct {
	n        int
	subjects []subject
	runs     map[string]subjectRun
}

// memorySubjects are the no-op providers with Arbor's schemas, the floors
// the memory goal compares with, and the embedded Arbor subjects, whose
// plugin holds the backend too. Remote mode is left out: its plugin does
// less than the embedded one. So is the plain no-op provider: at N = 3000
// each subject takes minutes, nearly all of them Terraform's, and the
// plain floor tells nothing the schema floors do not.
func memorySubjects(all []subject) []subject {
	var out []subject
	for _, s := range all {
		if s.workload != nil && (s.backend == noBackend || s.backend == embedded) {
			out = append(out, s)
		}
	}
	return out
}

// memoryPhases are the commands whose peaks are reported.
var memoryPhases = []struct {
	name string
	of   func(subjectRun) sample
}{
	{"apply", func(r subjectRun) sample { return r.apply }},
	{"refresh plan", func(r subjectRun) sample { return r.plan }},
	{"destroy", func(r subjectRun) sample { return r.destroy }},
}

// measureMemory runs apply, refresh plan and destroy of every memory
// subject once at each memory size, following peak memory. A peak is a
// maximum, not an average, and moves little with the machine's load, so
// one run of each is enough.
func (h *harness) measureMemory(ctx context.Context) ([]memoryResult, error) {
	subs := memorySubjects(h.subjects())
	var results []memoryResult
	for _, n := range h.opts.MemorySizes {
		r := memoryResult{n: n, subjects: subs, runs: map[string]subjectRun{}}
		for _, s := range subs {
			got, err := h.runSubject(ctx, s, n, runOptions{watchMemory: true, destroy: true})
			if err != nil {
				return nil, err
			}
			r.runs[s.name] = got
			h.logf("memory: N=%d %-36s provider peak: apply %s, plan %s, destroy %s", n, s.name,
				mib(got.apply.providerPeak), mib(got.plan.providerPeak), mib(got.destroy.providerPeak))
		}
		results = append(results, r)
	}
	return results, nil
}
