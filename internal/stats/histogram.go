package stats

import "time"

// HistogramBounds are the upper bounds, in seconds, of a Histogram's
// buckets; the last bucket holds everything longer. A fixed, small set
// keeps a day's record bounded however many visitors read.
var HistogramBounds = [...]float64{5, 10, 20, 30, 45, 60, 90, 120, 180, 300, 600, 900, 1800, 3600}

// Histogram counts durations into the buckets of HistogramBounds, plus one
// for longer ones.
type Histogram [len(HistogramBounds) + 1]int64

// Observe counts one duration.
func (h *Histogram) Observe(d time.Duration) {
	s := d.Seconds()
	for i, b := range HistogramBounds {
		if s <= b {
			h[i]++
			return
		}
	}
	h[len(HistogramBounds)]++
}

// Add adds o's counts to h.
func (h *Histogram) Add(o Histogram) {
	for i := range h {
		h[i] += o[i]
	}
}

// Count is how many durations h holds.
func (h Histogram) Count() int64 {
	var n int64
	for _, c := range h {
		n += c
	}
	return n
}

// Median estimates the median duration in seconds, interpolating within
// its bucket (as Prometheus' histogram_quantile does); 0 when empty. A
// median in the last, open bucket is reported as its lower bound.
func (h Histogram) Median() float64 {
	n := h.Count()
	if n == 0 {
		return 0
	}
	rank := float64(n) / 2
	var cum int64
	for i, c := range h {
		if c == 0 || float64(cum+c) < rank {
			cum += c
			continue
		}
		lo := 0.0
		if i > 0 {
			lo = HistogramBounds[i-1]
		}
		if i == len(HistogramBounds) {
			return lo
		}
		return lo + (HistogramBounds[i]-lo)*(rank-float64(cum))/float64(c)
	}
	return HistogramBounds[len(HistogramBounds)-1]
}
