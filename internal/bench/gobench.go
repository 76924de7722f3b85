package bench

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strings"
	"time"
)

// goBenchPackages hold the hot-path benchmarks (go test -bench); the
// console's renders every page at 10,000 objects of every kind.
var goBenchPackages = []string{"./internal/store/sqlite", "./internal/backend", "./internal/client", "./internal/domain", "./internal/console"}

// goBenchmark is one line of go test -bench output.
type goBenchmark struct {
	pkg, name string
	// metrics are the line's value/unit pairs: "12345 ns/op" and so on.
	metrics map[string]string
}

// measureGoBenchmarks runs the Go benchmarks of the hot paths once each.
func (h *harness) measureGoBenchmarks(ctx context.Context) ([]goBenchmark, error) {
	// The console's page benchmark fills 10,000 objects of every kind
	// first: more than go test's default ten minutes on a busy machine.
	args := append([]string{"test", "-run", "^$", "-bench", ".", "-benchmem", "-count", "1", "-timeout", "60m"}, goBenchPackages...)
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = h.opts.Root
	cmd.Env = cleanEnv()
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("go %s: %w\n%s", strings.Join(args, " "), err, tail(out.String(), 40))
	}
	benchmarks := parseGoBench(out.String())
	h.logf("go benchmarks: %d run", len(benchmarks))
	return benchmarks, nil
}

func parseGoBench(out string) []goBenchmark {
	var all []goBenchmark
	pkg := ""
	lines := bufio.NewScanner(strings.NewReader(out))
	for lines.Scan() {
		line := lines.Text()
		if p, ok := strings.CutPrefix(line, "pkg: "); ok {
			pkg = strings.TrimPrefix(p, "github.com/arborhq/terraform-provider-arbor/")
			continue
		}
		f := strings.Fields(line)
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		b := goBenchmark{pkg: pkg, name: f[0], metrics: map[string]string{}}
		for i := 2; i+1 < len(f); i += 2 {
			b.metrics[f[i+1]] = f[i]
		}
		all = append(all, b)
	}
	return all
}

// consolePage is the console page a BenchmarkPages line measured (its
// pattern under /console/), ok false for any other benchmark.
func (g goBenchmark) consolePage() (string, bool) {
	if g.pkg != "internal/console" {
		return "", false
	}
	page, ok := strings.CutPrefix(g.name, "BenchmarkPages/")
	if !ok {
		return "", false
	}
	// The name ends in -GOMAXPROCS.
	if i := strings.LastIndexByte(page, '-'); i > 0 && strings.Trim(page[i+1:], "0123456789") == "" {
		page = page[:i]
	}
	return page, true
}

// millis renders a per-operation time metric (in ns) in ms, or "–".
func (g goBenchmark) millis(metric string) string {
	var ns float64
	if _, err := fmt.Sscanf(g.metrics[metric], "%g", &ns); err != nil {
		return "–"
	}
	return ms(time.Duration(ns))
}

// micros renders a per-operation time metric (in ns) in µs, or "–".
func (g goBenchmark) micros(metric string) string {
	var ns float64
	if _, err := fmt.Sscanf(g.metrics[metric], "%g", &ns); err != nil {
		return "–"
	}
	return micros(time.Duration(ns))
}
