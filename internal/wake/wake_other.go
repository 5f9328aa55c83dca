//go:build !linux

package wake

import "time"

// Waker does nothing here: only Linux has the timerfd it needs. Timers
// keep the poller's usual precision.
type Waker struct{}

// New returns a Waker that does nothing.
func New() (*Waker, error) { return &Waker{}, nil }

// At does nothing.
func (w *Waker) At(time.Time) {}

// Close does nothing.
func (w *Waker) Close() error { return nil }
