package wake

import (
	"errors"
	"runtime"
	"sort"
	"syscall"
	"testing"
	"time"
)

func TestInstants(t *testing.T) {
	var h instants
	for _, x := range []int64{50, 10, 40, 20, 30} {
		h.add(x)
	}
	if !h.add(5) {
		t.Error("add(5): not reported as the earliest")
	}
	if h.add(60) {
		t.Error("add(60): reported as the earliest")
	}
	if next := h.expire(20); next != 30 {
		t.Errorf("expire(20) = %d, want 30", next)
	}
	if next := h.expire(60); next != 0 || h.Len() != 0 {
		t.Errorf("expire(60) = %d with %d left, want 0 and none", next, h.Len())
	}
}

func TestInstantsBound(t *testing.T) {
	var h instants
	for i := range maxPending + 10 {
		h.add(int64(maxPending + 10 - i))
	}
	if h.Len() != maxPending {
		t.Fatalf("%d instants held, want the bound %d", h.Len(), maxPending)
	}
}

// TestWakerFires checks every instant asked for is woken for, in order,
// and that a Waker closes cleanly.
func TestWakerFires(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("a Waker does nothing here")
	}
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
		w.mu.Lock()
		fired, left := w.fired, w.due.Len()
		w.mu.Unlock()
		if left == 0 && fired >= 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 10s: %d wakes, %d instants still due", fired, left)
		}
		time.Sleep(time.Millisecond)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	w.At(time.Now()) // after Close: ignored, no panic
}

func TestNilWaker(t *testing.T) {
	var w *Waker
	w.At(time.Now())
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkTickerLateness reports how late a 120 fps ticker fires in an
// idle process, with and without a Waker asked for each tick: the
// measurement behind this package (see BENCHMARKS.md).
func BenchmarkTickerLateness(b *testing.B) {
	for _, withWaker := range []bool{false, true} {
		name := "plain"
		if withWaker {
			name = "waker"
		}
		b.Run(name, func(b *testing.B) {
			var w *Waker
			if withWaker {
				var err error
				if w, err = New(); err != nil {
					b.Fatal(err)
				}
				defer w.Close()
			}
			period := time.Second / 120
			late := make([]time.Duration, 0, b.N)
			start := time.Now()
			tk := time.NewTicker(period)
			defer tk.Stop()
			for i := 1; i <= b.N; i++ {
				due := start.Add(time.Duration(i) * period)
				w.At(due)
				<-tk.C
				late = append(late, time.Since(due))
			}
			sort.Slice(late, func(i, j int) bool { return late[i] < late[j] })
			b.ReportMetric(float64(late[len(late)/2].Microseconds()), "µs-late-p50")
			b.ReportMetric(float64(late[len(late)*9/10].Microseconds()), "µs-late-p90")
		})
	}
}
