// Command jsonhttp measures the first row of the source article's 1 MB
// message table (chapter 2.2): a message sent as JSON over HTTP. A client
// encodes a struct holding -size bytes as JSON, POSTs it to a server on the
// loopback interface (net/http/httptest), and the server decodes it. Nothing
// leaves the machine.
//
// It sends -n messages after one warm-up and prints one JSON object: the
// median and the fastest round trip, and the CPU time of the whole process
// per message (client and server together). Every figure is a measurement.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"sync/atomic"
	"syscall"
	"time"
)

// Message is what travels: an id and its payload (encoded as base64 by encoding/json).
type Message struct {
	ID   int    `json:"id"`
	Data []byte `json:"data"`
}

// Result is what the notebook reads.
type Result struct {
	Messages      int   `json:"messages"`
	PayloadBytes  int   `json:"payload_bytes"`
	BodyBytes     int   `json:"body_bytes"` // size of one JSON request body
	Received      int   `json:"received"`   // messages the server decoded intact
	MedianNs      int64 `json:"median_ns"`
	FastestNs     int64 `json:"fastest_ns"`
	CPUPerMessage int64 `json:"cpu_ns_per_message"`
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func run(n, size int) (Result, error) {
	var received atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m Message
		if err := json.NewDecoder(r.Body).Decode(&m); err != nil || len(m.Data) != size {
			http.Error(w, "bad message", http.StatusBadRequest)
			return
		}
		received.Add(1)
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()

	payload := make([]byte, size)
	for i := range payload {
		payload[i] = byte(i * 7)
	}
	send := func(id int) (int, error) {
		body, err := json.Marshal(Message{ID: id, Data: payload})
		if err != nil {
			return 0, err
		}
		resp, err := srv.Client().Post(srv.URL, "application/json", bytes.NewReader(body))
		if err != nil {
			return 0, err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusNoContent {
			return 0, fmt.Errorf("server answered %s", resp.Status)
		}
		return len(body), nil
	}
	if _, err := send(-1); err != nil { // warm-up: connection, buffers
		return Result{}, err
	}
	received.Store(0)
	times := make([]time.Duration, 0, n)
	bodyLen := 0
	cpu0 := cpuTime()
	for i := range n {
		start := time.Now()
		size, err := send(i)
		if err != nil {
			return Result{}, err
		}
		times = append(times, time.Since(start))
		bodyLen = size
	}
	cpu := cpuTime() - cpu0
	slices.Sort(times)
	r := Result{Messages: n, PayloadBytes: size, BodyBytes: bodyLen, Received: int(received.Load())}
	if n > 0 {
		r.MedianNs = times[n/2].Nanoseconds()
		r.FastestNs = times[0].Nanoseconds()
		r.CPUPerMessage = cpu.Nanoseconds() / int64(n)
	}
	return r, nil
}

func main() {
	n := flag.Int("n", 20, "messages to send (after one warm-up)")
	size := flag.Int("size", 1<<20, "payload bytes per message")
	flag.Parse()
	if *n < 1 || *size < 0 {
		log.Fatal("jsonhttp: -n must be >= 1 and -size >= 0")
	}
	r, err := run(*n, *size)
	if err != nil {
		log.Fatal(err)
	}
	if err := json.NewEncoder(os.Stdout).Encode(r); err != nil {
		log.Fatal(err)
	}
}
