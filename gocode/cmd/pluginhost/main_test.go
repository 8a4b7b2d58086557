package main

import (
	"context"
	"path/filepath"
	"testing"

	"whygo.dev/gocode/cmd/pluginhost/tenanta"
)

func TestRequestHasNumberedItems(t *testing.T) {
	req := request("t-1", 3)
	items := req.Data["items"].([]any)
	if req.Tenant != "t-1" || len(items) != 3 || items[2] != 30.0 {
		t.Fatalf("request = %+v", req)
	}
}

func TestTenantSumsItems(t *testing.T) {
	resp, err := tenanta.Handle(context.Background(), request("t-1", 3))
	if err != nil || resp.Result["total"] != 60.0 || resp.Result["items"] != 3 {
		t.Fatalf("resp=%+v err=%v", resp, err)
	}
}

func TestTenantStopsWhenTheContextIsDone(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := tenanta.Handle(ctx, request("t-1", 1)); err == nil {
		t.Fatal("no error after cancel")
	}
}

func TestLoadPluginFailsForAMissingFile(t *testing.T) {
	if _, err := loadPlugin(filepath.Join(t.TempDir(), "none.so")); err == nil {
		t.Fatal("no error for a missing plugin")
	}
}

func TestWorkerThatIsNotThereIsAnError(t *testing.T) {
	if _, err := StartWorker(filepath.Join(t.TempDir(), "none")); err == nil {
		t.Fatal("no error for a missing worker")
	}
}
