package host

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
)

// loadingCounter is a counter that is loading (Loader) until a "done"
// note arrives, or forever.
type loadingCounter struct {
	counter
	loading atomic.Bool
}

func (c *loadingCounter) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if n, ok := msg.(noteMsg); ok && n == "loaded" {
		c.loading.Store(false)
	}
	_, cmd := c.counter.Update(msg)
	return c, cmd
}
func (c *loadingCounter) Loading() bool { return c.loading.Load() }

// TestInputHeldWhileLoading: keys pressed while the model loads reach it
// in order once the result is in, not before; and a load that never ends
// holds them for holdMax at most (Ctrl+C must not wait on a stuck disk).
func TestInputHeldWhileLoading(t *testing.T) {
	h := New(Config{})
	defer h.Shutdown()
	term := newFakeTerminal(80, 24)
	m := &loadingCounter{}
	m.loading.Store(true)
	v := h.NewVisit(term, m, Options{})
	wait := run(t, v)
	term.send(t, "++")
	m.waitState(t, "count 0")
	v.Send(noteMsg("loaded"))
	m.waitState(t, "count 2")

	// A load that never ends.
	m.loading.Store(true)
	start := time.Now()
	term.send(t, "+")
	m.waitState(t, "count 3")
	if d := time.Since(start); d < holdMax/2 {
		t.Errorf("a key reached a loading model after %s, want it held (up to %s)", d, holdMax)
	}
	// Keys that keep coming during a stuck load don't push the bound
	// back: the first is released holdMax after it came, with the rest.
	m.loading.Store(true)
	start = time.Now()
	term.send(t, "+")
	for !eventually(holdMax/8, func() bool { return m.n.Load() == 4 }) {
		if time.Since(start) > 3*holdMax {
			t.Fatalf("keys held %s by a stream of keys during a stuck load", time.Since(start))
		}
		term.send(t, "x") // a key the counter ignores
	}
	m.loading.Store(false)
	term.send(t, "q")
	if err := wait(); err != nil {
		t.Errorf("Run: %v", err)
	}
}

// sizes records every window size its model is given.
type sizes struct {
	counter
	mu  sync.Mutex
	got []Size
}

func (s *sizes) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if m, ok := msg.(tea.WindowSizeMsg); ok {
		s.mu.Lock()
		s.got = append(s.got, Size{m.Width, m.Height})
		s.mu.Unlock()
	}
	return s.counter.Update(msg)
}

func (s *sizes) last() (Size, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.got) == 0 {
		return Size{}, 0
	}
	return s.got[len(s.got)-1], len(s.got)
}

// TestLastSizeWins: sizes given as a program starts (the visitor resizing
// while connecting) end at the last one, whatever the transport: the
// program's own start-up size can't land after them. A marker key after
// the sizes tells when the model has had them all.
func TestLastSizeWins(t *testing.T) {
	for round := range 50 {
		h := New(Config{})
		term := newFakeTerminal(80, 24)
		m := &sizes{}
		wait := run(t, h.NewVisit(term, m, Options{}))
		for i := range 5 {
			term.resizes <- Size{40 + i, 10 + i}
		}
		term.resizes <- Size{120, 40}
		term.send(t, "+")
		m.waitState(t, "count 1")
		if got, n := m.last(); got != (Size{120, 40}) {
			t.Fatalf("round %d: the model's last size is %v (of %d), want 120×40", round, got, n)
		}
		term.send(t, "q")
		if err := wait(); err != nil {
			t.Fatal(err)
		}
		h.Shutdown()
	}
}
