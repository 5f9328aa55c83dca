package server

import (
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"charm.land/ssh"
	gossh "golang.org/x/crypto/ssh"

	"github.com/pragyamugale/portfolio/content"
	"github.com/pragyamugale/portfolio/internal/config"
)

// waitClosed fails the test unless the server closes rc's connection
// within waitTimeout (far below the two hours such connections used to
// last, and the 2-minute keepalive idle limit at the default interval).
func waitClosed(t *testing.T, rc *rawClient, what string) {
	t.Helper()
	select {
	case <-rc.closed:
	case <-time.After(waitTimeout):
		t.Fatalf("%s: connection still open after %s", what, waitTimeout)
	}
}

// TestConnectionWithoutRunningSessionClosed: a logged-in connection that
// runs no session (ssh -N; a pty and never a shell; a connection kept
// open after its session, as OpenSSH's ControlMaster does) is closed after
// --no-session-timeout, while answering keepalives; one with a session
// running is not.
func TestConnectionWithoutRunningSessionClosed(t *testing.T) {
	t.Parallel()
	// Long enough for a loaded machine to open the next session in time.
	const grace = time.Second
	ts := startServerWith(t, func(c *Config) {
		c.NoSessionTimeout = grace
		c.SessionRate = 0
		withHTTP(c)
	})

	t.Run("no session", func(t *testing.T) {
		t.Parallel()
		rc := dialRaw(t, dialTCP(t, ts.addr))
		waitClosed(t, rc, "ssh -N")
	})
	t.Run("pty and no shell", func(t *testing.T) {
		t.Parallel()
		rc := dialRaw(t, dialTCP(t, ts.addr))
		sess, err := rc.NewSession()
		if err != nil {
			t.Fatal(err)
		}
		if err := sess.RequestPty("xterm", 24, 80, gossh.TerminalModes{}); err != nil {
			t.Fatal(err)
		}
		waitClosed(t, rc, "a pty and no shell")
	})
	t.Run("after its session", func(t *testing.T) {
		t.Parallel()
		rc := dialRaw(t, dialTCP(t, ts.addr))
		if r := execCmd(t, rc.Client, "version", cmdOpts{}); r.code != 0 {
			t.Fatalf("version: exit %d, stderr %q", r.code, r.stderr)
		}
		// A second session on the same connection, as ControlMaster runs
		// them, within the grace.
		if r := execCmd(t, rc.Client, "version", cmdOpts{}); r.code != 0 {
			t.Fatalf("second version: exit %d, stderr %q", r.code, r.stderr)
		}
		waitClosed(t, rc, "kept open after its sessions")
	})
	t.Run("session running", func(t *testing.T) {
		t.Parallel()
		rc := dialRaw(t, dialTCP(t, ts.addr))
		tm := silentSession(t, rc.Client)
		tm.waitFor(0, waitTimeout, ownerName)
		time.Sleep(2 * grace) // a negative check: the grace passes with the session running
		if rc.isClosed() {
			t.Fatalf("a connection with its UI session running was closed; log:\n%s", tail(ts.logs.String(), 2000))
		}
		tm.quit()
		waitClosed(t, rc, "after the UI session ended")
	})
	t.Run("metrics", func(t *testing.T) {
		// Not parallel: it runs alone, before the others resume, as it
		// counts every open connection. Connections with their UI running
		// stay while the gauge is read; once their sessions end, the
		// grace closes them.
		var terms []*term
		for range 2 {
			rc := dialRaw(t, dialTCP(t, ts.addr))
			tm := silentSession(t, rc.Client)
			tm.waitFor(0, waitTimeout, ownerName)
			terms = append(terms, tm)
		}
		ts.waitMetric(t, "portfolio_connections_open", func(v float64) bool { return v == 2 })
		for _, tm := range terms {
			tm.quit()
		}
		ts.waitMetric(t, "portfolio_connections_open", func(v float64) bool { return v == 0 })
		ts.waitMetric(t, "portfolio_rejected_connections_total", func(v float64) bool { return v >= 2 }, "reason", "no-session")
	})
}

// stalledStdin is a client's standard input that sends nothing and never
// closes, until the test ends.
func stalledStdin(t *testing.T) io.Reader {
	r, w := io.Pipe()
	t.Cleanup(func() { _ = w.Close() })
	return r
}

// startStalledContact starts a piped contact on c whose input never
// comes nor closes.
func startStalledContact(t *testing.T, c *gossh.Client) {
	t.Helper()
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	sess.Stdin = stalledStdin(t)
	if err := sess.Start(janeArgs); err != nil {
		t.Fatal(err)
	}
}

// wantCut checks that a contact command was ended by a deadline, saying
// why, and stored nothing.
func wantCut(t *testing.T, ts *testServer, r cmdResult, reason string) {
	t.Helper()
	if r.code == 0 || !strings.Contains(r.stderr, reason) {
		t.Errorf("exit %d, stderr %q; want non-zero and %q", r.code, r.stderr, reason)
	}
	if msgs := storedMessages(t, ts); len(msgs) != 0 {
		t.Errorf("stored %+v from a cut contact", msgs)
	}
}

// TestCommandSessionDeadlines: a piped contact whose client sends nothing
// and never closes its input ends at --idle-timeout; one that trickles
// input forever ends at --max-session; neither stores anything.
func TestCommandSessionDeadlines(t *testing.T) {
	t.Parallel()
	t.Run("idle", func(t *testing.T) {
		t.Parallel()
		ts := startCmdServer(t, func(c *Config) { c.IdleTimeout = 500 * time.Millisecond })
		c, _ := dial(t, ts.addr, "visitor", noAuth())
		wantCut(t, ts, execCmd(t, c, janeArgs, cmdOpts{stdin: stalledStdin(t)}), "no input")
	})
	t.Run("max session", func(t *testing.T) {
		t.Parallel()
		ts := startCmdServer(t, func(c *Config) { c.IdleTimeout, c.MaxSession = 0, time.Second })
		c, _ := dial(t, ts.addr, "visitor", noAuth())
		r, w := io.Pipe()
		done := make(chan struct{})
		t.Cleanup(func() { close(done); _ = w.Close() })
		go func() {
			for {
				select {
				case <-done:
					return
				case <-time.After(100 * time.Millisecond):
				}
				if _, err := io.WriteString(w, "語"); err != nil {
					return
				}
			}
		}()
		wantCut(t, ts, execCmd(t, c, janeArgs, cmdOpts{stdin: r}), "session limit")
	})
	t.Run("client never reads", func(t *testing.T) {
		t.Parallel()
		// The session ends at the idle timeout; whether its connection is
		// closed with it (the command still stuck a second later) or after
		// the no-session grace (it ended, the client is silent) depends on
		// timing: both must happen.
		ts := startCmdServer(t, func(c *Config) { c.IdleTimeout, c.NoSessionTimeout = 500*time.Millisecond, 2*time.Second })
		fc := &frozenConn{Conn: dialTCP(t, ts.addr), release: make(chan struct{})}
		rc := dialRaw(t, fc)
		t.Cleanup(func() { close(fc.release) })
		startStalledContact(t, rc.Client)
		if !eventually(waitTimeout, func() bool { return ts.sessions.Active() == 1 }) {
			t.Fatal("the session never started")
		}
		// The client reads nothing more: not the notice, not the exit
		// status, not the channel's close. The server lets go regardless.
		fc.frozen.Store(true)
		if !eventually(waitTimeout, func() bool { return ts.conns.Open() == 0 && ts.sessions.Active() == 0 }) {
			t.Fatalf("a frozen client's command session still held: open %d, active %d", ts.conns.Open(), ts.sessions.Active())
		}
	})
}

// TestLongCommandLineRefused: a command line over the cap is refused with
// one line and the usage status, before it is split into words (which
// costs seconds of CPU for a 120 KB word).
func TestLongCommandLineRefused(t *testing.T) {
	t.Parallel()
	ts := startCmdServer(t, nil)
	c, _ := dial(t, ts.addr, "visitor", noAuth())
	for _, cmd := range []string{strings.Repeat("a", 120<<10), "projects " + strings.Repeat("\"é語 ", 1500)} {
		r := execCmd(t, c, cmd, cmdOpts{})
		if r.code != 2 || !strings.Contains(r.stderr, "command too long") || strings.Count(r.stderr, "\n") != 1 || r.stdout != "" {
			t.Errorf("%d-byte command: exit %d, stdout %q, stderr %q; want 2 and one line", len(cmd), r.code, tail(r.stdout, 200), tail(r.stderr, 200))
		}
	}
	// With a terminal too (where a command may be a deep link).
	tm := openTermCmd(t, c, strings.Repeat("b", 120<<10), 80, 24)
	if err := tm.wait(waitTimeout); exitStatus(err) != 2 || !strings.Contains(tm.stderr.String(), "command too long") {
		t.Errorf("with a pty: %v, stderr %q", err, tm.stderr.String())
	}
	// At the limit, a command still runs (and is merely unknown).
	r := execCmd(t, c, "x"+strings.Repeat(" ", maxCommandBytes-1), cmdOpts{})
	if r.code != 2 || strings.Contains(r.stderr, "too long") {
		t.Errorf("%d-byte command: exit %d, stderr %q", maxCommandBytes, r.code, r.stderr)
	}
}

// TestSignalRequestAnswered: a signal request that wants a reply gets one
// (a refusal), instead of leaving the client waiting.
func TestSignalRequestAnswered(t *testing.T) {
	t.Parallel()
	ts := startCmdServer(t, nil)
	c, _ := dial(t, ts.addr, "visitor", noAuth())
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	type reply struct {
		ok  bool
		err error
	}
	res := make(chan reply, 1)
	go func() {
		ok, err := sess.SendRequest("signal", true, gossh.Marshal(struct{ Signal string }{"INT"}))
		res <- reply{ok, err}
	}()
	select {
	case r := <-res:
		if r.ok || r.err != nil {
			t.Errorf("signal: ok=%v err=%v, want a refusal", r.ok, r.err)
		}
	case <-time.After(waitTimeout):
		t.Fatalf("no reply to a signal request after %s", waitTimeout)
	}
	// The session still works.
	var out syncBuffer
	sess.Stdout = &out
	if err := sess.Run("version"); err != nil || out.String() == "" {
		t.Errorf("session after the signal: %v, output %q", err, out.String())
	}
}

// TestSessionDuringShutdown: a session started on an open connection
// after the shutdown began (OpenSSH's connection sharing) is refused with
// the notice on stderr and exit status 75: skills --json prints no text
// on stdout, and contact stores nothing.
func TestSessionDuringShutdown(t *testing.T) {
	t.Parallel()
	ts := startCmdServer(t, nil)

	// Another visitor's session keeps the shutdown waiting.
	holder, _ := dial(t, ts.addr, "holder", noAuth())
	startStalledContact(t, holder)

	c, _ := dial(t, ts.addr, "visitor", noAuth())
	if r := execCmd(t, c, "skills --json", cmdOpts{}); r.code != 0 || !strings.HasPrefix(r.stdout, "{") {
		t.Fatalf("before the shutdown: exit %d, stdout %q", r.code, tail(r.stdout, 200))
	}
	shut := shutdownHeld(t, ts)

	r := execCmd(t, c, "skills --json", cmdOpts{})
	if r.code != exitTempFail || r.stdout != "" || !strings.Contains(r.stderr, "restarting") {
		t.Errorf("skills --json during shutdown: exit %d, stdout %q, stderr %q; want %d, nothing, the notice", r.code, r.stdout, r.stderr, exitTempFail)
	}
	r = execCmd(t, c, janeArgs, cmdOpts{stdin: strings.NewReader("Hello 👋, ça va?")})
	if r.code != exitTempFail || r.stdout != "" || !strings.Contains(r.stderr, "restarting") {
		t.Errorf("contact during shutdown: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}

	_ = holder.Close() // its message is empty: nothing to store
	endShutdown(t, ts, shut)
	if msgs := storedMessages(t, ts); len(msgs) != 0 {
		t.Errorf("stored %+v during the shutdown", msgs)
	}
}

// endShutdown waits for a shutdown started by shutdownHeld (its own
// timeout bounds it) and for Serve to return.
func endShutdown(t *testing.T, ts *testServer, shut <-chan error) {
	t.Helper()
	if err := <-shut; err != nil {
		t.Errorf("Shutdown = %v", err)
	}
	<-ts.serve
	ts.serve <- nil // for the cleanup
}

// TestInboxBusy: past --messages-per-hour-total, a piped contact and the
// form are told the inbox is busy and where else to go (the profile's
// links), with nothing about anyone's count; nothing more is stored.
func TestInboxBusy(t *testing.T) {
	t.Parallel()
	pf := *testPortfolio(t)
	pf.Profile.Links = []content.Link{{Label: "Email", URL: "mailto:owner@example.com"}}
	// The links come from the portfolio the server is built with.
	ts := newTestServerWith(t, &pf, func(c *Config) {
		c.SessionRate, c.MessagesPerHour, c.MessagesPerHourTotal = 0, 0, 1
	}, nil)
	ts.waitServing(t)

	c, _ := dial(t, ts.addr, "visitor", noAuth())
	if r := execCmd(t, c, janeArgs, cmdOpts{stdin: strings.NewReader("first")}); r.code != 0 {
		t.Fatalf("first message: exit %d, stderr %q", r.code, r.stderr)
	}
	r := execCmd(t, c, janeArgs, cmdOpts{stdin: strings.NewReader("Ça va? 你好 👋")})
	const want = "portfolio: the inbox is busy, please try again later or use Email (owner@example.com)\n"
	if r.code != 1 || r.stderr != want || r.stdout != "" {
		t.Errorf("piped contact past the total: exit %d, stdout %q, stderr %q; want 1 and %q", r.code, r.stdout, r.stderr, want)
	}

	vt := openVTerm(t, ts, noAuth())
	vt.openForm()
	vt.fill("Jane", "@jane", "Ça va? 你好")
	vt.send(keyCtrlS)
	scr := vt.waitScreen("The inbox is busy")
	if !strings.Contains(scr, "┃ Ça va? 你好") {
		t.Errorf("text not kept after a busy inbox:\n%s", scr)
	}
	if msgs := storedMessages(t, ts); len(msgs) != 1 {
		t.Errorf("stored %d messages, want 1", len(msgs))
	}
	ts.waitLog(t, "inbox busy")
}

func TestConfigValidateLimits(t *testing.T) {
	t.Parallel()
	c := testConfig(t)
	c.MessagesPerHourTotal, c.NoSessionTimeout = -1, -time.Second
	err := c.Validate()
	for _, flag := range []string{"--messages-per-hour-total", "--no-session-timeout"} {
		if err == nil || !strings.Contains(err.Error(), flag) {
			t.Errorf("Validate() = %v, want it to name %s", err, flag)
		}
	}
	if d := config.Default(); d.MessagesPerHourTotal != 100 || d.NoSessionTimeout != 30*time.Second {
		t.Errorf("defaults: total %d, no-session %s; want 100 and 30s", d.MessagesPerHourTotal, d.NoSessionTimeout)
	}
}

// TestEndToEndNoSession: the real OpenSSH client with -N (no command, no
// shell) and its own keepalives, which used to hold a connection slot for
// two hours, is disconnected after --no-session-timeout; a stalled piped
// contact ends by the idle timeout with a non-zero status.
func TestEndToEndNoSession(t *testing.T) {
	requireTools(t, "ssh")
	t.Parallel()
	ts := startServerWith(t, func(c *Config) {
		c.SessionRate, c.NoSessionTimeout, c.IdleTimeout = 0, 3*time.Second, 500*time.Millisecond
	})
	_, port, _ := strings.Cut(ts.addr, "127.0.0.1:")
	knownHosts := filepath.Join(t.TempDir(), "known_hosts")

	_, stderr, code := runOpenSSH(t, port, knownHosts, nil, []string{"-N", "-o", "ServerAliveInterval=1"})
	if code == 0 {
		t.Errorf("ssh -N exited 0; stderr %q", stderr)
	}
	// A pipe the client reads itself (exec would wait on copying a reader).
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = r.Close(); _ = w.Close() })
	_, stderr, code = runOpenSSH(t, port, knownHosts, r, nil, "contact", "--name", "Jane", "--reply-to", "jane@example.com")
	if code == 0 || !strings.Contains(stderr, "no input") {
		t.Errorf("stalled contact: exit %d, stderr %q; want non-zero and the reason", code, stderr)
	}
	if !eventually(waitTimeout, func() bool { return ts.conns.Open() == 0 }) {
		t.Errorf("%d connections still open", ts.conns.Open())
	}
}

// blockedSession is a session on a connection whose client takes nothing:
// every write, read and exit blocks until the connection is closed.
type blockedSession struct {
	ssh.Session
	ctx    ssh.Context
	closed chan struct{}
}

func (b *blockedSession) Context() ssh.Context  { return b.ctx }
func (b *blockedSession) Stderr() io.ReadWriter { return b }
func (b *blockedSession) Read([]byte) (int, error) {
	<-b.closed
	return 0, io.EOF
}

func (b *blockedSession) Write([]byte) (int, error) {
	<-b.closed
	return 0, io.ErrClosedPipe
}

func (b *blockedSession) Exit(int) error {
	<-b.closed
	return io.ErrClosedPipe
}

// shutdownHeld starts a shutdown once exactly one session (the holder's)
// is running, so the shutdown waits for it, and returns once the server is
// stopping; Shutdown's result arrives on the channel.
func shutdownHeld(t *testing.T, ts *testServer) <-chan error {
	t.Helper()
	if !eventually(waitTimeout, func() bool { return ts.sessions.Active() == 1 }) {
		t.Fatalf("active sessions = %d, want the holder's alone", ts.sessions.Active())
	}
	shut := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
		defer cancel()
		shut <- ts.Shutdown(ctx)
	}()
	if !eventually(waitTimeout, ts.stopping) {
		t.Fatal("shutdown never started")
	}
	return shut
}

// TestCommandWatchBlockedWrites: when a command session's deadline passes
// while its output, its input and even its exit status are blocked on the
// client, the connection is closed all the same, and the input then fails
// rather than ending (no half-read message passes for a whole one).
func TestCommandWatchBlockedWrites(t *testing.T) {
	t.Parallel()
	sess := &blockedSession{closed: make(chan struct{})}
	var once sync.Once
	cw := &connWatch{closeConn: func() { once.Do(func() { close(sess.closed) }) }}
	sess.ctx = connValues{values: map[any]any{connWatchKey: cw}}
	s := &Server{cfg: Config{IdleTimeout: 200 * time.Millisecond}}
	stdin, stdout, _, stop := s.watchCommand(sess)
	defer stop()
	go func() { _, _ = io.WriteString(stdout, "output nobody reads") }()
	readErr := make(chan error, 1)
	go func() {
		_, err := io.ReadAll(stdin)
		readErr <- err
	}()
	select {
	case <-sess.closed:
	case <-time.After(waitTimeout):
		t.Fatalf("connection still open %s after a 200ms idle timeout, with everything blocked", waitTimeout)
	}
	if err := <-readErr; !errors.Is(err, errSessionDeadline) {
		t.Errorf("input after the deadline: %v, want errSessionDeadline", err)
	}
}

// TestEndToEndControlMaster drives OpenSSH's connection sharing: the
// master connection a client keeps open after its command is closed after
// --no-session-timeout; and a command sent over a shared connection while
// the server shuts down gets the notice on stderr, nothing on stdout, and
// exit status 75.
func TestEndToEndControlMaster(t *testing.T) {
	requireTools(t, "ssh")
	t.Parallel()
	ts := startServerWith(t, func(c *Config) { c.SessionRate, c.NoSessionTimeout = 0, 3*time.Second })
	_, port, _ := strings.Cut(ts.addr, "127.0.0.1:")
	dir := t.TempDir()
	knownHosts := filepath.Join(dir, "known_hosts")
	control := func(sock, op string) error {
		return exec.Command("ssh", "-F", "/dev/null", "-o", "ControlPath="+sock, "-O", op, "127.0.0.1").Run()
	}
	// Each master its own socket: a master on its way out removes its own.
	sock := filepath.Join(dir, "cm1")
	mux := []string{"-o", "ControlMaster=auto", "-o", "ControlPath=" + sock, "-o", "ControlPersist=60"}
	masterUp := func() bool { return control(sock, "check") == nil }
	t.Cleanup(func() { _ = control(filepath.Join(dir, "cm1"), "exit"); _ = control(filepath.Join(dir, "cm2"), "exit") })

	if _, stderr, code := runOpenSSH(t, port, knownHosts, nil, mux, "version"); code != 0 {
		t.Fatalf("version: exit %d, stderr %q", code, stderr)
	}
	if !masterUp() {
		t.Fatal("no master connection after the first command")
	}
	if !eventually(waitTimeout, func() bool { return ts.conns.Open() == 0 }) {
		t.Fatalf("the master connection is still open %s after its command", waitTimeout)
	}
	if !eventually(waitTimeout, func() bool { return !masterUp() }) {
		t.Error("the client's master still runs after the server closed its connection")
	}

	// A fresh master, then a shutdown held up by another visitor's session.
	sock = filepath.Join(dir, "cm2")
	mux[3] = "ControlPath=" + sock
	if _, stderr, code := runOpenSSH(t, port, knownHosts, nil, mux, "version"); code != 0 {
		t.Fatalf("version: exit %d, stderr %q", code, stderr)
	}
	holder, _ := dial(t, ts.addr, "holder", noAuth())
	startStalledContact(t, holder)
	shut := shutdownHeld(t, ts)
	out, stderr, code := runOpenSSH(t, port, knownHosts, nil, mux, "skills", "--json")
	if code != exitTempFail || out != "" || !strings.Contains(stderr, "restarting") {
		t.Errorf("skills --json over the shared connection during shutdown: exit %d, stdout %q, stderr %q; want %d, nothing, the notice", code, tail(out, 200), stderr, exitTempFail)
	}
	_ = holder.Close()
	endShutdown(t, ts, shut)
}
