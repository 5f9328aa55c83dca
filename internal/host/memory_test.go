package host

import (
	"sync"
	"testing"
	"time"
)

func TestMemoryReleaser(t *testing.T) {
	var mu sync.Mutex
	var times []time.Time
	r := &memoryReleaser{threshold: 100, every: 150 * time.Millisecond, release: func() {
		mu.Lock()
		times = append(times, time.Now())
		mu.Unlock()
	}}
	count := func() int { mu.Lock(); defer mu.Unlock(); return len(times) }
	r.freed(60)
	time.Sleep(20 * time.Millisecond)
	if n := count(); n != 0 {
		t.Fatalf("released after 60 of 100 bytes")
	}
	r.freed(60)
	if !eventually(waitTimeout, func() bool { return count() == 1 }) {
		t.Fatalf("no release after 120 bytes")
	}
	for range 5 {
		r.freed(100)
	}
	if !eventually(waitTimeout, func() bool { return count() == 2 }) {
		t.Fatalf("memory freed after a release was never released")
	}
	time.Sleep(200 * time.Millisecond)
	mu.Lock()
	defer mu.Unlock()
	if len(times) != 2 {
		t.Errorf("%d releases, want 2", len(times))
	}
	if gap := times[1].Sub(times[0]); gap < r.every {
		t.Errorf("releases %s apart, want ≥ %s", gap, r.every)
	}
}
