package app

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/pragyamugale/portfolio/internal/inbox"
	"github.com/pragyamugale/portfolio/internal/inbox/filestore"
)

// dialTerminal opens the live terminal's socket as its page does and
// sends the size.
func dialTerminal(t *testing.T, ts *testServer, query string) *websocket.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	c, _, err := websocket.Dial(ctx, "ws://"+ts.HTTPAddr().String()+"/terminal/ws"+query, &websocket.DialOptions{
		HTTPHeader: http.Header{"Origin": {"http://" + ts.HTTPAddr().String()}},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.CloseNow() })
	if err := c.Write(ctx, websocket.MessageText, []byte(`{"cols":100,"rows":30}`)); err != nil {
		t.Fatal(err)
	}
	return c
}

// closeOf reads c until it closes and returns the close error.
func closeOf(t *testing.T, c *websocket.Conn) websocket.CloseError {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	for {
		_, _, err := c.Read(ctx)
		if err == nil {
			continue
		}
		var ce websocket.CloseError
		if !errors.As(err, &ce) {
			t.Fatalf("socket ended without a close message: %v", err)
		}
		return ce
	}
}

// TestWebTerminalLimits: the live terminal has SSH's per-IP connection
// and session-rate limits, counted under their own names in /metrics.
func TestWebTerminalLimits(t *testing.T) {
	t.Parallel()
	ts := startServerWith(t, func(c *Config) { withHTTP(c); c.MaxConnsPerIP = 1; c.SessionRate = 2 })

	first := dialTerminal(t, ts, "")
	// A socket is admitted after its upgrade: wait for the first's slot,
	// or the second may take it.
	ts.waitMetric(t, "portfolio_web_terminal_sessions_active", func(v float64) bool { return v == 1 })
	second := dialTerminal(t, ts, "")
	if ce := closeOf(t, second); ce.Code != websocket.StatusTryAgainLater || !strings.Contains(ce.Reason, "from your address") {
		t.Errorf("second socket from one address closed with %v", ce)
	}
	first.CloseNow()
	ts.waitMetric(t, "portfolio_web_terminal_sessions_active", func(v float64) bool { return v == 0 })

	// The rate (2 a minute): the first socket and this one spend it (the
	// second was refused before the rate counted it).
	third := dialTerminal(t, ts, "")
	ts.waitMetric(t, "portfolio_web_terminal_sessions_total", func(v float64) bool { return v == 2 })
	third.CloseNow()
	ts.waitMetric(t, "portfolio_web_terminal_sessions_active", func(v float64) bool { return v == 0 })
	fourth := dialTerminal(t, ts, "")
	if ce := closeOf(t, fourth); ce.Code != websocket.StatusTryAgainLater || !strings.Contains(ce.Reason, "Too many new sessions") {
		t.Errorf("socket over the session rate closed with %v", ce)
	}

	fams := ts.scrape(t)
	for reason, want := range map[string]float64{"max-conns-per-ip": 1, "session-rate": 1, "max-conns": 0} {
		if v := mustMetric(t, fams, "portfolio_web_terminal_rejected_total", "reason", reason); v != want {
			t.Errorf("web terminal rejected{%s} = %v, want %v", reason, v, want)
		}
	}
	if v := mustMetric(t, fams, "portfolio_web_terminal_sessions_total"); v != 2 {
		t.Errorf("web terminal sessions = %v, want 2", v)
	}
	// SSH's own counters saw none of it.
	if v := mustMetric(t, fams, "portfolio_rejected_connections_total", "reason", "max-conns-per-ip"); v != 0 {
		t.Errorf("SSH rejected{max-conns-per-ip} = %v, want 0", v)
	}
}

// TestWebTerminalContact sends a message through the contact form of the
// live terminal: it is stored like any other, marked as from the browser's
// terminal.
func TestWebTerminalContact(t *testing.T) {
	t.Parallel()
	dataDir := t.TempDir()
	ts := startServerWith(t, func(c *Config) { withHTTP(c); c.DataDir = dataDir; c.SessionRate = 0 })
	c := dialTerminal(t, ts, "?open=contact")
	go func() {
		for {
			if _, _, err := c.Read(context.Background()); err != nil {
				return
			}
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	// The text as written: a family emoji and a Persian ZWNJ (issue 20 §1).
	for _, k := range []string{"\r", "Zoë 李 " + e2eFamily, "\t", "zoe@example.com", "\t", "Hello from the browser's terminal 👋 " + e2ePersian, "\x13"} {
		if err := c.Write(ctx, websocket.MessageBinary, []byte(k)); err != nil {
			t.Fatal(err)
		}
		time.Sleep(30 * time.Millisecond) // a person types; the UI's pacing is not under test
	}
	var msgs []inbox.Message
	eventually(waitTimeout, func() bool { msgs, _, _ = filestore.ReadAll(dataDir); return len(msgs) > 0 })
	if len(msgs) != 1 {
		t.Fatalf("%d messages stored, want 1", len(msgs))
	}
	if m := msgs[0]; m.Via != inbox.ViaWebTerminal || m.Name != "Zoë 李 "+e2eFamily || m.Message != "Hello from the browser's terminal 👋 "+e2ePersian || m.Remote != "127.0.0.1" || !m.Valid() {
		t.Errorf("stored %+v", m)
	}
}

// TestWebTerminalTimeouts: the host's idle limit ends a browser's visit as
// it ends an SSH one, and the page is told why the session ended.
func TestWebTerminalTimeouts(t *testing.T) {
	t.Parallel()
	ts := startServerWith(t, func(c *Config) { withHTTP(c); c.SessionRate = 0; c.IdleTimeout = 500 * time.Millisecond })
	c := dialTerminal(t, ts, "")
	if ce := closeOf(t, c); ce.Code != websocket.StatusNormalClosure || !strings.Contains(ce.Reason, "Reload") {
		t.Errorf("idle socket closed with %v", ce)
	}
	ts.waitMetric(t, "portfolio_web_terminal_sessions_active", func(v float64) bool { return v == 0 })
}

// TestWebTerminalShutdown: a shutdown ends browsers' visits with the
// restart notice, and new sockets are turned away with it.
func TestWebTerminalShutdown(t *testing.T) {
	t.Parallel()
	ts := startServerWith(t, func(c *Config) { withHTTP(c); c.SessionRate = 0 })
	c := dialTerminal(t, ts, "")
	ts.stop()
	if ce := closeOf(t, c); !strings.Contains(ce.Reason, "restarting") {
		t.Errorf("socket closed with %v at shutdown", ce)
	}
	late := dialTerminal(t, ts, "")
	if ce := closeOf(t, late); ce.Code != websocket.StatusTryAgainLater || !strings.Contains(ce.Reason, "restarting") {
		t.Errorf("socket opened during shutdown closed with %v", ce)
	}
}

// TestShutdownWaitsForWebTerminals: Shutdown returns only once browsers'
// live terminals have been told goodbye, as it waits for SSH sessions.
func TestShutdownWaitsForWebTerminals(t *testing.T) {
	t.Parallel()
	ts := startServerWith(t, func(c *Config) { withHTTP(c); c.SessionRate = 0 })
	c := dialTerminal(t, ts, "")
	ts.waitMetric(t, "portfolio_web_terminal_sessions_active", func(v float64) bool { return v == 1 })
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	if err := ts.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if n := ts.admission.Active(); n != 0 {
		t.Errorf("Shutdown returned with %d live terminal sessions still running", n)
	}
	if ce := closeOf(t, c); !strings.Contains(ce.Reason, "restarting") {
		t.Errorf("socket closed with %v at shutdown", ce)
	}
}

// Text as written (issue 20 §1): a family emoji (two ZWJs) and a Persian
// word with its ZWNJ must arrive byte for byte.
const (
	e2eFamily  = "👨\u200d👩\u200d👧"
	e2ePersian = "کتاب\u200cها"
)
