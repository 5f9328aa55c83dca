package inbox

import (
	"container/list"
	"net/netip"
	"sync"
	"time"
)

const (
	limitWindow  = time.Hour
	limitMaxKeys = 100_000 // IPs + fingerprints tracked at once
)

// Limiter caps messages per sender over a sliding one-hour window, per
// client IP and, when there is one, per key fingerprint (so a key can't
// dodge the limit by changing IPs). Memory is bounded: senders whose
// window is empty are forgotten, and at most 100k are tracked (the least
// recently active are dropped first). It is safe for concurrent use.
type Limiter struct {
	mu      sync.Mutex
	perHour int
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

func limitKeys(remote, fingerprint string) []string {
	keys := []string{"ip:" + LimitKey(remote)}
	if fingerprint != "" {
		keys = append(keys, "fp:"+fingerprint)
	}
	return keys
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

// Record counts one message against the sender.
func (l *Limiter) Record(remote, fingerprint string) {
	if l == nil || l.perHour <= 0 {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.prune(now)
	for _, k := range limitKeys(remote, fingerprint) {
		e, found := l.keys[k]
		if !found {
			for len(l.keys) >= l.maxKeys {
				l.remove(l.order.Front())
			}
			e = l.order.PushBack(&limitBucket{key: k})
			l.keys[k] = e
		} else {
			l.order.MoveToBack(e)
		}
		b := e.Value.(*limitBucket)
		b.times = append(inWindow(b.times, now), now)
		if over := len(b.times) - l.perHour; over > 0 {
			b.times = b.times[over:]
		}
		// Reallocate now and then so the backing array doesn't creep.
		if cap(b.times) > 2*l.perHour+8 {
			b.times = append([]time.Time(nil), b.times...)
		}
	}
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
