// Command arbor-bench is make bench: it measures the Arbor provider and
// backend against Terraform's own floors and writes BENCHMARKS.md. With
// -profile it writes CPU profiles instead. Run it from the repository root.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/arborhq/terraform-provider-arbor/internal/bench"
)

func main() {
	opts := bench.Options{Root: ".", Log: os.Stderr, Reps: map[int]int{}}
	sizes := flag.String("sizes", "100,1000", "numbers of resources Terraform applies and plans, comma-separated")
	// Five repetitions of each size keep make bench to about 11 minutes on
	// a 2-core machine; with three, the ratios at N=1000 moved by ±0.1
	// between runs on the same code.
	reps := flag.String("reps", "100=5,1000=3", "repetitions per size, as size=count pairs; other sizes use -default-reps")
	flag.DurationVar(&opts.LinkDelay, "link-delay", bench.DefaultLinkDelay, "one-way delay of the slow link remote mode is also measured over")
	memorySizes := flag.String("memory-sizes", "1000,3000", "numbers of resources whose peak memory is measured in apply, plan and destroy")
	subjectsPattern := flag.String("subjects", "", "measure only the Terraform subjects whose names match this regular expression (ratios to those left out read NaN)")
	flag.IntVar(&opts.DefaultReps, "default-reps", 3, "repetitions of sizes -reps does not list")
	flag.StringVar(&opts.Work, "work", ".bench", "scratch directory, emptied first")
	flag.StringVar(&opts.Out, "out", "BENCHMARKS.md", "report to write")
	flag.IntVar(&opts.LoadConcurrency, "concurrency", 16, "workers of the backend load")
	flag.DurationVar(&opts.LoadDuration, "load-duration", 5*time.Second, "length of one backend load run")
	flag.IntVar(&opts.LoadRuns, "load-runs", 3, "runs of each backend load")
	flag.IntVar(&opts.StartupRuns, "startup-runs", 20, "starts of each provider")
	only := flag.String("only", "", "measure only these sections, comma-separated: "+strings.Join(bench.SectionNames(), ", "))
	flag.StringVar(&opts.ArborBinary, "arbor-binary", "", "measure this terraform-provider-arbor binary instead of building one (to compare two builds)")
	profile := flag.String("profile", "", "write CPU profiles to this directory instead of measuring")
	profileN := flag.Int("profile-n", 1000, "resources applied and planned while profiling")
	flag.Parse()

	var err error
	if opts.Sizes, err = parseInts(*sizes); err != nil {
		fail(fmt.Errorf("-sizes: %w", err))
	}
	if *subjectsPattern != "" {
		if opts.Subjects, err = regexp.Compile(*subjectsPattern); err != nil {
			fail(fmt.Errorf("-subjects: %w", err))
		}
	}
	if opts.MemorySizes, err = parseInts(*memorySizes); err != nil {
		fail(fmt.Errorf("-memory-sizes: %w", err))
	}
	for _, pair := range strings.Split(*reps, ",") {
		size, count, ok := strings.Cut(pair, "=")
		n, err1 := strconv.Atoi(size)
		r, err2 := strconv.Atoi(count)
		if !ok || err1 != nil || err2 != nil || r < 1 {
			fail(fmt.Errorf("-reps: %q is not size=count", pair))
		}
		opts.Reps[n] = r
	}

	if *only != "" {
		opts.Only = strings.Split(*only, ",")
		for _, name := range opts.Only {
			if !slices.Contains(bench.SectionNames(), name) {
				fail(fmt.Errorf("-only: no section %q; there are %s", name, strings.Join(bench.SectionNames(), ", ")))
			}
		}
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if *profile != "" {
		err = bench.Profile(ctx, opts, *profile, *profileN)
	} else {
		err = bench.Run(ctx, opts)
	}
	if err != nil {
		fail(err)
	}
}

func parseInts(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%q is not a positive number", f)
		}
		out = append(out, n)
	}
	return out, nil
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "arbor-bench:", err)
	os.Exit(1)
}
