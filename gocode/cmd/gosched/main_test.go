package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestEveryYieldIsResumedAndTheTraceIsWritten(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gosched.trace")
	var out bytes.Buffer
	if err := run(config{goroutines: 3, rounds: 7, work: 100, trace: path}, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "goroutines=3 rounds=7 resumed=21 ") {
		t.Fatalf("summary: %q", out.String())
	}
	if info, err := os.Stat(path); err != nil || info.Size() == 0 {
		t.Fatalf("trace file missing or empty: %v", err)
	}
}
