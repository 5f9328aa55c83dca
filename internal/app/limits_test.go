package app

// Tests of issue 22: one budget for every door. Addresses 127.0.0.2–.9
// stand for visitors on loopback; every flood is bounded in count and
// time.

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	gossh "golang.org/x/crypto/ssh"

	"github.com/pragyamugale/portfolio/internal/config"
)

// from is a dialer whose connections come from the loopback address ip
// (127.0.0.2–127.0.0.9 stand for visitors).
func from(ip string) *net.Dialer {
	return &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 2 * time.Second}
}

// clientFrom is an HTTP client whose connections come from ip, with
// extra headers on every request.
func clientFrom(ip string, header http.Header) *http.Client {
	return &http.Client{
		Timeout: 5 * time.Second,
		Transport: headerTransport{header, &http.Transport{
			DialContext:       from(ip).DialContext,
			DisableKeepAlives: true,
		}},
	}
}

type headerTransport struct {
	h  http.Header
	rt http.RoundTripper
}

func (t headerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	for k, v := range t.h {
		r.Header[k] = v
	}
	return t.rt.RoundTrip(r)
}

// sshFrom opens an SSH connection (logged in, no session) from ip, or
// returns the error.
func sshFrom(addr, ip string) (*gossh.Client, error) {
	conn, err := from(ip).Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	cfg := &gossh.ClientConfig{
		User: "visitor",
		Auth: []gossh.AuthMethod{gossh.KeyboardInteractive(
			func(string, string, []string, []bool) ([]string, error) { return nil, nil })},
		HostKeyCallback: gossh.InsecureIgnoreHostKey(),
		Timeout:         5 * time.Second,
	}
	_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
	c, chans, reqs, err := gossh.NewClientConn(conn, addr, cfg)
	if err != nil {
		conn.Close()
		return nil, err
	}
	_ = conn.SetDeadline(time.Time{})
	return gossh.NewClient(c, chans, reqs), nil
}

// firstFrame opens the app over SSH from ip and returns how long its
// first screen took to arrive, from the TCP connect.
func firstFrame(addr, ip string) (time.Duration, error) {
	start := time.Now()
	c, err := sshFrom(addr, ip)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	sess, err := c.NewSession()
	if err != nil {
		return 0, err
	}
	defer sess.Close()
	out, err := sess.StdoutPipe()
	if err != nil {
		return 0, err
	}
	if err := sess.RequestPty("xterm-256color", 40, 120, gossh.TerminalModes{}); err != nil {
		return 0, err
	}
	if err := sess.Shell(); err != nil {
		return 0, err
	}
	got := make(chan error, 1)
	go func() {
		// The first screen is a few KiB; its first bytes are the frame
		// beginning to draw.
		buf := make([]byte, 4096)
		_, err := io.ReadAtLeast(out, buf, 512)
		got <- err
	}()
	select {
	case err := <-got:
		if err != nil {
			return 0, err
		}
		return time.Since(start), nil
	case <-time.After(10 * time.Second):
		return 0, fmt.Errorf("no first frame within 10 s")
	}
}

// dialTerminalFrom opens the live terminal's socket from ip with extra
// headers and sends the size.
func dialTerminalFrom(t *testing.T, ts *testServer, ip string, header http.Header) *websocket.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	h := http.Header{"Origin": {"http://" + ts.HTTPAddr().String()}}
	for k, v := range header {
		h[k] = v
	}
	c, _, err := websocket.Dial(ctx, "ws://"+ts.HTTPAddr().String()+"/terminal/ws", &websocket.DialOptions{
		HTTPHeader: h,
		HTTPClient: &http.Client{Transport: &http.Transport{DialContext: from(ip).DialContext}},
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

// TestMetricsOffThePublicPort (issue 22 §10): /metrics is served on its
// own address, loopback by default, and the public web port answers it
// with 404; an empty --metrics-addr turns it off.
func TestMetricsOffThePublicPort(t *testing.T) {
	t.Parallel()
	if h, _, err := net.SplitHostPort(config.Default().MetricsAddr); err != nil || !net.ParseIP(h).IsLoopback() {
		t.Errorf("default --metrics-addr %q: want a loopback address", config.Default().MetricsAddr)
	}
	ts := startServerWith(t, withHTTP)
	if code, _, body := ts.httpGet(t, "/metrics"); code != http.StatusNotFound || strings.Contains(body, "portfolio_") {
		t.Errorf("public port: GET /metrics = %d, want 404 without the metrics", code)
	}
	if v := mustMetric(t, ts.scrape(t), "portfolio_messages_stored_total"); v != 0 {
		t.Errorf("metrics address: messages stored = %v", v)
	}
	off := startServerWith(t, func(c *Config) { withHTTP(c); c.MetricsAddr = "" })
	if off.MetricsAddr() != nil {
		t.Errorf("--metrics-addr \"\": metrics served on %v", off.MetricsAddr())
	}
}

// TestWebTerminalMessageTooBig (issue 22 §5): a message over 64 KiB is
// refused as it arrives, whatever the host is doing: the socket closes
// at once with 1009 and a reason, and the session's slot is free.
func TestWebTerminalMessageTooBig(t *testing.T) {
	t.Parallel()
	ts := startServerWith(t, func(c *Config) { withHTTP(c); c.SessionRate = 0 })
	c := dialTerminal(t, ts, "")
	ts.waitMetric(t, "portfolio_web_terminal_sessions_active", func(v float64) bool { return v == 1 })
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	// A message of keys the host works through slowly (its event budget),
	// then one over the cap.
	_ = c.Write(ctx, websocket.MessageBinary, []byte(strings.Repeat("x", 60<<10)))
	go func() { _ = c.Write(ctx, websocket.MessageBinary, []byte(strings.Repeat("y", 100<<10))) }()
	ce := closeOf(t, c)
	if ce.Code != websocket.StatusMessageTooBig || !strings.Contains(ce.Reason, "64 KiB") {
		t.Errorf("socket closed with %v, want 1009 naming the cap", ce)
	}
	ts.waitMetric(t, "portfolio_web_terminal_sessions_active", func(v float64) bool { return v == 0 })
}

// TestWebTerminalGoneFreesSlot (issue 22 §5): a browser that goes while
// the host still works through its keys frees its session's slot at
// once, not when a keepalive goes unanswered (30 s and more).
func TestWebTerminalGoneFreesSlot(t *testing.T) {
	t.Parallel()
	ts := startServerWith(t, func(c *Config) { withHTTP(c); c.SessionRate = 0; c.MaxConnsPerIP = 1 })
	c := dialTerminal(t, ts, "")
	ts.waitMetric(t, "portfolio_web_terminal_sessions_active", func(v float64) bool { return v == 1 })
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	if err := c.Write(ctx, websocket.MessageBinary, []byte(strings.Repeat("x", 60<<10))); err != nil {
		t.Fatal(err)
	}
	c.CloseNow() // no close handshake: the tab is gone
	ts.waitMetric(t, "portfolio_web_terminal_sessions_active", func(v float64) bool { return v == 0 })
	// The slot is free: the address gets its one terminal again.
	again := dialTerminal(t, ts, "")
	ts.waitMetric(t, "portfolio_web_terminal_sessions_active", func(v float64) bool { return v == 1 })
	again.CloseNow()
}

// TestOneCountForBothDoors (issue 22 §3): with --max-conns 10
// --max-conns-per-ip 3, SSH connections and web terminals are one count,
// in all and per address.
func TestOneCountForBothDoors(t *testing.T) {
	t.Parallel()
	ts := startServerWith(t, func(c *Config) {
		withHTTP(c)
		c.SessionRate = 0
		c.MaxConns, c.MaxConnsPerIP = 10, 3
	})
	addr := ts.Addr().String()
	var held []*gossh.Client
	t.Cleanup(func() {
		for _, c := range held {
			c.Close()
		}
	})
	for _, ip := range []string{"127.0.0.2", "127.0.0.3", "127.0.0.4"} {
		for range 3 {
			c, err := sshFrom(addr, ip)
			if err != nil {
				t.Fatalf("SSH from %s under the caps: %v", ip, err)
			}
			held = append(held, c)
		}
	}
	// 127.0.0.2 has its 3 at SSH: the web door refuses its 4th.
	if ce := closeOf(t, dialTerminalFrom(t, ts, "127.0.0.2", nil)); ce.Code != websocket.StatusTryAgainLater || !strings.Contains(ce.Reason, "from your address") {
		t.Errorf("a 4th connection from one address, at the web door: closed with %v, want the per-address refusal", ce)
	}
	// The 10th, a web terminal; then both doors are full.
	dialTerminalFrom(t, ts, "127.0.0.5", nil)
	ts.waitMetric(t, "portfolio_web_terminal_sessions_active", func(v float64) bool { return v == 1 })
	if c, err := sshFrom(addr, "127.0.0.6"); err == nil {
		c.Close()
		t.Error("an 11th connection was let in at the SSH door")
	}
	if ce := closeOf(t, dialTerminalFrom(t, ts, "127.0.0.7", nil)); ce.Code != websocket.StatusTryAgainLater || !strings.Contains(ce.Reason, "busy") {
		t.Errorf("an 11th connection, at the web door: closed with %v, want the busy refusal", ce)
	}
	if v := mustMetric(t, ts.scrape(t), "portfolio_connections_open"); v != 10 {
		t.Errorf("portfolio_connections_open = %v, want 10", v)
	}
}

// TestWebTerminalIPv6By64 (issue 22 §4): behind Fly's proxy, twelve
// addresses of one IPv6 /64 are one address to the web terminal's
// limits, as to SSH's.
func TestWebTerminalIPv6By64(t *testing.T) {
	t.Parallel()
	ts := startServerWith(t, func(c *Config) {
		withHTTP(c)
		c.TrustFlyClientIP = true
		c.MaxConnsPerIP = 3
	})
	for i := 1; i <= 12; i++ {
		c := dialTerminalFrom(t, ts, "127.0.0.1", http.Header{"Fly-Client-Ip": {fmt.Sprintf("2001:db8:1:2::%x", i*0x101)}})
		ts.waitMetric(t, "portfolio_web_terminal_sessions_total", func(v float64) bool { return v >= float64(min(i, 3)) })
		if i > 3 {
			if ce := closeOf(t, c); ce.Code != websocket.StatusTryAgainLater {
				t.Errorf("terminal %d of one /64 closed with %v, want a refusal", i, ce)
			}
		}
	}
	fams := ts.scrape(t)
	if v := mustMetric(t, fams, "portfolio_web_terminal_sessions_active"); v != 3 {
		t.Errorf("%v web terminals from one /64, want 3", v)
	}
	if v := mustMetric(t, fams, "portfolio_web_terminal_rejected_total", "reason", "max-conns-per-ip"); v != 9 {
		t.Errorf("rejected{max-conns-per-ip} = %v, want 9", v)
	}
}

// rawGet sends GET path on a new connection from ip and reads the
// response's status line and headers, leaving the connection open (an
// idle keep-alive connection); ok is false when the server closed it or
// didn't answer within a second.
func rawGet(addr, ip, path string, header string) (net.Conn, string, bool) {
	c, err := from(ip).Dial("tcp", addr)
	if err != nil {
		return nil, "", false
	}
	_ = c.SetDeadline(time.Now().Add(time.Second))
	if _, err := fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: portfolio\r\n%s\r\n", path, header); err != nil {
		c.Close()
		return nil, "", false
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		c.Close()
		return nil, "", false
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	_ = c.SetDeadline(time.Time{})
	return c, resp.Status, resp.StatusCode == http.StatusOK && !resp.Close
}

// TestHTTPConnsCappedPerAddress (issue 22 §1): the web door counts
// connections when accepted, per address: an address at its cap makes
// room by losing its own oldest idle connection, and is refused (503,
// before any request is read) when none is idle; other addresses are
// served all along.
func TestHTTPConnsCappedPerAddress(t *testing.T) {
	t.Parallel()
	ts := startServerWith(t, func(c *Config) {
		withHTTP(c)
		c.SessionRate = 0
		c.MaxHTTPConnsPerIP = 4
	})
	addr := ts.HTTPAddr().String()
	var idle []net.Conn
	for range 4 {
		c, _, ok := rawGet(addr, "127.0.0.2", "/healthz", "")
		if !ok {
			t.Fatal("an idle connection under the cap was refused")
		}
		idle = append(idle, c)
	}
	defer func() {
		for _, c := range idle {
			c.Close()
		}
	}()
	// A fifth: the first idle one is closed to make room.
	c5, _, ok := rawGet(addr, "127.0.0.2", "/healthz", "")
	if !ok {
		t.Fatal("a 5th connection from an address with idle ones was refused")
	}
	idle = append(idle, c5)
	_ = idle[0].SetReadDeadline(time.Now().Add(waitTimeout))
	if _, err := idle[0].Read(make([]byte, 1)); err == nil {
		t.Error("the oldest idle connection is still open")
	}
	if v := ts.waitMetric(t, "portfolio_http_connections_open", func(v float64) bool { return v <= 4 }); v > 4 {
		t.Errorf("%v connections open", v)
	}
	// Four live terminals (no idle connection left): the next connection
	// from that address is refused before its request, with a 503.
	for _, c := range idle {
		c.Close()
	}
	idle = nil
	for range 4 {
		dialTerminalFrom(t, ts, "127.0.0.3", nil)
	}
	ts.waitMetric(t, "portfolio_web_terminal_sessions_active", func(v float64) bool { return v == 4 })
	if _, status, _ := rawGet(addr, "127.0.0.3", "/healthz", ""); !strings.HasPrefix(status, "503") {
		t.Errorf("a 5th connection from an address at its cap: %q, want 503", status)
	}
	if code, _, _ := ts.httpGet(t, "/healthz"); code != http.StatusOK {
		t.Errorf("another address: /healthz = %d", code)
	}
}

// TestHTTPPerVisitorBehindFly (issue 22 §1): behind Fly's proxy every
// connection comes from the proxy, so the cap per address follows
// Fly-Client-IP once a request is read: one visitor over it is refused
// (429), others through the same proxy are not.
func TestHTTPPerVisitorBehindFly(t *testing.T) {
	t.Parallel()
	ts := startServerWith(t, func(c *Config) {
		withHTTP(c)
		c.SessionRate = 0
		c.TrustFlyClientIP = true
		c.MaxHTTPConnsPerIP = 2
	})
	busy := http.Header{"Fly-Client-Ip": {"203.0.113.9"}}
	// Two live terminals: the busy visitor's two requests in progress.
	dialTerminalFrom(t, ts, "127.0.0.2", busy)
	dialTerminalFrom(t, ts, "127.0.0.2", busy)
	ts.waitMetric(t, "portfolio_web_terminal_sessions_active", func(v float64) bool { return v == 2 })
	resp, err := clientFrom("127.0.0.2", busy).Get(ts.url("/healthz"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("the busy visitor's 3rd request = %d, want 429", resp.StatusCode)
	}
	// The same proxy address (its connections count only in all), another
	// visitor, IPv4 or IPv6.
	for _, ip := range []string{"198.51.100.7", "2001:db8::1"} {
		resp, err := clientFrom("127.0.0.2", http.Header{"Fly-Client-Ip": {ip}}).Get(ts.url("/healthz"))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("visitor %s through the proxy: /healthz = %d", ip, resp.StatusCode)
		}
	}
}

// TestHTTPHeadersBounded (issue 22 §2): a request's headers are capped at
// a few KiB (webdoor.MaxHeaderBytes, 8 KiB, and Go's 4 KiB of slack), not
// Go's 1 MiB default: 16 KiB of them get 431.
func TestHTTPHeadersBounded(t *testing.T) {
	t.Parallel()
	ts := startServerWith(t, withHTTP)
	addr := ts.HTTPAddr().String()
	if _, status, ok := rawGet(addr, "127.0.0.2", "/healthz", "X-Big: "+strings.Repeat("a", 2<<10)+"\r\n"); !ok {
		t.Errorf("2 KiB of headers: %q, want 200", status)
	}
	if _, status, _ := rawGet(addr, "127.0.0.2", "/healthz", "X-Big: "+strings.Repeat("a", 16<<10)+"\r\n"); !strings.HasPrefix(status, "431") {
		t.Errorf("16 KiB of headers: %q, want 431", status)
	}
}
