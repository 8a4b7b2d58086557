package main

import "testing"

// The notebook relies on: every locked goroutine runs on a thread of its own,
// and a parked goroutine holds about the runtime's starting stack (2 KiB, or
// more when the GC has raised it: since Go 1.19 the starting size follows the
// average stack use it observes, which is why a test binary may start at 4 KiB).
func TestEachLockedGoroutineGetsItsOwnThread(t *testing.T) {
	r := measure(2000, 20)
	if r.DistinctThreads != 20 {
		t.Fatalf("started 20 locked goroutines but they ran on %d distinct threads", r.DistinctThreads)
	}
	if r.StartingStack < 2048 || r.GoroutineStack < 0.9*float64(r.StartingStack) ||
		r.GoroutineStack > 1.5*float64(r.StartingStack) {
		t.Fatalf("stack per parked goroutine %.0f B, starting stack %d B", r.GoroutineStack, r.StartingStack)
	}
	if r.GoroutineNs <= 0 || r.ThreadNs <= 0 {
		t.Fatalf("times must be positive: %+v", r)
	}
}
