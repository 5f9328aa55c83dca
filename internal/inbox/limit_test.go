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

func TestLimiterTotal(t *testing.T) {
	clk := newFakeClock()
	l := NewLimiter(5, clk.Now).WithTotal(3)
	for i := range 3 {
		ip := fmt.Sprintf("192.0.2.%d", i+1)
		if l.Busy(ip) {
			t.Fatalf("busy before message %d of 3", i+1)
		}
		l.Record(ip, "")
		clk.Advance(10 * time.Minute)
	}
	// A newcomer is stopped by the total, but their own limit is untouched:
	// nothing about the others' counts reaches them through Allow.
	if !l.Busy("198.51.100.1") {
		t.Error("total of 3 reached, a newcomer still allowed")
	}
	if _, ok := l.Allow("198.51.100.1", ""); !ok {
		t.Error("the total showed up in a newcomer's own limit")
	}
	// The window slides: the first message leaves it an hour after it came.
	clk.Advance(30 * time.Minute)
	if l.Busy("198.51.100.1") {
		t.Error("still busy after the first message left the window")
	}
	// Without a per-sender limit, the total still holds.
	u := NewLimiter(0, clk.Now).WithTotal(1)
	u.Record("192.0.2.1", "")
	if !u.Busy("192.0.2.2") {
		t.Error("total ignored without a per-sender limit")
	}
}

func TestLimiterSlash48(t *testing.T) {
	clk := newFakeClock()
	const perHour = 2
	l := NewLimiter(perHour, clk.Now)
	// Every /64 of one /48 sends within its own limit...
	for i := range SiteFactor * perHour {
		ip := fmt.Sprintf("2001:db8:7:%x::1", i/perHour)
		if _, ok := l.Allow(ip, ""); !ok {
			t.Fatalf("message %d: own limit reached", i+1)
		}
		if l.Busy(ip) {
			t.Fatalf("message %d: busy before the /48 reached %d", i+1, SiteFactor*perHour)
		}
		l.Record(ip, "")
	}
	// ...until the /48 together has sent SiteFactor senders' worth.
	fresh := "2001:db8:7:ff::1"
	if _, ok := l.Allow(fresh, ""); !ok {
		t.Error("a fresh /64 was limited by its own count")
	}
	if !l.Busy(fresh) {
		t.Errorf("a /48 sent %d messages, a fresh /64 in it still allowed", SiteFactor*perHour)
	}
	if l.Busy("2001:db8:8::1") || l.Busy("192.0.2.1") {
		t.Error("another /48, or IPv4, was stopped by this /48")
	}
	for in, want := range map[string]string{
		"2001:db8:7:ff::1":   "2001:db8:7::/48",
		"203.0.113.7":        "",
		"::ffff:203.0.113.7": "",
		"not an ip":          "",
	} {
		if got := SiteKey(in); got != want {
			t.Errorf("SiteKey(%q) = %q, want %q", in, got, want)
		}
	}
}

// One time format for "try again in …" in every channel, rounded up.
func TestWait(t *testing.T) {
	for d, want := range map[time.Duration]string{
		-time.Second:                      "1 s",
		0:                                 "1 s",
		300 * time.Millisecond:            "1 s",
		30 * time.Second:                  "30 s",
		59*time.Second + time.Millisecond: "1 min",
		time.Minute:                       "1 min",
		61 * time.Second:                  "2 min",
		55 * time.Minute:                  "55 min",
		59*time.Minute + time.Second:      "1 h",
		time.Hour:                         "1 h",
		65 * time.Minute:                  "1 h 5 min",
		90*time.Minute + time.Second:      "1 h 31 min",
		2 * time.Hour:                     "2 h",
	} {
		if got := Wait(d); got != want {
			t.Errorf("Wait(%s) = %q, want %q", d, got, want)
		}
	}
	if got := (&RateLimitError{RetryAfter: 55 * time.Minute}).Error(); got != "too many messages: try again in 55 min" {
		t.Errorf("RateLimitError = %q", got)
	}
}
