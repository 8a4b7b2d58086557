package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestAllGoroutinesFinishAndTheTraceIsWritten(t *testing.T) {
	path := filepath.Join(t.TempDir(), "imbalance.trace")
	var out bytes.Buffer
	if err := run(config{goroutines: 16, work: 1000, trace: path}, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "goroutines=16 finished=16 ") {
		t.Fatalf("summary: %q", out.String())
	}
	if info, err := os.Stat(path); err != nil || info.Size() == 0 {
		t.Fatalf("trace file missing or empty: %v", err)
	}
}
