package load

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/netip"
	"os"
	"sync"
	"syscall"
	"time"

	"golang.org/x/crypto/ssh"
)

// Error kinds, the keys of PhaseReport.Errors.
const (
	KindDial      = "dial"
	KindHandshake = "handshake"
	KindSession   = "session"
	KindTimeout   = "timeout"
	KindMarker    = "marker-not-seen"
)

// ErrorKinds lists the kinds in report order.
var ErrorKinds = []string{KindDial, KindHandshake, KindSession, KindTimeout, KindMarker}

// readBufSize is each session's read buffer.
const readBufSize = 8 << 10

type keyResult struct {
	answered bool
	latency  time.Duration // send → first response byte, if answered
	bytes    int64         // received until the next key or the end
}

type sessionResult struct {
	started bool
	ok      bool
	kind    string
	err     error

	// Time from connect start; zero when the stage wasn't reached.
	connect, handshake, shell, firstFrame time.Duration
	ready                                 time.Time // first frame, or failure before it
	ffBytes                               int64
	keys                                  []keyResult
	sent                                  int // keys written (or being written)
}

// client is what every session of a phase shares.
type client struct {
	cfg    Config
	addr   string
	keys   [][]byte
	ssh    *ssh.ClientConfig
	dialer *net.Dialer
	g      *gauges
}

func newClient(cfg Config, addr string, keys [][]byte, g *gauges) *client {
	d := &net.Dialer{}
	if !cfg.AllowRemote {
		// The guard's second half: whatever "localhost" resolves to, only
		// loopback addresses are ever connected to.
		d.Control = func(_, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil || !ap.Addr().Unmap().IsLoopback() {
				return fmt.Errorf("refusing non-loopback address %s (use --allow-remote)", address)
			}
			return nil
		}
	}
	return &client{
		cfg:  cfg,
		addr: addr,
		keys: keys,
		ssh: &ssh.ClientConfig{
			User: cfg.User,
			Auth: []ssh.AuthMethod{
				// The portfolio asks no questions; the floor needs no auth
				// at all (the "none" method the client tries first).
				ssh.KeyboardInteractive(func(_, _ string, qs []string, _ []bool) ([]string, error) {
					return make([]string, len(qs)), nil
				}),
			},
			HostKeyCallback: ssh.InsecureIgnoreHostKey(),
		},
		dialer: d,
		g:      g,
	}
}

// stream is a session's output as the reader goroutine sees it.
type stream struct {
	mu      sync.Mutex
	m       *markerMatcher
	seen    bool
	ffAt    time.Time
	ffBytes int64
	cur     *keyResult // the key whose response window is open
	sentAt  time.Time
	err     error // why reading stopped

	marker chan struct{} // closed when the marker is seen
	done   chan struct{} // closed when reading stops
}

func (s *stream) read(r io.Reader) {
	defer close(s.done)
	buf := make([]byte, readBufSize)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			now := time.Now()
			s.mu.Lock()
			switch {
			case !s.seen:
				s.ffBytes += int64(n)
				if s.m.Write(buf[:n]) {
					s.seen, s.ffAt, s.m = true, now, nil
					close(s.marker)
				}
			case s.cur != nil:
				if !s.cur.answered {
					s.cur.answered, s.cur.latency = true, now.Sub(s.sentAt)
				}
				s.cur.bytes += int64(n)
			}
			s.mu.Unlock()
		}
		if err != nil {
			s.mu.Lock()
			s.err = err
			s.mu.Unlock()
			return
		}
	}
}

// wait sleeps d unless the session ends or the server closes its output
// first.
// keyGap is the time before the next key press (see Config.KeyEven).
func keyGap(cfg Config) time.Duration {
	if cfg.KeyEven {
		return cfg.KeyInterval
	}
	return cfg.KeyInterval/2 + rand.N(cfg.KeyInterval+1)
}

func wait(ctx context.Context, st *stream, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	case <-st.done:
		st.mu.Lock()
		err := st.err
		st.mu.Unlock()
		if err == io.EOF {
			err = errors.New("server closed the session")
		}
		return err
	}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, os.ErrDeadlineExceeded) || errors.Is(err, context.DeadlineExceeded) ||
		(errors.As(err, &ne) && ne.Timeout())
}

// run is one session, start to close.
func (c *client) run(ctx context.Context) (res sessionResult) {
	cfg := c.cfg
	res.started = true
	c.g.inflight.Add(1)
	defer c.g.inflight.Add(-1)

	t0 := time.Now()
	deadline := t0.Add(cfg.SessionTimeout + cfg.Hold)
	if cfg.Keys > 0 {
		deadline = deadline.Add(time.Duration(cfg.Keys+1) * cfg.KeyInterval)
	}
	ctx, cancel := context.WithDeadlineCause(ctx, deadline,
		fmt.Errorf("session deadline reached (--session-timeout %s + hold + key schedule)", cfg.SessionTimeout))
	defer cancel()

	fail := func(kind string, err error) sessionResult {
		if res.ready.IsZero() {
			res.ready = time.Now()
		}
		if ctx.Err() != nil || isTimeout(err) {
			if kind != KindMarker {
				kind = KindTimeout
			}
			if cause := context.Cause(ctx); cause != nil && !errors.Is(err, cause) {
				err = fmt.Errorf("%w: %v", cause, err)
			}
		}
		res.kind, res.err = kind, err
		return res
	}

	conn, err := c.dialer.DialContext(ctx, "tcp", c.addr)
	if err != nil {
		return fail(KindDial, err)
	}
	res.connect = time.Since(t0)
	// Every read and write of this session is bounded by its deadline, and
	// by the run's context through closing the connection.
	conn.SetDeadline(deadline)
	stopClose := context.AfterFunc(ctx, func() { conn.Close() })
	defer stopClose()
	defer conn.Close()

	cc, chans, reqs, err := ssh.NewClientConn(conn, c.addr, c.ssh)
	if err != nil {
		return fail(KindHandshake, err)
	}
	sc := ssh.NewClient(cc, chans, reqs)
	defer sc.Close()
	res.handshake = time.Since(t0)

	sess, err := sc.NewSession()
	if err != nil {
		return fail(KindSession, fmt.Errorf("new session: %w", err))
	}
	defer sess.Close()
	modes := ssh.TerminalModes{ssh.ECHO: 0, ssh.TTY_OP_ISPEED: 38400, ssh.TTY_OP_OSPEED: 38400}
	if err := sess.RequestPty("xterm-256color", cfg.Height, cfg.Width, modes); err != nil {
		return fail(KindSession, fmt.Errorf("pty-req: %w", err))
	}
	stdin, err := sess.StdinPipe()
	if err != nil {
		return fail(KindSession, err)
	}
	stdout, err := sess.StdoutPipe()
	if err != nil {
		return fail(KindSession, err)
	}
	st := &stream{m: newMarkerMatcher(cfg.Marker), marker: make(chan struct{}), done: make(chan struct{})}
	go st.read(stdout)
	// Closing the connection ends the reader; wait for it so its results
	// are ours to read.
	defer func() {
		conn.Close()
		<-st.done
		st.mu.Lock()
		defer st.mu.Unlock()
		if res.ffBytes == 0 {
			res.ffBytes = st.ffBytes
		}
	}()
	if err := sess.Shell(); err != nil {
		return fail(KindSession, fmt.Errorf("shell: %w", err))
	}
	res.shell = time.Since(t0)

	select {
	case <-st.marker:
	case <-st.done:
	case <-ctx.Done():
	}
	st.mu.Lock()
	seen, ffAt, ffBytes, rerr := st.seen, st.ffAt, st.ffBytes, st.err
	st.mu.Unlock()
	if !seen {
		res.ffBytes = ffBytes
		if ctx.Err() != nil {
			if ffBytes > 0 {
				return fail(KindMarker, fmt.Errorf("marker %q not in the %d bytes received", cfg.Marker, ffBytes))
			}
			return fail(KindTimeout, errors.New("no output"))
		}
		if rerr == nil || rerr == io.EOF {
			rerr = errors.New("output ended")
		}
		return fail(KindMarker, fmt.Errorf("marker %q not seen in %d bytes: %w", cfg.Marker, ffBytes, rerr))
	}
	res.firstFrame = ffAt.Sub(t0)
	res.ffBytes = ffBytes
	res.ready = ffAt

	if cfg.Keys > 0 {
		res.keys = make([]keyResult, cfg.Keys)
		for i := range res.keys {
			if err := wait(ctx, st, keyGap(cfg)); err != nil {
				return fail(KindSession, fmt.Errorf("before key %d: %w", i+1, err))
			}
			st.mu.Lock()
			st.cur, st.sentAt = &res.keys[i], time.Now()
			st.mu.Unlock()
			res.sent = i + 1
			if _, err := stdin.Write(c.keys[i%len(c.keys)]); err != nil {
				return fail(KindSession, fmt.Errorf("key %d: %w", i+1, err))
			}
		}
		// The last key's response window.
		if err := wait(ctx, st, cfg.KeyInterval); err != nil {
			return fail(KindSession, fmt.Errorf("after the last key: %w", err))
		}
	}

	if cfg.Hold > 0 {
		c.g.hold(1)
		err := c.hold(ctx, st)
		c.g.hold(-1)
		if err != nil {
			return fail(KindSession, fmt.Errorf("hold: %w", err))
		}
	}
	res.ok = true
	return res
}

// hold keeps the session open and idle. Holds of 2 s or more mark their
// middle half for the monitor's idle CPU measurement.
func (c *client) hold(ctx context.Context, st *stream) error {
	h := c.cfg.Hold
	if h < 2*time.Second {
		return wait(ctx, st, h)
	}
	q := h / 4
	if err := wait(ctx, st, q); err != nil {
		return err
	}
	c.g.mid.Add(1)
	err := wait(ctx, st, h/2)
	c.g.mid.Add(-1)
	if err != nil {
		return err
	}
	return wait(ctx, st, h-q-h/2)
}
