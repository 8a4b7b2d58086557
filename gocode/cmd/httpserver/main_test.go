package main

import (
	"crypto/x509"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func get(t *testing.T, srv *httptest.Server, path string) (int, string) {
	t.Helper()
	resp, err := http.Get(srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, strings.TrimSpace(string(body))
}

// The notebooks time the first "200 ok" from "/".
func TestRootAnswersOK(t *testing.T) {
	srv := httptest.NewServer(newMux())
	defer srv.Close()
	if code, body := get(t, srv, "/"); code != 200 || body != "ok" {
		t.Fatalf("GET / = %d %q, want 200 \"ok\"", code, body)
	}
}

// UTC is built into the time package: it needs no file, even in an empty root.
func TestZoneUTCNeedsNoFile(t *testing.T) {
	t.Setenv("ZONEINFO", t.TempDir())
	if code, text := zoneStatus("UTC"); code != 200 || text != "zone UTC: loaded" {
		t.Fatalf("zoneStatus(UTC) = %d %q", code, text)
	}
}

func TestZoneMissingIs503AndNamesTheZone(t *testing.T) {
	srv := httptest.NewServer(newMux())
	defer srv.Close()
	code, body := get(t, srv, "/zone?name=No/Such_Zone")
	if code != 503 || body != "zone No/Such_Zone: not found" {
		t.Fatalf("GET /zone?name=No/Such_Zone = %d %q", code, body)
	}
	if code, _ := get(t, srv, "/zone"); code != 400 {
		t.Fatalf("GET /zone without a name = %d, want 400", code)
	}
}

func TestRootsStatusTellsEmptyFromLoaded(t *testing.T) {
	if code, text := rootsStatus(x509.NewCertPool(), nil); code != 503 || text != "system roots: none found" {
		t.Fatalf("empty pool: %d %q", code, text)
	}
	if code, _ := rootsStatus(nil, errors.New("permission denied")); code != 503 {
		t.Fatalf("error: %d", code)
	}
}

func TestDefaultAddrIsLoopbackAndFollowsPORT(t *testing.T) {
	t.Setenv("PORT", "9123")
	if got := defaultAddr(); got != "127.0.0.1:9123" {
		t.Fatalf("defaultAddr() = %q", got)
	}
	t.Setenv("PORT", "")
	if got := defaultAddr(); got != "127.0.0.1:8080" {
		t.Fatalf("defaultAddr() = %q", got)
	}
}
