// Package cpubench adds the CPU time per operation to a Go benchmark's
// figures. On a machine shared with other work the wall time of an
// operation moves with the machine's load; the CPU time the benchmark's
// process spends on it (every goroutine's, the garbage collector's
// included) moves much less, so it is the figure to compare in review.
package cpubench

import (
	"syscall"
	"testing"
	"time"
)

// Start begins measuring; the returned function, called once the
// benchmark's loop has ended, reports cpu-ns/op.
func Start(b *testing.B) func() {
	before := processCPU()
	return func() {
		if b.N > 0 {
			b.ReportMetric(float64(processCPU()-before)/float64(b.N), "cpu-ns/op")
		}
	}
}

func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
