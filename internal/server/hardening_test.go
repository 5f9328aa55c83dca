package server

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"charm.land/ssh"
	"github.com/charmbracelet/x/ansi"
	"github.com/gofrs/flock"
	"github.com/pires/go-proxyproto"
	"github.com/prometheus/client_golang/prometheus"
	gossh "golang.org/x/crypto/ssh"

	"github.com/pragyamugale/portfolio/internal/inbox/filestore"
	"github.com/pragyamugale/portfolio/internal/visit"
)

// ownerName is on the first frame of every UI session.
const ownerName = "Pragya Mugale"

// startHardened starts a server whose Config starts from DefaultConfig and
// is then edited; before, if set, runs after Listen and before Serve (so it
// may replace handlers). It returns once the server completes a handshake
// and the probe's connection slot has been released.
func startHardened(t *testing.T, edit func(*Config), before func(*Server)) *testServer {
	t.Helper()
	ts := newTestServer(t, edit, before)
	srv, cfg := ts.Server, ts.cfg
	header := ""
	if cfg.ProxyProtocol {
		header = proxyV1("192.0.2.1", 1)
	}
	var derr error
	if !eventually(waitTimeout, func() bool {
		var c *gossh.Client
		if c, derr = dialSSH(ts.addr, header, clientConfig("probe")); derr == nil {
			_ = c.Close()
		}
		return derr == nil
	}) {
		t.Fatalf("server on %s not serving within %s: %v", ts.addr, waitTimeout, derr)
	}
	if !eventually(waitTimeout, func() bool { return srv.conns.Open() == 0 }) {
		t.Fatalf("probe connection still counted: %d open", srv.conns.Open())
	}
	return ts
}

func clientConfig(user string) *gossh.ClientConfig {
	return &gossh.ClientConfig{
		User:            user,
		Auth:            noAuth(),
		HostKeyCallback: gossh.InsecureIgnoreHostKey(),
		Timeout:         waitTimeout,
	}
}

// proxyV1 is a PROXY protocol v1 header from ip:port to the server.
func proxyV1(ip string, port int) string {
	return fmt.Sprintf("PROXY TCP4 %s 127.0.0.1 %d 23234\r\n", ip, port)
}

// dialSSH connects over TCP, writes header (if any) first, then does the
// SSH handshake.
func dialSSH(addr, header string, cfg *gossh.ClientConfig) (*gossh.Client, error) {
	conn, err := net.DialTimeout("tcp", addr, waitTimeout)
	if err != nil {
		return nil, err
	}
	_ = conn.SetDeadline(time.Now().Add(waitTimeout))
	if header != "" {
		if _, err := io.WriteString(conn, header); err != nil {
			conn.Close()
			return nil, err
		}
	}
	c, chans, reqs, err := gossh.NewClientConn(conn, addr, cfg)
	if err != nil {
		conn.Close()
		return nil, err
	}
	_ = conn.SetDeadline(time.Time{})
	return gossh.NewClient(c, chans, reqs), nil
}

// mustDial is dialSSH that fails the test and closes the client at the end.
func mustDial(t *testing.T, addr, header string) *gossh.Client {
	t.Helper()
	c, err := dialSSH(addr, header, clientConfig("visitor"))
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// runCmd runs one command without a pty on a new connection.
func runCmd(t *testing.T, addr, cmd, stdin string) (stdout, stderr string, err error) {
	t.Helper()
	c := mustDial(t, addr, "")
	return runOn(t, c, cmd, stdin)
}

func runOn(t *testing.T, c *gossh.Client, cmd, stdin string) (string, string, error) {
	t.Helper()
	sess, err := c.NewSession()
	if err != nil {
		t.Fatalf("new session: %v", err)
	}
	defer sess.Close()
	var out, errOut syncBuffer
	sess.Stdout, sess.Stderr = &out, &errOut
	if stdin != "" {
		sess.Stdin = strings.NewReader(stdin)
	}
	res := make(chan error, 1)
	go func() { res <- sess.Run(cmd) }()
	select {
	case err = <-res:
	case <-time.After(waitTimeout):
		t.Fatalf("%q still running after %s", cmd, waitTimeout)
	}
	return out.String(), errOut.String(), err
}

func exitStatus(err error) int {
	if err == nil {
		return 0
	}
	var ee *gossh.ExitError
	if errors.As(err, &ee) {
		return ee.ExitStatus()
	}
	return -1
}

// readUntilClosed reads conn until EOF or an error, at most for limit. It
// returns the bytes read, how long it took, and whether the server closed
// the connection (rather than the deadline passing).
func readUntilClosed(conn net.Conn, limit time.Duration) ([]byte, time.Duration, bool) {
	start := time.Now()
	_ = conn.SetReadDeadline(start.Add(limit))
	data, err := io.ReadAll(conn)
	var ne net.Error
	timedOut := errors.As(err, &ne) && ne.Timeout()
	return data, time.Since(start), !timedOut
}

func TestHandshakeTimeoutClosesSilentConnections(t *testing.T) {
	t.Parallel()
	ts := startHardened(t, func(c *Config) { c.HandshakeTimeout = 500 * time.Millisecond }, nil)

	t.Run("silent", func(t *testing.T) {
		t.Parallel()
		conn, err := net.Dial("tcp", ts.addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		data, took, closed := readUntilClosed(conn, 5*time.Second)
		if !closed {
			t.Fatalf("silent connection still open after %s", took)
		}
		if took < 400*time.Millisecond || took > 3*time.Second {
			t.Errorf("silent connection closed after %s, want about the 500ms handshake timeout", took)
		}
		if !strings.HasPrefix(string(data), "SSH-2.0-") {
			t.Errorf("got %q before the close, want the server's version line", data)
		}
	})

	t.Run("version line then silent", func(t *testing.T) {
		t.Parallel()
		conn, err := net.Dial("tcp", ts.addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		if _, err := io.WriteString(conn, "SSH-2.0-stall\r\n"); err != nil {
			t.Fatal(err)
		}
		_, took, closed := readUntilClosed(conn, 5*time.Second)
		if !closed || took > 3*time.Second {
			t.Fatalf("connection stalled in key exchange: closed=%v after %s", closed, took)
		}
	})

	// The timeout covers the handshake only: a session may last longer.
	t.Run("session outlives it", func(t *testing.T) {
		t.Parallel()
		c := mustDial(t, ts.addr, "")
		tm := openTerm(t, c, 80, 24)
		tm.waitFor(0, waitTimeout, ownerName)
		time.Sleep(time.Second) // a negative check: past the handshake timeout, the session stays
		select {
		case err := <-tm.done:
			t.Fatalf("session ended after the handshake timeout: %v", err)
		default:
		}
		tm.quit()
	})
}

func TestConnectionLimits(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name          string
		max, perIP    int
		limit         int
		reason        string
		otherReasonOK string
	}{
		{"global", 3, 0, 3, "max-conns", "max-conns-per-ip"},
		{"per-ip", 0, 2, 2, "max-conns-per-ip", "max-conns"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ts := startHardened(t, func(c *Config) {
				c.MaxConns, c.MaxConnsPerIP, c.SessionRate = tc.max, tc.perIP, 0
			}, nil)

			clients := make([]*gossh.Client, tc.limit)
			for i := range clients {
				clients[i] = mustDial(t, ts.addr, "")
			}
			if !eventually(waitTimeout, func() bool { return ts.conns.Open() == tc.limit }) {
				t.Fatalf("%d connections counted, want %d", ts.conns.Open(), tc.limit)
			}

			// Excess connections: closed at once, before the server says a
			// word.
			for i := range 3 {
				conn, err := net.Dial("tcp", ts.addr)
				if err != nil {
					t.Fatal(err)
				}
				data, took, closed := readUntilClosed(conn, 3*time.Second)
				conn.Close()
				if !closed || took > time.Second {
					t.Fatalf("excess connection %d: closed=%v after %s, want closed at once", i, closed, took)
				}
				if len(data) != 0 {
					t.Errorf("excess connection %d got %q, want nothing (no SSH banner)", i, data)
				}
			}
			if n := ts.rejects.get(tc.reason); n != 3 {
				t.Errorf("rejects[%s] = %d, want 3", tc.reason, n)
			}
			if n := ts.rejects.get(tc.otherReasonOK); n != 0 {
				t.Errorf("rejects[%s] = %d, want 0", tc.otherReasonOK, n)
			}
			// A full SSH client is refused too (its handshake fails).
			if c, err := dialSSH(ts.addr, "", clientConfig("excess")); err == nil {
				c.Close()
				t.Fatal("an SSH handshake succeeded beyond the limit")
			}

			// The connections within the limit work.
			terms := make([]*term, len(clients))
			for i, c := range clients {
				terms[i] = openTerm(t, c, 80, 24)
			}
			for _, tm := range terms {
				tm.waitFor(0, waitTimeout, ownerName)
			}

			// Closing one frees its slot.
			_ = clients[0].Close()
			if !eventually(waitTimeout, func() bool { return ts.conns.Open() == tc.limit-1 }) {
				t.Fatalf("slot not released: %d open, want %d", ts.conns.Open(), tc.limit-1)
			}
			c := mustDial(t, ts.addr, "")
			tm := openTerm(t, c, 80, 24)
			tm.waitFor(0, waitTimeout, ownerName)
			for _, tm := range append(terms[1:], tm) {
				tm.quit()
			}
		})
	}
}

func TestSessionRateLimit(t *testing.T) {
	t.Parallel()
	ts := startHardened(t, func(c *Config) { c.SessionRate = 2 }, nil)
	for i := range 2 {
		out, errOut, err := runCmd(t, ts.addr, "version", "")
		if err != nil {
			t.Fatalf("session %d: %v (stderr %q)", i+1, err, errOut)
		}
		if out == "" {
			t.Errorf("session %d: no output from version", i+1)
		}
	}
	out, errOut, err := runCmd(t, ts.addr, "version", "")
	if st := exitStatus(err); st != 1 {
		t.Fatalf("third session: err = %v, want exit status 1", err)
	}
	m := regexp.MustCompile(`Too many connections from your address: try again in (\d+) s`).FindStringSubmatch(errOut)
	if m == nil {
		t.Fatalf("third session stderr = %q, want the rate-limit message", errOut)
	}
	// Two a minute: the next token is 30 s away.
	if n, _ := strconv.Atoi(m[1]); n < 1 || n > 30 {
		t.Errorf("retry in %d s, want 1–30", n)
	}
	if out != "" {
		t.Errorf("third session stdout = %q, want nothing", out)
	}
	if n := ts.rejects.get("session-rate"); n != 1 {
		t.Errorf("rejects[session-rate] = %d, want 1", n)
	}
}

func TestOneSessionPerConnection(t *testing.T) {
	t.Parallel()
	ts := startHardened(t, func(c *Config) { c.SessionRate = 0 }, nil)

	c := mustDial(t, ts.addr, "")
	first, err := c.NewSession()
	if err != nil {
		t.Fatalf("first session: %v", err)
	}
	defer first.Close()
	second, err := c.NewSession()
	if err == nil {
		second.Close()
		t.Fatal("a second session on the same connection was accepted")
	}
	if !strings.Contains(err.Error(), "one session per connection") {
		t.Errorf("second session error = %v, want the reason", err)
	}
	var out syncBuffer
	first.Stdout = &out
	if err := first.Run("version"); err != nil {
		t.Fatalf("first session after the refusal: %v", err)
	}
	if out.String() == "" {
		t.Error("first session printed nothing")
	}
	// One at a time: once the first has ended, the connection may open
	// the next (as OpenSSH's connection sharing does), and only one.
	next, err := c.NewSession()
	if err != nil {
		t.Fatalf("a new session after the first ended was refused: %v", err)
	}
	defer next.Close()
	if s, err := c.NewSession(); err == nil {
		s.Close()
		t.Error("a second session beside the next one was accepted")
	}
	if n := ts.rejects.get("extra-session"); n != 2 {
		t.Errorf("rejects[extra-session] = %d, want 2", n)
	}
}

// connValues is a connection's context reduced to its values.
type connValues struct {
	ssh.Context
	values map[any]any
}

func (c connValues) Value(k any) any { return c.values[k] }

// nullChannel is a channel that sends nothing anywhere.
type nullChannel struct{ gossh.Channel }

func (nullChannel) SendRequest(string, bool, []byte) (bool, error) { return false, nil }
func (nullChannel) Close() error                                   { return nil }

// TestReleaseSessionOnlyItsOwn: a session frees the connection's slot just
// before its exit status goes out, and again when its channel closes and
// when its handler returns; by then the client may have opened its next
// session, whose hold must survive.
func TestReleaseSessionOnlyItsOwn(t *testing.T) {
	slot := new(sessionSlot)
	id1, _ := slot.take()
	first := &heldSession{slot: slot, id: id1}
	ch := heldChannel{Channel: nullChannel{}, release: first.release}
	if _, err := ch.SendRequest("exit-status", false, gossh.Marshal(struct{ Status uint32 }{0})); err != nil {
		t.Fatal(err)
	}
	id2, ok := slot.take()
	if !ok {
		t.Fatal("the slot is still held after the first session sent its exit status")
	}
	_ = ch.Close()  // the first session's channel closes, late
	first.release() // and its handler returns
	if got := slot.owner.Load(); got != id2 {
		t.Fatalf("slot owner = %d after the first session's late releases, want the second session's %d", got, id2)
	}
	if _, ok := slot.take(); ok {
		t.Error("a third session took the slot the second holds")
	}
	second := heldChannel{Channel: nullChannel{}, release: (&heldSession{slot: slot, id: id2}).release}
	if _, err := second.SendRequest("keepalive@openssh.com", false, nil); err != nil {
		t.Fatal(err)
	}
	if got := slot.owner.Load(); got != id2 {
		t.Errorf("slot owner = %d after another request of the second session, want still held", got)
	}
	_ = second.Close() // a session the server ends without an exit status
	if got := slot.owner.Load(); got != 0 {
		t.Errorf("slot owner = %d after the second session's channel closed, want free", got)
	}
}

// TestOneSessionPerConnectionConcurrent opens several session channels on
// one connection at the same moment: only one may be accepted.
func TestOneSessionPerConnectionConcurrent(t *testing.T) {
	t.Parallel()
	ts := startHardened(t, func(c *Config) { c.SessionRate = 0 }, nil)
	for round := range 300 {
		c := mustDial(t, ts.addr, "")
		var wg sync.WaitGroup
		var mu sync.Mutex
		accepted := 0
		for range 8 {
			wg.Go(func() {
				ch, reqs, err := c.OpenChannel("session", nil)
				if err != nil {
					return
				}
				go gossh.DiscardRequests(reqs)
				mu.Lock()
				accepted++
				mu.Unlock()
				_ = ch
			})
		}
		wg.Wait()
		_ = c.Close()
		if accepted != 1 {
			t.Fatalf("round %d: %d session channels accepted on one connection, want 1", round, accepted)
		}
	}
}

func TestEnvLimits(t *testing.T) {
	t.Parallel()
	ts := startHardened(t, func(c *Config) { c.SessionRate = 0 }, nil)

	newSession := func(t *testing.T) *gossh.Session {
		c := mustDial(t, ts.addr, "")
		s, err := c.NewSession()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Close() })
		return s
	}
	works := func(t *testing.T, s *gossh.Session) {
		t.Helper()
		var out syncBuffer
		s.Stdout = &out
		if err := s.Run("version"); err != nil {
			t.Fatalf("session after env requests: %v", err)
		}
		if out.String() == "" {
			t.Error("version printed nothing")
		}
	}

	t.Run("count", func(t *testing.T) {
		t.Parallel()
		s := newSession(t)
		for i := range 40 {
			err := s.Setenv(fmt.Sprintf("VAR_%d", i), "x")
			if i < maxEnvRequests && err != nil {
				t.Errorf("env request %d refused: %v", i+1, err)
			}
			if i >= maxEnvRequests && err == nil {
				t.Errorf("env request %d accepted, want refused beyond %d", i+1, maxEnvRequests)
			}
		}
		works(t, s)
	})

	t.Run("huge value", func(t *testing.T) {
		t.Parallel()
		s := newSession(t)
		if err := s.Setenv("BIG", strings.Repeat("x", 9<<10)); err == nil {
			t.Error("a 9 KiB env value was accepted")
		}
		works(t, s)
	})

	t.Run("total bytes", func(t *testing.T) {
		t.Parallel()
		s := newSession(t)
		half := strings.Repeat("y", 5<<10)
		if err := s.Setenv("A", half); err != nil {
			t.Errorf("first 5 KiB value refused: %v", err)
		}
		if err := s.Setenv("B", half); err == nil {
			t.Error("second 5 KiB value accepted, want refused beyond 8 KiB in all")
		}
		works(t, s)
	})
}

// sendKeepalives sends OpenSSH keepalives on c every 200ms until the test ends.
func sendKeepalives(t *testing.T, c *gossh.Client) {
	done := make(chan struct{})
	t.Cleanup(func() { close(done) })
	go func() {
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				if _, _, err := c.SendRequest("keepalive@openssh.com", true, nil); err != nil {
					return
				}
			}
		}
	}()
}

// ordered checks that every want appears in s, in order.
func ordered(t *testing.T, s string, want ...string) {
	t.Helper()
	at := 0
	for _, w := range want {
		i := strings.Index(s[at:], w)
		if i < 0 {
			t.Errorf("%q missing or out of order in:\n%s", w, tail(s, 2000))
			return
		}
		at += i + len(w)
	}
}

func TestIdleTimeout(t *testing.T) {
	t.Parallel()
	ts := startHardened(t, func(c *Config) { c.IdleTimeout = 2 * time.Second; c.SessionRate = 0 }, nil)

	t.Run("keepalives don't count", func(t *testing.T) {
		t.Parallel()
		c := mustDial(t, ts.addr, "")
		sendKeepalives(t, c)
		start := time.Now()
		tm := openTerm(t, c, 80, 24)
		tm.waitFor(0, waitTimeout, ownerName)
		tm.waitFor(0, 4*time.Second, "No input for a while", "Disconnected after 2 s without input")
		_ = tm.wait(waitTimeout)
		took := time.Since(start)
		if took < 1800*time.Millisecond || took > 6*time.Second {
			t.Errorf("idle session ended after %s, want about 2 s", took)
		}
		ordered(t, ansi.Strip(tm.out.String()), ownerName, "No input for a while", "Disconnected after")
	})

	t.Run("typing keeps it", func(t *testing.T) {
		t.Parallel()
		c := mustDial(t, ts.addr, "")
		tm := openTerm(t, c, 80, 24)
		tm.waitFor(0, waitTimeout, ownerName)
		deadline := time.Now().Add(3500 * time.Millisecond)
		for time.Now().Before(deadline) {
			tm.send("j")
			select {
			case err := <-tm.done:
				t.Fatalf("session ended while typing: %v; output:\n%s", err, tail(ansi.Strip(tm.out.String()), 2000))
			case <-time.After(500 * time.Millisecond):
			}
		}
		if out := ansi.Strip(tm.out.String()); strings.Contains(out, "Disconnected after") {
			t.Errorf("typing visitor was told they'd been disconnected:\n%s", tail(out, 2000))
		}
		tm.quit()
	})
}

func TestMaxSession(t *testing.T) {
	t.Parallel()
	ts := startHardened(t, func(c *Config) {
		c.IdleTimeout, c.MaxSession, c.SessionRate = 0, 2*time.Second, 0
	}, nil)
	c := mustDial(t, ts.addr, "")
	start := time.Now()
	tm := openTerm(t, c, 80, 24)
	tm.waitFor(0, waitTimeout, ownerName)
	tm.waitFor(0, 4*time.Second, "This session ends in", "Sessions last at most 2 s")
	_ = tm.wait(waitTimeout)
	if took := time.Since(start); took < 1800*time.Millisecond || took > 6*time.Second {
		t.Errorf("session ended after %s, want about 2 s", took)
	}
	ordered(t, ansi.Strip(tm.out.String()), ownerName, "This session ends in", "Sessions last at most")
}

func heapInuse() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse
}

// TestHugeWindowSizes is not parallel: it measures the process's heap.
// Window sizes are clamped to maxCols×maxRows; unclamped, 65535×65535 would
// cost the renderer gigabytes.
func TestHugeWindowSizes(t *testing.T) {
	ts := startHardened(t, func(c *Config) { c.SessionRate = 0 }, nil)
	for _, c := range []struct {
		name   string
		w, h   int
		resize bool // then a window-change to 65535×65535
		size   string
		want   string // on the first frame
	}{
		{"zero", 0, 0, false, "size=0x0", ""},
		{"huge", 65535, 65535, false, fmt.Sprintf("size=%dx%d", maxCols, maxRows), ownerName},
		{"resized", 80, 24, true, "size=80x24", ownerName},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := heapInuse()
			cl := mustDial(t, ts.addr, "")
			tm := openTermWithType(t, cl, "xterm-"+c.name, c.w, c.h)
			if c.want != "" {
				tm.waitFor(0, waitTimeout, c.want)
			} else if !eventually(waitTimeout, func() bool { return tm.out.Len() > 0 }) {
				t.Fatal("nothing rendered")
			}
			if c.resize {
				m := tm.mark()
				if err := tm.sess.WindowChange(65535, 65535); err != nil {
					t.Fatalf("window change: %v", err)
				}
				tm.waitFor(m, waitTimeout, ownerName)
			}
			line := logLine(ts.waitLog(t, "xterm-"+c.name), "connect", "xterm-"+c.name)
			if !strings.Contains(line, c.size) {
				t.Errorf("connect line %q, want %s", line, c.size)
			}
			growth := int64(heapInuse()) - int64(before)
			t.Logf("heap grew by %.1f MB", float64(growth)/(1<<20))
			if growth > 50<<20 {
				t.Errorf("heap grew by %d MB with the session open, want < 50 MB", growth>>20)
			}
			tm.quit()
		})
	}
}

func TestRefusedRequests(t *testing.T) {
	t.Parallel()
	ts := startHardened(t, func(c *Config) { c.SessionRate = 0 }, nil)

	t.Run("unknown command", func(t *testing.T) {
		t.Parallel()
		_, errOut, err := runCmd(t, ts.addr, "rm -rf /", "")
		if st := exitStatus(err); st != 2 {
			t.Errorf("unknown command: err = %v, want exit status 2", err)
		}
		if strings.Contains(errOut, "goroutine") {
			t.Errorf("stderr has a stack: %q", errOut)
		}
	})
	t.Run("sftp", func(t *testing.T) {
		t.Parallel()
		c := mustDial(t, ts.addr, "")
		s, err := c.NewSession()
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if err := s.RequestSubsystem("sftp"); err == nil {
			t.Error("sftp subsystem accepted")
		}
	})
	t.Run("local forwarding", func(t *testing.T) {
		t.Parallel()
		c := mustDial(t, ts.addr, "")
		if conn, err := c.Dial("tcp", "127.0.0.1:1"); err == nil {
			conn.Close()
			t.Error("direct-tcpip channel accepted")
		}
	})
	t.Run("remote forwarding", func(t *testing.T) {
		t.Parallel()
		c := mustDial(t, ts.addr, "")
		if ln, err := c.Listen("tcp", "127.0.0.1:0"); err == nil {
			ln.Close()
			t.Error("tcpip-forward accepted")
		}
	})
	t.Run("agent and x11", func(t *testing.T) {
		t.Parallel()
		c := mustDial(t, ts.addr, "")
		s, err := c.NewSession()
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		ok, err := s.SendRequest("auth-agent-req@openssh.com", true, nil)
		if err != nil || ok {
			t.Errorf("agent forwarding: ok=%v err=%v, want refused", ok, err)
		}
		x11 := gossh.Marshal(struct {
			Single        bool
			Proto, Cookie string
			ScreenNumber  uint32
		}{false, "MIT-MAGIC-COOKIE-1", "0123456789abcdef0123456789abcdef", 0})
		ok, err = s.SendRequest("x11-req", true, x11)
		if err != nil || ok {
			t.Errorf("x11: ok=%v err=%v, want refused", ok, err)
		}
		// The session itself still works.
		var out syncBuffer
		s.Stdout = &out
		if err := s.Run("version"); err != nil || out.String() == "" {
			t.Errorf("session after the refusals: %v, output %q", err, out.String())
		}
	})
}

// kexInit is the server's first key exchange message, read raw.
type kexInit struct {
	kex, hostKey, encC2S, encS2C, macC2S, macS2C []string
}

func readKexInit(t *testing.T, addr string) kexInit {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(waitTimeout))
	br := bufio.NewReader(conn)
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			t.Fatalf("reading the version line: %v", err)
		}
		if strings.HasPrefix(line, "SSH-") {
			break
		}
	}
	if _, err := io.WriteString(conn, "SSH-2.0-probe\r\n"); err != nil {
		t.Fatal(err)
	}
	var hdr [5]byte
	if _, err := io.ReadFull(br, hdr[:]); err != nil {
		t.Fatalf("reading the packet header: %v", err)
	}
	length, padding := binary.BigEndian.Uint32(hdr[:4]), int(hdr[4])
	if length < 1+17 || length > 35000 {
		t.Fatalf("implausible packet length %d", length)
	}
	body := make([]byte, length-1)
	if _, err := io.ReadFull(br, body); err != nil {
		t.Fatalf("reading the packet: %v", err)
	}
	if padding >= len(body) {
		t.Fatalf("padding %d of %d bytes", padding, len(body))
	}
	p := body[:len(body)-padding]
	if p[0] != 20 {
		t.Fatalf("first packet is message %d, want 20 (SSH_MSG_KEXINIT)", p[0])
	}
	p = p[17:]
	var lists [][]string
	for range 6 {
		if len(p) < 4 {
			t.Fatal("KEXINIT truncated")
		}
		n := binary.BigEndian.Uint32(p)
		if int(n) > len(p)-4 {
			t.Fatal("KEXINIT name-list overruns the packet")
		}
		var l []string
		if n > 0 {
			l = strings.Split(string(p[4:4+n]), ",")
		}
		lists = append(lists, l)
		p = p[4+n:]
	}
	return kexInit{lists[0], lists[1], lists[2], lists[3], lists[4], lists[5]}
}

func TestAlgorithms(t *testing.T) {
	t.Parallel()
	ts := startHardened(t, func(c *Config) { c.SessionRate = 0 }, nil)

	for _, tc := range []struct {
		name string
		edit func(*gossh.ClientConfig)
	}{
		{"dh-group14-sha1", func(c *gossh.ClientConfig) { c.KeyExchanges = []string{"diffie-hellman-group14-sha1"} }},
		{"dh-group14-sha256", func(c *gossh.ClientConfig) { c.KeyExchanges = []string{"diffie-hellman-group14-sha256"} }},
		{"ecdh-nistp256", func(c *gossh.ClientConfig) { c.KeyExchanges = []string{"ecdh-sha2-nistp256"} }},
		{"aes128-ctr", func(c *gossh.ClientConfig) { c.Ciphers = []string{"aes128-ctr"} }},
		{"hmac-sha1", func(c *gossh.ClientConfig) {
			c.Ciphers, c.MACs = []string{"aes128-ctr"}, []string{"hmac-sha1"}
		}},
		{"ssh-rsa host key", func(c *gossh.ClientConfig) { c.HostKeyAlgorithms = []string{"ssh-rsa"} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := clientConfig("weak")
			tc.edit(cfg)
			if c, err := dialSSH(ts.addr, "", cfg); err == nil {
				c.Close()
				t.Errorf("handshake with only %s succeeded", tc.name)
			}
		})
	}
	t.Run("defaults", func(t *testing.T) {
		c, err := dialSSH(ts.addr, "", clientConfig("modern"))
		if err != nil {
			t.Fatalf("default client: %v", err)
		}
		c.Close()
	})

	t.Run("offered", func(t *testing.T) {
		k := readKexInit(t, ts.addr)
		t.Logf("offered: %+v", k)
		// curve25519-sha256@libssh.org is x/crypto's name for the same
		// curve25519-sha256, added whenever that is configured.
		extras := map[string]bool{
			"ext-info-s": true, "kex-strict-s-v00@openssh.com": true,
			"curve25519-sha256@libssh.org": true,
		}
		if len(k.kex) < 2 || k.kex[0] != "mlkem768x25519-sha256" || k.kex[1] != "curve25519-sha256" {
			t.Errorf("kex = %v, want mlkem768x25519-sha256, curve25519-sha256 first", k.kex)
		}
		strict := false
		for _, a := range k.kex[min(2, len(k.kex)):] {
			if !extras[a] {
				t.Errorf("kex offers %s", a)
			}
			strict = strict || a == "kex-strict-s-v00@openssh.com"
		}
		if !strict {
			t.Errorf("kex = %v, want kex-strict-s-v00@openssh.com (Terrapin fix)", k.kex)
		}
		if fmt.Sprint(k.hostKey) != "[ssh-ed25519]" {
			t.Errorf("host key algorithms = %v, want only ssh-ed25519", k.hostKey)
		}
		aeads := "[chacha20-poly1305@openssh.com aes256-gcm@openssh.com aes128-gcm@openssh.com]"
		for _, l := range [][]string{k.encC2S, k.encS2C} {
			if fmt.Sprint(l) != aeads {
				t.Errorf("ciphers = %v, want %s", l, aeads)
			}
		}
		for _, l := range [][]string{k.macC2S, k.macS2C} {
			if len(l) == 0 {
				t.Error("no MACs offered")
			}
			for _, m := range l {
				if !strings.HasSuffix(m, "-etm@openssh.com") || !strings.Contains(m, "hmac-sha2-") {
					t.Errorf("MAC %s offered, want only hmac-sha2-*-etm", m)
				}
			}
		}
		all := fmt.Sprint(k)
		for _, bad := range []string{"sha1", "ssh-rsa", "cbc", "3des", "arcfour", "nistp"} {
			if strings.Contains(all, bad) {
				t.Errorf("offered algorithms contain %q: %s", bad, all)
			}
		}
	})
}

func TestPanicContained(t *testing.T) {
	t.Parallel()

	// A panic in a session handler, under the real middleware chain (only
	// the innermost handlers, the UI and the command handler, are replaced).
	t.Run("handler", func(t *testing.T) {
		t.Parallel()
		ts := startHardened(t, func(c *Config) { c.SessionRate = 0 }, func(s *Server) {
			h := ssh.Handler(func(ssh.Session) { panic("boom: internal detail") })
			for _, m := range s.middleware()[2:] {
				h = m(h)
			}
			s.ssh.Handler = h
		})
		for i := range 2 {
			out, errOut, err := runCmd(t, ts.addr, "about", "")
			if st := exitStatus(err); st != 1 {
				t.Fatalf("session %d: err = %v, want exit status 1", i, err)
			}
			if !strings.Contains(errOut, "Sorry, something went wrong") {
				t.Errorf("stderr = %q, want an apology", errOut)
			}
			for _, bad := range []string{"goroutine", "panic", "boom", ".go:"} {
				if strings.Contains(out+errOut, bad) {
					t.Errorf("visitor sees %q: stdout %q stderr %q", bad, out, errOut)
				}
			}
		}
		logs := ts.waitLog(t, "panic in session")
		for _, want := range []string{"boom: internal detail", "goroutine", "recoverMiddleware"} {
			if !strings.Contains(logs, want) {
				t.Errorf("log lacks %q: %s", want, tail(logs, 1500))
			}
		}
		if n := ts.sessions.Active(); n != 0 {
			t.Errorf("%d sessions still counted active after the panics", n)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := ts.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown after panics: %v", err)
		}
		select {
		case err := <-ts.serve:
			ts.serve <- err
		case <-time.After(waitTimeout):
			t.Error("Serve did not return after Shutdown")
		}
	})

	// A panic inside the UI: the message store is gone, so sending the
	// contact form panics in a Bubble Tea command.
	t.Run("ui", func(t *testing.T) {
		t.Parallel()
		ts := startHardened(t, func(c *Config) { c.SessionRate = 0 }, breakSubmit)
		c := mustDial(t, ts.addr, "")
		tm := openTerm(t, c, 80, 24)
		tm.waitFor(0, waitTimeout, ownerName)
		fillContactForm(t, tm, "Panicky", "p@example.com", "This will go wrong.")
		m := tm.mark()
		tm.send("\x13")
		tm.waitFor(m, waitTimeout, "Sorry, something went wrong")
		err := tm.wait(waitTimeout)
		if st := exitStatus(err); st != 1 {
			t.Errorf("err = %v, want exit status 1", err)
		}
		seen := tm.out.String() + tm.stderr.String()
		for _, bad := range []string{"goroutine", "panic", "nil pointer", ".go:"} {
			if strings.Contains(seen, bad) {
				t.Errorf("visitor sees %q: %s", bad, tail(ansi.Strip(seen), 1000))
			}
		}
		ts.waitLog(t, "ui panic")
		if !eventually(waitTimeout, func() bool { return ts.sessions.Active() == 0 && ts.submit.InFlight() == 0 }) {
			t.Errorf("after the panic: %d active, %d in flight", ts.sessions.Active(), ts.submit.InFlight())
		}
		// The server carries on.
		c2 := mustDial(t, ts.addr, "")
		tm2 := openTerm(t, c2, 80, 24)
		tm2.waitFor(0, waitTimeout, ownerName)
		tm2.send("q")
		if err := tm2.wait(waitTimeout); err != nil {
			t.Errorf("next visitor: %v", err)
		}
	})
}

// fillContactForm opens the contact form and types a message, ready to
// send with Ctrl+S.
func fillContactForm(t *testing.T, tm *term, name, replyTo, msg string) {
	t.Helper()
	m := tm.mark()
	tm.send("4")
	tm.waitFor(m, waitTimeout, "Press Enter to write")
	m = tm.mark()
	tm.send("\r")
	tm.waitFor(m, waitTimeout, "ctrl+s")
	tm.send(name + "\r" + replyTo + "\r")
	// Keys arrive in order: the message is typed before anything sent
	// after it, such as Ctrl+S.
	tm.send(msg)
}

func TestProxyProtocol(t *testing.T) {
	t.Parallel()

	t.Run("on", func(t *testing.T) {
		t.Parallel()
		ts := startHardened(t, func(c *Config) {
			c.ProxyProtocol, c.HandshakeTimeout, c.SessionRate = true, 2*time.Second, 0
		}, nil)

		c := mustDial(t, ts.addr, proxyV1("203.0.113.7", 5555))
		tm := openTerm(t, c, 80, 24)
		tm.waitFor(0, waitTimeout, ownerName)
		line := logLine(ts.waitLog(t, "203.0.113.7"), "connect", "user=visitor")
		if !strings.Contains(line, "remote=203.0.113.7:5555") {
			t.Errorf("connect line %q, want remote=203.0.113.7:5555", line)
		}
		tm.send("q")
		_ = tm.wait(waitTimeout)

		c2 := mustDial(t, ts.addr, proxyV1("203.0.113.7", 5556))
		out, errOut, err := runOn(t, c2, "contact --name Tester --reply-to tester@example.com", "Hello from behind the proxy.")
		if err != nil {
			t.Fatalf("contact: %v (stdout %q, stderr %q)", err, out, errOut)
		}
		msgs := readMessages(t, ts.cfg.DataDir)
		if len(msgs) != 1 || msgs[0].Remote != "203.0.113.7" {
			t.Errorf("stored %+v, want one message from 203.0.113.7", msgs)
		}

		// PROXY protocol v2 works too.
		h := &proxyproto.Header{
			Version: 2, Command: proxyproto.PROXY, TransportProtocol: proxyproto.TCPv4,
			SourceAddr:      &net.TCPAddr{IP: net.ParseIP("198.51.100.9"), Port: 4444},
			DestinationAddr: &net.TCPAddr{IP: net.ParseIP("127.0.0.1"), Port: 23234},
		}
		v2, err := h.Format()
		if err != nil {
			t.Fatal(err)
		}
		c3 := mustDial(t, ts.addr, string(v2))
		if _, _, err := runOn(t, c3, "version", ""); err != nil {
			t.Errorf("v2: %v", err)
		}
		if l := logLine(ts.waitLog(t, "198.51.100.9"), "connect", "198.51.100.9"); !strings.Contains(l, "remote=198.51.100.9:4444") {
			t.Errorf("v2 connect line %q", l)
		}

		// Without a header: no handshake, and quickly.
		start := time.Now()
		if c, err := dialSSH(ts.addr, "", clientConfig("direct")); err == nil {
			c.Close()
			t.Error("handshake without a PROXY header succeeded")
		}
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("refusing a headerless connection took %s", d)
		}
		// A silent connection is closed within the header timeout.
		conn, err := net.Dial("tcp", ts.addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		if _, took, closed := readUntilClosed(conn, 8*time.Second); !closed || took > 5*time.Second {
			t.Errorf("silent connection: closed=%v after %s", closed, took)
		}
	})

	// Limits count the address from the header.
	t.Run("per-ip limit by header", func(t *testing.T) {
		t.Parallel()
		ts := startHardened(t, func(c *Config) {
			c.ProxyProtocol, c.MaxConnsPerIP, c.SessionRate = true, 1, 0
		}, nil)
		mustDial(t, ts.addr, proxyV1("203.0.113.7", 1000))
		if c, err := dialSSH(ts.addr, proxyV1("203.0.113.7", 1001), clientConfig("again")); err == nil {
			c.Close()
			t.Error("second connection from 203.0.113.7 accepted with a per-IP limit of 1")
		}
		mustDial(t, ts.addr, proxyV1("203.0.113.8", 1000))
		if n := ts.rejects.get("max-conns-per-ip"); n != 1 {
			t.Errorf("rejects[max-conns-per-ip] = %d, want 1", n)
		}
	})

	// Without --proxy-protocol a header is never believed.
	t.Run("off", func(t *testing.T) {
		t.Parallel()
		ts := startHardened(t, func(c *Config) { c.SessionRate = 0 }, nil)
		c, err := dialSSH(ts.addr, proxyV1("203.0.113.7", 5555), clientConfig("spoofer"))
		t.Logf("handshake after a PROXY header, protocol off: %v", err)
		if err == nil {
			defer c.Close()
			if _, _, err := runOn(t, c, "version", ""); err != nil {
				t.Errorf("version: %v", err)
			}
			line := logLine(ts.waitLog(t, "spoofer"), "connect", "user=spoofer")
			if strings.Contains(line, "203.0.113.7") || !strings.Contains(line, "remote=127.0.0.1:") {
				t.Errorf("connect line %q: the header was believed", line)
			}
		}
		// The server stays up.
		ok := mustDial(t, ts.addr, "")
		if _, _, err := runOn(t, ok, "version", ""); err != nil {
			t.Errorf("server after the header: %v", err)
		}
	})
}

func TestShutdownUnderLoad(t *testing.T) {
	t.Parallel()
	ts := startHardened(t, func(c *Config) { c.MaxConnsPerIP, c.SessionRate = 0, 0 }, nil)

	const n = 20
	terms := make([]*term, n)
	for i := range terms {
		c := mustDial(t, ts.addr, "")
		terms[i] = openTerm(t, c, 80, 24)
	}
	for _, tm := range terms {
		tm.waitFor(0, waitTimeout, ownerName)
	}
	const msg = "Sent a moment before the restart."
	fillContactForm(t, terms[0], "Loader", "loader@example.com", msg)

	// Hold the store's lock so the message stays in flight: Append waits
	// for it (up to 2 s). Shutdown must wait for the message.
	lock := flock.New(filepath.Join(ts.cfg.DataDir, filestore.FileName+".lock"))
	if err := lock.Lock(); err != nil {
		t.Fatal(err)
	}
	defer lock.Unlock()
	terms[0].send("\x13")
	if !eventually(waitTimeout, func() bool { return ts.submit.InFlight() == 1 }) {
		t.Fatal("Ctrl+S never started storing the message")
	}
	const hold = 300 * time.Millisecond
	go func() { time.Sleep(hold); _ = lock.Unlock() }()

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	start := time.Now()
	err := ts.Shutdown(ctx)
	took := time.Since(start)
	if err != nil {
		t.Errorf("Shutdown = %v after %s", err, took)
	}
	if took >= 5*time.Second || took < hold {
		t.Errorf("Shutdown took %s, want at least the %s the message was in flight and under 5 s", took, hold)
	}
	t.Logf("Shutdown with %d sessions took %s", n, took)
	for i, tm := range terms {
		if out := ansi.Strip(tm.out.String()); !strings.Contains(out, "restarting") {
			t.Errorf("visitor %d got no goodbye:\n%s", i, tail(out, 1000))
		}
	}
	found := false
	for _, m := range readMessages(t, ts.cfg.DataDir) {
		found = found || (m.Message == msg && m.Name == "Loader")
	}
	if !found {
		t.Errorf("the message sent just before Shutdown was lost; screen:\n%s", tail(ansi.Strip(terms[0].out.String()), 1500))
	}
	select {
	case err := <-ts.serve:
		if err != nil {
			t.Errorf("Serve after Shutdown = %v", err)
		}
		ts.serve <- nil
	case <-time.After(waitTimeout):
		t.Error("Serve did not return after Shutdown")
	}
}

// TestProxyProtocolCountsPendingConnections: with PROXY protocol on, a
// connection must hold a slot while its header is awaited, or silent
// connections escape --max-conns for up to the handshake timeout each.
func TestProxyProtocolCountsPendingConnections(t *testing.T) {
	t.Parallel()
	ts := startHardened(t, func(c *Config) {
		c.ProxyProtocol, c.MaxConns, c.HandshakeTimeout = true, 2, 2*time.Second
	}, nil)
	for i := range 2 {
		conn, err := net.Dial("tcp", ts.addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		if !eventually(waitTimeout, func() bool { return ts.conns.Open() == i+1 }) {
			t.Fatalf("silent connection %d not counted: %d open", i+1, ts.conns.Open())
		}
	}
	conn, err := net.Dial("tcp", ts.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, took, closed := readUntilClosed(conn, 3*time.Second); !closed || took > time.Second {
		t.Errorf("third silent connection: closed=%v after %s, want closed at once", closed, took)
	}
}

// TestIPv6LimitsBySlash64: behind a proxy, IPv6 visitors are counted by
// their /64: one client holds a whole /64 and could otherwise use a fresh
// address for every connection.
func TestIPv6LimitsBySlash64(t *testing.T) {
	t.Parallel()
	ts := startHardened(t, func(c *Config) {
		c.ProxyProtocol, c.MaxConnsPerIP, c.SessionRate = true, 1, 0
	}, nil)
	v6 := func(ip string) string { return fmt.Sprintf("PROXY TCP6 %s ::1 5555 23234\r\n", ip) }
	first := mustDial(t, ts.addr, v6("2001:db8:1:2::1"))
	defer first.Close()
	if c, err := dialSSH(ts.addr, v6("2001:db8:1:2::99"), clientConfig("visitor")); err == nil {
		c.Close()
		t.Fatal("a second address of the same /64 got past a per-IP limit of 1")
	}
	other := mustDial(t, ts.addr, v6("2001:db8:1:3::1"))
	other.Close()
	if n := ts.rejects.get("max-conns-per-ip"); n != 1 {
		t.Errorf("rejects[max-conns-per-ip] = %d, want 1", n)
	}
}

// breakSubmit takes the message store away from s's visits: sending the
// contact form then panics in a Bubble Tea command.
func breakSubmit(s *Server) {
	s.runner = visit.New(visit.Config{Host: s.runner.Host(), Content: s.content, Logger: s.log,
		Submit: visit.NewSubmitter(nil, s.stats, prometheus.NewRegistry(), nil)})
}
