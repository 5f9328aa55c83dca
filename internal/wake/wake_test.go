package wake

import (
	"sort"
	"testing"
	"time"
)

func TestInstants(t *testing.T) {
	var h instants
	for _, x := range []int64{50, 10, 40, 5, 20, 30, 60} {
		h.add(x)
	}
	if h[0] != 5 {
		t.Errorf("earliest = %d, want 5", h[0])
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
