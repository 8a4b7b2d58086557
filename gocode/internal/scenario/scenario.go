// Package scenario holds the two things every scheduler program of the
// course shares: switching runtime/trace on for a run, and a piece of CPU
// work whose cost is fixed by its argument (not by the clock), so that a
// program's printed summary is the same on every machine.
package scenario

import (
	"fmt"
	"os"
	"runtime/trace"
)

// StartTrace starts runtime/trace writing to path and returns the function
// that stops it and closes the file. An empty path means "no trace": the
// returned stop function then does nothing.
func StartTrace(path string) (stop func() error, err error) {
	if path == "" {
		return func() error { return nil }, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("trace: %w", err)
	}
	if err := trace.Start(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("trace: %w", err)
	}
	return func() error {
		trace.Stop()
		return f.Close()
	}, nil
}

// Spin burns CPU for n steps of a linear congruential generator (Knuth's
// MMIX constants) and returns the mixed final state. The result depends only
// on seed and n, and callers add it to their summary, so the compiler cannot
// drop the loop.
func Spin(seed uint64, n int) uint64 {
	x := seed
	for range n {
		x = x*6364136223846793005 + 1442695040888963407
	}
	return x ^ x>>33
}
