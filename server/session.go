package server

import (
	"errors"
	"fmt"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"charm.land/ssh"
	"github.com/anmitsu/go-shlex"
	gossh "golang.org/x/crypto/ssh"

	"github.com/pragyamugale/portfolio/commands"
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

// uiOptions decides whether a session gets the UI and how it starts: a
// session with a pty and no command, or a command naming a page (a deep
// link). Anything else is for the command handler.
func (s *Server) uiOptions(sess ssh.Session) (ui.Options, bool) {
	pty, _, ok := sess.Pty()
	if !ok {
		return ui.Options{}, false
	}
	profile := ui.ProfileFor(sess.Environ(), pty.Term)
	opts := ui.Options{
		Profile:    profile,
		Hyperlinks: ui.HyperlinksFor(profile, pty.Term),
		Submit:     s.submitFor(sess),
	}
	if args, err := commandArgs(sess); err != nil || len(args) > 0 {
		// A command with a terminal opens the app at that page; anything
		// that isn't a page (help, --json, typos) runs as a command.
		page, project, ok := commands.DeepLink(s.pf, args)
		if !ok {
			return ui.Options{}, false
		}
		opts.Section, opts.Project = pageSections[page], project
	}
	if s.isOwner(sess) {
		opts.Inbox = s.owner
	}
	return opts, true
}

// pageSections maps deep-link page names to UI sections.
var pageSections = map[string]ui.Section{
	"about": ui.SectionAbout, "skills": ui.SectionSkills,
	"projects": ui.SectionProjects, "contact": ui.SectionContact,
}

// uiRanKey marks a session whose UI has run, so the command handler behind
// the Bubble Tea middleware (which calls it on the way out) does nothing.
var uiRanKey = &struct{ name string }{"ui-ran"}

// commandMiddleware serves sessions that didn't get the UI: no terminal
// (ssh -T, pipes, scripts) or a command that isn't a page. It prints text
// and exits with the command's status.
func (s *Server) commandMiddleware(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		if sess.Context().Value(uiRanKey) == true {
			next(sess)
			return
		}
		_, _, tty := sess.Pty()
		args, err := commandArgs(sess)
		if err != nil {
			fmt.Fprintf(sess.Stderr(), "portfolio: can't read the command (%s)\nRun '%s help' to see the commands.\n", err, s.sshCommand())
			exitSession(sess, commands.ExitUsage)
			return
		}
		code := commands.Run(commands.Env{
			Portfolio: s.pf,
			Submit:    s.submitFor(sess),
			Version:   s.cfg.Version,
			Host:      s.sshCommand(),
			Width:     textWidth(sess),
			TTY:       tty,
			Stdin:     sess,
			Stdout:    sess,
			Stderr:    sess.Stderr(),
		}, args)
		exitSession(sess, code)
	}
}

// commandArgs splits the visitor's command line like a shell would, but
// only into words: nothing is expanded or run. Unlike sess.Command(), it
// reports unbalanced quotes instead of silently dropping them.
func commandArgs(sess ssh.Session) ([]string, error) {
	raw := sess.RawCommand()
	if strings.TrimSpace(raw) == "" {
		return nil, nil
	}
	args, err := shlex.Split(raw, true)
	if err != nil {
		return nil, errors.New("unbalanced quotes")
	}
	return args, nil
}

// textWidth is the width plain text wraps at: the terminal's, or COLUMNS
// as the client sent it, or 80; never outside 20–250.
func textWidth(sess ssh.Session) int {
	w := 80
	if pty, _, ok := sess.Pty(); ok && pty.Window.Width > 0 {
		w = pty.Window.Width
	} else {
		for _, kv := range sess.Environ() {
			if v, ok := strings.CutPrefix(kv, "COLUMNS="); ok {
				if n, err := strconv.Atoi(v); err == nil {
					w = n
				}
			}
		}
	}
	return max(20, min(w, 250))
}

// lifecycleMiddleware counts live sessions for graceful shutdown and says
// goodbye to visitors whose session the shutdown ended.
func (s *Server) lifecycleMiddleware(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		s.active.Add(1)
		defer s.active.Add(-1)
		s.metrics.sessionsTotal.Inc()
		if s.stopping() {
			fmt.Fprint(sess, goodbye)
			exitSession(sess, 0)
			return
		}
		next(sess)
		if s.stopping() {
			fmt.Fprint(sess, goodbye)
		}
	}
}

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
		// Runs last, whatever happened: the connection may open its next
		// session as soon as this one's exit status is sent.
		defer releaseSession(sess.Context())
		defer func() {
			if r := recover(); r != nil {
				s.log.Error("panic in session", "panic", quote(fmt.Sprint(r)), "stack", string(debug.Stack()))
				fmt.Fprint(sess.Stderr(), "\r\nSorry, something went wrong on our side. Please try again later.\r\n")
				exitSession(sess, 1)
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
