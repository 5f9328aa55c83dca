package server

import (
	"net"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// freezableConn is a client's TCP connection that can stop reading, as a
// client does that is suspended or whose network stalls in one direction.
type freezableConn struct {
	net.Conn
	once   sync.Once
	frozen chan struct{}
	closed chan struct{}
	cOnce  sync.Once
}

func (c *freezableConn) freeze() { c.once.Do(func() { close(c.frozen) }) }

func (c *freezableConn) Read(p []byte) (int, error) {
	select {
	case <-c.frozen:
		<-c.closed
		return 0, net.ErrClosed
	default:
	}
	return c.Conn.Read(p)
}

func (c *freezableConn) Close() error {
	c.cOnce.Do(func() { close(c.closed) })
	return c.Conn.Close()
}

// dialFreezable logs in to addr over a connection whose receive buffer is
// small, so the server's writes wait soon after the client stops reading.
func dialFreezable(t *testing.T, addr string) (*gossh.Client, *freezableConn) {
	t.Helper()
	d := net.Dialer{Timeout: waitTimeout, Control: func(_, _ string, rc syscall.RawConn) error {
		return rc.Control(func(fd uintptr) {
			_ = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096)
		})
	}}
	raw, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	conn := &freezableConn{Conn: raw, frozen: make(chan struct{}), closed: make(chan struct{})}
	c, chans, reqs, err := gossh.NewClientConn(conn, addr, clientConfig("visitor"))
	if err != nil {
		t.Fatal(err)
	}
	client := gossh.NewClient(c, chans, reqs)
	t.Cleanup(func() { _ = client.Close() })
	return client, conn
}

// smallSendBuffers gives accepted connections a small send buffer, so the
// server's writes to a client that stopped reading wait soon.
type smallSendBuffers struct{ net.Listener }

func (l smallSendBuffers) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetWriteBuffer(4096)
	}
	return c, err
}

// TestLimitsHoldWhenOutputIsStuck: a client that stops reading (every
// write of its UI waits) can't keep its session past --max-session or
// --idle-timeout: the visit abandons its stuck writes and drops the
// connection a few seconds after the limit, not at the hard backstop a
// minute (or two hours) later. Over a real connection.
func TestLimitsHoldWhenOutputIsStuck(t *testing.T) {
	t.Parallel()
	for name, edit := range map[string]func(*Config){
		"max session": func(c *Config) { c.IdleTimeout, c.MaxSession, c.SessionRate = 0, 5*time.Second, 0 },
		"idle":        func(c *Config) { c.IdleTimeout, c.MaxSession, c.SessionRate = 4*time.Second, 0, 0 },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ts := startHardened(t, edit, func(s *Server) { s.ln = smallSendBuffers{s.ln} })
			c, conn := dialFreezable(t, ts.addr)
			tm := openTerm(t, c, maxCols, maxRows)
			tm.waitFor(0, waitTimeout, ownerName)
			conn.freeze()
			// Full repaints at the largest size, until the client's
			// buffers are full and the UI's writes wait (window changes
			// are requests the client can still send, and aren't input),
			// and on until the session ends.
			ended := func() bool { return strings.Contains(ts.logs.String(), "disconnect ") }
			go func() {
				start := time.Now()
				for i := 0; !ended() && time.Since(start) < 20*time.Second; i++ {
					_ = tm.sess.WindowChange(maxRows-i%2, maxCols-i%7)
					time.Sleep(3 * time.Millisecond) // the flood's pace, bounded by ended()
				}
			}()
			if !eventually(20*time.Second, ended) {
				t.Fatalf("a client that stopped reading kept its session 20 s past a 4–5 s limit; logs:\n%s", tail(ts.logs.String(), 2000))
			}
			if !strings.Contains(ts.logs.String(), "stopped reading") {
				t.Errorf("the session ended, but not for its stuck output; logs:\n%s", tail(ts.logs.String(), 2000))
			}
		})
	}
}
