// Command httpserver is the small HTTP service of chapters 4.1 (the single
// binary) and 4.2 (cgo and cold start). The notebooks build it, start it many
// times and time how long it takes from exec to the first "200 OK", run it in
// an empty root directory (what a `FROM scratch` image gives it), and build it
// with cgo off and on to compare what it links.
//
// It listens on loopback only (-addr, default 127.0.0.1:$PORT, or :8080 when
// PORT is unset) and serves:
//
//	/            200 "ok": the article's whole service
//	/roots       200 if the system CA certificates could be loaded, 503 if not
//	/zone?name=Z 200 if the time zone Z could be loaded, 503 if not
//
// The last two show which files a TLS client and a time-zone-aware program
// read from the disk at run time: they are the files a scratch image lacks.
// The program uses fmt on purpose: fmt is pure Go and needs no cgo.
package main

import (
	"crypto/x509"
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"strings"
	"time"
)

// newMux is the whole service, apart from main so that tests can serve it.
func newMux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("ok"))
	})
	mux.HandleFunc("/roots", func(w http.ResponseWriter, r *http.Request) {
		pool, err := x509.SystemCertPool()
		status, text := rootsStatus(pool, err)
		w.WriteHeader(status)
		fmt.Fprintln(w, text)
	})
	mux.HandleFunc("/zone", func(w http.ResponseWriter, r *http.Request) {
		name := r.URL.Query().Get("name")
		status, text := zoneStatus(name)
		w.WriteHeader(status)
		fmt.Fprintln(w, text)
	})
	return mux
}

// rootsStatus says whether crypto/x509 found any CA certificate on the disk
// (the files listed in crypto/x509/root_linux.go, or $SSL_CERT_FILE / $SSL_CERT_DIR).
func rootsStatus(pool *x509.CertPool, err error) (int, string) {
	switch {
	case err != nil:
		return http.StatusServiceUnavailable, "system roots: error: " + err.Error()
	case pool == nil || pool.Equal(x509.NewCertPool()):
		return http.StatusServiceUnavailable, "system roots: none found"
	}
	return http.StatusOK, "system roots: loaded"
}

// zoneStatus loads one IANA time zone the way every Go program does
// (time.LoadLocation: $ZONEINFO, then /usr/share/zoneinfo and friends, then
// the copy embedded by time/tzdata if the program imports it).
func zoneStatus(name string) (int, string) {
	if name == "" {
		return http.StatusBadRequest, "give a zone: /zone?name=Europe/Paris"
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		// The error names the zone; say nothing else that differs between machines.
		return http.StatusServiceUnavailable, "zone " + name + ": not found"
	}
	return http.StatusOK, "zone " + loc.String() + ": loaded"
}

func defaultAddr() string {
	port := strings.TrimSpace(os.Getenv("PORT"))
	if port == "" {
		port = "8080"
	}
	return "127.0.0.1:" + port
}

func main() {
	addr := flag.String("addr", defaultAddr(), "listen address (keep it on loopback)")
	flag.Parse()
	log.Fatal(http.ListenAndServe(*addr, newMux()))
}
