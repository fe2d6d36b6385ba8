// The tutorials' service on Go's net/http, a peer for Parity: /hello, /sleep?ms=N, /fetch.
//
// net/http runs each request on a goroutine of its own, so the handlers are written blocking:
// time.Sleep and client.Get wait without holding a thread, because the Go runtime parks the
// goroutine and runs others on the same few threads (netpoller + scheduler). It is Parity's sync
// style made cheap: sync code, but on threads that cost a few KiB each instead of a pool of five.
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"math"
	"net"
	"net/http"
	"os"
	"strconv"
	"time"
)

const maxSleepMs = 10000

func timeCostPage(seconds float64, url string) string {
	return "<html><head><title>Time Cost</title></head>\n" +
		fmt.Sprintf("<body><h1>Time Cost: %.3f s</h1><p>style: go</p>", seconds) +
		fmt.Sprintf("<p>upstream: %s</p></body></html>\n", url)
}

// newClient is a keep-alive client with no cap on calls in flight. http.DefaultTransport does
// not cap connections (MaxConnsPerHost 0) but keeps only 2 idle ones per host
// (MaxIdleConnsPerHost) and 100 in all (MaxIdleConns): at 100 users, 98 connections would be
// closed after each call and dialled again. Both idle limits are lifted here.
func newClient() *http.Client {
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxConnsPerHost = 0 // no cap (the default, said out loud)
	transport.MaxIdleConns = 0    // no cap
	transport.MaxIdleConnsPerHost = math.MaxInt
	return &http.Client{Transport: transport, Timeout: 10 * time.Second}
}

func hello(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain")
	io.WriteString(w, "Hello, world")
}

func sleep(w http.ResponseWriter, r *http.Request) {
	ms, query := 100, r.URL.Query()
	if query.Has("ms") {
		var err error
		if ms, err = strconv.Atoi(query.Get("ms")); err != nil {
			http.Error(w, "ms must be an integer", http.StatusBadRequest)
			return
		}
	}
	if ms < 0 || ms > maxSleepMs {
		http.Error(w, fmt.Sprintf("ms must be within 0..%d", maxSleepMs), http.StatusBadRequest)
		return
	}
	time.Sleep(time.Duration(ms) * time.Millisecond) // parks this goroutine only
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	fmt.Fprintf(w, `{"slept_ms": %d}`, ms)
}

func fetchHandler(client *http.Client, url string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		started := time.Now()
		response, err := client.Get(url) // blocks this goroutine, not a thread
		if err == nil {
			_, err = io.Copy(io.Discard, response.Body) // read it all: the connection is reused
			response.Body.Close()
			if err == nil && response.StatusCode != http.StatusOK {
				err = fmt.Errorf("upstream answered %s", response.Status)
			}
		}
		if err != nil {
			http.Error(w, "upstream failed: "+err.Error(), http.StatusBadGateway)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=UTF-8")
		io.WriteString(w, timeCostPage(time.Since(started).Seconds(), url))
	}
}

func main() {
	upstream := flag.String("upstream", "", "the upstream API, http://HOST:PORT (required)")
	port := flag.Int("port", 0, "port to listen on, on 127.0.0.1 (0: any free port)")
	flag.Int("max-clients", 0, "accepted and ignored (the Tornado peer's option): no cap here")
	flag.Int("pool", 0, "accepted and ignored (the Tornado peer's option): no pool here")
	flag.Parse()
	if *upstream == "" {
		fmt.Fprintln(os.Stderr, "--upstream is required")
		flag.Usage()
		os.Exit(2)
	}

	mux := http.NewServeMux()
	mux.HandleFunc("/hello", hello)
	mux.HandleFunc("/sleep", sleep)
	mux.HandleFunc("/fetch", fetchHandler(newClient(), *upstream+"/delay"))

	// net.Listen takes the kernel's accept queue (somaxconn), as `parity serve` does.
	listener, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", *port))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("listening on %d\n", listener.Addr().(*net.TCPAddr).Port) // stdout is unbuffered
	log.Fatal(http.Serve(listener, mux))
}
