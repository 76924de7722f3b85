package bench

import (
	"strings"
	"testing"
)

func TestMergeReportUpdatesOnlyTheSectionsMeasured(t *testing.T) {
	old := `# Benchmarks

Preface.

## Machine

| Date | old |

## Goals

| goal | measured | |
|---|---|---|
| backend reads ≥ 10,000/s | 10,881/s | met |
| GETs on PostgreSQL, two replicas, ≥ 0.5× ` + "`pgbench -S`" + ` at 16 clients | 0.46× | **not met** |
| provider start-up to schema served ≤ 100ms | 52.1 ms | met |

## Backend throughput and latency

old throughput

## Access checks

old checks

## Reproduce

- ~make bench~ old
- ~make soak~ kept
- ~go test ./a~ old
`
	fresh := `# Benchmarks

Preface.

## Machine

| Date | new |

## Goals

| goal | measured | |
|---|---|---|
| GETs on PostgreSQL, two replicas, ≥ 0.5× ` + "`pgbench -S`" + ` at 8 clients | 0.61× | met |
| a batch of 1,000 checks on SQLite, one server ≤ 20× one check's latency | 3.0× | met |

## Access checks

new checks

## Documents

new documents

## Reproduce

- ~make bench~ new
- ~go test ./a ./b~ new
- ~make docs~ new
`
	old, fresh = tick(old), tick(fresh)
	got := mergeReport(old, fresh, "NOTE")
	want := `# Benchmarks

Preface.

## Machine

| Date | old |

## Goals

| goal | measured | |
|---|---|---|
| backend reads ≥ 10,000/s | 10,881/s | met |
| GETs on PostgreSQL, two replicas, ≥ 0.5× ` + "`pgbench -S`" + ` at 8 clients | 0.61× | met |
| a batch of 1,000 checks on SQLite, one server ≤ 20× one check's latency | 3.0× | met |
| provider start-up to schema served ≤ 100ms | 52.1 ms | met |

## Backend throughput and latency

old throughput

## Access checks

NOTE

new checks

## Documents

NOTE

new documents

## Reproduce

- ~make bench~ new
- ~make soak~ kept
- ~go test ./a ./b~ new
- ~make docs~ new
`
	want = tick(want)
	if got != want {
		t.Errorf("merged report:\n%s\nwant:\n%s", got, want)
	}
	if again := mergeReport(got, fresh, "NOTE"); strings.Count(again, "NOTE") != 2 || strings.Count(again, "0.61×") != 1 {
		t.Errorf("merging the same run twice doubled its figures:\n%s", again)
	}
}

// tick writes the backticks a raw string cannot hold.
func tick(s string) string { return strings.ReplaceAll(s, "~", "`") }
