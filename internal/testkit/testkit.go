// Package testkit holds the few helpers that tests of several packages
// share: a loopback HTTP stand-in and a bounded wait. Tests only listen
// on 127.0.0.1.
package testkit

import (
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// LocalServer starts an httptest server on 127.0.0.1 (never on every
// interface) for h, closed when the test ends.
func LocalServer(t testing.TB, h http.Handler) *httptest.Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &httptest.Server{Listener: ln, Config: &http.Server{Handler: h}}
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

// Eventually polls cond every poll until it holds, and reports false if
// timeout passes first.
func Eventually(timeout, poll time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(timeout)
	for {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(poll)
	}
}
