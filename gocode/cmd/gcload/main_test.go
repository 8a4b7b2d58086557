package main

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"
)

func TestPrintsJSONWithCyclesAndANonEmptyPauseHistogram(t *testing.T) {
	var out bytes.Buffer
	cfg := config{duration: 200 * time.Millisecond, liveMiB: 4, rateMiB: 64, objSize: 512}
	if err := run(cfg, &out); err != nil {
		t.Fatal(err)
	}
	var r struct {
		GCCycles uint64 `json:"gc_cycles"`
		Pauses   struct {
			Metric  string       `json:"metric"`
			Buckets [][]*float64 `json:"buckets"`
			Total   uint64       `json:"total"`
		} `json:"pauses"`
	}
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out.String())
	}
	if r.GCCycles == 0 {
		t.Fatal("allocating 12 MiB over a 4 MiB live heap ran no GC")
	}
	if r.Pauses.Metric != pausesMetric || len(r.Pauses.Buckets) == 0 || r.Pauses.Total == 0 {
		t.Fatalf("empty pause histogram: %+v", r.Pauses)
	}
	// Two stop-the-world pauses per cycle (sweep termination, mark termination).
	if r.Pauses.Total < r.GCCycles {
		t.Fatalf("%d pauses for %d cycles", r.Pauses.Total, r.GCCycles)
	}
	for _, b := range r.Pauses.Buckets {
		if len(b) != 3 || b[2] == nil || *b[2] < 1 {
			t.Fatalf("bucket %v is not [low, high, count>0]", b)
		}
	}
}
