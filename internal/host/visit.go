package host

import (
	"bytes"
	"context"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/ansi"
	"golang.org/x/time/rate"
)

// terminalQueries ask the visitor's terminal, once per visit, whether it
// has synchronized output (mode 2026) and grapheme widths (mode 2027), as
// Bubble Tea asks itself when it reads the input, and for its background
// colour (models that follow the terminal's theme want it).
const terminalQueries = ansi.RequestModeSynchronizedOutput + ansi.RequestModeUnicodeCore + ansi.RequestBackgroundColor

// frameGrace is how long past a quiet spell a program may still be
// waiting to send its last message's frame before it is put to sleep all
// the same (the message may have changed nothing); trySleep looks again
// every frameRetry meanwhile.
const frameGrace, frameRetry = time.Second, 50 * time.Millisecond

// fps is the programs' frame rate, Bubble Tea's highest: frames leave only
// on the renderer's tick, so the highest rate halves the wait after a key.
const fps = 120

// Event pacing: far above typing, key repeat or a fast mouse wheel; the
// burst takes a whole message typed by a terminal that pastes as keys.
const (
	eventsPerSecond = 200
	eventsBurst     = 4000
)

// Options are one visit's facts beyond its terminal.
type Options struct {
	// FirstFrame, if not nil, says the model's first screen (before any
	// message but its size) is shared: visits with equal FirstFrame
	// values, window sizes, colour profiles and TERM draw the same first
	// frame, which is cached and shown at once. It must be comparable.
	// Leave it nil when the first screen is the visitor's own (a deep
	// link, a private page).
	FirstFrame any
	// Profile is the visitor's colour profile, when the transport knows
	// better than the environment says (colorprofile.Env); Unknown reads
	// it from the terminal's environment.
	Profile colorprofile.Profile
	// Events, if set, paces this visit's input events together with every
	// visit given the same limiter (say, all of one address's sessions),
	// so opening more sessions buys no more Updates; NewEventBudget makes
	// one. Nil: the visit gets its own.
	Events *rate.Limiter
}

// NewEventBudget is a pace for visitors' input events: far above typing,
// key repeat or a fast mouse wheel, with a burst that takes a whole
// message typed by a terminal that pastes as keys. Reading waits beyond
// it (the transport's flow control backs up); nothing is dropped.
func NewEventBudget() *rate.Limiter {
	return rate.NewLimiter(eventsPerSecond, eventsBurst)
}

// Visit is one visitor's UI for the length of their stay.
//
// The model lives as long as the visit. A Bubble Tea program drives it
// while the visitor is active; after Config.Sleep without a message the
// program is put to sleep (ended without touching the screen), which frees
// its renderer's memory, and the next key, resize or [Visit.Send] starts a
// new program on the same model that repaints in place. While the model
// sleeps, a terminal report (its background colour) is applied to the
// model directly, and wakes a program only if View's content changes.
//
// Everything runs on Run's goroutine, except the input reader and the
// running program.
type Visit struct {
	h     *Host
	term  Terminal
	model Model
	// batched is the model as its programs see it (input held while the
	// model loads); used on the programs' goroutines only.
	batched *batched
	scr     *screen
	wd      *watchdog
	opts    []tea.ProgramOption // the same for every program of the visit

	size      Size
	replay    []tea.Msg // the terminal's mode reports, for each new program
	frame     frameKey  // the first frame's cache key but for the size
	shared    bool      // the first screen is shared (Options.FirstFrame)
	delivered bool      // the model has had a message besides its size

	// events paces what reaches the model: every key costs an Update and
	// a View, so a client streaming keys (within the 1 MiB a minute) could
	// otherwise keep a core busy. Reading waits instead, which backs up
	// the transport's flow control; nothing is dropped.
	events *rate.Limiter

	sends chan tea.Msg  // from Send
	ended chan struct{} // closed when Run returns

	p       *tea.Program // nil while asleep
	stop    context.CancelFunc
	done    chan struct{} // closed when p's Run returns
	runErr  error         // p's Run error, once done is closed
	lastMsg atomic.Int64  // unix nanoseconds of p's last message
	// sleepNotBefore (unix nanoseconds) holds off the next sleep check
	// while trySleep waits for the last message's frame.
	sleepNotBefore int64
}

// NewVisit readies a visit of model on term; Run runs it. The model is
// told its size before any program starts.
func (h *Host) NewVisit(term Terminal, model Model, o Options) *Visit {
	env := term.Environ()
	profile := o.Profile
	if profile == colorprofile.Unknown {
		profile = colorprofile.Env(env)
	}
	v := &Visit{
		h:      h,
		term:   term,
		model:  model,
		wd:     newWatchdog(h.cfg.Idle, h.cfg.MaxSession),
		size:   term.Size(),
		events: o.Events,
		sends:  make(chan tea.Msg, 8),
		ended:  make(chan struct{}),
		frame:  frameKey{screen: o.FirstFrame, profile: profile, term: termType(env)},
		shared: o.FirstFrame != nil,
	}
	if v.events == nil {
		v.events = NewEventBudget()
	}
	v.batched = &batched{Model: model}
	v.batched.loader, _ = model.(Loader)
	v.scr = newScreen(term, h.obs.FirstOutput)
	v.opts = []tea.ProgramOption{
		// The visit reads and decodes the input (see inputDecoder): a
		// program with no input builds no key table and starts no reader.
		tea.WithInput(nil),
		tea.WithOutput(v.scr),
		tea.WithEnvironment(env),
		tea.WithColorProfile(profile),
		tea.WithFilter(v.filter),
		tea.WithFPS(fps),
		// The process owns signals; a visitor's program must never
		// install handlers on it.
		tea.WithoutSignalHandler(),
	}
	// The model learns its size before any program starts, so a program's
	// first frame is never drawn at size zero, however late Bubble Tea's
	// own size message comes.
	v.model.Update(tea.WindowSizeMsg{Width: v.size.Width, Height: v.size.Height})
	return v
}

// termType is TERM in env.
func termType(env []string) string {
	term := ""
	for _, kv := range env {
		if t, ok := strings.CutPrefix(kv, "TERM="); ok {
			term = t
		}
	}
	return term
}

// Send delivers msg to the visit's model, waking its program if it
// sleeps. It is safe to call from any goroutine. It returns once the
// visit has queued the message (a few fit at once; beyond them it waits
// for the visit, at most until the visit ends), or at once if the visit
// has ended.
func (v *Visit) Send(msg tea.Msg) {
	select {
	case v.sends <- msg:
	case <-v.ended:
	}
}

// sleepCheck asks a running program, through its message filter (which
// runs on the program's goroutine, beside the model), whether it may sleep.
type sleepCheck struct{ reply chan bool }

// filter drops what a visit's model never needs (filterMessages), notes
// activity for the sleep timer and answers sleep checks.
func (v *Visit) filter(m tea.Model, msg tea.Msg) tea.Msg {
	if c, ok := msg.(sleepCheck); ok {
		idle := time.Since(time.Unix(0, v.lastMsg.Load()))
		c.reply <- idle >= v.h.cfg.Sleep && !v.model.Waiting() && len(v.batched.held) == 0
		return nil
	}
	if h, ok := msg.(holdExpired); ok && (h.gen != v.batched.gen || len(v.batched.held) == 0) {
		return nil // the hold ended when the load did: no Update, no View
	}
	v.lastMsg.Store(time.Now().UnixNano())
	return filterMessages(m, msg)
}

// filterMessages drops messages a remote visitor's UI has no use for
// before they cost an Update and a View, and, as wish's own filter does,
// turns a suspend (Ctrl+Z) into a resume: a visitor can't stop a program
// on the server. Messages Bubble Tea acts on itself (capabilities, mode
// reports) pass.
func filterMessages(_ tea.Model, msg tea.Msg) tea.Msg {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		// Bubble Tea's own, sent from a goroutine as a program starts: it
		// can land after sizes the visit sent since, and lay the screen
		// out for an old size. The model has the start-up size already
		// (NewVisit, deliver); every later one comes as a visitSize.
		return nil
	case visitSize:
		return tea.WindowSizeMsg(msg)
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

// Run shows the UI until the visitor quits or leaves, a limit ends the
// visit (with a line saying why), or the host shuts down. The terminal is
// left as the visit found it. It returns the last program's error:
// errors.Is(err, tea.ErrProgramPanic) means the model panicked (Bubble
// Tea has restored the terminal and printed the stack to stderr);
// ErrOutputStuck means the visitor's client stopped reading.
func (v *Visit) Run() error {
	defer close(v.ended)
	stuck := v.wd.backstop(v.term.Close)
	err := v.run()
	stuck.end()
	v.scr.restore()
	if msg := v.wd.endMessage(); msg != "" {
		v.scr.direct([]byte("\r\n" + msg + "\r\n"))
	}
	if stuck.stop() {
		return ErrOutputStuck
	}
	return err
}

// run is the visit's loop: key → decode → model → frame, plus the
// timers of sleep, limits and the escape key.
func (v *Visit) run() error {
	input := make(chan []byte)
	readerDone := make(chan struct{})
	defer close(readerDone)
	go v.read(input, readerDone)

	presented := false
	if v.shared {
		if frame, ok := v.h.frames.Get(v.firstFrameKey()); ok {
			v.scr.present(frame) // the first screen, before any tick
			presented = true
		}
	}
	v.scr.direct([]byte(terminalQueries))
	if !presented || v.h.cfg.Sleep == 0 || v.h.programs.Load() < int64(v.h.cfg.Prestart) {
		v.start(presented) // to draw the first screen, or to be ready for the first key
	}

	resizes := v.term.Resizes()
	var dec inputDecoder
	escArmed := false
	esc := stoppedTimer()
	defer esc.Stop()
	watch := time.NewTimer(time.Hour)
	defer watch.Stop()
	sleep := time.NewTimer(time.Hour)
	defer sleep.Stop()
	resetSleep := func() {
		if v.h.cfg.Sleep > 0 && v.p != nil {
			at := time.Unix(0, v.lastMsg.Load()).Add(v.h.cfg.Sleep)
			if notBefore := time.Unix(0, v.sleepNotBefore); notBefore.After(at) {
				at = notBefore
			}
			sleep.Reset(max(time.Until(at), 10*time.Millisecond))
		}
	}
	resetSleep()
	checkLimits := func() bool {
		notice, end, next := v.wd.check(time.Now())
		if end != "" {
			return false
		}
		if notice != "" && v.h.cfg.Notice != nil {
			v.deliver(v.h.cfg.Notice(notice))
		}
		watch.Reset(max(time.Until(next), 10*time.Millisecond))
		return true
	}
	if !checkLimits() {
		return v.quit()
	}

	for {
		select {
		case <-v.term.Done():
			return v.kill()
		case <-v.doneChan():
			return v.runErr // the visitor quit, or the program failed
		case b, ok := <-input:
			if !ok {
				input = nil // the visitor closed their input; the UI stays
				continue
			}
			if !v.wd.input(len(b), time.Now()) {
				v.wd.setEnd(floodMessage)
				return v.quit()
			}
			events, more := dec.feed(b)
			if dec.overflow() {
				v.wd.setEnd(floodMessage)
				return v.quit()
			}
			v.deliverEvents(events)
			switch {
			case !more:
				esc.Stop()
				escArmed = false
			case !escArmed || dec.openString():
				// From the first incomplete byte: more input pushes the
				// deadline back only for a control string still coming
				// (whose size overflow caps), never for a stray byte,
				// which would hold back all input behind it.
				esc.Reset(escTimeout)
				escArmed = true
			}
		case <-esc.C:
			escArmed = false
			v.deliverEvents(dec.expire())
		case s, ok := <-resizes:
			if !ok {
				resizes = nil
				continue
			}
			if s != v.size {
				v.deliver(tea.WindowSizeMsg{Width: s.Width, Height: s.Height})
			}
		case msg := <-v.sends:
			v.deliver(msg)
		case <-watch.C:
			if !checkLimits() {
				return v.quit()
			}
		case <-v.h.closing:
			return v.quit() // the transport says goodbye
		case <-sleep.C:
			v.trySleep()
		}
		resetSleep()
	}
}

// read passes the visitor's input to the visit's loop.
func (v *Visit) read(out chan<- []byte, done <-chan struct{}) {
	defer close(out)
	buf := make([]byte, 1024)
	for {
		n, err := v.term.Read(buf)
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
func (v *Visit) doneChan() <-chan struct{} {
	if v.p == nil {
		return nil
	}
	return v.done
}

// firstFrameKey is the cache key of the model's first frame now.
func (v *Visit) firstFrameKey() frameKey {
	k := v.frame
	k.width, k.height = v.size.Width, v.size.Height
	return k
}

// start runs a new program on the model, at the model's size. shown says
// the terminal already shows the program's first frame (the cached one).
func (v *Visit) start(shown bool) {
	ctx, cancel := context.WithCancel(context.Background())
	p := tea.NewProgram(v.batched, append(v.opts,
		tea.WithContext(ctx),
		tea.WithWindowSize(v.size.Width, v.size.Height),
	)...)
	var record func([]byte)
	if v.shared && !v.delivered && !shown {
		k := v.firstFrameKey()
		record = func(frame []byte) { v.h.frames.Put(k, frame) }
	}
	v.scr.begin(record)
	v.lastMsg.Store(time.Now().UnixNano())
	done := make(chan struct{})
	v.p, v.stop, v.done = p, cancel, done
	v.h.obs.ProgramStarted()
	v.h.programs.Add(1)
	go func() {
		defer close(done)
		defer v.h.programs.Add(-1)
		_, v.runErr = p.Run()
	}()
	for _, msg := range v.replay {
		p.Send(msg)
	}
}

// deliverEvents sends decoded input on: what a UI acts on (keys, pastes,
// the mouse wheel, the background colour) and the mode reports Bubble Tea
// acts on, which are also kept for programs started later. The rest
// (mouse clicks and motion, focus, unknown sequences…) is dropped here,
// so it can't wake a sleeping program.
//
// The keys, pastes and wheel steps of one read go to the model as one
// message (eventBatch): Bubble Tea calls View after every message, so a
// client streaming keys would otherwise cost a whole render per key.
func (v *Visit) deliverEvents(events []uv.Event) {
	var batch eventBatch
	for _, ev := range events {
		switch ev := ev.(type) {
		case uv.ModeReportEvent:
			v.keepReport(tea.ModeReportMsg(ev))
			if v.p != nil {
				v.p.Send(tea.ModeReportMsg(ev))
			} // else the next program gets it
		case uv.BackgroundColorEvent:
			v.report(tea.BackgroundColorMsg(ev))
		case uv.KeyPressEvent:
			batch = append(batch, tea.KeyPressMsg(ev))
		case uv.PasteEvent:
			batch = append(batch, tea.PasteMsg(ev))
		case uv.MouseWheelEvent:
			batch = append(batch, tea.MouseWheelMsg(ev))
		}
	}
	for len(batch) > 0 {
		// Small batches, so a flood's Updates come in short runs that
		// leave room for other visitors' frames.
		b := batch[:min(len(batch), maxBatch)]
		batch = batch[len(b):]
		if !pace(v.events, len(b), v.term.Done(), v.h.closing) {
			return // the visit is ending
		}
		select {
		case <-v.term.Done():
			return // the visitor has gone: the rest of their input is moot
		default:
		}
		v.deliver(eventBatch(b))
	}
}

// maxBatch is the most events handed to the model as one message.
const maxBatch = 32

// holdMax bounds how long input waits for a model that is loading (see
// Loader): a load stuck on a slow disk must not hold the visitor's keys,
// Ctrl+C among them, for longer.
const holdMax = 2 * time.Second

// Loader is a Model that can say that what a key means depends on a
// result still to come: a page being read in a tea.Cmd (say, a list
// whose reload will move the selection). While it is loading, the host
// holds the visitor's input and hands it over, in order, once the result
// has been applied (at most holdMax later), so every key lands on the
// screen it was pressed on, as it would if every command finished at
// once. Loading is called on the program's goroutine, between Updates.
type Loader interface {
	Loading() bool
}

// eventBatch is input events that arrived together, for one Update each
// and one View in all (see batched).
type eventBatch []tea.Msg

// holdExpired releases input held since the hold numbered gen began.
type holdExpired struct{ gen int }

// batched is the model as a program sees it: the same model, which takes
// an eventBatch message by message, and which holds input while the
// model is loading (see Loader). One batched serves all of a visit's
// programs; they run one after another, and a program never sleeps with
// input held (see Visit.filter).
type batched struct {
	Model
	loader Loader    // nil: the model never holds input
	held   []tea.Msg // input waiting for a load to finish, in order
	gen    int       // the number of the current hold
}

// Update hands each message of a batch to the model in turn, holding
// the rest while the model is loading; any other message is applied at
// once, and may end a hold (a load's result).
func (b *batched) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmds []tea.Cmd
	force, began := false, false
	switch msg := msg.(type) {
	case eventBatch:
		began = len(b.held) == 0
		b.held = append(b.held, msg...)
	case holdExpired:
		force = msg.gen == b.gen && len(b.held) > 0
	default:
		_, cmd := b.Model.Update(msg)
		cmds = append(cmds, cmd)
	}
	for len(b.held) > 0 && (force || !b.loading()) {
		m := b.held[0]
		b.held[0] = nil
		b.held = b.held[1:]
		_, cmd := b.Model.Update(m)
		cmds = append(cmds, cmd)
		// Let other visitors' goroutines (a frame due) run between
		// Updates, rather than wait out the scheduler's 10 ms slice.
		runtime.Gosched()
	}
	if len(b.held) == 0 {
		b.held = nil
	} else if began {
		// A hold begins: bound it from its first key (keys that follow
		// don't push the bound back).
		b.gen++
		gen := b.gen
		cmds = append(cmds, tea.Tick(holdMax, func(time.Time) tea.Msg { return holdExpired{gen} }))
	}
	return b, tea.Batch(cmds...)
}

func (b *batched) loading() bool { return b.loader != nil && b.loader.Loading() }

// report hands the model a fact about the terminal (the answer to the
// background query every visit sends). A sleeping model takes it in
// place, and its program wakes only if that changed what it shows: a
// crowd of asleep visitors whose terminals answer what the first screen
// already assumed starts no programs.
func (v *Visit) report(msg tea.Msg) {
	if v.p != nil {
		v.deliver(msg)
		return
	}
	before := v.model.View().Content
	_, cmd := v.model.Update(msg)
	if v.model.View().Content == before && cmd == nil {
		return
	}
	v.delivered = true
	v.start(false)
	if cmd != nil {
		v.p.Send(tea.BatchMsg{cmd}) // the program runs it
	}
}

// pace waits until the limiter allows n events, and reports false if
// done or closing comes first (the visit or the host is ending).
func pace(l *rate.Limiter, n int, done, closing <-chan struct{}) bool {
	select {
	case <-done:
		return false
	case <-closing:
		return false
	default:
	}
	if l.AllowN(time.Now(), n) {
		return true // the common case, without a reservation
	}
	var d time.Duration
	for n > 0 {
		k := min(n, l.Burst())
		d = max(d, l.ReserveN(time.Now(), k).Delay())
		n -= k
	}
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
func (v *Visit) keepReport(r tea.ModeReportMsg) {
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

// visitSize is a window size the visit sends its program, in the order
// the transport reported it; the filter turns it into the WindowSizeMsg
// the model takes, and drops Bubble Tea's own (see filterMessages).
type visitSize tea.WindowSizeMsg

// deliver sends msg to the program, waking it first if it sleeps.
func (v *Visit) deliver(msg tea.Msg) {
	size, resize := msg.(tea.WindowSizeMsg)
	if resize {
		v.size = Size{size.Width, size.Height}
	} else {
		v.delivered = true
	}
	if v.p == nil {
		if resize {
			// As in NewVisit: the size first, so no frame of the new
			// program can be drawn at the old one.
			v.model.Update(msg)
		}
		v.start(false)
		if resize {
			return // the new program starts at the new size and says so
		}
	}
	v.scr.touch()
	if resize {
		msg = visitSize(size)
	}
	v.p.Send(msg) // returns at once if the program has ended
}

// trySleep puts the program to sleep if it has been idle for Config.Sleep
// and its model isn't waiting for work it started.
func (v *Visit) trySleep() {
	if v.p == nil || time.Since(time.Unix(0, v.lastMsg.Load())) < v.h.cfg.Sleep {
		return
	}
	if !v.scr.showsFrame() {
		// The program hasn't drawn yet (its renderer is slow to tick on a
		// busy machine): asleep now, it would leave the visitor a blank
		// screen until they press a key. Look again after a quiet spell.
		v.lastMsg.Store(time.Now().UnixNano())
		return
	}
	if last := v.lastMsg.Load(); !v.scr.wroteSince(last) && time.Since(time.Unix(0, last)) < v.h.cfg.Sleep+frameGrace {
		// No output since the last message: either it changed nothing, or
		// its frame hasn't left yet (a renderer slow to tick on a busy
		// machine), and asleep the program would never send it: the
		// visitor's key would seem lost. Wait a little for it.
		v.sleepNotBefore = time.Now().Add(frameRetry).UnixNano()
		return
	}
	reply := make(chan bool, 1)
	v.p.Send(sleepCheck{reply})
	select {
	case ok := <-reply:
		if !ok {
			// Waiting: look again after another quiet spell, not at once.
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
	v.h.obs.ProgramSlept()
	v.h.memory.freed(programBytes(v.size.Width, v.size.Height))
}

// quit ends the program the way a visitor's quit does, so the terminal is
// restored. An asleep visit has no program to end: Run's scr.restore puts
// the terminal back (starting a program only to end it would cost a
// renderer per asleep visitor at every shutdown).
func (v *Visit) quit() error {
	if v.p == nil {
		return nil
	}
	v.p.Quit()
	<-v.done
	return v.runErr
}

// kill ends the program at once: the visitor has gone.
func (v *Visit) kill() error {
	if v.p == nil {
		return context.Canceled
	}
	v.stop()
	<-v.done
	return v.runErr
}

// stoppedTimer is a stopped timer, for the decoder's escTimeout.
func stoppedTimer() *time.Timer {
	t := time.NewTimer(time.Hour)
	t.Stop()
	return t
}
