package server

import (
	"bytes"
	"context"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/ssh"
	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/ansi"
	"golang.org/x/time/rate"

	"github.com/pragyamugale/portfolio/ui"
)

// terminalQueries ask the visitor's terminal, once per session, whether it
// has synchronized output (mode 2026) and grapheme widths (mode 2027), as
// Bubble Tea asks itself when it reads the input, and for its background
// colour, for the theme.
const terminalQueries = ansi.RequestModeSynchronizedOutput + ansi.RequestModeUnicodeCore + ansi.RequestBackgroundColor

// visit runs one visitor's UI for the length of their session.
//
// The model lives as long as the session. A Bubble Tea program drives it
// while the visitor is active; after cfg.UISleep without activity the
// program is put to sleep (ended without touching the screen), which frees
// its renderer's memory, and the next key or resize starts a new program
// on the same model that repaints in place. A new visitor shown a cached
// first frame starts asleep when cfg.UIPrestart programs already run: a
// crowd arriving together, reading the first screen, holds no renderers.
// Programs get no input of their own: the visit reads the session, decodes
// it (inputDecoder) and sends the events on, so an asleep visitor's keys
// are still heard.
//
// Everything here runs on the session's goroutine, except the input
// reader and the running program.
type visit struct {
	s     *Server
	sess  ssh.Session
	model *ui.Model
	scr   *screen
	wd    *watchdog
	clock frameClock          // the running program's ticks
	opts  []tea.ProgramOption // the same for every program of the visit

	width, height int       // the size the model has
	replay        []tea.Msg // the terminal's mode reports, for each new program
	frameKey      frameKey  // the first frame's cache key but for the size

	// events paces what reaches the model: every key costs an Update and
	// a View, so a client streaming keys (within the input guard's 1 MiB a
	// minute) could otherwise keep a core busy. Reading waits instead,
	// which backs up the SSH window; nothing is dropped.
	events *rate.Limiter

	p       *tea.Program // nil while asleep
	stop    context.CancelFunc
	done    chan struct{} // closed when p's Run returns
	runErr  error         // p's Run error, once done is closed
	lastMsg atomic.Int64  // unix nanoseconds of p's last message
}

func newVisit(s *Server, sess ssh.Session, opts ui.Options) *visit {
	pty, _, _ := sess.Pty()
	env := append(sess.Environ(), "TERM="+pty.Term)
	v := &visit{
		s:      s,
		sess:   sess,
		model:  ui.New(s.pf, opts),
		wd:     newWatchdog(sess, s.cfg.IdleTimeout, s.cfg.MaxSession),
		width:  pty.Window.Width,
		height: pty.Window.Height,
		events: rate.NewLimiter(eventsPerSecond, eventsBurst),
		clock:  frameClock{waker: s.waker},
	}
	v.scr = newScreen(sess, s.metrics.firstFrame.Observe)
	v.opts = []tea.ProgramOption{
		// The visit reads and decodes the input (see inputDecoder): a
		// program with no input builds no key table and starts no reader.
		tea.WithInput(nil),
		tea.WithOutput(v.scr),
		tea.WithEnvironment(env),
		// The session's pty is emulated: the profile comes from the
		// visitor's TERM and COLORTERM, as wish decides it.
		tea.WithColorProfile(opts.Profile),
		tea.WithFilter(v.filter),
		// Frames leave only on the renderer's tick (see frameClock).
		tea.WithFPS(fps),
		// The server owns signals; a visitor's program must never
		// install handlers on the server process.
		tea.WithoutSignalHandler(),
	}
	v.frameKey = frameKey{profile: opts.Profile, light: opts.Light, form: opts.Submit != nil, term: pty.Term}
	// The model learns its size before any program starts, so a program's
	// first frame is never drawn at size zero, however late Bubble Tea's
	// own size message comes.
	v.model.Update(tea.WindowSizeMsg{Width: v.width, Height: v.height})
	return v
}

// Event pacing: far above typing, key repeat or a fast mouse wheel; the
// burst takes a whole message typed by a terminal that pastes as keys.
const (
	eventsPerSecond = 200
	eventsBurst     = 4000
)

// sleepCheck asks a running program, through its message filter (which
// runs on the program's goroutine, beside the model), whether it may sleep.
type sleepCheck struct{ reply chan bool }

// filter drops what the UI never uses (filterMessages), notes activity for
// the sleep timer and answers sleep checks.
func (v *visit) filter(m tea.Model, msg tea.Msg) tea.Msg {
	// (m is v.model, or clockedModel around it before the first Update.)
	if c, ok := msg.(sleepCheck); ok {
		idle := time.Since(time.Unix(0, v.lastMsg.Load()))
		c.reply <- idle >= v.s.cfg.UISleep && !v.model.Busy()
		return nil
	}
	v.lastMsg.Store(time.Now().UnixNano())
	return filterMessages(m, msg)
}

// run shows the UI until the visitor quits or leaves, the watchdog ends the
// session, or the server shuts down. It returns the last program's error.
func (v *visit) run() error {
	ctx := v.sess.Context()
	_, windowChanges, _ := v.sess.Pty()

	input := make(chan []byte)
	readerDone := make(chan struct{})
	defer close(readerDone)
	go v.read(input, readerDone)

	presented := false
	if v.model.Pristine() {
		if frame := cachedFrame(v.firstFrameKey()); frame != nil {
			v.scr.present(frame) // the first screen, before any tick
			presented = true
		}
	}
	v.scr.direct([]byte(terminalQueries))
	if !presented || v.s.cfg.UISleep == 0 || v.s.programs.Load() < int64(v.s.cfg.UIPrestart) {
		v.start(presented) // to draw the first screen, or to be ready for the first key
	}

	var dec inputDecoder
	escArmed := false
	esc := escTimer()
	defer esc.Stop()
	watch := time.NewTimer(time.Hour)
	defer watch.Stop()
	sleep := time.NewTimer(time.Hour)
	defer sleep.Stop()
	resetSleep := func() {
		if v.s.cfg.UISleep > 0 && v.p != nil {
			last := time.Unix(0, v.lastMsg.Load())
			sleep.Reset(max(time.Until(last.Add(v.s.cfg.UISleep)), 10*time.Millisecond))
		}
	}
	resetSleep()
	checkWatchdog := func() bool {
		notice, end, next := v.wd.check(time.Now())
		if end != "" {
			return false
		}
		if notice != "" {
			v.deliver(ui.NoticeMsg{Text: notice})
		}
		watch.Reset(max(time.Until(next), 10*time.Millisecond))
		return true
	}
	if !checkWatchdog() {
		return v.quit()
	}

	for {
		select {
		case <-ctx.Done():
			return v.kill()
		case <-v.doneChan():
			return v.runErr // the visitor quit, or the program failed
		case b, ok := <-input:
			if !ok {
				input = nil // the visitor closed their input; the UI stays
				continue
			}
			events, more := dec.feed(b)
			v.deliverEvents(events)
			switch {
			case !more:
				esc.Stop()
				escArmed = false
			case !escArmed || dec.openString():
				// From the first incomplete byte: more input pushes the
				// deadline back only for a control string still coming
				// (whose size the input guard caps), never for a stray
				// byte, which would hold back all input behind it.
				esc.Reset(escTimeout)
				escArmed = true
			}
		case <-esc.C:
			escArmed = false
			v.deliverEvents(dec.expire())
		case w, ok := <-windowChanges:
			if !ok {
				windowChanges = nil
				continue
			}
			if w.Width != v.width || w.Height != v.height {
				// (The pty's first size comes this way too: no change.)
				v.deliver(tea.WindowSizeMsg{Width: w.Width, Height: w.Height})
			}
		case <-watch.C:
			if !checkWatchdog() {
				return v.quit()
			}
		case <-v.wd.flood:
			return v.quit() // the watchdog has set the message
		case <-v.s.closing:
			return v.quit() // the lifecycle middleware says goodbye
		case <-sleep.C:
			v.trySleep()
		}
		resetSleep()
	}
}

// read passes the visitor's input (through the watchdog, which times it
// and cuts floods) to the visit's loop.
func (v *visit) read(out chan<- []byte, done <-chan struct{}) {
	defer close(out)
	buf := make([]byte, 1024)
	for {
		n, err := v.wd.Read(buf)
		if n > 0 {
			select {
			case out <- bytes.Clone(buf[:n]):
			case <-done:
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// doneChan is the running program's done channel, or nil while asleep.
func (v *visit) doneChan() <-chan struct{} {
	if v.p == nil {
		return nil
	}
	return v.done
}

// firstFrameKey is the cache key of a pristine model's first frame now.
func (v *visit) firstFrameKey() frameKey {
	k := v.frameKey
	k.width, k.height = v.width, v.height
	return k
}

// start runs a new program on the model, at the model's size. shown says
// the terminal already shows the program's first frame (the cached one),
// so nobody waits for it.
func (v *visit) start(shown bool) {
	ctx, cancel := context.WithCancel(v.sess.Context())
	p := tea.NewProgram(clockedModel{Model: v.model, clock: &v.clock, awaited: !shown}, append(v.opts,
		tea.WithContext(ctx),
		tea.WithWindowSize(v.width, v.height),
	)...)
	var record func([]byte)
	// No program runs now, so the model can be asked directly.
	if v.model.Pristine() {
		k := v.firstFrameKey()
		record = func(frame []byte) { cacheFrame(k, frame) }
	}
	v.scr.begin(record)
	v.lastMsg.Store(time.Now().UnixNano())
	done := make(chan struct{})
	v.p, v.stop, v.done = p, cancel, done
	v.s.metrics.uiStarts.Inc()
	v.s.programs.Add(1)
	go func() {
		defer close(done)
		defer v.s.programs.Add(-1)
		_, v.runErr = p.Run()
	}()
	for _, msg := range v.replay {
		p.Send(msg)
	}
}

// deliverEvents sends decoded input on: what the UI acts on (keys, pastes,
// the mouse wheel, the background colour) and the mode reports Bubble Tea
// acts on, which are also kept for programs started later. The rest (mouse
// clicks and motion, focus, unknown sequences…) is dropped here, so it
// can't wake a sleeping program.
func (v *visit) deliverEvents(events []uv.Event) {
	for _, ev := range events {
		if !pace(v.events, v.sess.Context().Done(), v.s.closing) {
			return // the visit is ending
		}
		switch ev := ev.(type) {
		case uv.ModeReportEvent:
			v.keepReport(tea.ModeReportMsg(ev))
			if v.p != nil {
				v.deliver(ev)
			} // else the next program gets it
		case uv.BackgroundColorEvent:
			// The terminal's answer to the query every session sends: it
			// wakes a sleeping UI only if the theme changes.
			if v.p != nil || v.model.Restyles(tea.BackgroundColorMsg(ev)) {
				v.deliver(ev)
			}
		case uv.KeyPressEvent, uv.PasteEvent, uv.MouseWheelEvent:
			v.deliver(ev)
		}
	}
}

// pace waits for the limiter, and reports false if done or closing comes
// first (the session or the server is ending).
func pace(l *rate.Limiter, done, closing <-chan struct{}) bool {
	if l.Allow() {
		return true // the common case, without a reservation
	}
	d := l.Reserve().Delay()
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-done:
	case <-closing:
	}
	return false
}

// keepReport keeps the terminal's latest report for each mode (a
// terminal could send any number).
func (v *visit) keepReport(r tea.ModeReportMsg) {
	for i, old := range v.replay {
		if old.(tea.ModeReportMsg).Mode == r.Mode {
			v.replay[i] = r
			return
		}
	}
	if len(v.replay) < 8 {
		v.replay = append(v.replay, r)
	}
}

// deliver sends msg to the program, waking it first if it sleeps.
func (v *visit) deliver(msg tea.Msg) {
	size, resize := msg.(tea.WindowSizeMsg)
	if resize {
		v.width, v.height = size.Width, size.Height
	}
	if v.p == nil {
		if resize {
			// As in newVisit: the size first, so no frame of the new
			// program can be drawn at the old one.
			v.model.Update(msg)
		}
		v.start(false)
		if resize {
			return // the new program starts at the new size and says so
		}
	}
	v.scr.touch()
	v.p.Send(msg) // returns at once if the program has ended
	v.clock.frameDue(time.Now())
}

// trySleep puts the program to sleep if it has been idle for cfg.UISleep
// and isn't waiting for work it started.
func (v *visit) trySleep() {
	if v.p == nil || time.Since(time.Unix(0, v.lastMsg.Load())) < v.s.cfg.UISleep {
		return
	}
	reply := make(chan bool, 1)
	v.p.Send(sleepCheck{reply})
	select {
	case ok := <-reply:
		if !ok {
			// Busy: look again after another quiet spell, not at once.
			v.lastMsg.Store(time.Now().UnixNano())
			return
		}
	case <-v.done:
		return
	}
	v.scr.sleep()
	v.stop()
	<-v.done
	v.p = nil
	v.clock.stopped()
	v.s.metrics.uiSleeps.Inc()
	v.s.memory.freed(programBytes(v.width, v.height))
}

// quit ends the program the way a visitor's q does, so the terminal is
// restored. An asleep visit has no program to end: the caller's
// scr.restore puts the terminal back (starting a program only to end it
// would cost a renderer per asleep visitor at every shutdown).
func (v *visit) quit() error {
	if v.p == nil {
		return nil
	}
	v.p.Quit()
	<-v.done
	return v.runErr
}

// kill ends the program at once: the visitor has gone.
func (v *visit) kill() error {
	if v.p == nil {
		return context.Canceled
	}
	v.stop()
	<-v.done
	return v.runErr
}
