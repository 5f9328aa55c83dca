package host

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// maxInputPerMinute caps a visitor's input: typing and pasting never
// come near it.
const maxInputPerMinute = 1 << 20

// Why a visit was ended by the host, shown to the visitor on the way out.
const (
	floodMessage = "Disconnected: your terminal sent more input than this app takes at once."
)

// warnBefore is how long before a timeout the visitor is warned.
func warnBefore(limit time.Duration) time.Duration {
	return min(time.Minute, limit/4)
}

// watchdog ends a visit that is idle too long, lasts too long, or sends
// too much input, warning the visitor first where it can. Idle means no
// input from the visitor: a transport's keepalives never reach the
// terminal's input, so they don't count.
type watchdog struct {
	idle, max time.Duration
	start     time.Time
	lastInput atomic.Int64 // unix nanoseconds

	mu         sync.Mutex
	ended      string // why the watchdog ended the visit
	idleWarned bool
	maxWarned  bool

	window   time.Time // only input touches these
	inWindow int
}

func newWatchdog(idle, maxSession time.Duration) *watchdog {
	w := &watchdog{idle: idle, max: maxSession, start: time.Now()}
	w.lastInput.Store(w.start.UnixNano())
	return w
}

// input notes n bytes of input at now, and reports false when they pass
// the budget of maxInputPerMinute: then the visit ends.
func (w *watchdog) input(n int, now time.Time) bool {
	w.lastInput.Store(now.UnixNano())
	if now.Sub(w.window) > time.Minute {
		w.window, w.inWindow = now, 0
	}
	w.inWindow += n
	return w.inWindow <= maxInputPerMinute
}

func (w *watchdog) endMessage() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.ended
}

func (w *watchdog) setEnd(msg string) string {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.ended == "" {
		w.ended = msg
	}
	return w.ended
}

// check acts on the deadlines that have passed at now: it returns a
// notice to show the visitor, or the message the visit ends with (also
// kept for endMessage), and when to check next. It is called from the
// visit's loop, so an idle visit wakes only at its deadlines.
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

// deadline is when a limit ends the visit, as things stand: the session's
// end or the idle end, whichever comes first; zero if neither applies.
func (w *watchdog) deadline() time.Time {
	var d time.Time
	if w.max > 0 {
		d = w.start.Add(w.max)
	}
	if w.idle > 0 {
		if idle := time.Unix(0, w.lastInput.Load()).Add(w.idle); d.IsZero() || idle.Before(d) {
			d = idle
		}
	}
	return d
}

// stuckGrace is how long past a limit a visit may take to end before the
// backstop closes its terminal: ending normally takes milliseconds (the
// notice, the program's quit, the restore), unless the visitor's client
// stopped reading and every write waits.
const stuckGrace = 3 * time.Second

// stuckMessage is why the backstop ended a visit (the visitor, not
// reading, is unlikely to see it).
const stuckMessage = "Disconnected: your terminal stopped reading what this app sends."

// ErrOutputStuck is Run's error when the visit outlived a limit because
// the visitor's client stopped reading its output, and the host closed
// the terminal to end it.
var ErrOutputStuck = errors.New("the visitor's terminal stopped reading its output")

// backstop ends a visit whose loop can't: once a limit has passed by
// stuckGrace (or stuckGrace after ending started) and the visit still
// hasn't ended, it closes the terminal, which unblocks its writes. It runs
// on its own timer, since a loop stuck behind a blocked write never sees
// its own.
type backstop struct {
	w     *watchdog
	close func() error

	mu      sync.Mutex
	t       *time.Timer
	ending  bool // the visit is ending: the deadline is now + stuckGrace
	endBy   time.Time
	stopped bool
	fired   bool // the backstop closed the terminal
}

func (w *watchdog) backstop(closeTerminal func() error) *backstop {
	b := &backstop{w: w, close: closeTerminal}
	b.mu.Lock()
	defer b.mu.Unlock()
	if d := w.deadline(); !d.IsZero() {
		b.t = time.AfterFunc(time.Until(d.Add(stuckGrace)), b.fire)
	}
	return b
}

func (b *backstop) fire() {
	b.mu.Lock()
	if b.stopped {
		b.mu.Unlock()
		return
	}
	due := b.endBy
	if !b.ending {
		due = b.w.deadline().Add(stuckGrace)
	}
	if time.Now().Before(due) {
		b.t.Reset(time.Until(due)) // input came since: the idle end moved
		b.mu.Unlock()
		return
	}
	b.fired = true
	b.mu.Unlock()
	b.w.setEnd(stuckMessage)
	_ = b.close()
}

// end says the visit is ending: what it still writes must leave within
// stuckGrace.
func (b *backstop) end() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.ending, b.endBy = true, time.Now().Add(stuckGrace)
	if b.t == nil {
		b.t = time.AfterFunc(stuckGrace, b.fire)
	} else {
		b.t.Reset(stuckGrace)
	}
}

// stop disarms the backstop, and reports whether it had fired.
func (b *backstop) stop() (fired bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.stopped = true
	if b.t != nil {
		b.t.Stop()
	}
	return b.fired
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
