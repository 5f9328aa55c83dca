package host

import (
	"runtime/debug"
	"sync"
	"time"
)

// memoryReleaser hands the memory of programs put to sleep back to the
// operating system. The Go runtime keeps freed heap for reuse and returns
// it only after later garbage collections, which an idle server rarely
// runs: without this, a burst of visitors would leave the process at its
// peak size long after they went idle.
type memoryReleaser struct {
	threshold int64         // bytes freed that are worth a release
	every     time.Duration // at most one release this often
	release   func()        // debug.FreeOSMemory, or a test's stand-in

	mu        sync.Mutex
	pending   int64 // bytes freed since the last release (estimated)
	last      time.Time
	scheduled bool
}

func newMemoryReleaser() *memoryReleaser {
	return &memoryReleaser{threshold: 64 << 20, every: 10 * time.Second, release: debug.FreeOSMemory}
}

// freed notes n bytes no longer in use and, once enough has piled up,
// schedules a release. A release is a full garbage collection, so it is
// rate-limited: its cost stays a small fraction of the memory it returns.
func (r *memoryReleaser) freed(n int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.pending += n
	if r.scheduled || r.pending < r.threshold {
		return
	}
	r.scheduled = true
	time.AfterFunc(max(time.Until(r.last.Add(r.every)), 0), func() {
		r.mu.Lock()
		r.pending = 0 // what is freed from here on waits for the next release
		r.mu.Unlock()
		r.release()
		r.mu.Lock()
		r.scheduled, r.last = false, time.Now()
		r.mu.Unlock()
	})
}

// programBytes estimates the heap a sleeping program frees: the renderer's
// two cell buffers (~112 bytes a cell each) and a little besides.
func programBytes(width, height int) int64 {
	return int64(width)*int64(height)*2*112 + 32<<10
}
