package server

import (
	"fmt"
	"runtime/debug"
	"strconv"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/ssh"
	"charm.land/wish/v2/bubbletea"
	"github.com/charmbracelet/colorprofile"
	gossh "golang.org/x/crypto/ssh"

	"github.com/pragyamugale/portfolio/ui"
)

// Visitor is what the server knows about the person behind a session. It
// is read from the session after authentication, never from inside an auth
// callback, where a client may offer keys it never proves it holds.
type Visitor struct {
	User        string
	Remote      string
	Term        string
	Width       int
	Height      int
	Client      string // the client's SSH version string
	Fingerprint string // SHA256 of the authenticated public key, or ""
}

func visitorOf(sess ssh.Session) Visitor {
	v := Visitor{
		User:   sess.User(),
		Remote: sess.RemoteAddr().String(),
		Client: string(sess.Context().ClientVersion()),
	}
	if pty, _, ok := sess.Pty(); ok {
		v.Term, v.Width, v.Height = pty.Term, pty.Window.Width, pty.Window.Height
	}
	if k := sess.PublicKey(); k != nil {
		v.Fingerprint = gossh.FingerprintSHA256(k)
	}
	return v
}

// programHandler builds the Bubble Tea program for a session with a pty. It
// returns nil without one, so the session falls through to noPtyMiddleware.
func (s *Server) programHandler(sess ssh.Session) *tea.Program {
	pty, _, ok := sess.Pty()
	if !ok {
		return nil
	}
	env := append(sess.Environ(), "TERM="+pty.Term)
	opts := ui.Options{
		Profile: colorprofile.Env(env),
		Submit:  s.submitFor(sess),
	}
	if s.isOwner(sess) {
		opts.Inbox = s.owner
	}
	m := ui.New(s.pf, opts)
	popts := append(bubbletea.MakeOptions(sess),
		// Our options come after MakeOptions so they are not overridden.
		tea.WithContext(sess.Context()),
		// The server owns signals; a visitor's program must never install
		// handlers on the server process.
		tea.WithoutSignalHandler(),
	)
	p := tea.NewProgram(m, popts...)
	go func() {
		// On shutdown, end the program so the visitor sees the goodbye.
		// Quit waits for Run to start, or for the session to end.
		select {
		case <-s.closing:
			p.Quit()
		case <-sess.Context().Done():
		}
	}()
	return p
}

// noPtyMiddleware answers sessions without a terminal (ssh -T, pipes,
// scripts) with a short pointer instead of a hang or an error. Sessions
// with a pty pass through it after their UI has ended.
func (s *Server) noPtyMiddleware(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		if _, _, ok := sess.Pty(); !ok {
			fmt.Fprint(sess.Stderr(), noPtyHint)
			_ = sess.Exit(1)
			return
		}
		next(sess)
	}
}

// lifecycleMiddleware counts live sessions for graceful shutdown and says
// goodbye to visitors whose session the shutdown ended.
func (s *Server) lifecycleMiddleware(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		s.active.Add(1)
		defer s.active.Add(-1)
		if s.stopping() {
			fmt.Fprint(sess, goodbye)
			_ = sess.Exit(0)
			return
		}
		next(sess)
		if s.stopping() {
			fmt.Fprint(sess, goodbye)
		}
	}
}

const noPtyHint = "This portfolio is an interactive terminal app: please connect from a terminal, with ssh -t if needed.\r\n"

const goodbye = "\r\nThe portfolio is restarting for an update. Thanks for visiting: please reconnect in a minute.\r\n"

// logMiddleware logs each session's start and end. Everything a visitor
// controls (user name, TERM, client version) is quoted so control
// characters can't reach the log.
func (s *Server) logMiddleware(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		v := visitorOf(sess)
		start := time.Now()
		s.log.Info("connect",
			"user", quote(v.User), "remote", v.Remote, "term", quote(v.Term),
			"size", fmt.Sprintf("%dx%d", v.Width, v.Height),
			"client", quote(v.Client), "key", v.Fingerprint,
			"pty", v.Term != "")
		next(sess)
		s.log.Info("disconnect",
			"user", quote(v.User), "remote", v.Remote,
			"duration", time.Since(start).Round(time.Millisecond))
	}
}

// recoverMiddleware turns a panic into an apology for this visitor and a
// stack trace in the log; other sessions and the server carry on.
func (s *Server) recoverMiddleware(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		defer func() {
			if r := recover(); r != nil {
				s.log.Error("panic in session", "panic", quote(fmt.Sprint(r)), "stack", string(debug.Stack()))
				fmt.Fprint(sess.Stderr(), "\r\nSorry, something went wrong on our side. Please try again later.\r\n")
				_ = sess.Exit(1)
			}
		}()
		next(sess)
	}
}

// quote makes a visitor-supplied string safe for the log: control, format
// and other non-printing characters (ESC, bidi overrides…) are escaped.
func quote(s string) string {
	if len(s) > 256 {
		s = s[:256]
	}
	q := strconv.Quote(s)
	return q[1 : len(q)-1]
}
