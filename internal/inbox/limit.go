package inbox

import (
	"container/list"
	"net/netip"
	"sync"
	"time"
)

const (
	limitWindow  = time.Hour
	limitMaxKeys = 100_000 // IPs + fingerprints + networks tracked at once
	// SiteFactor is how many senders' allowances one IPv6 /48 (a site: a
	// company, a campus, a home with a large delegation) gets together.
	SiteFactor = 4
)

// Limiter caps messages per sender over a sliding one-hour window, per
// client IP and, when there is one, per key fingerprint (so a key can't
// dodge the limit by changing IPs). On top of that, shared limits: an
// IPv6 /48 together gets SiteFactor senders' allowance, and everyone
// together a total per hour. Memory is bounded: senders whose window is
// empty are forgotten, and at most 100k are tracked (the least recently
// active are dropped first). It is safe for concurrent use.
type Limiter struct {
	mu      sync.Mutex
	perHour int
	total   int         // everyone together; <= 0 unlimited
	all     []time.Time // every message in the window, ascending; at most total
	now     func() time.Time
	maxKeys int
	keys    map[string]*list.Element // of *limitBucket
	order   *list.List               // least recently recorded first
}

type limitBucket struct {
	key   string
	times []time.Time // ascending; at most perHour
}

// NewLimiter returns a limiter allowing perHour messages per sender per
// hour; perHour <= 0 means unlimited. now is the clock (nil: time.Now).
func NewLimiter(perHour int, now func() time.Time) *Limiter {
	if now == nil {
		now = time.Now
	}
	return &Limiter{
		perHour: perHour,
		now:     now,
		maxKeys: limitMaxKeys,
		keys:    make(map[string]*list.Element),
		order:   list.New(),
	}
}

// LimitKey is the key a per-address limit counts ip under: an IPv4
// address as it is, an IPv6 address by its /64, since a single client
// commonly holds a whole /64 and could otherwise take a fresh address for
// every try. Anything that isn't an IP is used as given.
func LimitKey(ip string) string {
	addr, err := netip.ParseAddr(ip)
	if err != nil || addr.Is4() || addr.Is4In6() {
		return ip
	}
	p, _ := addr.Prefix(64)
	return p.String()
}

// WithTotal caps the messages from everyone together at total an hour
// (<= 0: no cap) and returns l.
func (l *Limiter) WithTotal(total int) *Limiter {
	l.total = total
	return l
}

// SiteKey is the IPv6 /48 that ip belongs to, the usual allocation to one
// site, or "" for anything else.
func SiteKey(ip string) string {
	addr, err := netip.ParseAddr(ip)
	if err != nil || addr.Is4() || addr.Is4In6() {
		return ""
	}
	p, _ := addr.Prefix(48)
	return p.String()
}

// limitKeys are the sender's own keys: what Allow checks.
func limitKeys(remote, fingerprint string) []string {
	keys := []string{"ip:" + LimitKey(remote)}
	if fingerprint != "" {
		keys = append(keys, "fp:"+fingerprint)
	}
	return keys
}

// sharedKey is the key of the sender's network, counted for Busy; "" if
// there is none.
func sharedKey(remote string) string {
	if site := SiteKey(remote); site != "" {
		return "net:" + site
	}
	return ""
}

// Allow reports whether the sender may send a message now, without
// counting one. If not, retryAfter is how long until the oldest counted
// message leaves the window.
func (l *Limiter) Allow(remote, fingerprint string) (retryAfter time.Duration, ok bool) {
	if l == nil || l.perHour <= 0 {
		return 0, true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.prune(now)
	ok = true
	for _, k := range limitKeys(remote, fingerprint) {
		e, found := l.keys[k]
		if !found {
			continue
		}
		times := inWindow(e.Value.(*limitBucket).times, now)
		if len(times) < l.perHour {
			continue
		}
		ok = false
		if wait := times[len(times)-l.perHour].Add(limitWindow).Sub(now); wait > retryAfter {
			retryAfter = wait
		}
	}
	return retryAfter, ok
}

// Busy reports whether a shared limit stops the sender now: their IPv6
// network's, or everyone's together. It says nothing about the sender's
// own count (see Allow), nor anyone else's.
func (l *Limiter) Busy(remote string) bool {
	if l == nil {
		return false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.prune(now)
	if l.total > 0 && len(inWindow(l.all, now)) >= l.total {
		return true
	}
	if k := sharedKey(remote); k != "" && l.perHour > 0 {
		if e, found := l.keys[k]; found {
			return len(inWindow(e.Value.(*limitBucket).times, now)) >= SiteFactor*l.perHour
		}
	}
	return false
}

// Record counts one message against the sender, their network and
// everyone.
func (l *Limiter) Record(remote, fingerprint string) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if l.total > 0 {
		l.all = keepLast(append(inWindow(l.all, now), now), l.total)
	}
	if l.perHour <= 0 {
		return
	}
	l.prune(now)
	for _, k := range limitKeys(remote, fingerprint) {
		l.count(k, l.perHour, now)
	}
	if k := sharedKey(remote); k != "" {
		l.count(k, SiteFactor*l.perHour, now)
	}
}

// count adds a message at now to key's window, which keeps at most max.
func (l *Limiter) count(key string, max int, now time.Time) {
	e, found := l.keys[key]
	if !found {
		for len(l.keys) >= l.maxKeys {
			l.remove(l.order.Front())
		}
		e = l.order.PushBack(&limitBucket{key: key})
		l.keys[key] = e
	} else {
		l.order.MoveToBack(e)
	}
	b := e.Value.(*limitBucket)
	b.times = keepLast(append(inWindow(b.times, now), now), max)
}

// keepLast keeps the last max times, reallocating now and then so the
// backing array doesn't creep.
func keepLast(times []time.Time, max int) []time.Time {
	if over := len(times) - max; over > 0 {
		times = times[over:]
	}
	if cap(times) > 2*max+8 {
		times = append([]time.Time(nil), times...)
	}
	return times
}

// inWindow drops the times that have left the window.
func inWindow(times []time.Time, now time.Time) []time.Time {
	i := 0
	for i < len(times) && now.Sub(times[i]) >= limitWindow {
		i++
	}
	return times[i:]
}

// prune forgets senders whose window is empty. The list is in order of
// last message, so it stops at the first sender still in the window.
func (l *Limiter) prune(now time.Time) {
	for e := l.order.Front(); e != nil; e = l.order.Front() {
		b := e.Value.(*limitBucket)
		if len(b.times) > 0 && now.Sub(b.times[len(b.times)-1]) < limitWindow {
			return
		}
		l.remove(e)
	}
}

func (l *Limiter) remove(e *list.Element) {
	delete(l.keys, e.Value.(*limitBucket).key)
	l.order.Remove(e)
}

// size is the number of senders tracked (for tests).
func (l *Limiter) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.keys)
}
