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

	"github.com/pragyamugale/portfolio/internal/commands"
	"github.com/pragyamugale/portfolio/internal/invite"
	"github.com/pragyamugale/portfolio/internal/resume"
	"github.com/pragyamugale/portfolio/internal/visit"
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

// uiPage says whether a session gets the UI, and at which page: a
// session with a pty and no command, or a command naming a page (a deep
// link). Anything else is for the command handler.
func (s *Server) uiPage(sess ssh.Session) (visit.Page, bool) {
	if _, _, tty := sess.Pty(); !tty {
		return visit.Page{}, false
	}
	args, err := commandArgs(sess)
	if err != nil {
		return visit.Page{}, false
	}
	// A command with a terminal opens the app at that page; anything that
	// isn't a page (help, --json, typos) runs as a command.
	return s.runner.PageOf(args)
}

// uiRequest is the visit of a session that gets the UI (its terminal is
// the caller's to add).
func (s *Server) uiRequest(sess ssh.Session) (visit.Request, bool) {
	page, ok := s.uiPage(sess)
	if !ok {
		return visit.Request{}, false
	}
	pty, _, _ := sess.Pty()
	owner := s.isOwner(sess)
	return visit.Request{
		Env:         sess.Environ(),
		TERM:        pty.Term,
		Page:        page,
		Remote:      remoteIP(sess.RemoteAddr()),
		Fingerprint: visitorOf(sess).Fingerprint,
		Owner:       owner,
		OnView:      viewsOf(sess),
		CV:          resume.Command(s.sshCommand()),
		// The SSH user name carries an invitation's code (ssh CODE@host);
		// any other name is an ordinary visit.
		Invite: s.runner.Invite(sess.Context(), sess.User(), invite.ChannelSSH, owner),
	}, true
}

// commandMiddleware serves sessions that don't get the UI: no terminal
// (ssh -T, pipes, scripts) or a command that isn't a page. It prints text
// and exits with the command's status. Sessions that get the UI go on to
// the UI handler, the innermost.
func (s *Server) commandMiddleware(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		if _, ok := s.uiPage(sess); ok {
			next(sess)
			return
		}
		_, _, tty := sess.Pty()
		args, err := commandArgs(sess)
		if err != nil {
			s.refuseCommand(sess, err)
			return
		}
		stdin, stdout, stderr, stop := s.watchCommand(sess)
		defer stop()
		if len(args) > 0 && args[0] == "invite" {
			_ = sess.Exit(s.inviteCommand(sess, args[1:], stdout, stderr))
			return
		}
		// A command through an invitation is a visit of it too.
		iv := s.runner.Invite(sess.Context(), sess.User(), invite.ChannelSSH, s.isOwner(sess))
		defer iv.End()
		code := commands.Run(commands.Env{
			Portfolio: s.content.Load(),
			Submit:    s.submit.ForInvite(remoteIP(sess.RemoteAddr()), visitorOf(sess).Fingerprint, "", iv),
			Version:   s.cfg.Version,
			Host:      s.sshCommand(),
			Width:     textWidth(sess),
			TTY:       tty,
			Stdin:     stdin,
			Stdout:    stdout,
			Stderr:    stderr,
		}, args)
		_ = sess.Exit(code)
	}
}

// commandArgs splits the visitor's command line like a shell would, but
// only into words: nothing is expanded or run. Unlike sess.Command(), it
// reports unbalanced quotes instead of silently dropping them.
func commandArgs(sess ssh.Session) ([]string, error) {
	raw := sess.RawCommand()
	if len(raw) > maxCommandBytes {
		// Checked before splitting, whose cost grows with the square of a
		// word's length.
		return nil, errCommandTooLong
	}
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

// lifecycleMiddleware counts the session in the metrics and the visitor
// statistics, and says goodbye to visitors whose session the shutdown
// ended.
func (s *Server) lifecycleMiddleware(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		s.metrics.sessionsTotal.Inc()
		defer s.countVisit(sess).End() // visitor statistics (stats/)
		next(sess)
		if s.stopping() {
			sayGoodbye(sess)
		}
	}
}

// logMiddleware logs each session's start and end. Everything a visitor
// controls (user name, TERM, client version) is quoted so control
// characters can't reach the log.
func (s *Server) logMiddleware(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		v := visitorOf(sess)
		start := time.Now()
		s.log.Info("connect",
			"user", logUser(v.User), "remote", v.Remote, "term", quote(v.Term),
			"size", fmt.Sprintf("%dx%d", v.Width, v.Height),
			"client", quote(v.Client), "key", v.Fingerprint,
			"pty", v.Term != "")
		next(sess)
		s.log.Info("disconnect",
			"user", logUser(v.User), "remote", v.Remote,
			"duration", time.Since(start).Round(time.Millisecond))
	}
}

// logUser is a user name for the log: an invitation's code never reaches
// it (a name with a code's shape is written as "(code)"), any other name
// is quoted.
func logUser(u string) string {
	if invite.ValidCode(u) {
		return "(code)"
	}
	return quote(u)
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

// quote makes a visitor-supplied string safe for the log (visit.Quote).
func quote(s string) string { return visit.Quote(s) }
