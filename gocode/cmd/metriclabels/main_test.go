package main

import (
	"strings"
	"testing"
)

func TestPlainSampleAllocatesMetricLabelsAndBuffer(t *testing.T) {
	var w worker
	i := 0
	got := testing.AllocsPerRun(200, func() { w.pointNew(i, 4); i++ })
	if got != 3 {
		t.Fatalf("new mode: %v allocations per sample, want 3 (Metric, []LabelPair, buffer)", got)
	}
}

func TestPooledSampleAllocatesNothing(t *testing.T) {
	var w worker
	i := 0
	got := testing.AllocsPerRun(200, func() { w.pointPool(i, 4); i++ })
	if got != 0 {
		t.Fatalf("pool mode: %v allocations per sample, want 0 once the pool is warm", got)
	}
}

func TestBothModesEncodeTheSameSamples(t *testing.T) {
	a, err := run("new", 5000, 4)
	if err != nil {
		t.Fatal(err)
	}
	b, err := run("pool", 5000, 4)
	if err != nil {
		t.Fatal(err)
	}
	if a.Checksum != b.Checksum || a.Checksum == 0 {
		t.Fatalf("checksums differ: new %d, pool %d", a.Checksum, b.Checksum)
	}
}

func TestEncodeWritesTheTextExposition(t *testing.T) {
	m := &Metric{Labels: make([]LabelPair, 2)}
	fill(m, 1, 2)
	got := string(encode(nil, m))
	want := `http_requests_total{job="10.0.0.1:9090",instance="GET"} 1 1`
	if got != want {
		t.Fatalf("encode: got %s, want %s", got, want)
	}
}

func TestRunRejectsAnUnknownMode(t *testing.T) {
	if _, err := run("arena", 10, 4); err == nil || !strings.Contains(err.Error(), "new or pool") {
		t.Fatalf("run(arena): got %v, want an error naming the modes", err)
	}
}

func BenchmarkSample(b *testing.B) {
	for _, mode := range []string{"new", "pool"} {
		b.Run(mode, func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				var w worker
				i := 0
				for pb.Next() {
					if mode == "new" {
						w.pointNew(i, 4)
					} else {
						w.pointPool(i, 4)
					}
					i++
				}
			})
		})
	}
}
