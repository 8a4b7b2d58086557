package main

import "testing"

func TestBothWaysParseTheSameLabels(t *testing.T) {
	a := measure("new", handleNew, 1000, 6)
	b := measure("pool", handlePooled, 1000, 6)
	if a.Labels != 6000 || b.Labels != 6000 {
		t.Fatalf("labels = %d and %d, want 6000 each", a.Labels, b.Labels)
	}
}

func TestNewAllocatesTwicePerRequestAndThePoolNever(t *testing.T) {
	if n := testing.AllocsPerRun(1000, func() { handleNew(6) }); n != 2 {
		t.Errorf("handleNew: %v allocations per request, want 2 (the TagSet and its slice)", n)
	}
	handlePooled(6) // the first Get calls New
	if n := testing.AllocsPerRun(1000, func() { handlePooled(6) }); n != 0 {
		t.Errorf("handlePooled: %v allocations per request, want 0", n)
	}
}

func TestPooledTagSetIsResetBeforeUse(t *testing.T) {
	handlePooled(5)
	ts := tagSetPool.Get().(*TagSet)
	tagSetPool.Put(ts)
	if handlePooled(3) != 3 {
		t.Error("a reused TagSet kept the labels of the previous request")
	}
}
