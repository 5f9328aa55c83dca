package wake

import (
	"errors"
	"syscall"
	"testing"
	"time"
)

// TestWakerFires checks that every instant asked for, in any order, is
// woken for, and that a Waker closes cleanly.
func TestWakerFires(t *testing.T) {
	w, err := New()
	if errors.Is(err, syscall.ENOSYS) || errors.Is(err, syscall.EPERM) {
		t.Skipf("no timerfd in this sandbox: %v", err) // the server runs without one too
	}
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	// Asked out of order; far enough apart to be read one by one.
	for _, d := range []time.Duration{30, 10, 20} {
		w.At(now.Add(d * time.Millisecond))
	}
	w.At(now.Add(-time.Second)) // already past: at once
	deadline := time.Now().Add(10 * time.Second)
	for {
		// Only the loop, woken by the timerfd, drops instants that are due.
		w.mu.Lock()
		left := w.due.Len()
		w.mu.Unlock()
		if left == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 10s: %d instants still due", left)
		}
		time.Sleep(time.Millisecond)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	w.At(time.Now()) // after Close: ignored, no panic
}
