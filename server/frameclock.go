package server

import (
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/pragyamugale/portfolio/internal/wake"
	"github.com/pragyamugale/portfolio/ui"
)

// fps is the programs' frame rate, Bubble Tea's highest: frames leave only
// on the renderer's tick, so the highest rate halves the wait after a key.
const fps = 120

// framePeriod is the renderer's tick, computed as Bubble Tea computes it.
const framePeriod = time.Second / fps

// frameClock knows when a program's renderer ticks, so that the visit can
// ask the server's Waker to be awake for the ticks that will carry a
// frame: the next one after a key, and the one after in case the key's
// Update and View run past it. Without that, the idle runtime runs the
// tick up to a millisecond late (see package wake).
//
// Bubble Tea starts the renderer's ticker just before it calls the
// model's Init, on the same goroutine, and a ticker keeps its phase: the
// program ticks at origin + k × framePeriod, where origin is Init's time
// (a few microseconds after the ticker's own start, so a wake-up at a
// computed tick is never early).
type frameClock struct {
	waker  waker
	origin atomic.Pointer[time.Time] // the running program's Init; nil if none
}

// started notes a program's start (from its Init) and, if its first frame
// is awaited, asks for the first two ticks, which carry it. (It isn't when
// the terminal already shows it: a new visitor's cached first frame. A
// key sent to the new program asks for its ticks through frameDue.)
func (c *frameClock) started(now time.Time, awaited bool) {
	c.origin.Store(&now)
	if awaited {
		c.waker.At(now.Add(framePeriod))
		c.waker.At(now.Add(2 * framePeriod))
	}
}

// stopped forgets the program, which has ended or is about to.
func (c *frameClock) stopped() { c.origin.Store(nil) }

// frameDue asks for the next two ticks after now: a message just sent to
// the program is drawn on one of them.
func (c *frameClock) frameDue(now time.Time) {
	o := c.origin.Load()
	if o == nil {
		return // the program hasn't started: started will ask
	}
	origin := *o
	next := origin.Add((now.Sub(origin)/framePeriod + 1) * framePeriod)
	c.waker.At(next)
	c.waker.At(next.Add(framePeriod))
}

// waker is the server's *wake.Waker (a recorder in tests).
type waker interface {
	At(time.Time)
	Close() error
}

var _ waker = (*wake.Waker)(nil)

// clockedModel is the UI model as a program sees it: the same model, with
// an Init that starts the frame clock. (ui.Model stays the only model with
// behaviour; this only times the program.)
type clockedModel struct {
	*ui.Model
	clock   *frameClock
	awaited bool // somebody waits for the program's first frame
}

// Init starts the frame clock, then the model's own Init.
func (m clockedModel) Init() tea.Cmd {
	m.clock.started(time.Now(), m.awaited)
	return m.Model.Init()
}
