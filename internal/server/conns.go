package server

import (
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"charm.land/ssh"
)

// connWatch closes a connection that has no session running for longer
// than the grace (--no-session-timeout): a client that logs in and never
// asks for a shell or a command (ssh -N, a pty and nothing more), or keeps
// its connection open after its session (OpenSSH's ControlMaster), would
// otherwise hold one of the --max-conns slots for as long as it answers
// keepalives. It also closes the connection for a session that overran
// its deadlines (see watchCommand).
type connWatch struct {
	closeConn func() // closes the network connection; safe to call twice
	onIdle    func() // counts a connection closed for want of a session
	grace     time.Duration

	mu      sync.Mutex
	running int         // sessions whose handler is running
	timer   *time.Timer // armed while running == 0; nil when grace is 0
	closed  bool
}

var connWatchKey = &struct{ name string }{"conn-watch"}

// newConnWatch returns the watch of a new connection, closed with
// closeConn (whose Close must call stop). grace 0 watches nothing but
// still lets a session's deadlines close the connection.
func newConnWatch(grace time.Duration, closeConn, onIdle func()) *connWatch {
	return &connWatch{closeConn: closeConn, onIdle: onIdle, grace: grace}
}

// start attaches the watch to the connection's context and starts the
// grace: the connection is closed unless a session starts within it.
func (w *connWatch) start(ctx ssh.Context) {
	ctx.SetValue(connWatchKey, w)
	if w.grace > 0 {
		w.mu.Lock() // the timer may fire before it is stored
		w.timer = time.AfterFunc(w.grace, w.expire)
		w.mu.Unlock()
	}
}

// connWatchOf is the watch of a session's connection, or nil.
func connWatchOf(ctx ssh.Context) *connWatch {
	w, _ := ctx.Value(connWatchKey).(*connWatch)
	return w
}

// expire closes the connection if still no session runs: a session may
// have begun while the timer fired.
func (w *connWatch) expire() {
	w.mu.Lock()
	idle := w.running == 0 && !w.closed
	w.mu.Unlock()
	if idle {
		w.onIdle()
		w.close()
	}
}

// begin marks a session as running: the grace stops.
func (w *connWatch) begin() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.running++
	if w.timer != nil {
		w.timer.Stop()
	}
}

// end marks a session as finished; with none left, the grace starts again.
func (w *connWatch) end() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.running--
	if w.running == 0 && w.timer != nil && !w.closed {
		w.timer.Reset(w.grace)
	}
}

// close closes the connection, and with it every channel and every
// blocked read or write on them, at once: it doesn't wait on the client.
func (w *connWatch) close() {
	w.stop()
	w.closeConn()
}

// stop disarms the watch of a connection that is closing.
func (w *connWatch) stop() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.closed = true
	if w.timer != nil {
		w.timer.Stop()
	}
}

// trackSessions wraps the session handler, whatever its middleware, so the
// connection's watch knows when a session is running.
func trackSessions(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		if w := connWatchOf(sess.Context()); w != nil {
			w.begin()
			defer w.end()
		}
		next(sess)
	}
}

// errSessionDeadline is what a command's reads return once its session has
// overrun --idle-timeout or --max-session: an error, never end of input,
// so a half-read message is not taken for a whole one.
var errSessionDeadline = errors.New("session closed: time limit")

// commandWatch applies --idle-timeout and --max-session to a command
// session (a piped contact, a text command): no input and no output for
// the idle timeout, or a session longer than the maximum, ends it. It
// works whatever the client does: a client that sends nothing and never
// closes its input, or never reads what it is sent, is closed all the
// same, because when a polite end doesn't happen within a second the
// whole connection is closed, which also fails any write blocked on it.
type commandWatch struct {
	sess       ssh.Session
	idle, max  time.Duration
	start      time.Time
	lastActive atomic.Int64 // unix nanoseconds of the last read or write
	expired    atomic.Bool
	done       chan struct{}
	stopOnce   sync.Once
}

// watchCommand starts the deadlines of a command session. The command must
// use the returned streams (activity on them counts as input and output)
// and call stop when it finishes.
func (s *Server) watchCommand(sess ssh.Session) (stdin io.Reader, stdout, stderr io.Writer, stop func()) {
	w := &commandWatch{
		sess: sess, idle: s.cfg.IdleTimeout, max: s.cfg.MaxSession,
		start: time.Now(), done: make(chan struct{}),
	}
	w.touch()
	if w.idle > 0 || w.max > 0 {
		go w.run()
	}
	stop = func() { w.stopOnce.Do(func() { close(w.done) }) }
	return watchedReader{w}, watchedWriter{w, sess}, watchedWriter{w, sess.Stderr()}, stop
}

func (w *commandWatch) touch() { w.lastActive.Store(time.Now().UnixNano()) }

// deadline is when the session ends unless there is activity before, and
// why.
func (w *commandWatch) deadline() (time.Time, string) {
	var at time.Time
	why := ""
	if w.idle > 0 {
		at = time.Unix(0, w.lastActive.Load()).Add(w.idle)
		why = fmt.Sprintf("no input or output for %s", w.idle)
	}
	if w.max > 0 {
		if end := w.start.Add(w.max); at.IsZero() || end.Before(at) {
			at, why = end, fmt.Sprintf("the session limit is %s", w.max)
		}
	}
	return at, why
}

func (w *commandWatch) run() {
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-w.done:
			return
		case <-t.C:
		}
		at, why := w.deadline()
		if wait := time.Until(at); wait > 0 {
			t.Reset(wait)
			continue
		}
		w.expire(why)
		return
	}
}

// expire ends the session: a one-line notice and an exit status if the
// client still takes them, and the connection closed if the command hasn't
// finished a second later.
func (w *commandWatch) expire(why string) {
	w.expired.Store(true)
	polite := make(chan struct{})
	go func() {
		defer close(polite)
		fmt.Fprintf(w.sess.Stderr(), "portfolio: closing the session: %s.\n", why)
		_ = w.sess.Exit(1)
	}()
	grace := time.NewTimer(time.Second)
	defer grace.Stop()
	select {
	case <-w.done:
		return
	case <-grace.C:
	}
	if cw := connWatchOf(w.sess.Context()); cw != nil {
		cw.close()
	}
}

// watchedReader is the session's input, counted as activity; after the
// deadline it fails instead of ending.
type watchedReader struct{ w *commandWatch }

func (r watchedReader) Read(p []byte) (int, error) {
	n, err := r.w.sess.Read(p)
	if r.w.expired.Load() {
		return 0, errSessionDeadline
	}
	if n > 0 {
		r.w.touch()
	}
	return n, err
}

// watchedWriter is one of the session's outputs, counted as activity.
type watchedWriter struct {
	w   *commandWatch
	out io.Writer
}

func (o watchedWriter) Write(p []byte) (int, error) {
	n, err := o.out.Write(p)
	if n > 0 {
		o.w.touch()
	}
	return n, err
}
