// Command pluginworker runs tenant A's code (package tenanta) as a separate
// process: it reads one JSON api.Request per line on stdin and writes one JSON
// api.Response per line on stdout, until stdin ends. It uses only os, bufio and
// encoding/json, so the same source also builds for GOOS=wasip1 GOARCH=wasm
// and runs in a WebAssembly runtime (chapter 4.4).
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"whygo.dev/gocode/cmd/pluginhost/api"
	"whygo.dev/gocode/cmd/pluginhost/tenanta"
)

func serve(in io.Reader, out io.Writer) error {
	dec, enc := json.NewDecoder(bufio.NewReader(in)), json.NewEncoder(out)
	for {
		var req api.Request
		if err := dec.Decode(&req); err == io.EOF {
			return nil
		} else if err != nil {
			return fmt.Errorf("bad request: %w", err)
		}
		resp, err := tenanta.Handle(context.Background(), req)
		if err != nil {
			resp = api.Response{Tenant: req.Tenant, Error: err.Error()}
		}
		if err := enc.Encode(resp); err != nil {
			return err
		}
	}
}

func main() {
	if err := serve(os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "pluginworker:", err)
		os.Exit(1)
	}
}
