package inbox

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func TestLimiterPerIP(t *testing.T) {
	clk := newFakeClock()
	l := NewLimiter(5, clk.Now)
	for i := range 5 {
		if _, ok := l.Allow("192.0.2.1", ""); !ok {
			t.Fatalf("message %d refused", i+1)
		}
		if _, ok := l.Allow("192.0.2.1", ""); !ok {
			t.Fatal("Allow consumed the limit")
		}
		l.Record("192.0.2.1", "")
		clk.Advance(time.Minute)
	}
	wait, ok := l.Allow("192.0.2.1", "")
	if ok {
		t.Fatal("6th message in an hour allowed")
	}
	// The first was counted 5 minutes ago: it leaves the window in 55.
	if wait != 55*time.Minute {
		t.Errorf("retryAfter = %v, want 55m", wait)
	}
	if _, ok := l.Allow("192.0.2.2", ""); !ok {
		t.Error("another IP was limited")
	}
}

func TestLimiterPerFingerprint(t *testing.T) {
	clk := newFakeClock()
	l := NewLimiter(5, clk.Now)
	for i := range 5 {
		ip := fmt.Sprintf("192.0.2.%d", i+1)
		if _, ok := l.Allow(ip, "SHA256:key"); !ok {
			t.Fatalf("message %d refused", i+1)
		}
		l.Record(ip, "SHA256:key")
	}
	if _, ok := l.Allow("198.51.100.1", "SHA256:key"); ok {
		t.Error("the same key from a new IP was allowed a 6th message")
	}
	if _, ok := l.Allow("198.51.100.1", ""); !ok {
		t.Error("the new IP without the key was limited")
	}
	if _, ok := l.Allow("198.51.100.1", "SHA256:other"); !ok {
		t.Error("another key was limited")
	}
}

func TestLimiterWindowSlides(t *testing.T) {
	clk := newFakeClock()
	l := NewLimiter(2, clk.Now)
	l.Record("ip", "")            // t=0
	clk.Advance(40 * time.Minute) //
	l.Record("ip", "")            // t=40m
	clk.Advance(10 * time.Minute) // t=50m
	wait, ok := l.Allow("ip", "")
	if ok || wait != 10*time.Minute {
		t.Fatalf("Allow = %v, %v; want blocked for 10m", wait, ok)
	}
	clk.Advance(wait - time.Second)
	if _, ok := l.Allow("ip", ""); ok {
		t.Fatal("allowed a second early")
	}
	clk.Advance(time.Second) // t=60m: the first leaves the window
	if _, ok := l.Allow("ip", ""); !ok {
		t.Fatal("still blocked once the oldest left the window")
	}
	l.Record("ip", "") // t=60m
	wait, ok = l.Allow("ip", "")
	if ok || wait != 40*time.Minute { // until the t=40m one leaves
		t.Fatalf("Allow = %v, %v; want blocked for 40m", wait, ok)
	}
}

func TestLimiterUnlimited(t *testing.T) {
	l := NewLimiter(0, nil)
	for range 100 {
		if _, ok := l.Allow("ip", "fp"); !ok {
			t.Fatal("unlimited limiter refused")
		}
		l.Record("ip", "fp")
	}
	if l.size() != 0 {
		t.Error("unlimited limiter kept state")
	}
}

func TestLimiterMemory(t *testing.T) {
	clk := newFakeClock()
	l := NewLimiter(5, clk.Now)
	for i := range 1000 {
		l.Record(fmt.Sprintf("10.0.%d.%d", i/256, i%256), fmt.Sprintf("SHA256:%d", i))
	}
	if n := l.size(); n != 2000 {
		t.Fatalf("tracking %d senders, want 2000", n)
	}
	clk.Advance(30 * time.Minute)
	l.Record("10.9.9.9", "")
	clk.Advance(31 * time.Minute) // the first 1000 senders' windows are empty
	l.Allow("192.0.2.1", "")
	if n := l.size(); n != 1 {
		t.Fatalf("after the window passed: tracking %d senders, want 1", n)
	}

	// Hard cap: the least recently active are evicted.
	l = NewLimiter(5, clk.Now)
	l.maxKeys = 10
	for i := range 25 {
		l.Record(fmt.Sprintf("ip%d", i), "")
		clk.Advance(time.Second)
	}
	if n := l.size(); n != 10 {
		t.Fatalf("tracking %d senders, want the cap of 10", n)
	}
	if _, ok := l.keys["ip:ip24"]; !ok {
		t.Error("the newest sender was evicted")
	}
	if _, ok := l.keys["ip:ip0"]; ok {
		t.Error("the oldest sender was kept")
	}
}

func TestLimitKey(t *testing.T) {
	for in, want := range map[string]string{
		"203.0.113.7":          "203.0.113.7",
		"2001:db8:1:2:3:4:5:6": "2001:db8:1:2::/64",
		"2001:db8:1:2:ffff::1": "2001:db8:1:2::/64",
		"::ffff:203.0.113.7":   "::ffff:203.0.113.7",
		"not an ip":            "not an ip",
		"fe80::1":              "fe80::/64",
		"2001:db8:1:3:3:4:5:6": "2001:db8:1:3::/64",
	} {
		if got := LimitKey(in); got != want {
			t.Errorf("LimitKey(%q) = %q, want %q", in, got, want)
		}
	}
	// Two addresses of one /64 share a message budget.
	l := NewLimiter(1, nil)
	l.Record("2001:db8:1:2::1", "")
	if _, ok := l.Allow("2001:db8:1:2::99", ""); ok {
		t.Error("another address in the same /64 got a fresh budget")
	}
	if _, ok := l.Allow("2001:db8:1:3::1", ""); !ok {
		t.Error("a different /64 was limited")
	}
}
