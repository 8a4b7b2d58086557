package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestScoreGrowsWithAmountAndAttempts(t *testing.T) {
	base := Txn{Amount: 1000, Country: "DE"}
	more := base
	more.Amount = 5000
	retried := base
	retried.Attempts = 3
	if !(score(more) > score(base) && score(retried) > score(base)) {
		t.Fatalf("score(base)=%v score(more)=%v score(retried)=%v", score(base), score(more), score(retried))
	}
}

func TestScoreIsCappedAtOne(t *testing.T) {
	if s := score(Txn{Amount: 1e9, Country: "US", Attempts: 9}); s != 1 {
		t.Fatalf("score = %v, want 1", s)
	}
}

func TestRunDecodesScoresAndEncodes(t *testing.T) {
	in := `[{"id":"x","amount":9000,"country":"US","attempts":2},{"id":"y","amount":10,"country":"DE"}]`
	var out bytes.Buffer
	if err := run(strings.NewReader(in), &out, 0, false); err != nil {
		t.Fatal(err)
	}
	var sum Summary
	if err := json.Unmarshal(out.Bytes(), &sum); err != nil {
		t.Fatal(err)
	}
	if sum.Scored != 2 || sum.Blocked != 1 || !sum.Decisions[0].Block || sum.Decisions[1].Block {
		t.Fatalf("unexpected summary %+v", sum)
	}
}

func TestGenerateIsDeterministic(t *testing.T) {
	a, b := decide(generate(100)), decide(generate(100))
	if a.Blocked != b.Blocked || a.Blocked == 0 || a.Blocked == 100 {
		t.Fatalf("blocked %d then %d of 100", a.Blocked, b.Blocked)
	}
}

func TestBadInputIsAnError(t *testing.T) {
	if err := run(strings.NewReader("{"), &bytes.Buffer{}, 0, false); err == nil {
		t.Fatal("no error for bad JSON")
	}
}
