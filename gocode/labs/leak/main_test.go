package main

import (
	"context"
	"testing"
	"time"
)

// The leak the lab is about must be real: every fetch still running at the
// deadline stays blocked after it has finished.
func TestFetchAllLeaksOneGoroutinePerLateFetch(t *testing.T) {
	before, _, later := leaked(8, 50*time.Millisecond, 5*time.Millisecond, 300*time.Millisecond)
	if got := later - before; got != 8 {
		t.Fatalf("goroutines left after the fetches ended: %d, want 8 (one per late fetch)", got)
	}
}

func TestFetchAllReturnsEveryBodyWithoutDeadline(t *testing.T) {
	got := fetchAll(context.Background(), []string{"a", "b", "c"}, time.Millisecond)
	if len(got) != 3 {
		t.Fatalf("fetchAll returned %d bodies, want 3", len(got))
	}
}
