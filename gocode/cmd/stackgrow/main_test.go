package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestStackGrowsByCopyingAsRecursionDeepens(t *testing.T) {
	var out bytes.Buffer
	if err := run(3000, []int{0, 3000}, 2, &out); err != nil {
		t.Fatal(err)
	}
	var r Report
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if len(r.Growths) < 5 {
		t.Fatalf("3000 frames of >= %d bytes moved the stack only %d times", framePad, len(r.Growths))
	}
	for i := 1; i < len(r.Growths); i++ {
		if r.Growths[i].UsedBytes <= r.Growths[i-1].UsedBytes {
			t.Fatalf("growths not in order of depth: %+v", r.Growths)
		}
	}
	if len(r.Checkpoints) != 2 || r.Checkpoints[1].Moves != len(r.Growths) {
		t.Fatalf("checkpoints: %+v", r.Checkpoints)
	}
}

func TestEachGrowthRoughlyDoublesTheUsableStack(t *testing.T) {
	var out bytes.Buffer
	if err := run(5000, nil, 0, &out); err != nil {
		t.Fatal(err)
	}
	var r Report
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatal(err)
	}
	// Doubling: the stack in use when the k-th move happens roughly doubles
	// from one move to the next (the guard area makes the ratio a bit above 2 early on).
	for i := 3; i < len(r.Growths); i++ {
		ratio := float64(r.Growths[i].UsedBytes) / float64(r.Growths[i-1].UsedBytes)
		if ratio < 1.8 || ratio > 2.4 {
			t.Fatalf("move %d: used %d after %d (ratio %.2f), want about 2",
				i, r.Growths[i].UsedBytes, r.Growths[i-1].UsedBytes, ratio)
		}
	}
}

func TestBadDepthIsRejectedByName(t *testing.T) {
	if _, err := parseDepths("10,-3"); err == nil || !strings.Contains(err.Error(), `"-3"`) {
		t.Fatalf("want an error naming \"-3\", got %v", err)
	}
}
