package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/ssh"

	"github.com/pragyamugale/portfolio/ui"
)

// teaMiddleware runs the Bubble Tea UI for sessions that get one (see
// uiOptions) and passes every other session on. It replaces wish's
// bubbletea middleware: a visit (visit.go) reads the visitor's input
// itself, shows a cached first frame at once, lets an idle visitor's
// program sleep, sees how the program ended (a panic gets an apology), and
// enforces the idle and session-length limits, announced on screen first.
func (s *Server) teaMiddleware(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		opts, ok := s.uiOptions(sess)
		if !ok {
			next(sess)
			return
		}
		sess.Context().SetValue(uiRanKey, true)

		v := newVisit(s, sess, opts)
		err := v.run()
		v.scr.restore()
		switch {
		case errors.Is(err, tea.ErrProgramPanic):
			// Bubble Tea has restored the terminal and written the stack
			// to the server's stderr; the visitor gets an apology only.
			s.log.Error("ui panic", "remote", remoteIP(sess.RemoteAddr()))
			fmt.Fprint(sess, "\r\nSorry, something went wrong on our side. Please try again later.\r\n")
			exitSession(sess, 1)
			return
		case err != nil && !errors.Is(err, tea.ErrProgramKilled) && !errors.Is(err, context.Canceled):
			s.log.Debug("ui ended", "err", quote(err.Error()))
		}
		if msg := v.wd.endMessage(); msg != "" {
			fmt.Fprint(sess, "\r\n"+msg+"\r\n")
		} else if v.model.Quit() { // the visitor left: leave them a way back
			fmt.Fprint(sess, strings.ReplaceAll(ui.Farewell(s.pf, s.sshCommand()), "\n", "\r\n")+"\r\n")
		}
		next(sess)
	}
}

// filterMessages drops messages the UI never uses before they cost an
// Update and a View, and, as wish's own filter does, turns a suspend
// (Ctrl+Z) into a resume: a visitor can't stop a program on the server.
// Messages Bubble Tea acts on itself (capabilities, mode reports) pass.
func filterMessages(_ tea.Model, msg tea.Msg) tea.Msg {
	switch msg.(type) {
	case tea.SuspendMsg:
		return tea.ResumeMsg{}
	case tea.EnvMsg, tea.KeyReleaseMsg, tea.KeyboardEnhancementsMsg,
		tea.FocusMsg, tea.BlurMsg, tea.TerminalVersionMsg,
		tea.CursorPositionMsg, tea.ForegroundColorMsg,
		tea.MouseClickMsg, tea.MouseReleaseMsg, tea.MouseMotionMsg:
		return nil
	}
	return msg
}

// warnBefore is how long before a timeout the visitor is warned.
func warnBefore(limit time.Duration) time.Duration {
	return min(time.Minute, limit/4)
}

// watchdog ends a session that is idle too long or lasts too long, warning
// the visitor first. Idle means no input from the visitor: SSH keepalives
// never reach the program's input, so they don't count.
type watchdog struct {
	r          io.Reader
	idle, max  time.Duration
	start      time.Time
	lastInput  atomic.Int64 // unix nanoseconds
	mu         sync.Mutex
	ended      string // why the watchdog ended the session
	idleWarned bool
	maxWarned  bool
	guard      inputGuard    // only Read touches it
	flood      chan struct{} // closed when the input is a flood
	floodOnce  sync.Once
}

func newWatchdog(r io.Reader, idle, maxSession time.Duration) *watchdog {
	w := &watchdog{r: r, idle: idle, max: maxSession, start: time.Now(), flood: make(chan struct{})}
	w.lastInput.Store(w.start.UnixNano())
	return w
}

// Read is the program's input: it notes the time of every keystroke, and
// ends the session when the input is a flood (see inputGuard).
func (w *watchdog) Read(p []byte) (int, error) {
	n, err := w.r.Read(p)
	if n > 0 {
		now := time.Now()
		w.lastInput.Store(now.UnixNano())
		if w.guard.feed(p[:n], now) {
			w.floodOnce.Do(func() {
				w.mu.Lock()
				w.ended = "Disconnected: your terminal sent more input than this app takes at once."
				w.mu.Unlock()
				close(w.flood)
			})
			return 0, io.EOF // the flood goes no further
		}
	}
	return n, err
}

func (w *watchdog) endMessage() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.ended
}

func (w *watchdog) setEnd(msg string) string {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.ended = msg
	return msg
}

// check acts on the deadlines that have passed at now: it returns a
// notice to show the visitor, or the message the session ends with (also
// kept for endMessage), and when to check next. It is called from the
// visit's loop, so an idle session wakes only at its deadlines.
func (w *watchdog) check(now time.Time) (notice, end string, next time.Time) {
	next = now.Add(time.Hour)
	if w.max > 0 {
		end := w.start.Add(w.max)
		warn := end.Add(-warnBefore(w.max))
		switch {
		case !now.Before(end):
			return "", w.setEnd(fmt.Sprintf("Sessions last at most %s: thanks for visiting! Reconnect any time.", human(w.max))), next
		case !now.Before(warn) && !w.maxWarned:
			w.maxWarned = true
			notice = fmt.Sprintf("This session ends in %s (sessions last at most %s).", human(end.Sub(now)), human(w.max))
		}
		next = earliest(next, warn, end, w.maxWarned)
	}
	if w.idle > 0 {
		last := time.Unix(0, w.lastInput.Load())
		end := last.Add(w.idle)
		warn := end.Add(-warnBefore(w.idle))
		switch {
		case !now.Before(end):
			return "", w.setEnd(fmt.Sprintf("Disconnected after %s without input. Thanks for visiting!", human(w.idle))), next
		case !now.Before(warn) && !w.idleWarned:
			w.idleWarned = true
			notice = fmt.Sprintf("No input for a while: disconnecting in %s. Press any key to stay.", human(end.Sub(now)))
		case now.Before(warn):
			w.idleWarned = false // the visitor came back
		}
		next = earliest(next, warn, end, w.idleWarned)
	}
	return notice, "", next
}

// earliest picks the sooner of next and the coming deadline: the warning
// until it has been given, then the end.
func earliest(next, warn, end time.Time, warned bool) time.Time {
	t := warn
	if warned {
		t = end
	}
	if t.Before(next) {
		return t
	}
	return next
}

// human formats a duration for a sentence: "15 min", "2 h", "45 s".
func human(d time.Duration) string {
	switch {
	case d >= time.Hour && d%time.Hour == 0:
		return fmt.Sprintf("%d h", d/time.Hour)
	case d >= time.Minute:
		return fmt.Sprintf("%d min", int((d+30*time.Second)/time.Minute))
	default:
		return fmt.Sprintf("%d s", max(1, int((d+500*time.Millisecond)/time.Second)))
	}
}
