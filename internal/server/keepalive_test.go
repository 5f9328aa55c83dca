package server

// Tests of keepalive.go: SSH keepalives, and connections dropped when their
// client stops answering them.

import (
	"io"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// rawClient is an SSH client whose global requests (keepalives) the test
// handles itself.
type rawClient struct {
	*gossh.Client
	keepalives atomic.Int64
	answer     atomic.Bool // reply to keepalives
	closed     chan struct{}
	wg         sync.WaitGroup
}

func dialRaw(t *testing.T, conn net.Conn) *rawClient {
	t.Helper()
	cfg := &gossh.ClientConfig{
		User:            "visitor",
		Auth:            noAuth(),
		HostKeyCallback: gossh.InsecureIgnoreHostKey(),
		Timeout:         waitTimeout,
	}
	cc, chans, reqs, err := gossh.NewClientConn(conn, conn.RemoteAddr().String(), cfg)
	if err != nil {
		t.Fatalf("ssh handshake: %v", err)
	}
	rc := &rawClient{Client: gossh.NewClient(cc, chans, nil), closed: make(chan struct{})}
	rc.answer.Store(true)
	rc.wg.Add(2)
	go func() {
		defer rc.wg.Done()
		for req := range reqs {
			if req.Type == "keepalive@openssh.com" {
				rc.keepalives.Add(1)
				if rc.answer.Load() {
					_ = req.Reply(true, nil)
				}
				continue
			}
			if req.WantReply {
				_ = req.Reply(false, nil)
			}
		}
	}()
	go func() {
		defer rc.wg.Done()
		_ = rc.Wait()
		close(rc.closed)
	}()
	t.Cleanup(func() {
		_ = rc.Close()
		rc.wg.Wait()
	})
	return rc
}

func (rc *rawClient) isClosed() bool {
	select {
	case <-rc.closed:
		return true
	default:
		return false
	}
}

// silentSession opens a pty session (the UI) and sends nothing.
func silentSession(t *testing.T, c *gossh.Client) *term {
	t.Helper()
	return openTerm(t, c, 80, 24)
}

func dialTCP(t *testing.T, addr string) net.Conn {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, waitTimeout)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

// keepaliveInterval is the keepalive interval of the tests whose client
// must answer every keepalive within an interval, as the server requires:
// 200 ms was too short for a loopback round trip on a 2-core machine
// running two test suites (a client answering was dropped).
const keepaliveInterval = 500 * time.Millisecond

func TestKeepalive(t *testing.T) {
	t.Parallel()
	const interval = keepaliveInterval
	ts := startServerWith(t, func(c *Config) { c.Keepalive = interval })

	rc := dialRaw(t, dialTCP(t, ts.addr))
	tm := silentSession(t, rc.Client)
	tm.waitFor(0, waitTimeout, "Pragya Mugale")

	// A silent visitor who answers keepalives keeps getting them, and stays
	// connected well past the connection's idle limit (4 intervals).
	// Five answered keepalives take at least 5 intervals: past that limit
	// however slowly the machine runs, and the test waits no longer.
	const answered = 5
	start := time.Now()
	if !eventually(waitTimeout, func() bool {
		return rc.isClosed() || (rc.keepalives.Load() >= answered && time.Since(start) > 4*interval+interval/2)
	}) {
		t.Fatalf("%d keepalives in %s at a %s interval, want at least %d", rc.keepalives.Load(), time.Since(start).Round(time.Millisecond), interval, answered)
	}
	if rc.isClosed() {
		t.Fatalf("a client answering keepalives was dropped; log:\n%s", ts.logs.String())
	}

	// The client stops answering (a dead peer behind a proxy): the server
	// drops it within a few intervals.
	rc.answer.Store(false)
	stopped := time.Now()
	select {
	case <-rc.closed:
		d := time.Since(stopped)
		t.Logf("dropped %s after the client stopped answering", d.Round(time.Millisecond))
		if d < interval {
			t.Errorf("dropped after %s, before a keepalive could go unanswered", d)
		}
	case <-time.After(8 * interval):
		t.Fatalf("a client not answering keepalives still connected after %s", 8*interval)
	}
	if !eventually(waitTimeout, func() bool { return ts.conns.Open() == 0 && ts.sessions.Active() == 0 }) {
		t.Errorf("server still holds the connection: open %d, active %d", ts.conns.Open(), ts.sessions.Active())
	}
}

// frozenConn stops delivering what the server sends once frozen, as a
// peer whose network vanished.
type frozenConn struct {
	net.Conn
	frozen  atomic.Bool
	release chan struct{}
}

func (c *frozenConn) Read(p []byte) (int, error) {
	if c.frozen.Load() {
		<-c.release
		return 0, io.EOF
	}
	return c.Conn.Read(p)
}

func TestKeepaliveDropsFrozenClient(t *testing.T) {
	t.Parallel()
	const interval = 200 * time.Millisecond
	ts := startServerWith(t, func(c *Config) { c.Keepalive = interval })

	fc := &frozenConn{Conn: dialTCP(t, ts.addr), release: make(chan struct{})}
	rc := dialRaw(t, fc)
	// Registered after dialRaw's cleanup, so it runs before it (LIFO): the
	// client's blocked read must end before the client can be waited for.
	t.Cleanup(func() { close(fc.release) })
	tm := silentSession(t, rc.Client)
	tm.waitFor(0, waitTimeout, "Pragya Mugale")
	if !eventually(waitTimeout, func() bool { return rc.keepalives.Load() >= 1 }) {
		t.Fatal("no keepalive arrived")
	}
	if ts.conns.Open() != 1 {
		t.Fatalf("open connections = %d, want 1", ts.conns.Open())
	}

	fc.frozen.Store(true)
	frozen := time.Now()
	// The client's next read blocks for good; the server must notice on
	// its own and let go of the connection and its session.
	if !eventually(8*interval, func() bool { return ts.conns.Open() == 0 }) {
		t.Fatalf("server still holds a frozen client's connection %s later", time.Since(frozen).Round(time.Millisecond))
	}
	t.Logf("frozen client dropped after %s", time.Since(frozen).Round(time.Millisecond))
	if !eventually(waitTimeout, func() bool { return ts.sessions.Active() == 0 }) {
		t.Errorf("the frozen client's session is still active")
	}
}

// TestConnectionWithoutSessionDropped: a client that logs in and never
// opens a session gets no keepalives; the connection's idle limit (4
// keepalive intervals) closes it.
func TestConnectionWithoutSessionDropped(t *testing.T) {
	t.Parallel()
	const interval = 200 * time.Millisecond
	ts := startServerWith(t, func(c *Config) { c.Keepalive = interval })
	rc := dialRaw(t, dialTCP(t, ts.addr))
	start := time.Now()
	select {
	case <-rc.closed:
		if d := time.Since(start); d < 2*interval {
			t.Errorf("dropped after %s, want about %s", d, 4*interval)
		}
	case <-time.After(4*interval + 2*time.Second):
		t.Fatalf("a connection without a session still open after %s", 4*interval+2*time.Second)
	}
	if rc.keepalives.Load() != 0 {
		t.Errorf("%d keepalives to a connection without a session", rc.keepalives.Load())
	}
}

func TestKeepaliveIsNotInput(t *testing.T) {
	t.Parallel()
	const interval, idle = keepaliveInterval, 2 * time.Second
	ts := startServerWith(t, func(c *Config) { c.Keepalive = interval; c.IdleTimeout = idle })

	rc := dialRaw(t, dialTCP(t, ts.addr))
	tm := silentSession(t, rc.Client)
	start := time.Now()
	tm.waitFor(0, waitTimeout, "Pragya Mugale")
	tm.waitFor(0, waitTimeout, "Disconnected after 2 s without input")
	// The server's clock starts a moment before this one (when the
	// session began), hence the small allowance.
	if d := time.Since(start); d < idle-100*time.Millisecond {
		t.Errorf("idle disconnect after %s, before the %s idle timeout", d, idle)
	}
	if err := tm.wait(waitTimeout); err != nil {
		t.Errorf("session end: %v", err)
	}
	if n := rc.keepalives.Load(); n < 3 {
		t.Errorf("only %d keepalives were answered during the idle time; the test proves nothing", n)
	}
}
