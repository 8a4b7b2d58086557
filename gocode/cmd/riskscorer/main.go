// Command riskscorer is a small risk-scoring service of the kind chapter 4.3
// measures: it decodes transactions from JSON (encoding/json, so reflection),
// scores each with a small hot function, and encodes the decisions as JSON.
//
// It reads a JSON array of transactions on stdin, or makes -n deterministic
// ones with -gen. The chapter builds it with different flags (-ldflags='-s -w',
// -trimpath, -gcflags=-l) and compares the binaries; -X main.version=... shows
// how the linker sets a string variable.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
)

// version is set at link time: go build -ldflags='-X main.version=v2.4.1'.
var version = "dev"

// Txn is one payment to score.
type Txn struct {
	ID       string  `json:"id"`
	Account  string  `json:"account"`
	Amount   float64 `json:"amount"`
	Country  string  `json:"country"`
	Attempts int     `json:"attempts"`
}

// Decision is what the service answers for one Txn.
type Decision struct {
	ID    string  `json:"id"`
	Score float64 `json:"score"`
	Block bool    `json:"block"`
}

// Summary is the one JSON object the program prints.
type Summary struct {
	Version   string     `json:"version"`
	Scored    int        `json:"scored"`
	Blocked   int        `json:"blocked"`
	Decisions []Decision `json:"decisions,omitempty"`
}

// blockAt is the score from which a payment is blocked.
const blockAt = 0.7

// score is the hot, small function: small enough for the compiler to inline.
func score(t Txn) float64 {
	s := t.Amount / 10000
	if t.Country != "DE" {
		s += 0.2
	}
	s += 0.1 * float64(t.Attempts)
	if s > 1 {
		s = 1
	}
	return s
}

// decide scores every transaction.
func decide(txns []Txn) Summary {
	sum := Summary{Version: version, Scored: len(txns)}
	for _, t := range txns {
		s := score(t)
		d := Decision{ID: t.ID, Score: s, Block: s >= blockAt}
		if d.Block {
			sum.Blocked++
		}
		sum.Decisions = append(sum.Decisions, d)
	}
	return sum
}

// generate makes n transactions, the same ones on every run.
func generate(n int) []Txn {
	countries := []string{"DE", "FR", "US", "DE"}
	txns := make([]Txn, n)
	for i := range txns {
		txns[i] = Txn{
			ID:       fmt.Sprintf("t-%d", i),
			Account:  fmt.Sprintf("a-%d", i%7),
			Amount:   float64((i * 1237) % 9000),
			Country:  countries[i%len(countries)],
			Attempts: i % 4,
		}
	}
	return txns
}

func run(in io.Reader, out io.Writer, gen int, brief bool) error {
	var txns []Txn
	if gen > 0 {
		txns = generate(gen)
	} else if err := json.NewDecoder(in).Decode(&txns); err != nil {
		return fmt.Errorf("reading transactions: %w", err)
	}
	sum := decide(txns)
	if brief {
		sum.Decisions = nil
	}
	return json.NewEncoder(out).Encode(sum)
}

func main() {
	gen := flag.Int("gen", 0, "score N generated transactions instead of reading stdin")
	brief := flag.Bool("brief", false, "print counts only")
	flag.Parse()
	if err := run(os.Stdin, os.Stdout, *gen, *brief); err != nil {
		fmt.Fprintln(os.Stderr, "riskscorer:", err)
		os.Exit(1)
	}
}
