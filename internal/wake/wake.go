// Package wake wakes the Go scheduler at chosen instants, to the
// microsecond.
//
// Go's network poller sleeps in whole milliseconds (epoll_wait's timeout,
// runtime/netpoll_epoll.go), so in an otherwise idle process a timer or
// ticker fires up to a millisecond late: ~0.6 ms at the median for a
// 120 fps ticker, measured on a 2-core machine. Bubble Tea writes frames
// only on such a ticker, so every key press waited that much longer. A
// Waker arms a timer file descriptor (Linux's timerfd) in the same poller:
// it wakes the poller on time, and the scheduler then runs the timers that
// are due, the renderer's among them.
//
// A wake costs a thread wake-up (tens of microseconds of CPU), so callers
// ask for the few instants that matter, not for a steady rate. Elsewhere
// than Linux a Waker does nothing and timers keep their usual precision.
package wake

import (
	"container/heap"
	"time"
)

// maxPending bounds the instants a Waker holds. Wakes are only a nicety:
// past the bound, new ones are dropped rather than letting a flood of
// requests grow the heap.
const maxPending = 4096

// instants is a min-heap of monotonic clock readings, in nanoseconds.
type instants []int64

func (h instants) Len() int           { return len(h) }
func (h instants) Less(i, j int) bool { return h[i] < h[j] }
func (h instants) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *instants) Push(x any)        { *h = append(*h, x.(int64)) }
func (h *instants) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// add records t unless the heap is full.
func (h *instants) add(t int64) {
	if len(*h) < maxPending {
		heap.Push(h, t)
	}
}

// expire drops every instant at or before now, and returns the earliest
// one left (0 if none).
func (h *instants) expire(now int64) int64 {
	for len(*h) > 0 && (*h)[0] <= now {
		heap.Pop(h)
	}
	if len(*h) == 0 {
		return 0
	}
	return (*h)[0]
}

// since converts a time to nanoseconds on a monotonic clock whose reading
// at base was baseMono.
func since(base time.Time, baseMono int64, t time.Time) int64 {
	return baseMono + int64(t.Sub(base))
}
