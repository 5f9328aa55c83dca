package host

import (
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
