package host

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"golang.org/x/time/rate"
)

// fakeTerminal is a Terminal in memory: what a transport other than SSH (a
// WebSocket) would hand the host. Tests type into it and read its output.
type fakeTerminal struct {
	in      *io.PipeReader
	keys    *io.PipeWriter
	mu      sync.Mutex
	out     bytes.Buffer
	env     []string
	size    Size
	resizes chan Size
	done    chan struct{}
	closed  atomic.Bool
}

func newFakeTerminal(w, h int) *fakeTerminal {
	r, wr := io.Pipe()
	return &fakeTerminal{
		in: r, keys: wr,
		env:     []string{"TERM=xterm-256color", "COLORTERM=truecolor"},
		size:    Size{w, h},
		resizes: make(chan Size),
		done:    make(chan struct{}),
	}
}

func (f *fakeTerminal) Read(p []byte) (int, error) { return f.in.Read(p) }
func (f *fakeTerminal) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.out.Write(p)
}
func (f *fakeTerminal) Environ() []string     { return f.env }
func (f *fakeTerminal) Size() Size            { return f.size }
func (f *fakeTerminal) Resizes() <-chan Size  { return f.resizes }
func (f *fakeTerminal) Done() <-chan struct{} { return f.done }
func (f *fakeTerminal) Close() error {
	if f.closed.CompareAndSwap(false, true) {
		close(f.done)
		f.in.Close()
	}
	return nil
}

// output is everything written so far.
func (f *fakeTerminal) output() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.out.String()
}

func (f *fakeTerminal) send(t *testing.T, s string) {
	t.Helper()
	if _, err := io.WriteString(f.keys, s); err != nil {
		t.Fatalf("send %q: %v", s, err)
	}
}

// waitOutput waits until the ANSI-stripped output shows want.
func (f *fakeTerminal) waitOutput(t *testing.T, want string) {
	t.Helper()
	if !eventually(waitTimeout, func() bool { return strings.Contains(ansi.Strip(f.output()), want) }) {
		t.Fatalf("output never showed %q:\n%q", want, ansi.Strip(f.output()))
	}
}

// counter is a small model: + counts, q quits, a noteMsg is kept, and it
// knows its size. Its state is atomic so tests can watch it.
type counter struct {
	n, w, h atomic.Int64
	views   atomic.Int64
	note    atomic.Value
	waiting atomic.Bool
}

type noteMsg string

func (c *counter) Init() tea.Cmd { return nil }
func (c *counter) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		c.w.Store(int64(msg.Width))
		c.h.Store(int64(msg.Height))
	case tea.KeyPressMsg:
		switch msg.String() {
		case "+":
			c.n.Add(1)
		case "q":
			return c, tea.Quit
		}
	case noteMsg:
		c.note.Store(string(msg))
	}
	return c, nil
}
func (c *counter) View() tea.View {
	c.views.Add(1)
	v := tea.NewView(fmt.Sprintf("count %d at %dx%d", c.n.Load(), c.w.Load(), c.h.Load()))
	v.AltScreen = true
	return v
}
func (c *counter) Waiting() bool { return c.waiting.Load() }

// state is the model's state as its View shows it, and its note.
func (c *counter) state() string {
	note, _ := c.note.Load().(string)
	return fmt.Sprintf("count %d at %dx%d %s", c.n.Load(), c.w.Load(), c.h.Load(), note)
}

// waitState waits until the model's state shows want.
func (c *counter) waitState(t *testing.T, want string) {
	t.Helper()
	if !eventually(waitTimeout, func() bool { return strings.Contains(c.state(), want) }) {
		t.Fatalf("the model never reached %q: %q", want, c.state())
	}
}

// observer counts what a host reports.
type observer struct {
	firsts, starts, sleeps atomic.Int64
}

func (o *observer) FirstOutput(time.Duration) { o.firsts.Add(1) }
func (o *observer) ProgramStarted()           { o.starts.Add(1) }
func (o *observer) ProgramSlept()             { o.sleeps.Add(1) }

// run runs a visit in the background; the returned func waits for its end.
func run(t *testing.T, v *Visit) func() error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- v.Run() }()
	return func() error {
		t.Helper()
		select {
		case err := <-done:
			return err
		case <-time.After(waitTimeout):
			t.Fatal("the visit did not end")
			return nil
		}
	}
}

// TestVisitOverAnyTerminal: the host needs nothing from a transport but
// Terminal's methods. Over an in-memory terminal: keys reach the model,
// resizes and Send too, q ends the visit and the terminal is restored.
func TestVisitOverAnyTerminal(t *testing.T) {
	obs := &observer{}
	h := New(Config{Observer: obs})
	term := newFakeTerminal(60, 12)
	model := &counter{}
	v := h.NewVisit(term, model, Options{})
	wait := run(t, v)
	term.waitOutput(t, "count 0 at 60x12")
	term.send(t, "++")
	model.waitState(t, "count 2 at 60x12")
	term.resizes <- Size{70, 14}
	model.waitState(t, "count 2 at 70x14")
	v.Send(noteMsg("hello from the server"))
	model.waitState(t, "hello from the server")
	term.send(t, "q")
	if err := wait(); err != nil {
		t.Errorf("Run = %v after q", err)
	}
	if out := term.output(); !strings.HasSuffix(out, ansi.ResetModeAltScreenSaveCursor) && !strings.Contains(out[len(out)/2:], ansi.ResetModeAltScreenSaveCursor) {
		t.Errorf("terminal not restored: %q", out[max(0, len(out)-200):])
	}
	if obs.firsts.Load() != 1 || obs.starts.Load() != 1 {
		t.Errorf("observed %d first outputs and %d starts, want 1 and 1", obs.firsts.Load(), obs.starts.Load())
	}
	v.Send(noteMsg("after the end")) // returns at once
}

// TestVisitEndsWhenVisitorLeaves: Done ends the visit at once.
func TestVisitEndsWhenVisitorLeaves(t *testing.T) {
	h := New(Config{})
	term := newFakeTerminal(40, 10)
	wait := run(t, h.NewVisit(term, &counter{}, Options{}))
	term.waitOutput(t, "count 0")
	term.Close()
	if err := wait(); err == nil {
		t.Error("Run = nil after the visitor left, want the program's kill")
	}
}

// TestFirstFrameCached: the first frame a program draws for a shared
// first screen is cached; the next visit with the same key is shown those
// bytes before anything else, and its program's identical frame is not
// sent again. A visit without a key, or with another, isn't.
func TestFirstFrameCached(t *testing.T) {
	obs := &observer{}
	h := New(Config{Sleep: time.Hour, Prestart: 100, Observer: obs})
	type key struct{ theme string }
	first := newFakeTerminal(44, 11)
	wait := run(t, h.NewVisit(first, &counter{}, Options{FirstFrame: key{"dark"}}))
	first.waitOutput(t, "count 0 at 44x11")
	k := frameKey{screen: key{"dark"}, width: 44, height: 11, profile: 0, term: "xterm-256color"}
	k.profile = h.NewVisit(newFakeTerminal(44, 11), &counter{}, Options{}).frame.profile
	var frame []byte
	if !eventually(waitTimeout, func() bool { frame, _ = h.frames.Get(k); return frame != nil }) {
		t.Fatal("the first frame was not cached")
	}
	first.send(t, "q")
	_ = wait()

	second := newFakeTerminal(44, 11)
	model := &counter{}
	v := h.NewVisit(second, model, Options{FirstFrame: key{"dark"}})
	wait = run(t, v)
	second.waitOutput(t, "count 0 at 44x11")
	// The program's first frame (dropped) comes on its first tick.
	if !eventually(waitTimeout, func() bool { return obs.starts.Load() == 2 && programDrew(v) }) {
		t.Fatal("the second visit's program never drew its first frame")
	}
	second.send(t, "+")
	model.waitState(t, "count 1")
	out := second.output()
	if !strings.HasPrefix(out, string(frame)) {
		t.Errorf("second visit's output doesn't start with the cached frame:\n%q\nframe:\n%q", out[:min(len(out), 100)], frame)
	}
	if n := strings.Count(out, ansi.EraseEntireScreen); n != 1 {
		t.Errorf("second visit erased the screen %d times, want once (the cached frame)", n)
	}
	second.send(t, "q")
	_ = wait()

	for name, o := range map[string]Options{"no key": {}, "another key": {FirstFrame: key{"light"}}} {
		other := newFakeTerminal(44, 11)
		wait = run(t, h.NewVisit(other, &counter{}, o))
		other.waitOutput(t, "count 0")
		if strings.HasPrefix(other.output(), string(frame)) {
			t.Errorf("%s: shown the cached frame", name)
		}
		other.send(t, "q")
		_ = wait()
	}
}

// TestSendWakesSleepingVisit: Send reaches a model whose program sleeps,
// by starting a new one; a waiting model's program doesn't sleep.
func TestSendWakesSleepingVisit(t *testing.T) {
	obs := &observer{}
	h := New(Config{Sleep: 50 * time.Millisecond, Observer: obs})
	term := newFakeTerminal(50, 10)
	model := &counter{}
	v := h.NewVisit(term, model, Options{})
	wait := run(t, v)
	term.waitOutput(t, "count 0")
	if !eventually(waitTimeout, func() bool { return obs.sleeps.Load() == 1 && h.Programs() == 0 }) {
		t.Fatalf("%d sleeps, %d programs: the idle program never slept", obs.sleeps.Load(), h.Programs())
	}
	v.Send(noteMsg("a new message arrived"))
	model.waitState(t, "a new message arrived")
	if obs.starts.Load() != 2 {
		t.Errorf("%d programs started, want 2 (the first, and one to wake)", obs.starts.Load())
	}

	model.waiting.Store(true)
	time.Sleep(300 * time.Millisecond) // several sleep periods
	if obs.sleeps.Load() != 1 {
		t.Errorf("a waiting model's program was put to sleep")
	}
	model.waiting.Store(false)
	term.send(t, "q")
	if err := wait(); err != nil {
		t.Errorf("Run = %v", err)
	}
}

// TestShutdownEndsVisits: a host's Shutdown ends a visit as q does.
func TestShutdownEndsVisits(t *testing.T) {
	h := New(Config{})
	term := newFakeTerminal(40, 10)
	wait := run(t, h.NewVisit(term, &counter{}, Options{}))
	term.waitOutput(t, "count 0")
	h.Shutdown()
	if err := wait(); err != nil && !errors.Is(err, tea.ErrProgramKilled) {
		t.Errorf("Run = %v after Shutdown", err)
	}
	if !strings.Contains(term.output(), ansi.ResetModeAltScreenSaveCursor) {
		t.Error("terminal not restored at shutdown")
	}
}

// blockedTerminal is a client that stopped reading: every Write waits
// until the terminal is closed.
type blockedTerminal struct{ *fakeTerminal }

func (b blockedTerminal) Write(p []byte) (int, error) {
	<-b.done
	return 0, io.ErrClosedPipe
}

// TestStuckOutputEndsVisit: a visitor whose client stops reading can't
// hold a visit past its limits: the writes the visit is stuck behind are
// abandoned (the terminal is closed) a few seconds after the limit.
func TestStuckOutputEndsVisit(t *testing.T) {
	for name, cfg := range map[string]Config{
		"idle":        {Idle: 200 * time.Millisecond, Notice: func(s string) tea.Msg { return noteMsg(s) }},
		"max session": {MaxSession: 200 * time.Millisecond, Notice: func(s string) tea.Msg { return noteMsg(s) }},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			term := blockedTerminal{newFakeTerminal(40, 10)}
			v := New(cfg).NewVisit(term, &counter{}, Options{})
			done := make(chan error, 1)
			go func() { done <- v.Run() }()
			select {
			case err := <-done:
				if !errors.Is(err, ErrOutputStuck) {
					t.Errorf("Run = %v, want ErrOutputStuck", err)
				}
			case <-time.After(stuckGrace + waitTimeout):
				t.Fatal("a visit with stuck output outlived its limit")
			}
			if !term.closed.Load() {
				t.Error("the terminal was not closed")
			}
		})
	}
}

// TestKeysOfOneReadCostOneView: keys that arrive together reach the model
// one by one, for one View in all: a client streaming keys costs an Update
// per key, not a render per key.
func TestKeysOfOneReadCostOneView(t *testing.T) {
	h := New(Config{})
	term := newFakeTerminal(40, 10)
	model := &counter{}
	wait := run(t, h.NewVisit(term, model, Options{}))
	term.waitOutput(t, "count 0")
	before := model.views.Load()
	term.send(t, strings.Repeat("+", 600))
	model.waitState(t, "count 600 ")
	if n := model.views.Load() - before; n > 60 {
		t.Errorf("600 keys sent at once cost %d Views", n)
	}
	term.send(t, "q")
	_ = wait()
}

// TestSharedEventBudget: visits given the same budget share its pace.
func TestSharedEventBudget(t *testing.T) {
	budget := rate.NewLimiter(0.1, 3) // three events, then one every 10 s
	h := New(Config{})
	var models []*counter
	for range 2 {
		term := newFakeTerminal(40, 10)
		m := &counter{}
		models = append(models, m)
		wait := run(t, h.NewVisit(term, m, Options{Events: budget}))
		term.waitOutput(t, "count 0")
		term.send(t, "+")
		term.send(t, "+")
		t.Cleanup(func() { term.Close(); _ = wait() })
	}
	if !eventually(waitTimeout, func() bool { return models[0].n.Load()+models[1].n.Load() >= 3 }) {
		t.Fatal("the budget's burst never arrived")
	}
	time.Sleep(200 * time.Millisecond) // a negative check: the fourth key doesn't come through
	if n := models[0].n.Load() + models[1].n.Load(); n != 3 {
		t.Errorf("%d of 4 keys through a shared burst of 3 within 200 ms, want 3", n)
	}
}

// blank is a counter whose view is empty, outside the alternate screen,
// until it is ready: a program whose first frame is late.
type blank struct {
	counter
	ready atomic.Bool
}

func (b *blank) View() tea.View {
	if !b.ready.Load() {
		return tea.NewView("")
	}
	return b.counter.View()
}

// TestNoSleepBeforeFirstFrame: a program that hasn't drawn its first frame
// (its renderer slow to tick on a busy machine) isn't put to sleep, or the
// visitor would look at a blank screen until they pressed a key; once it
// has drawn, it sleeps as usual.
func TestNoSleepBeforeFirstFrame(t *testing.T) {
	obs := &observer{}
	h := New(Config{Sleep: 30 * time.Millisecond, Observer: obs})
	term := newFakeTerminal(50, 10)
	model := &blank{}
	v := h.NewVisit(term, model, Options{})
	wait := run(t, v)
	time.Sleep(300 * time.Millisecond) // several sleep periods
	if n := obs.sleeps.Load(); n != 0 {
		t.Errorf("a program put to sleep %d times before its first frame", n)
	}
	model.ready.Store(true)
	v.Send(noteMsg("draw"))
	term.waitOutput(t, "count 0")
	if !eventually(waitTimeout, func() bool { return obs.sleeps.Load() == 1 }) {
		t.Errorf("the program never slept after its first frame")
	}
	term.send(t, "q")
	if err := wait(); err != nil {
		t.Errorf("Run = %v", err)
	}
}

// TestNoSleepBeforeKeysFrame: a program isn't put to sleep between a key
// and the frame that shows it, or the key would seem lost until the next.
// Frames leave on the renderer's tick; here a tick is longer than a quiet
// spell, as it can be on a busy machine.
func TestNoSleepBeforeKeysFrame(t *testing.T) {
	h := New(Config{Sleep: 100 * time.Millisecond})
	term := newFakeTerminal(50, 10)
	model := &counter{}
	v := h.NewVisit(term, model, Options{})
	v.opts = append(v.opts, tea.WithFPS(2)) // a tick every 500 ms
	wait := run(t, v)
	term.waitOutput(t, "count 0")
	for i := 1; i <= 4; i++ {
		if !eventually(waitTimeout, func() bool { return h.Programs() == 0 }) {
			t.Fatal("the idle program never slept")
		}
		term.send(t, "+")
		term.waitOutput(t, fmt.Sprintf("count %d", i))
	}
	term.send(t, "q")
	if err := wait(); err != nil {
		t.Errorf("Run = %v", err)
	}
}

func TestPace(t *testing.T) {
	l := rate.NewLimiter(100, 10)
	start := time.Now()
	for range 30 {
		if !pace(l, 1, nil, nil) {
			t.Fatal("pace gave up with nothing ending")
		}
	}
	if d := time.Since(start); d < 190*time.Millisecond {
		t.Errorf("30 events at 100/s after a burst of 10 took %s, want ≥ 200 ms", d)
	}
	// A batch larger than the burst waits for all of it: at most a full
	// burst (10) can have been saved up meanwhile (a busy machine may run
	// this line late), so 25 events take at least 15 more tokens' time.
	start = time.Now()
	if !pace(l, 25, nil, nil) {
		t.Fatal("pace gave up with nothing ending")
	}
	if d := time.Since(start); d < 145*time.Millisecond {
		t.Errorf("a batch of 25 events at 100/s with a burst of 10 took %s, want ≥ 150 ms", d)
	}
	// A closing server ends the wait. The limiter is one whose next token
	// is 10 s away, so no token comes while this runs however late a busy
	// machine runs it (the limiter above refills every 10 ms), and a pace
	// that ignored closing would return true after 10 s.
	slow := rate.NewLimiter(rate.Every(10*time.Second), 1)
	slow.Allow()
	closing := make(chan struct{})
	close(closing)
	start = time.Now()
	for range 5 {
		if pace(slow, 1, nil, closing) {
			t.Fatal("pace went on while the server closes")
		}
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("pace held a closing server for %s", d)
	}
	// Closing wins over tokens to spare: on a busy machine the limiter
	// has refilled by the time the visit is ending (this failed in full
	// runs when pace asked the limiter first).
	full := rate.NewLimiter(100, 10)
	if pace(full, 1, nil, closing) {
		t.Error("pace went on while the server closes, because the limiter had tokens")
	}
	gone := make(chan struct{})
	close(gone)
	if pace(full, 1, gone, nil) {
		t.Error("pace went on after the visitor had gone, because the limiter had tokens")
	}
}
