package main

import (
	"context"
	"runtime"
	"strings"
	"testing"
)

func TestLeakyWatcherLeavesOneGoroutinePerRequest(t *testing.T) {
	before := runtime.NumGoroutine()
	for i := 0; i < 20; i++ {
		handle(context.Background(), false)
	}
	if got := settle(before) - before; got != 20 {
		t.Fatalf("leaky: %d goroutines left behind, want 20", got)
	}
	found := false
	for _, line := range profileSummary() {
		if strings.Contains(line, "main.watchLeaky") && strings.HasPrefix(strings.TrimSpace(line), "20 ") {
			found = true
		}
	}
	if !found {
		t.Fatalf("profile does not show 20 goroutines in main.watchLeaky: %q", profileSummary())
	}
}

func TestFixedWatcherReturns(t *testing.T) {
	before := runtime.NumGoroutine()
	for i := 0; i < 20; i++ {
		handle(context.Background(), true)
	}
	if got := settle(before) - before; got != 0 {
		t.Fatalf("fixed: %d goroutines left behind, want 0", got)
	}
	for _, line := range profileSummary() {
		if strings.Contains(line, "main.watchFixed") {
			t.Fatalf("a fixed watcher is still in the profile: %s", line)
		}
	}
}
