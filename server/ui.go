package server

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/ssh"
	gossh "golang.org/x/crypto/ssh"
	"golang.org/x/time/rate"

	"github.com/pragyamugale/portfolio/content"
	"github.com/pragyamugale/portfolio/host"
	"github.com/pragyamugale/portfolio/inbox"
	"github.com/pragyamugale/portfolio/theme"
	"github.com/pragyamugale/portfolio/ui"
)

// uiHandler runs the Bubble Tea UI for a session the command middleware
// passed on (see uiOptions): the visit itself is package host's; this is
// the SSH side of it. A panic in the UI gets the visitor an apology.
func (s *Server) uiHandler(sess ssh.Session) {
	opts, ok := s.uiOptions(sess)
	if !ok { // (the command middleware only passes sessions that get one)
		_ = sess.Exit(1)
		return
	}
	addr := inbox.LimitKey(remoteIP(sess.RemoteAddr()))
	events := s.budgets.acquire(addr)
	defer s.budgets.release(addr)
	term := newSSHTerminal(sess)
	model := ui.New(s.pf, opts)
	visit := s.host.NewVisit(term, model, host.Options{
		FirstFrame: firstScreen(s.pf, opts),
		Profile:    opts.Profile,
		Events:     events,
	})
	if opts.Inbox != nil {
		// The owner's open Inbox shows new messages as they are stored.
		ctx, cancel := context.WithCancel(sess.Context())
		defer cancel()
		go s.watchInbox(ctx, visit.Send)
	}
	err := visit.Run()
	close(term.ended)
	if err == nil && model.Quit() {
		// The visitor left (the screen is restored): two lines in their
		// scrollback say how to come back and how to get in touch.
		fmt.Fprint(sess, strings.ReplaceAll(ui.Farewell(s.pf, s.sshCommand()), "\n", "\r\n")+"\r\n")
	}
	switch {
	case errors.Is(err, tea.ErrProgramPanic):
		// Bubble Tea has restored the terminal and written the stack to
		// the server's stderr; the visitor gets an apology only.
		s.log.Error("ui panic", "remote", remoteIP(sess.RemoteAddr()))
		fmt.Fprint(sess, "\r\nSorry, something went wrong on our side. Please try again later.\r\n")
		_ = sess.Exit(1)
	case errors.Is(err, host.ErrOutputStuck):
		s.log.Info("ui ended", "remote", remoteIP(sess.RemoteAddr()), "why", err.Error())
	case err != nil && !errors.Is(err, tea.ErrProgramKilled) && !errors.Is(err, context.Canceled):
		s.log.Debug("ui ended", "err", quote(err.Error()))
	}
}

// eventBudgets gives the UI sessions of one address (IPv6 by /64) one
// event budget between them: a visitor who opens five sessions to stream
// keys gets the Updates of one.
type eventBudgets struct {
	mu sync.Mutex
	m  map[string]*eventBudget
}

type eventBudget struct {
	events   *rate.Limiter
	sessions int
}

// acquire is addr's budget, shared with its other sessions.
func (b *eventBudgets) acquire(addr string) *rate.Limiter {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.m == nil {
		b.m = map[string]*eventBudget{}
	}
	e := b.m[addr]
	if e == nil {
		e = &eventBudget{events: host.NewEventBudget()}
		b.m[addr] = e
	}
	e.sessions++
	return e.events
}

// release forgets addr's budget with its last session.
func (b *eventBudgets) release(addr string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if e := b.m[addr]; e != nil {
		if e.sessions--; e.sessions <= 0 {
			delete(b.m, addr)
		}
	}
}

// firstScreen is the host's key for a visitor's first screen, or nil when
// it is their own: the About page is the same for every visitor with the
// same theme and the same form, a deep link or the owner's Inbox isn't.
func firstScreen(pf *content.Portfolio, o ui.Options) any {
	if o.Section != ui.SectionAbout || o.Project != "" || o.Inbox != nil {
		return nil
	}
	// The portfolio too: servers with other content may share a process
	// (tests do), and so the host's cache.
	return struct {
		pf                        *content.Portfolio
		bg                        theme.Background
		form, hyperlinks, browser bool
	}{pf, o.Background, o.Submit != nil, o.Hyperlinks, o.Browser}
}

// newHost makes the host that runs the server's visits.
func (s *Server) newHost() *host.Host {
	return host.New(host.Config{
		Sleep:      s.cfg.UISleep,
		Prestart:   s.cfg.UIPrestart,
		Idle:       s.cfg.IdleTimeout,
		MaxSession: s.cfg.MaxSession,
		Notice:     func(text string) tea.Msg { return ui.NoticeMsg{Text: text} },
		Observer:   hostMetrics{s.metrics},
	})
}

// hostMetrics feeds the host's work to the server's metrics.
type hostMetrics struct{ m *metrics }

func (h hostMetrics) FirstOutput(d time.Duration) { h.m.firstFrame.Observe(d.Seconds()) }
func (h hostMetrics) ProgramStarted()             { h.m.uiStarts.Inc() }
func (h hostMetrics) ProgramSlept()               { h.m.uiSleeps.Inc() }

// sshTerminal is a visitor's SSH session with a pty, as the host's
// Terminal: the channel's bytes, the pty's size and window changes, the
// session's environment with the pty's TERM.
type sshTerminal struct {
	ssh.Session
	env     []string
	size    host.Size
	resizes chan host.Size
	ended   chan struct{} // closed when the visit is over
}

func newSSHTerminal(sess ssh.Session) *sshTerminal {
	pty, windows, _ := sess.Pty()
	t := &sshTerminal{
		Session: sess,
		env:     append(sess.Environ(), "TERM="+pty.Term),
		size:    host.Size{Width: pty.Window.Width, Height: pty.Window.Height},
		resizes: make(chan host.Size),
		ended:   make(chan struct{}),
	}
	go func() {
		defer close(t.resizes)
		for w := range windows {
			select {
			case t.resizes <- host.Size{Width: w.Width, Height: w.Height}:
			case <-t.ended:
				for range windows {
					// Keep the session's requests flowing until it closes.
				}
				return
			}
		}
	}()
	return t
}

func (t *sshTerminal) Environ() []string         { return t.env }
func (t *sshTerminal) Size() host.Size           { return t.size }
func (t *sshTerminal) Resizes() <-chan host.Size { return t.resizes }
func (t *sshTerminal) Done() <-chan struct{}     { return t.Context().Done() }

// Close drops the visitor's connection: the host calls it only when their
// client has stopped reading (output is stuck), and then closing the
// channel alone could wait behind the same full buffers. (A connection
// carries one session at a time.)
func (t *sshTerminal) Close() error {
	if conn, ok := t.Context().Value(ssh.ContextKeyConn).(gossh.Conn); ok {
		return conn.Close()
	}
	return t.Session.Close()
}
