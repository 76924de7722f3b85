// Command arbor-soak is make soak: three serve replicas on PostgreSQL
// behind a round-robin proxy, Terraform applies and API reads through it
// for a long while, one replica restarted every few minutes; it reports
// memory, p99 latency and errors minute by minute and whether they stayed
// flat. Run it from the repository root, with terraform on PATH.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"time"

	"github.com/arborhq/terraform-provider-arbor/internal/bench"
)

func main() {
	opts := bench.SoakOptions{Root: ".", Log: os.Stderr}
	flag.DurationVar(&opts.Duration, "duration", 30*time.Minute, "length of the run")
	flag.DurationVar(&opts.RestartEvery, "restart-every", 0, "time between restarts of the third replica (default: a third of the run, at most 3m)")
	flag.IntVar(&opts.Readers, "readers", 2, "API clients reading concurrently")
	flag.DurationVar(&opts.ReadPause, "read-pause", 50*time.Millisecond, "pause of each reader between reads")
	flag.StringVar(&opts.Work, "work", ".soak", "scratch directory, emptied first")
	flag.StringVar(&opts.Out, "out", ".soak/report.md", "report to write (Markdown)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := bench.Soak(ctx, opts); err != nil {
		fmt.Fprintln(os.Stderr, "soak:", err)
		os.Exit(1)
	}
}
