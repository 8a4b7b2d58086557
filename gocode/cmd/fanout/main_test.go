package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestEveryJobComesBackAndTheTraceIsWritten(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fanout.trace")
	var out bytes.Buffer
	if err := run(config{workers: 3, jobs: 50, work: 1000, trace: path}, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "jobs=50 results=50 ") {
		t.Fatalf("summary lost jobs: %q", out.String())
	}
	if info, err := os.Stat(path); err != nil || info.Size() == 0 {
		t.Fatalf("trace file missing or empty: %v", err)
	}
}

func TestSummaryIsDeterministic(t *testing.T) {
	var a, b bytes.Buffer
	cfg := config{workers: 4, jobs: 40, work: 500}
	if err := run(cfg, &a); err != nil {
		t.Fatal(err)
	}
	cfg.workers = 2 // a different schedule, the same result
	if err := run(cfg, &b); err != nil {
		t.Fatal(err)
	}
	sum := func(s string) string { return s[strings.Index(s, "checksum="):] }
	if sum(a.String()) != sum(b.String()) {
		t.Fatalf("checksum depends on the schedule: %q vs %q", a.String(), b.String())
	}
}
