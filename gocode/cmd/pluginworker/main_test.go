package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"whygo.dev/gocode/cmd/pluginhost/api"
)

func TestServeAnswersEachLine(t *testing.T) {
	in := `{"tenant":"a","data":{"items":[1,2,3]}}` + "\n" + `{"tenant":"b","data":{"items":["x"]}}` + "\n"
	var out bytes.Buffer
	if err := serve(strings.NewReader(in), &out); err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(&out)
	var first, second api.Response
	if err := dec.Decode(&first); err != nil {
		t.Fatal(err)
	}
	if err := dec.Decode(&second); err != nil {
		t.Fatal(err)
	}
	if first.Result["total"] != 6.0 || first.Tenant != "a" || second.Error == "" {
		t.Fatalf("first=%+v second=%+v", first, second)
	}
}

func TestServeRejectsBadJSON(t *testing.T) {
	if err := serve(strings.NewReader("{"), &bytes.Buffer{}); err == nil {
		t.Fatal("no error for bad JSON")
	}
}
