package domain

import (
	"errors"
	"sync/atomic"
	"testing"
)

// ForEachParallel calls f once for each index, returns f's errors, and
// raises f's panic on the caller's goroutine.
func TestForEachParallel(t *testing.T) {
	for _, n := range []int{0, 1, parallelBatch, 1000} {
		calls := make([]atomic.Int32, n)
		if err := ForEachParallel(n, func(i int) error { calls[i].Add(1); return nil }); err != nil {
			t.Fatal(err)
		}
		for i := range calls {
			if c := calls[i].Load(); c != 1 {
				t.Fatalf("n=%d: index %d called %d times", n, i, c)
			}
		}
	}
	bad := errors.New("bad")
	if err := ForEachParallel(1000, func(i int) error {
		if i == 500 {
			return bad
		}
		return nil
	}); !errors.Is(err, bad) {
		t.Errorf("error: %v", err)
	}
	defer func() {
		if r := recover(); r != "boom" {
			t.Errorf("recovered %v, want the panic of f", r)
		}
	}()
	_ = ForEachParallel(1000, func(i int) error {
		if i%300 == 7 {
			panic("boom")
		}
		return nil
	})
	t.Error("no panic")
}
