// Command pluginhost calls tenant code in one of two ways and prints its answer:
//
//	pluginhost -plugin tenant.so   load a Go plugin with plugin.Open (needs cgo)
//	pluginhost -worker ./pluginworker  start the tenant as a separate process and
//	                               talk JSON over its stdin and stdout
//
// Both send the same request (-tenant, -items) and print the JSON response.
// Built with CGO_ENABLED=0, the plugin package is a stub whose Open fails.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"plugin"
	"time"

	"whygo.dev/gocode/cmd/pluginhost/api"
)

// loadPlugin opens a plugin and finds its Handler variable.
func loadPlugin(path string) (api.Handler, error) {
	p, err := plugin.Open(path)
	if err != nil {
		return nil, err
	}
	sym, err := p.Lookup("Handler")
	if err != nil {
		return nil, err
	}
	h, ok := sym.(*api.Handler) // Lookup of a variable returns a pointer to it
	if !ok {
		return nil, fmt.Errorf("plugin %s: Handler is %T, want *api.Handler", path, sym)
	}
	return *h, nil
}

// Worker is tenant code in another process: one JSON request per line on its
// stdin, one JSON response per line on its stdout.
type Worker struct {
	cmd *exec.Cmd
	in  io.WriteCloser
	enc *json.Encoder
	dec *json.Decoder
}

// StartWorker starts the worker program.
func StartWorker(path string) (*Worker, error) {
	cmd := exec.Command(path)
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	return &Worker{cmd: cmd, in: in, enc: json.NewEncoder(in), dec: json.NewDecoder(bufio.NewReader(out))}, nil
}

// Call sends one request and waits for its response.
func (w *Worker) Call(req api.Request) (api.Response, error) {
	if err := w.enc.Encode(req); err != nil {
		return api.Response{}, fmt.Errorf("sending to worker: %w", err)
	}
	var resp api.Response
	if err := w.dec.Decode(&resp); err != nil {
		return api.Response{}, fmt.Errorf("reading from worker: %w", err)
	}
	if resp.Error != "" {
		return resp, errors.New(resp.Error)
	}
	return resp, nil
}

// Close ends the worker: closing its stdin makes it exit.
func (w *Worker) Close() error {
	w.in.Close()
	return w.cmd.Wait()
}

func request(tenant string, items int) api.Request {
	list := make([]any, items)
	for i := range list {
		list[i] = float64(10 * (i + 1))
	}
	return api.Request{Tenant: tenant, Data: map[string]any{"items": list}}
}

func main() {
	pluginPath := flag.String("plugin", "", "load tenant code from this Go plugin (.so)")
	workerPath := flag.String("worker", "", "run tenant code as this separate program")
	tenant := flag.String("tenant", "t-789", "tenant id")
	items := flag.Int("items", 3, "number of items in the request")
	flag.Parse()
	req := request(*tenant, *items)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()

	var resp api.Response
	var err error
	switch {
	case *pluginPath != "":
		var h api.Handler
		if h, err = loadPlugin(*pluginPath); err == nil {
			resp, err = h(ctx, req)
		}
	case *workerPath != "":
		var w *Worker
		if w, err = StartWorker(*workerPath); err == nil {
			resp, err = w.Call(req)
			if cerr := w.Close(); err == nil {
				err = cerr
			}
		}
	default:
		err = errors.New("give -plugin PATH or -worker PATH")
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "pluginhost:", err)
		os.Exit(1)
	}
	json.NewEncoder(os.Stdout).Encode(resp)
}
