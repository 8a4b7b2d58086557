package main

import (
	"net/http/httptest"
	"testing"
)

func TestHello(t *testing.T) {
	rec := httptest.NewRecorder()
	newMux().ServeHTTP(rec, httptest.NewRequest("GET", "/hello", nil))
	if rec.Code != 200 || rec.Body.String() != "hello, gopher" {
		t.Fatalf("GET /hello = %d %q, want 200 %q", rec.Code, rec.Body.String(), "hello, gopher")
	}
}

func TestSelftest(t *testing.T) {
	line, err := selftest()
	if err != nil {
		t.Fatal(err)
	}
	if want := "selftest: GET /hello -> 200 hello, gopher"; line != want {
		t.Fatalf("selftest() = %q, want %q", line, want)
	}
}
