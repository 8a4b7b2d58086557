package main

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestWorkersRunWhileTheReaderIsBlocked(t *testing.T) {
	// With one P the workers can only run if the P is handed off from the
	// thread blocked in read(2); otherwise this test would hang.
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	path := filepath.Join(t.TempDir(), "syscall.trace")
	var out bytes.Buffer
	if err := run(config{workers: 2, work: 100_000, trace: path}, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "workers=2 blocked_reads=1 bytes_read=1 ") {
		t.Fatalf("summary: %q", out.String())
	}
	if info, err := os.Stat(path); err != nil || info.Size() == 0 {
		t.Fatalf("trace file missing or empty: %v", err)
	}
}
