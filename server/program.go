package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/ssh"
	"charm.land/wish/v2/bubbletea"

	"github.com/pragyamugale/portfolio/ui"
)

// teaMiddleware runs the Bubble Tea UI for sessions that get one (see
// uiOptions) and passes every other session on. It replaces wish's
// bubbletea middleware to see how the program ended (a panic gets an
// apology) and to enforce the idle and session-length limits, which are
// announced on screen before they strike.
func (s *Server) teaMiddleware(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		opts, ok := s.uiOptions(sess)
		if !ok {
			next(sess)
			return
		}
		sess.Context().SetValue(uiRanKey, true)

		wd := newWatchdog(sess, s.cfg.IdleTimeout, s.cfg.MaxSession)
		out := &firstWrite{Writer: sess, start: time.Now(), observe: s.metrics.firstFrame.Observe}
		popts := append(bubbletea.MakeOptions(sess),
			// Ours come after MakeOptions so they win.
			tea.WithInput(wd),   // counts input for the idle timeout
			tea.WithOutput(out), // times the first frame
			tea.WithContext(sess.Context()),
			// Replaces MakeOptions' filter, keeping what it does.
			tea.WithFilter(filterMessages),
			// Frames leave only on the renderer's tick: the highest rate
			// halves the wait for the first frame and after every key.
			tea.WithFPS(120),
			// The server owns signals; a visitor's program must never
			// install handlers on the server process.
			tea.WithoutSignalHandler(),
		)
		p := tea.NewProgram(ui.New(s.pf, opts), popts...)

		ctx, cancel := context.WithCancel(sess.Context())
		var wg sync.WaitGroup
		wg.Add(2)
		go func() { defer wg.Done(); forwardWindowChanges(ctx, sess, p) }()
		go func() { defer wg.Done(); wd.run(ctx, p, s.closing) }()

		_, err := p.Run()
		cancel()
		wg.Wait()

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
		if msg := wd.endMessage(); msg != "" {
			fmt.Fprint(sess, "\r\n"+msg+"\r\n")
		}
		next(sess)
	}
}

// firstWrite times the program's first output, for the first-frame
// latency histogram.
type firstWrite struct {
	io.Writer
	start   time.Time
	once    sync.Once
	observe func(float64)
}

func (f *firstWrite) Write(p []byte) (int, error) {
	n, err := f.Writer.Write(p)
	f.once.Do(func() { f.observe(time.Since(f.start).Seconds()) })
	return n, err
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

// forwardWindowChanges passes the visitor's resizes (already clamped by the
// request filter) to the program.
func forwardWindowChanges(ctx context.Context, sess ssh.Session, p *tea.Program) {
	_, windowChanges, _ := sess.Pty()
	for {
		select {
		case <-ctx.Done():
			return
		case w, ok := <-windowChanges:
			if !ok {
				return
			}
			p.Send(tea.WindowSizeMsg{Width: w.Width, Height: w.Height})
		}
	}
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

func (w *watchdog) end(p *tea.Program, msg string) {
	w.mu.Lock()
	w.ended = msg
	w.mu.Unlock()
	p.Quit()
}

// run wakes at the next deadline (idle warning, idle end, length warning,
// length end or shutdown) and acts on it; it sleeps otherwise, so an idle
// session costs no CPU.
func (w *watchdog) run(ctx context.Context, p *tea.Program, closing <-chan struct{}) {
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		now := time.Now()
		next := now.Add(time.Hour)
		if w.max > 0 {
			end := w.start.Add(w.max)
			warn := end.Add(-warnBefore(w.max))
			switch {
			case !now.Before(end):
				w.end(p, fmt.Sprintf("Sessions last at most %s: thanks for visiting! Reconnect any time.", human(w.max)))
				return
			case !now.Before(warn) && !w.maxWarned:
				w.maxWarned = true
				p.Send(ui.NoticeMsg{Text: fmt.Sprintf("This session ends in %s (sessions last at most %s).", human(end.Sub(now)), human(w.max))})
			}
			next = earliest(next, warn, end, w.maxWarned)
		}
		if w.idle > 0 {
			last := time.Unix(0, w.lastInput.Load())
			end := last.Add(w.idle)
			warn := end.Add(-warnBefore(w.idle))
			switch {
			case !now.Before(end):
				w.end(p, fmt.Sprintf("Disconnected after %s without input. Thanks for visiting!", human(w.idle)))
				return
			case !now.Before(warn) && !w.idleWarned:
				w.idleWarned = true
				p.Send(ui.NoticeMsg{Text: fmt.Sprintf("No input for a while: disconnecting in %s. Press any key to stay.", human(end.Sub(now)))})
			case now.Before(warn):
				w.idleWarned = false // the visitor came back
			}
			next = earliest(next, warn, end, w.idleWarned)
		}
		timer.Reset(max(time.Until(next), 10*time.Millisecond))
		select {
		case <-ctx.Done():
			return
		case <-closing:
			p.Quit() // the lifecycle middleware says goodbye
			return
		case <-w.flood:
			p.Quit() // Read has set the message
			return
		case <-timer.C:
		}
	}
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
