package host

import (
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
