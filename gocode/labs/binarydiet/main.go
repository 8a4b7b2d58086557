// Command binarydiet is the program of lab 6 (binary diet): a tiny HTTP
// service. The lab builds it with different flags and compares the
// binaries: static or dynamic (cgo and package net), with or without the
// symbol table and DWARF (-ldflags='-s -w'). The source never changes.
//
//	binarydiet -addr :8080   serve /hello
//	binarydiet -selftest     serve one request to itself and print the answer
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
)

func hello(w http.ResponseWriter, r *http.Request) {
	fmt.Fprint(w, "hello, gopher")
}

func newMux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("/hello", hello)
	return mux
}

// selftest listens on a free loopback port, asks itself for /hello and
// returns the line the lab checks.
func selftest() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	go http.Serve(ln, newMux())
	resp, err := http.Get("http://" + ln.Addr().String() + "/hello")
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("selftest: GET /hello -> %d %s", resp.StatusCode, body), nil
}

func main() {
	addr := flag.String("addr", ":8080", "address to serve on")
	self := flag.Bool("selftest", false, "serve one request to itself, print the answer and exit")
	flag.Parse()
	if *self {
		line, err := selftest()
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(line)
		return
	}
	log.Fatal(http.ListenAndServe(*addr, newMux()))
}
