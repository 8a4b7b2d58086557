package main

import "testing"

func TestEveryGoroutineFinishesAndIsCounted(t *testing.T) {
	r := run(config{n: 5000, work: 10, alloc: 64})
	if r.Goroutines != 5000 || r.Finished != 5000 {
		t.Fatalf("started %d, finished %d; want 5000 and 5000", r.Goroutines, r.Finished)
	}
	if r.PeakLive < 0 || r.PeakLive > 5000 {
		t.Fatalf("peak_live=%d is outside [0, 5000]", r.PeakLive)
	}
	if r.CreateNs <= 0 || r.TotalNs < r.CreateNs {
		t.Fatalf("create_ns=%d total_ns=%d: want 0 < create <= total", r.CreateNs, r.TotalNs)
	}
	if r.MaxPauseNs > r.TotalPauseNs {
		t.Fatalf("max pause %d > total pause %d", r.MaxPauseNs, r.TotalPauseNs)
	}
}

func TestChecksumDependsOnlyOnTheWork(t *testing.T) {
	a := run(config{n: 300, work: 50})
	b := run(config{n: 300, work: 50})
	if a.Checksum != b.Checksum {
		t.Fatalf("checksums differ: %x vs %x", a.Checksum, b.Checksum)
	}
}
