package server

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"charm.land/log/v2"
	"github.com/charmbracelet/x/ansi"
	gossh "golang.org/x/crypto/ssh"

	"github.com/pragyamugale/portfolio/content"
	"github.com/pragyamugale/portfolio/internal/commands"
	"github.com/pragyamugale/portfolio/internal/config"
	"github.com/pragyamugale/portfolio/internal/hostkeys"
	"github.com/pragyamugale/portfolio/internal/testkit"
)

// waitTimeout bounds every wait in these tests. It is generous so a loaded
// machine (or -race) doesn't flake; waits poll, so passing tests stay fast.
const waitTimeout = 10 * time.Second

// pollInterval is how often waits look again.
const pollInterval = 10 * time.Millisecond

// syncBuffer is a bytes.Buffer safe for one writer and concurrent readers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func (s *syncBuffer) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Len()
}

// since returns what was written after the first n bytes.
func (s *syncBuffer) since(n int) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.b.Bytes()
	if n > len(b) {
		n = len(b)
	}
	return string(b[n:])
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

var (
	portfolioOnce sync.Once
	portfolio     *content.Portfolio
	portfolioErr  error
)

func testPortfolio(t *testing.T) *content.Portfolio {
	t.Helper()
	portfolioOnce.Do(func() { portfolio, portfolioErr = content.Default() })
	if portfolioErr != nil {
		t.Fatalf("content.Default: %v", portfolioErr)
	}
	return portfolio
}

// testServer is a Server listening on a loopback port, with its log
// captured.
type testServer struct {
	*stack
	addr  string
	logs  *syncBuffer
	serve chan error
}

// newTestServer builds and starts a server for a test on 127.0.0.1:0,
// with scratch directories, debug logs captured in ts.logs and edit
// applied to the config; before, if set, runs between Listen and Serve.
// The server is closed when the test ends. It does not wait for the
// server to answer: see waitServing.
func newTestServer(t *testing.T, edit func(*Config), before func(*Server)) *testServer {
	t.Helper()
	return newTestServerWith(t, testPortfolio(t), edit, before)
}

// newTestServerWith is newTestServer serving pf.
func newTestServerWith(t *testing.T, pf *content.Portfolio, edit func(*Config), before func(*Server)) *testServer {
	t.Helper()
	cfg := testConfig(t)
	cfg.LogLevel = "debug"
	if edit != nil {
		edit(&cfg)
	}
	logs := &syncBuffer{}
	logger := log.New(logs)
	logger.SetLevel(log.DebugLevel)
	srv, err := newStack(cfg, pf, logger)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if err := srv.Listen(); err != nil {
		t.Fatalf("Listen: %v", err)
	}
	if before != nil {
		before(srv.Server)
	}
	ts := &testServer{stack: srv, addr: srv.Addr().String(), logs: logs, serve: make(chan error, 1)}
	go func() { ts.serve <- srv.Serve() }()
	t.Cleanup(func() {
		_ = srv.Close()
		select {
		case err := <-ts.serve:
			if err != nil {
				t.Errorf("Serve: %v", err)
			}
		case <-time.After(waitTimeout):
			t.Errorf("Serve did not return within %s of Close", waitTimeout)
		}
	})
	return ts
}

// testConfig is DefaultConfig listening on 127.0.0.1:0 with scratch
// directories for the host key and messages, the web door off (withHTTP
// turns it on, on a free port).
func testConfig(t *testing.T) Config {
	cfg := config.Default()
	cfg.Addr, cfg.HTTPAddr = "127.0.0.1:0", ""
	cfg.HostKeyDir = t.TempDir()
	cfg.DataDir = t.TempDir()
	return cfg
}

// startServer starts a server with its host key in hostKeyDir and no
// session rate limit (tests open sessions faster than any visitor), and
// waits until it serves.
func startServer(t *testing.T, hostKeyDir string) *testServer {
	t.Helper()
	ts := newTestServer(t, func(c *Config) {
		c.HostKeyDir = hostKeyDir
		c.SessionRate = 0
	}, nil)
	ts.waitServing(t)
	return ts
}

// waitServing returns once the server completes an SSH handshake, so Serve
// is accepting (see TestShutdownRightAfterServe for why that matters).
func (ts *testServer) waitServing(t *testing.T) {
	t.Helper()
	cfg := &gossh.ClientConfig{
		User:            "probe",
		Auth:            noAuth(),
		HostKeyCallback: gossh.InsecureIgnoreHostKey(),
		Timeout:         time.Second,
	}
	var err error
	if !eventually(waitTimeout, func() bool {
		var c *gossh.Client
		if c, err = gossh.Dial("tcp", ts.addr, cfg); err == nil {
			c.Close()
		}
		return err == nil
	}) {
		t.Fatalf("server on %s not serving within %s: %v", ts.addr, waitTimeout, err)
	}
}

// noAuth is what a client without keys offers: keyboard-interactive with no
// answers.
func noAuth() []gossh.AuthMethod {
	return []gossh.AuthMethod{gossh.KeyboardInteractive(
		func(string, string, []string, []bool) ([]string, error) { return nil, nil })}
}

func keyAuth(t *testing.T) ([]gossh.AuthMethod, gossh.PublicKey) {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return []gossh.AuthMethod{gossh.PublicKeys(signer)}, signer.PublicKey()
}

// dial connects as user and returns the client and the host key the server
// presented.
func dial(t *testing.T, addr, user string, auth []gossh.AuthMethod) (*gossh.Client, gossh.PublicKey) {
	t.Helper()
	var hostKey gossh.PublicKey
	cfg := &gossh.ClientConfig{
		User: user,
		Auth: auth,
		HostKeyCallback: func(_ string, _ net.Addr, key gossh.PublicKey) error {
			hostKey = key
			return nil
		},
		Timeout: waitTimeout,
	}
	c, err := gossh.Dial("tcp", addr, cfg)
	if err != nil {
		t.Fatalf("dial %s as %q: %v", addr, user, err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c, hostKey
}

// term is an interactive session with a pty, as a visitor's terminal.
type term struct {
	t      *testing.T
	sess   *gossh.Session
	stdin  io.WriteCloser
	out    *syncBuffer
	stderr *syncBuffer
	done   chan error // receives session.Wait's result
}

func openTerm(t *testing.T, c *gossh.Client, width, height int) *term {
	t.Helper()
	return openTermWithType(t, c, "xterm-256color", width, height)
}

func openTermWithType(t *testing.T, c *gossh.Client, termType string, width, height int) *term {
	t.Helper()
	return startTerm(t, c, termType, "", width, height)
}

// startTerm opens a session with a pty of termType and runs cmd in it, or
// the shell (the UI) if cmd is "".
func startTerm(t *testing.T, c *gossh.Client, termType, cmd string, width, height int) *term {
	t.Helper()
	sess, err := c.NewSession()
	if err != nil {
		t.Fatalf("new session: %v", err)
	}
	tm := &term{t: t, sess: sess, out: &syncBuffer{}, stderr: &syncBuffer{}, done: make(chan error, 1)}
	sess.Stdout = tm.out
	sess.Stderr = tm.stderr
	if tm.stdin, err = sess.StdinPipe(); err != nil {
		t.Fatalf("stdin: %v", err)
	}
	if err := sess.RequestPty(termType, height, width, gossh.TerminalModes{}); err != nil {
		t.Fatalf("request pty: %v", err)
	}
	if cmd == "" {
		err = sess.Shell()
	} else {
		err = sess.Start(cmd)
	}
	if err != nil {
		t.Fatalf("start %q: %v", cmd, err)
	}
	go func() { tm.done <- sess.Wait() }()
	t.Cleanup(func() { _ = sess.Close() })
	return tm
}

// mark is the current end of the output; waitFor looks after it.
func (tm *term) mark() int { return tm.out.Len() }

// waitFor waits until every substr is in the ANSI-stripped output written
// after mark, and returns that output.
func (tm *term) waitFor(mark int, timeout time.Duration, substrs ...string) string {
	tm.t.Helper()
	var got string
	ok := eventually(timeout, func() bool {
		got = ansi.Strip(tm.out.since(mark))
		for _, s := range substrs {
			if !strings.Contains(got, s) {
				return false
			}
		}
		return true
	})
	if !ok {
		tm.t.Fatalf("screen never showed all of %q within %s; stripped output:\n%s", substrs, timeout, tail(got, 3000))
	}
	return got
}

func (tm *term) send(keys string) {
	tm.t.Helper()
	if _, err := io.WriteString(tm.stdin, keys); err != nil {
		tm.t.Fatalf("send %q: %v", keys, err)
	}
}

// quit presses q and checks the session ends cleanly: exit status 0 and
// nothing on stderr.
func (tm *term) quit() {
	tm.t.Helper()
	tm.send("q")
	if err := tm.wait(waitTimeout); err != nil {
		tm.t.Errorf("after q, session.Wait = %v, want nil (exit status 0)", err)
	}
	if s := tm.stderr.String(); s != "" {
		tm.t.Errorf("stderr = %q", s)
	}
}

// wait waits for the session to end and returns session.Wait's result.
func (tm *term) wait(timeout time.Duration) error {
	tm.t.Helper()
	select {
	case err := <-tm.done:
		return err
	case <-time.After(timeout):
		tm.t.Fatalf("session did not end within %s; output:\n%s", timeout, tail(ansi.Strip(tm.out.String()), 2000))
		return nil
	}
}

// waitLog waits until the log holds substr and returns the log.
func (ts *testServer) waitLog(t *testing.T, substr string) string {
	t.Helper()
	var got string
	if !eventually(waitTimeout, func() bool {
		got = ts.logs.String()
		return strings.Contains(got, substr)
	}) {
		t.Fatalf("log never showed %q within %s; log:\n%s", substr, waitTimeout, got)
	}
	return got
}

// logLine returns the first log line that has every word, or "".
func logLine(logs string, words ...string) string {
next:
	for _, l := range strings.Split(logs, "\n") {
		for _, w := range words {
			if !strings.Contains(l, w) {
				continue next
			}
		}
		return l
	}
	return ""
}

func TestSessionNavigation(t *testing.T) {
	t.Parallel()
	ts := startServer(t, t.TempDir())
	for _, tc := range []struct {
		name string
		auth func(*testing.T) []gossh.AuthMethod
	}{
		{"keyless", func(*testing.T) []gossh.AuthMethod { return noAuth() }},
		{"publickey", func(t *testing.T) []gossh.AuthMethod { a, _ := keyAuth(t); return a }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := dial(t, ts.addr, "visitor", tc.auth(t))
			tm := openTerm(t, c, 80, 24)

			first := tm.waitFor(0, waitTimeout, "Pragya Mugale", "About", "Projects")
			if !strings.Contains(first, "1 About") || !strings.Contains(first, "4 Contact") {
				t.Errorf("80 columns should show the full tab bar; got:\n%s", first)
			}

			m := tm.mark()
			tm.send("3")
			tm.waitFor(m, waitTimeout, "[3 Projects]", "NoteLytix", "Activity Logging Service")

			m = tm.mark()
			tm.send("\r")
			tm.waitFor(m, waitTimeout, "Goal", "System Architecture")

			// Narrow: the tab bar turns compact ("‹ 3 Projects 3/4 ›").
			m = tm.mark()
			if err := tm.sess.WindowChange(12, 40); err != nil {
				t.Fatalf("window change: %v", err)
			}
			tm.waitFor(m, waitTimeout, "‹ ", "3/4 ›")

			// Below the minimum: the too-small screen.
			m = tm.mark()
			if err := tm.sess.WindowChange(10, 30); err != nil {
				t.Fatalf("window change: %v", err)
			}
			tm.waitFor(m, waitTimeout, "too small")

			// Back to full size: the full tabs, with the open case study.
			m = tm.mark()
			if err := tm.sess.WindowChange(24, 80); err != nil {
				t.Fatalf("window change: %v", err)
			}
			tm.waitFor(m, waitTimeout, "4 Contact", "notelytix")

			tm.quit()
		})
	}
}

// TestSessionWithoutPty: a session without a terminal (ssh -T, a pipe, a
// script) gets the whole portfolio as plain text and exit status 0, and
// never hangs waiting for input.
func TestSessionWithoutPty(t *testing.T) {
	t.Parallel()
	ts := startServer(t, t.TempDir())
	want := commands.AllText(testPortfolio(t), 80, ts.sshCommand())
	run := map[string]func(*gossh.Session) error{
		"exec":  func(s *gossh.Session) error { return s.Run("") },
		"shell": func(s *gossh.Session) error { return errors.Join(s.Shell(), s.Wait()) },
	}
	for name, fn := range run {
		t.Run(name, func(t *testing.T) {
			c, _ := dial(t, ts.addr, "visitor", noAuth())
			sess, err := c.NewSession()
			if err != nil {
				t.Fatal(err)
			}
			defer sess.Close()
			var stdout, stderr syncBuffer
			sess.Stdout, sess.Stderr = &stdout, &stderr
			// Stdin stays open: the portfolio must not wait for it.
			if _, err := sess.StdinPipe(); err != nil {
				t.Fatal(err)
			}
			res := make(chan error, 1)
			go func() { res <- fn(sess) }()
			select {
			case err = <-res:
			case <-time.After(waitTimeout):
				t.Fatalf("session without a pty still running after %s; stdout %q", waitTimeout, tail(stdout.String(), 500))
			}
			if err != nil {
				t.Fatalf("err = %v (%T), want nil (exit status 0); stderr %q", err, err, stderr.String())
			}
			out := stdout.String()
			if out != want {
				t.Errorf("stdout is not the whole portfolio as text:\n%s", tail(out, 3000))
			}
			if strings.Contains(out, "\x1b") {
				t.Errorf("stdout holds an ESC byte: %q", tail(out, 500))
			}
			for _, s := range []string{"Pragya Mugale", "NoteLytix", "System Architecture", "Let's talk"} {
				if !strings.Contains(out, s) {
					t.Errorf("stdout lacks %q", s)
				}
			}
			if stderr.String() != "" {
				t.Errorf("stderr = %q, want nothing", stderr.String())
			}
		})
	}
}

func TestLogsClientKeyFingerprint(t *testing.T) {
	t.Parallel()
	ts := startServer(t, t.TempDir())

	auth, pub := keyAuth(t)
	fp := gossh.FingerprintSHA256(pub)
	c, _ := dial(t, ts.addr, "keyed", auth)
	tm := openTerm(t, c, 80, 24)
	tm.waitFor(0, waitTimeout, "Pragya Mugale")
	logs := ts.waitLog(t, "keyed")
	line := logLine(logs, "connect", "user=keyed")
	if !strings.Contains(line, fp) {
		t.Errorf("connect line %q does not hold the client key's fingerprint %s", line, fp)
	}

	c2, _ := dial(t, ts.addr, "keyless", noAuth())
	tm2 := openTerm(t, c2, 80, 24)
	tm2.waitFor(0, waitTimeout, "Pragya Mugale")
	logs = ts.waitLog(t, "keyless")
	line = logLine(logs, "connect", "user=keyless")
	if line == "" {
		t.Fatalf("no connect line for the keyless client; log:\n%s", logs)
	}
	if strings.Contains(line, "SHA256:") {
		t.Errorf("keyless client's connect line names a key: %q", line)
	}
	if strings.Contains(line, fp) {
		t.Errorf("keyless client's connect line has the earlier client's key: %q", line)
	}

	tm.send("q")
	tm2.send("q")
	if err := tm.wait(waitTimeout); err != nil {
		t.Errorf("keyed session: %v", err)
	}
	if err := tm2.wait(waitTimeout); err != nil {
		t.Errorf("keyless session: %v", err)
	}
	ts.waitLog(t, "disconnect")
}

func TestLogEscapesVisitorControlledStrings(t *testing.T) {
	t.Parallel()
	ts := startServer(t, t.TempDir())
	const hostile = "evil\x1b]0;pwned\x07\x1b[2J\u202e"

	c, _ := dial(t, ts.addr, hostile, noAuth())
	tm := openTermWithType(t, c, "xterm\x1b[31m\u202e", 80, 24)
	tm.waitFor(0, waitTimeout, "Pragya Mugale")
	tm.send("q")
	if err := tm.wait(waitTimeout); err != nil {
		t.Errorf("session: %v", err)
	}
	logs := ts.waitLog(t, "disconnect")

	for _, bad := range []string{"\x1b", "\x07", "\u202e"} {
		if strings.Contains(logs, bad) {
			t.Errorf("log holds raw %q:\n%q", bad, logs)
		}
	}
	line := logLine(logs, "connect", "evil")
	for _, want := range []string{`\x1b]0;pwned`, `\a`, `\u202e`} {
		if !strings.Contains(line, want) {
			t.Errorf("connect line lacks the escaped form %s: %q", want, line)
		}
	}
}

func TestShutdownSaysGoodbye(t *testing.T) {
	t.Parallel()
	ts := startServer(t, t.TempDir())
	c, _ := dial(t, ts.addr, "visitor", noAuth())
	tm := openTerm(t, c, 80, 24)
	tm.waitFor(0, waitTimeout, "Pragya Mugale")

	shut := make(chan error, 1)
	start := time.Now()
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
		defer cancel()
		shut <- ts.Shutdown(ctx)
	}()

	m := tm.mark()
	tm.waitFor(m, waitTimeout, "restarting")
	if err := tm.wait(waitTimeout); err != nil {
		t.Errorf("session.Wait after shutdown = %v, want nil", err)
	}
	// A client closes its connection once its session ends (OpenSSH does);
	// Shutdown waits for that.
	_ = c.Close()

	select {
	case err := <-shut:
		if err != nil {
			t.Errorf("Shutdown = %v", err)
		}
	case <-time.After(waitTimeout + 5*time.Second):
		t.Fatal("Shutdown did not return")
	}
	if d := time.Since(start); d >= waitTimeout {
		t.Errorf("Shutdown took %s, want well within its %s timeout", d, waitTimeout)
	}
	select {
	case err := <-ts.serve:
		if err != nil {
			t.Errorf("Serve after Shutdown = %v, want nil", err)
		}
		ts.serve <- nil // for the cleanup
	case <-time.After(waitTimeout):
		t.Error("Serve did not return after Shutdown")
	}

	// New connections are refused.
	if conn, err := net.DialTimeout("tcp", ts.addr, time.Second); err == nil {
		conn.Close()
		t.Error("server still accepts connections after Shutdown")
	}
}

func TestShutdownWithoutVisitors(t *testing.T) {
	t.Parallel()
	ts := startServer(t, t.TempDir())
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	start := time.Now()
	if err := ts.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown = %v", err)
	}
	if d := time.Since(start); d > waitTimeout/2 {
		t.Errorf("idle Shutdown took %s", d)
	}
	// Safe to call again.
	if err := ts.Shutdown(ctx); err != nil {
		t.Errorf("second Shutdown = %v", err)
	}
}

// TestShutdownRightAfterServe stops servers the moment Serve is started, as
// a SIGTERM during start-up does: Serve must return.
func TestShutdownRightAfterServe(t *testing.T) {
	t.Parallel()
	for i := range 20 {
		srv, err := newStack(testConfig(t), testPortfolio(t), log.New(io.Discard))
		if err != nil {
			t.Fatal(err)
		}
		if err := srv.Listen(); err != nil {
			t.Fatal(err)
		}
		serve := make(chan error, 1)
		go func() { serve <- srv.Serve() }()
		ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
		err = srv.Shutdown(ctx)
		cancel()
		if err != nil {
			t.Errorf("round %d: Shutdown = %v", i, err)
		}
		select {
		case err := <-serve:
			if err != nil {
				t.Errorf("round %d: Serve = %v, want nil after Shutdown", i, err)
			}
		case <-time.After(2 * time.Second):
			_ = srv.Close() // unblocks it once the listener is registered
			t.Fatalf("round %d: Serve still running 2s after Shutdown", i)
		}
	}
}

func TestHostKeyPersists(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "keys")

	fingerprintOf := func() (string, bool) {
		ts := startServer(t, dir)
		c, hk := dial(t, ts.addr, "visitor", noAuth())
		defer c.Close()
		if hk == nil {
			t.Fatal("no host key presented")
		}
		fp := gossh.FingerprintSHA256(hk)
		if fp != ts.HostKey().Fingerprint {
			t.Errorf("presented host key %s, HostKey() says %s", fp, ts.HostKey().Fingerprint)
		}
		if hk.Type() != gossh.KeyAlgoED25519 {
			t.Errorf("host key type %s, want ed25519", hk.Type())
		}
		created := ts.HostKey().Created
		_ = ts.Close()
		return fp, created
	}

	fp1, created1 := fingerprintOf()
	fp2, created2 := fingerprintOf()
	if fp1 != fp2 {
		t.Errorf("host key changed across restarts: %s then %s", fp1, fp2)
	}
	if !created1 || created2 {
		t.Errorf("Created = %v then %v, want true then false", created1, created2)
	}
	fi, err := os.Stat(filepath.Join(dir, hostkeys.FileName))
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm != 0o600 {
		t.Errorf("host key mode %o, want 600", perm)
	}
}

func TestNewRejectsInvalidConfig(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "keys")
	cfg := config.Default()
	cfg.Addr = "127.0.0.1"
	cfg.HostKeyDir = dir
	if _, err := newStack(cfg, testPortfolio(t), log.New(io.Discard)); err == nil || !strings.Contains(err.Error(), "--addr") {
		t.Fatalf("New with a bad addr = %v, want an error naming --addr", err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("New with an invalid config touched the host key dir: %v", err)
	}
}

func TestServeBeforeListen(t *testing.T) {
	t.Parallel()
	srv, err := newStack(testConfig(t), testPortfolio(t), log.New(io.Discard))
	if err != nil {
		t.Fatal(err)
	}
	if srv.Addr() != nil {
		t.Errorf("Addr before Listen = %v, want nil", srv.Addr())
	}
	if err := srv.Serve(); err == nil {
		t.Error("Serve before Listen = nil, want an error")
	}
}

// eventually polls cond until it is true or timeout passes.
func eventually(timeout time.Duration, cond func() bool) bool {
	return testkit.Eventually(timeout, pollInterval, cond)
}
