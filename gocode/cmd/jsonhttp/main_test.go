package main

import "testing"

func TestEveryMessageArrivesIntactAsBase64JSON(t *testing.T) {
	r, err := run(5, 3000)
	if err != nil {
		t.Fatal(err)
	}
	if r.Messages != 5 || r.Received != 5 {
		t.Fatalf("sent %d, server decoded %d; want 5 and 5", r.Messages, r.Received)
	}
	// base64 makes 3000 bytes 4000 characters, plus the JSON around them
	if r.BodyBytes < 4000 || r.BodyBytes > 4100 {
		t.Fatalf("body is %d bytes, want about 4000 (base64 of 3000 bytes)", r.BodyBytes)
	}
	if r.FastestNs <= 0 || r.MedianNs < r.FastestNs {
		t.Fatalf("fastest %d ns, median %d ns: want 0 < fastest <= median", r.FastestNs, r.MedianNs)
	}
}
