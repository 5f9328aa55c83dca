// Package testkit holds the few helpers that tests of several packages
// share: a loopback HTTP stand-in, a bounded wait and the switch for slow
// tests (SlowEnv). Tests only listen on 127.0.0.1.
package testkit

import (
	"flag"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
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

// Wait polls cond until it holds and fails the test if timeout passes
// first: a bound against a hang, never a timing assertion. what names
// the condition in the failure.
func Wait(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	if !Eventually(timeout, Poll, cond) {
		t.Fatalf("gave up after %s waiting for %s", timeout, what)
	}
}

// Poll is how often Wait checks its condition: often enough that a test
// waits no more than a few milliseconds past the event, rarely enough
// that a hundred waiting tests don't keep a busy core busier.
const Poll = 10 * time.Millisecond

// SlowEnv is the environment variable that turns on the soak, load and
// image-build tests: the ones that take tens of seconds to minutes on a
// 2-core machine or measure the machine more than the code (TestLoad,
// TestDockerBuiltBinary, the load tool's long runs). The README's
// `go test ./...` leaves them out so it stays quick and green beside
// other work; .ci/run sets it for a step of its own, where they never
// skip.
const SlowEnv = "PORTFOLIO_SLOW_TESTS"

// SlowEnabled reports whether SlowEnv is set to a true value ("1",
// "true", "yes"; anything else, or unset, is off).
func SlowEnabled() bool {
	switch strings.ToLower(strings.TrimSpace(os.Getenv(SlowEnv))) {
	case "1", "true", "yes", "on":
		return true
	}
	return false
}

// Slow marks t as a soak, load or image-build test: it skips unless
// SlowEnv is set (CI's slow step sets it, see .ci/run). why says what
// makes it slow.
func Slow(t testing.TB, why string) {
	t.Helper()
	if !SlowEnabled() {
		t.Skipf("%s: a slow test (%s); run it with %s=1", t.Name(), why, SlowEnv)
	}
}

// WaitingParallel is how many parallel tests a package whose tests mostly
// wait (on loopback round trips, timers, a real ssh in tmux) runs at once
// by default. go test's default is GOMAXPROCS, 2 on this project's
// machine: such a package would then spend most of its time idle.
const WaitingParallel = 6

// DefaultParallel sets -test.parallel to n unless the command line sets
// it. Call it from TestMain, before m.Run.
func DefaultParallel(n int) {
	if !flag.Parsed() {
		flag.Parse()
	}
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "test.parallel" })
	if !set {
		_ = flag.Set("test.parallel", strconv.Itoa(n))
	}
}
