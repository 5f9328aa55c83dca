package server

import (
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/colorprofile"
)

// wakeRecorder records the instants a frameClock asks to be woken at.
type wakeRecorder struct {
	mu  sync.Mutex
	ats []time.Time
}

func (r *wakeRecorder) At(t time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ats = append(r.ats, t)
}

func (r *wakeRecorder) Close() error { return nil }

// take returns the instants recorded since the last take.
func (r *wakeRecorder) take() []time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	ats := r.ats
	r.ats = nil
	return ats
}

func TestFrameClockTicks(t *testing.T) {
	rec := &wakeRecorder{}
	c := &frameClock{waker: rec}
	t0 := time.Unix(1_000_000, 0)
	at := func(k float64) time.Time { return t0.Add(time.Duration(k * float64(framePeriod))) }

	c.frameDue(at(3))
	if got := rec.take(); len(got) != 0 {
		t.Errorf("before a program starts: woken at %v, want nothing", got)
	}
	c.started(t0, false)
	if got := rec.take(); len(got) != 0 {
		t.Errorf("started, first frame already shown: woken at %v, want nothing", got)
	}
	c.started(t0, true)
	if got, want := rec.take(), []time.Time{at(1), at(2)}; !slices.Equal(got, want) {
		t.Errorf("started: woken at %v, want the first two ticks %v", got, want)
	}
	for _, tc := range []struct{ now, next float64 }{
		{3.5, 4},
		{4, 5}, // on a tick: that frame has gone, the next one is due
		{0.01, 1},
	} {
		c.frameDue(at(tc.now))
		if got, want := rec.take(), []time.Time{at(tc.next), at(tc.next + 1)}; !slices.Equal(got, want) {
			t.Errorf("frameDue at tick %.2f: woken at %v, want ticks %v and %v", tc.now, got, tc.next, tc.next+1)
		}
	}
	c.stopped()
	c.frameDue(at(7.5))
	if got := rec.take(); len(got) != 0 {
		t.Errorf("after the program stopped: woken at %v, want nothing", got)
	}
}

// TestFrameClockInVisit: a visit's program starts the frame clock from its
// Init, waking for its first frame, and every key asks for the two ticks
// after it, all on the program's one tick grid. A visitor shown a cached
// first frame has no program until the first key.
func TestFrameClockInVisit(t *testing.T) {
	rec := &wakeRecorder{}
	ts := newTestServer(t, func(c *Config) { c.UISleep, c.UIPrestart = time.Hour, 0 }, func(s *Server) {
		s.waker.Close()
		s.waker = rec
	})
	ts.waitServing(t)
	key := frameKey{width: 89, height: 33, profile: colorprofile.ANSI256, form: true, term: "xterm-256color"}
	for range 2 {
		cached := cachedFrame(key) != nil
		vt := openVTermSize(t, ts, 89, 33)
		started := rec.take()
		switch {
		case cached && len(started) != 0:
			t.Errorf("cached first frame shown: woken at %v, want nothing (no program yet)", started)
		case !cached && (len(started) != 2 || started[1].Sub(started[0]) != framePeriod):
			t.Errorf("uncached first frame: woken at %v, want the program's first two ticks", started)
		}

		var grid time.Time // a tick of this program
		for _, k := range []string{"2", "3", "j"} {
			sent := time.Now()
			vt.send(k)
			var ats []time.Time
			if !eventually(waitTimeout, func() bool { ats = append(ats, rec.take()...); return len(ats) >= 2 }) {
				t.Fatalf("key %q: woken at %v, want the two ticks after it", k, ats)
			}
			if grid.IsZero() {
				grid = ats[0]
			}
			for _, at := range append(started, ats...) {
				if at.Sub(grid)%framePeriod != 0 || (!at.After(sent) && !slices.Contains(started, at)) {
					t.Errorf("key %q sent at %v: woken at %v, off the program's ticks or before the key", k, sent, at)
				}
			}
		}
		vt.quit()
		rec.take() // the wakes for q's frame
	}
}
