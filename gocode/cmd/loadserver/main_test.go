package main

import (
	"bufio"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestIntsRejectsBadLists(t *testing.T) {
	if got, err := ints("1, 4,16"); err != nil || len(got) != 3 || got[2] != 16 {
		t.Fatalf("ints(1, 4,16) = %v, %v", got, err)
	}
	for _, bad := range []string{"", "0", "1,x", "-2"} {
		if _, err := ints(bad); err == nil {
			t.Errorf("ints(%q) accepted", bad)
		}
	}
}

func TestQuantileIsTheUpperBoundOfItsBucket(t *testing.T) {
	buckets := []float64{0, 1, 2, 3, 4}
	counts := []uint64{50, 40, 9, 1}
	if q := quantile(counts, buckets, 0.5); q != 1 {
		t.Errorf("p50 = %v, want 1", q)
	}
	if q := quantile(counts, buckets, 0.99); q != 3 {
		t.Errorf("p99 = %v, want 3", q)
	}
	if q := quantile(make([]uint64, 4), buckets, 0.5); q != 0 {
		t.Errorf("empty histogram p50 = %v, want 0", q)
	}
}

func TestSplitMarksKeepsSchedLinesBetweenMarks(t *testing.T) {
	stderr := "SCHED 0ms: before\nMARK 1\nSCHED 50ms: a\nnoise\nSCHED 100ms: b\nMARK end\nSCHED 150ms: idle\nMARK 4\nMARK end\n"
	parts := splitMarks(stderr)
	if len(parts) != 2 || parts[0] != "SCHED 50ms: a\nSCHED 100ms: b\n" || parts[1] != "" {
		t.Fatalf("splitMarks = %q", parts)
	}
}

func TestLoadServerMeasuresEveryPointAndStopsTheServer(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server")
	}
	// The test binary cannot start itself with -serve: run the server
	// in-process and drive it with the same load loop.
	done := make(chan error, 1)
	r, w := io.Pipe()
	go func() { done <- runServer(1000, 10*time.Second, w, nil) }()
	line, _ := bufio.NewReader(r).ReadString('\n')
	addr := strings.TrimSpace(line)
	if !strings.HasPrefix(addr, "127.0.0.1:") {
		t.Fatalf("server listens on %q, want loopback", addr)
	}
	client := &http.Client{Timeout: 5 * time.Second}
	pt := run(client, "http://"+addr+"/work", 4, 200, 2*time.Second)
	if pt.Requests != 200 || pt.Errors != 0 || pt.P50us > pt.P99us {
		t.Errorf("point = %+v, want 200 requests, no errors, p50 <= p99", pt)
	}
	get(client, "http://"+addr+"/quit")
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("server did not stop after /quit")
	}
}
