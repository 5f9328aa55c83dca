package wake

import (
	"fmt"
	"os"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// Waker wakes the scheduler at the instants given to At. It is safe for
// concurrent use; the zero value and a nil Waker do nothing.
type Waker struct {
	mu      sync.Mutex
	f       *os.File // the timerfd, read by the poller
	fd      int
	due     instants
	armed   int64 // the instant the timerfd is set for, 0 if disarmed
	closed  bool
	base    time.Time
	baseMon int64 // CLOCK_MONOTONIC at base, in nanoseconds
}

// New returns a Waker with its goroutine started. Close stops it.
func New() (*Waker, error) {
	fd, err := unix.TimerfdCreate(unix.CLOCK_MONOTONIC, unix.TFD_NONBLOCK|unix.TFD_CLOEXEC)
	if err != nil {
		return nil, os.NewSyscallError("timerfd_create", err)
	}
	// Go's monotonic clock is CLOCK_MONOTONIC: one reading taken next to
	// time.Now converts every later time.Time to the timerfd's clock.
	var ts unix.Timespec
	base := time.Now()
	if err := unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts); err != nil {
		unix.Close(fd)
		return nil, os.NewSyscallError("clock_gettime", err)
	}
	f := os.NewFile(uintptr(fd), "timerfd")
	// Only a file in the poller wakes it (and a Read of one that isn't
	// would return EAGAIN at once, forever).
	if err := f.SetReadDeadline(time.Time{}); err != nil {
		f.Close()
		return nil, fmt.Errorf("timerfd not pollable: %w", err)
	}
	w := &Waker{f: f, fd: fd, base: base, baseMon: ts.Nano()}
	go w.loop()
	return w, nil
}

// At asks for the scheduler to be awake at t (or at once, if t has
// passed), so that timers due by then run on time.
func (w *Waker) At(t time.Time) {
	if w == nil || w.f == nil {
		return
	}
	mono := since(w.base, w.baseMon, t)
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return
	}
	w.due.add(mono)
	// (The earliest instant, not mono: if arming ever failed, the next
	// call retries it.)
	if top := w.due[0]; w.armed == 0 || top < w.armed {
		w.arm(top)
	}
}

// arm sets the timerfd to expire once, at the monotonic instant mono (0
// disarms it). The caller holds mu.
func (w *Waker) arm(mono int64) {
	spec := unix.ItimerSpec{Value: unix.NsecToTimespec(mono)}
	if unix.TimerfdSettime(w.fd, unix.TFD_TIMER_ABSTIME, &spec, nil) == nil {
		w.armed = mono
	}
}

// loop reads the timerfd through the poller: each expiration wakes it,
// and it arms the timerfd for the next instant still to come.
func (w *Waker) loop() {
	var buf [8]byte
	for {
		if _, err := w.f.Read(buf[:]); err != nil {
			return // closed
		}
		w.mu.Lock()
		if w.closed {
			w.mu.Unlock()
			return // and the fd may be gone
		}
		w.armed = 0
		if next := w.due.expire(since(w.base, w.baseMon, time.Now())); next != 0 {
			w.arm(next)
		}
		w.mu.Unlock()
	}
}

// Close stops the Waker and releases its timerfd.
func (w *Waker) Close() error {
	if w == nil || w.f == nil {
		return nil
	}
	w.mu.Lock()
	w.closed = true
	w.mu.Unlock()
	return w.f.Close()
}
