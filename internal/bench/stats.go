package bench

import (
	"math"
	"slices"
	"time"
)

// sample is one timed run of a command.
type sample struct {
	// wall is the elapsed time.
	wall time.Duration
	// cpu is the user and system time of the command and every process it
	// started and waited for (Terraform's provider plugins), plus that of
	// the backend it talked to when the backend ran in a process of its own.
	cpu time.Duration
	// terraformPeak and providerPeak are the peak resident sets, in bytes,
	// of Terraform and of the largest of its provider plugins, when the
	// run was watched (runOptions.watchMemory); else 0.
	terraformPeak, providerPeak int64
}

// samples are the repetitions of one measurement.
type samples []sample

func (s samples) wall() []time.Duration {
	return collect(s, func(x sample) time.Duration { return x.wall })
}
func (s samples) cpu() []time.Duration {
	return collect(s, func(x sample) time.Duration { return x.cpu })
}

func collect[T, U any](in []T, f func(T) U) []U {
	out := make([]U, len(in))
	for i, v := range in {
		out[i] = f(v)
	}
	return out
}

// median of durations; 0 for none.
func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// medianFloat of values; 0 for none.
func medianFloat(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// pairedRatio is the median, over repetitions, of subject/baseline measured
// in the same repetition: each repetition runs every subject back to back,
// so a ratio compares runs made under the same machine load. It is NaN
// when either was not measured (see Options.Subjects).
func pairedRatio(subject, baseline []time.Duration) float64 {
	n := min(len(subject), len(baseline))
	ratios := make([]float64, 0, n)
	for i := range n {
		if baseline[i] > 0 {
			ratios = append(ratios, float64(subject[i])/float64(baseline[i]))
		}
	}
	if len(ratios) == 0 {
		return math.NaN()
	}
	return medianFloat(ratios)
}
