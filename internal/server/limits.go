package server

import (
	"fmt"
	"net"
	"sync"
	"sync/atomic"

	"charm.land/ssh"
	gossh "golang.org/x/crypto/ssh"

	"github.com/pragyamugale/portfolio/internal/admit"
	"github.com/pragyamugale/portfolio/internal/inbox"
	"github.com/pragyamugale/portfolio/internal/visit"
)

// Limits that protect the server from abuse but that no visitor meets.
const (
	// maxEnvRequests and maxEnvBytes cap the environment a connection may
	// send: enough for TERM, LANG, NO_COLOR, COLUMNS and friends.
	maxEnvRequests = 32
	maxEnvBytes    = 8 << 10
	// maxCols and maxRows clamp window sizes, as at every door.
	maxCols, maxRows = visit.MaxCols, visit.MaxRows
)

// countedConn releases its slot in the limiter exactly once, on Close.
type countedConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *countedConn) Close() error {
	c.once.Do(c.release)
	return c.Conn.Close()
}

// connCallback runs for every accepted TCP connection, before the
// handshake, on the connection's own goroutine.
func (s *Server) connCallback(ctx ssh.Context, conn net.Conn) net.Conn {
	if s.stopping() {
		return nil
	}
	if !s.conns.AcquireGlobal() {
		s.rejected("max-conns")
		return nil // closes the connection at once
	}
	// With PROXY protocol, the real client; IPv6 counts by /64.
	ip := inbox.LimitKey(remoteIP(conn.RemoteAddr()))
	if !s.conns.AcquireIP(ip) {
		s.conns.ReleaseGlobal()
		s.log.Debug("connection refused", "remote", ip, "reason", "max-conns-per-ip")
		s.rejected("max-conns-per-ip")
		return nil
	}
	// The session slot exists before any channel opens, so sessions
	// opened at the same instant can't each make their own.
	ctx.SetValue(sessionSlotKey, new(sessionSlot))
	cc := &countedConn{Conn: conn}
	w := newConnWatch(s.cfg.NoSessionTimeout, func() { _ = cc.Close() }, func() {
		s.log.Debug("connection closed", "remote", ip, "reason", "no-session")
		s.rejected("no-session")
	})
	cc.release = func() {
		w.stop()
		s.conns.ReleaseIP(ip)
		s.conns.ReleaseGlobal()
	}
	w.start(ctx) // after release is set: the grace may end at once
	return cc
}

// rejected counts a refused connection or session by reason.
func (s *Server) rejected(reason string) {
	s.rejects.add(reason)
	s.metrics.rejected.WithLabelValues(reason).Inc()
}

// rejectCounts is a tiny map of counters, read by tests and metrics.
type rejectCounts struct {
	mu sync.Mutex
	n  map[string]int64
}

func (r *rejectCounts) add(reason string) {
	r.mu.Lock()
	if r.n == nil {
		r.n = map[string]int64{}
	}
	r.n[reason]++
	r.mu.Unlock()
}

func (r *rejectCounts) get(reason string) int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.n[reason]
}

// admitMiddleware asks the admission for the session's slot: it is
// counted in progress until it ends (a shutdown waits for it), and
// refused when the server is stopping or its address opens sessions
// faster than --session-rate allows, with a message saying when to come
// back.
func (s *Server) admitMiddleware(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		release, refused := s.sessions.Admit(inbox.LimitKey(remoteIP(sess.RemoteAddr())))
		defer release()
		switch {
		case refused == nil:
		case refused.Reason == admit.SessionRate:
			s.rejected("session-rate")
			fmt.Fprintf(sess.Stderr(), "Too many connections from your address: try again in %s.\r\n", inbox.Wait(refused.Wait))
			_ = sess.Exit(1)
			return
		default: // stopping
			s.metrics.sessionsTotal.Inc()
			refuseWhileStopping(sess)
			return
		}
		next(sess)
	}
}

// sessionSlot is a connection's one session slot, held by the id of the
// session channel that has it (0 = free).
type sessionSlot struct {
	owner     atomic.Uint64
	next      atomic.Uint64
	keepalive sync.Once
}

// take claims the slot for a new session channel, returning its id.
func (s *sessionSlot) take() (uint64, bool) {
	id := s.next.Add(1)
	return id, s.owner.CompareAndSwap(0, id)
}

// give frees the slot if session id still holds it.
func (s *sessionSlot) give(id uint64) { s.owner.CompareAndSwap(id, 0) }

var sessionSlotKey = &struct{ name string }{"session-slot"}

// sessionHandler accepts one session channel at a time per connection and
// hands it to the standard handler with its requests filtered.
func (s *Server) sessionHandler(srv *ssh.Server, conn *gossh.ServerConn, newChan gossh.NewChannel, ctx ssh.Context) {
	slot, _ := ctx.Value(sessionSlotKey).(*sessionSlot) // set in connCallback
	var id uint64
	ok := false
	if slot != nil {
		id, ok = slot.take()
	}
	if !ok {
		s.rejected("extra-session")
		_ = newChan.Reject(gossh.Prohibited, "one session per connection")
		return
	}
	held := &heldSession{NewChannel: newChan, slot: slot, id: id}
	// The channel has ended (or was never accepted): the session is over,
	// whether or not it sent an exit status.
	defer held.release()
	// One keepalive loop per connection, started with its first session.
	slot.keepalive.Do(func() { go keepalive(conn, s.cfg.Keepalive) })
	ssh.DefaultSessionHandler(srv, conn, held, ctx)
}

// heldSession is a session channel that holds its connection's session
// slot. Only release frees the hold, and it comes in time: the channel
// calls it just before the session's exit status goes out (or the server
// closes the channel without one), so a client may open its next session
// the moment it sees the status (OpenSSH's connection sharing does); and
// sessionHandler calls it when the channel has ended. Called again, late,
// release is a no-op: it can't free a successor's hold, which has another
// id.
type heldSession struct {
	gossh.NewChannel
	slot *sessionSlot
	id   uint64
}

// release frees the connection's slot if this session still holds it.
func (c *heldSession) release() { c.slot.give(c.id) }

// Accept accepts the channel with its requests filtered (requestFilter),
// as a channel that releases the slot when the session ends.
func (c *heldSession) Accept() (gossh.Channel, <-chan *gossh.Request, error) {
	ch, reqs, err := c.NewChannel.Accept()
	if err != nil {
		return ch, reqs, err
	}
	out := make(chan *gossh.Request)
	go requestFilter(reqs, out)
	return heldChannel{Channel: ch, release: c.release}, out, nil
}

// heldChannel is an accepted heldSession's channel.
type heldChannel struct {
	gossh.Channel
	release func()
}

// SendRequest frees the slot before the exit status leaves: the client may
// answer it with its next session at once.
func (c heldChannel) SendRequest(name string, wantReply bool, payload []byte) (bool, error) {
	if name == "exit-status" || name == "exit-signal" {
		c.release()
	}
	return c.Channel.SendRequest(name, wantReply, payload)
}

// Close frees the slot before the channel closes.
func (c heldChannel) Close() error {
	c.release()
	return c.Channel.Close()
}

// requestFilter enforces per-session request limits: a capped environment,
// clamped window sizes, and no agent or X11 forwarding.
func requestFilter(in <-chan *gossh.Request, out chan<- *gossh.Request) {
	defer close(out)
	envN, envBytes := 0, 0
	for req := range in {
		switch req.Type {
		case "env":
			envN++
			envBytes += len(req.Payload)
			if envN > maxEnvRequests || envBytes > maxEnvBytes {
				_ = req.Reply(false, nil)
				continue
			}
		case "pty-req":
			req.Payload = clampPtyRequest(req.Payload)
		case "window-change":
			req.Payload = clampWindowChange(req.Payload)
		case "auth-agent-req@openssh.com", "x11-req":
			_ = req.Reply(false, nil)
			continue
		case "signal":
			// No command here takes signals, and the library never answers
			// one: refuse it, so a client that asks for a reply gets one.
			if req.WantReply {
				_ = req.Reply(false, nil)
			}
			continue
		}
		out <- req
	}
}

type ptyRequest struct {
	Term       string
	Cols, Rows uint32
	PxW, PxH   uint32
	Modes      string
}

type windowChange struct {
	Cols, Rows uint32
	PxW, PxH   uint32
}

func clampDims(cols, rows uint32) (uint32, uint32) {
	return min(cols, maxCols), min(rows, maxRows)
}

// clampPtyRequest limits the window size in a pty-req payload; payloads
// that don't parse pass unchanged and are refused by the session handler.
func clampPtyRequest(p []byte) []byte {
	var r ptyRequest
	if gossh.Unmarshal(p, &r) != nil {
		return p
	}
	r.Cols, r.Rows = clampDims(r.Cols, r.Rows)
	return gossh.Marshal(r)
}

func clampWindowChange(p []byte) []byte {
	var w windowChange
	if gossh.Unmarshal(p, &w) != nil {
		return p
	}
	w.Cols, w.Rows = clampDims(w.Cols, w.Rows)
	return gossh.Marshal(w)
}
