package domain

import (
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
)

// parallelBatch is how many items a goroutine of ForEachParallel takes at
// a time: enough that taking them costs nothing beside the work.
const parallelBatch = 64

// ForEachParallel calls f(i) for every i below n, shared among as many
// goroutines as Go runs at once, and returns the errors f returned. A
// goroutine stops at its first error; the others go on. A panic in f is
// the caller's, raised once every goroutine has stopped: as if the caller
// had called f itself.
func ForEachParallel(n int, f func(i int) error) error {
	return forEachParallel(n, parallelBatch, f)
}

// forEachApart is ForEachParallel taking one item at a time: for a few
// items each of much work, which a batch would give to one goroutine.
func forEachApart(n int, f func(i int) error) error {
	return forEachParallel(n, 1, f)
}

func forEachParallel(n, batch int, f func(i int) error) error {
	var next atomic.Int64
	errs := make([]error, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	var mu sync.Mutex
	var panicked any
	for w := range errs {
		wg.Go(func() {
			defer func() {
				if r := recover(); r != nil {
					mu.Lock()
					if panicked == nil {
						panicked = r
					}
					mu.Unlock()
				}
			}()
			for {
				from := int(next.Add(int64(batch))) - batch
				if from >= n {
					return
				}
				for i := from; i < min(from+batch, n); i++ {
					if err := f(i); err != nil {
						errs[w] = err
						return
					}
				}
			}
		})
	}
	wg.Wait()
	if panicked != nil {
		panic(panicked)
	}
	return errors.Join(errs...)
}
