package server

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/pragyamugale/portfolio/internal/pgstore"
	"github.com/pragyamugale/portfolio/internal/pgtest"
	"github.com/pragyamugale/portfolio/internal/stats"
	"github.com/pragyamugale/portfolio/internal/testkit"
)

// TestMain: the server's tests mostly wait (on SSH round trips, timers,
// tmux), so more of them run at once than go test's default of GOMAXPROCS.
func TestMain(m *testing.M) {
	testkit.DefaultParallel(testkit.WaitingParallel)
	os.Exit(pgtest.Main(m))
}

// Two servers (two machines, two regions) on one PostgreSQL: a message
// sent through A shows live in the owner's open Inbox on B; statistics
// from both add up; while the database is away both keep serving SSH,
// /healthz stays 200, /metrics shows the store unavailable and a piped
// contact exits 1 saying to try again; when it returns they reconnect by
// themselves.
func TestTwoServersShareOneDatabase(t *testing.T) {
	// The test server trusts every login; the password is there to check
	// that no log line ever shows it.
	const password = "s3cret-pw"
	url := strings.Replace(pgtest.URL(t), "postgres@", "postgres:"+password+"@", 1)
	ownerAuth, ownerPub := keyAuth(t)
	keys := writeOwnerKeys(t, ownerPub)
	start := func() *testServer {
		return startCmdServer(t, func(c *Config) {
			c.DatabaseURL, c.OwnerKeys, c.HTTPAddr = url, keys, "127.0.0.1:0"
		})
	}
	a, b := start(), start()

	contact := func(ts *testServer, name, text string) cmdResult {
		c, _ := dial(t, ts.addr, "visitor", noAuth())
		return execCmd(t, c, "contact --name "+name+" --reply-to a@example.com", cmdOpts{stdin: strings.NewReader(text + "\n")})
	}
	if r := contact(a, "Zoë", "première 🎉"); r.code != 0 {
		t.Fatalf("contact through A: exit %d, %q", r.code, r.stderr)
	}
	vt := openVTerm(t, b, ownerAuth)
	vt.send("5")
	vt.waitScreen("1 message, 1 unread", "Zoë")
	if r := contact(a, "山田", "二通目"); r.code != 0 {
		t.Fatalf("contact through A: exit %d, %q", r.code, r.stderr)
	}
	vt.waitScreen("2 messages, 2 unread", "山田")

	// Statistics: two visits through A, one through B, added up.
	c, _ := dial(t, b.addr, "visitor", noAuth())
	if r := execCmd(t, c, "about", cmdOpts{}); r.code != 0 {
		t.Fatalf("about: exit %d", r.code)
	}
	for _, ts := range []*testServer{a, b} {
		if err := ts.stats.Flush(); err != nil {
			t.Fatal(err)
		}
	}
	ps, err := pgstore.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer ps.Close()
	today := stats.DateOf(time.Now())
	days, err := ps.Stats().Days(context.Background(), today, today)
	if err != nil || len(days) != 1 || days[0].Visits != 3 || days[0].Messages != 2 {
		t.Fatalf("statistics of both servers: %+v, %v", days, err)
	}

	gauge := func(ts *testServer) float64 {
		v, _ := metricValue(ts.scrape(t), "portfolio_store_available")
		return v
	}
	if gauge(a) != 1 || gauge(b) != 1 {
		t.Fatal("store not available with the database up")
	}
	back := pgtest.Away(t)
	if !eventually(waitTimeout, func() bool { return gauge(a) == 0 && gauge(b) == 0 }) {
		t.Fatal("/metrics never showed the store unavailable")
	}
	if code, _, _ := a.httpGet(t, "/healthz"); code != 200 {
		t.Fatalf("/healthz = %d with the database away", code)
	}
	c, _ = dial(t, a.addr, "visitor", noAuth())
	if r := execCmd(t, c, "about", cmdOpts{}); r.code != 0 || !strings.Contains(r.stdout, testPortfolio(t).Profile.Name) {
		t.Fatalf("the portfolio while the database is away: exit %d", r.code)
	}
	r := contact(a, "Ana", "while away")
	if r.code != 1 || !strings.Contains(r.stderr, "try again") {
		t.Fatalf("contact while the database is away: exit %d, stderr %q", r.code, r.stderr)
	}
	back()
	if !eventually(waitTimeout, func() bool { return gauge(a) == 1 && gauge(b) == 1 }) {
		t.Fatal("the servers did not reconnect")
	}
	if r := contact(b, "Ana", "after the return"); r.code != 0 {
		t.Fatalf("contact after the database returned: exit %d, %q", r.code, r.stderr)
	}
	vt.waitScreen("3 messages, 3 unread", "Ana")
	for _, ts := range []*testServer{a, b} {
		if strings.Contains(ts.logs.String(), password) {
			t.Fatalf("the log shows the database password:\n%s", ts.logs.String())
		}
	}
}

// A machine (re)starting while the database is away still serves the
// portfolio, refuses messages with "try again", and takes them once the
// database returns, without a restart.
func TestServerStartsWhileTheDatabaseIsAway(t *testing.T) {
	url := pgtest.URL(t)
	back := pgtest.Away(t)
	ts := startCmdServer(t, func(c *Config) { c.DatabaseURL, c.HTTPAddr = url, "127.0.0.1:0" })
	ts.waitLog(t, "database unreachable")
	if v, _ := metricValue(ts.scrape(t), "portfolio_store_available"); v != 0 {
		t.Fatalf("portfolio_store_available = %v with the database away", v)
	}
	if code, _, _ := ts.httpGet(t, "/healthz"); code != 200 {
		t.Fatalf("/healthz = %d", code)
	}
	contact := func() cmdResult {
		c, _ := dial(t, ts.addr, "visitor", noAuth())
		return execCmd(t, c, "contact --name Zoë --reply-to z@example.com", cmdOpts{stdin: strings.NewReader("bonjour ✉\n")})
	}
	if r := contact(); r.code != 1 || !strings.Contains(r.stderr, "try again") {
		t.Fatalf("contact with the database away: exit %d, %q", r.code, r.stderr)
	}
	back()
	if !eventually(waitTimeout, func() bool {
		v, _ := metricValue(ts.scrape(t), "portfolio_store_available")
		return v == 1
	}) {
		t.Fatal("the server never connected to the returned database")
	}
	if r := contact(); r.code != 0 {
		t.Fatalf("contact after the database returned: exit %d, %q", r.code, r.stderr)
	}
}

// Counts not yet flushed reach the database when the server shuts down:
// the statistics are flushed before the store is closed.
func TestStatsFlushedToTheDatabaseAtShutdown(t *testing.T) {
	url := pgtest.URL(t)
	ts := startCmdServer(t, func(c *Config) { c.DatabaseURL = url })
	c, _ := dial(t, ts.addr, "visitor", noAuth())
	if r := execCmd(t, c, "about", cmdOpts{}); r.code != 0 {
		t.Fatalf("about: exit %d", r.code)
	}
	if !eventually(waitTimeout, func() bool { return today(t, ts).Visits == 1 }) {
		t.Fatal("the visit was never counted")
	}
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	if err := ts.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	ps, err := pgstore.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer ps.Close()
	day := stats.DateOf(time.Now())
	days, err := ps.Stats().Days(context.Background(), day, day)
	if err != nil || len(days) != 1 || days[0].Visits != 1 {
		t.Fatalf("statistics in the database after shutdown: %+v, %v", days, err)
	}
}
