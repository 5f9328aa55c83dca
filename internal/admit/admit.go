// Package admit is the one admission for visitors' sessions: both doors
// (SSH in server/, the browser's live terminal in web/) ask an
// [Admission] for a slot before a session runs, and a shutdown waits on
// its count of the sessions in progress. The open-connection limits
// (--max-conns, --max-conns-per-ip) are one count for both doors
// ([Admission.Conns]): an SSH connection takes its slot when it is
// accepted, a web terminal when its socket is admitted. Each door keeps
// its own session rate ([Door]). [Plan] splits the process's file
// descriptors between the doors, with a reserve for the data files.
package admit

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// Reasons a session is refused, as the doors' metrics label them.
const (
	Stopping      = "stopping"
	MaxConns      = "max-conns"
	MaxConnsPerIP = "max-conns-per-ip"
	SessionRate   = "session-rate"
)

// Restarting is what a visitor is told, at every door, when the portfolio
// stops: their session ends, or a new one is refused.
const Restarting = "The portfolio is restarting for an update. Thanks for visiting: please reconnect in a minute."

// Refusal is a session turned away: its door words it for the visitor.
type Refusal struct {
	Reason string        // one of the reasons above
	Wait   time.Duration // for SessionRate: until a new session is allowed
}

func (r *Refusal) Error() string {
	if r.Reason == SessionRate {
		return fmt.Sprintf("%s (wait %s)", r.Reason, r.Wait)
	}
	return r.Reason
}

// Admission counts every door's sessions and knows when the portfolio
// stops taking new ones.
type Admission struct {
	stopping atomic.Bool
	active   atomic.Int64
	conns    *ConnLimiter
}

// NewLimited makes an admission whose doors share one cap on open
// connections: max in all and perIP per address (IPv6 by /64, as the
// doors key it); 0 = no limit.
func NewLimited(max, perIP int) *Admission {
	return &Admission{conns: NewConnLimiter(max, perIP)}
}

// Conns is the one count of open connections every door shares: SSH
// connections (taken before their handshake) and web terminals (taken by
// a Door with Limits.Counted).
func (a *Admission) Conns() *ConnLimiter { return a.conns }

// Stop refuses every session from now on; those in progress go on.
func (a *Admission) Stop() { a.stopping.Store(true) }

// Stopping reports whether Stop has been called.
func (a *Admission) Stopping() bool { return a.stopping.Load() }

// Active is the number of sessions in progress through every door.
func (a *Admission) Active() int64 { return a.active.Load() }

// Limits are one door's limits on sessions; 0 = no limit.
type Limits struct {
	// Counted: each session takes a slot of the admission's shared
	// count of open connections (Conns), in all and per address. A door
	// that counts its connections itself, before any session (SSH, before
	// its handshake), leaves it false.
	Counted bool
	// PerMinute is the new sessions allowed per address per minute, with
	// a small burst.
	PerMinute int
}

// Door is one door's way in.
type Door struct {
	a      *Admission
	open   *ConnLimiter // nil: the door's sessions are counted elsewhere
	rate   *RateLimiter
	active atomic.Int64
}

// Door adds a door with its limits.
func (a *Admission) Door(l Limits) *Door {
	d := &Door{a: a, rate: NewRateLimiter(l.PerMinute)}
	if l.Counted {
		d.open = a.conns
	}
	return d
}

// Active is the number of this door's sessions in progress.
func (d *Door) Active() int64 { return d.active.Load() }

// Admit asks for a slot for a session from key (the visitor's address as
// the door keys its limits). The session is counted in progress unless
// the door is full; release ends it and must be called, refused or not,
// once the door has told the visitor (a shutdown waits for it).
func (d *Door) Admit(key string) (release func(), refused *Refusal) {
	if d.open != nil {
		if !d.open.AcquireGlobal() {
			return func() {}, &Refusal{Reason: MaxConns}
		}
		if !d.open.AcquireIP(key) {
			d.open.ReleaseGlobal()
			return func() {}, &Refusal{Reason: MaxConnsPerIP}
		}
	}
	d.active.Add(1)
	d.a.active.Add(1)
	var once sync.Once
	release = func() {
		once.Do(func() {
			if d.open != nil {
				d.open.ReleaseIP(key)
				d.open.ReleaseGlobal()
			}
			d.active.Add(-1)
			d.a.active.Add(-1)
		})
	}
	if d.a.Stopping() {
		return release, &Refusal{Reason: Stopping}
	}
	if wait, ok := d.rate.Allow(key, time.Now()); !ok {
		return release, &Refusal{Reason: SessionRate, Wait: wait}
	}
	return release, nil
}

// ConnLimiter caps open connections (or sessions), globally and per
// source IP.
type ConnLimiter struct {
	max, perIP int // 0 = no limit
	mu         sync.Mutex
	total      int
	byIP       map[string]int
}

// NewConnLimiter caps at max in all and perIP per address; 0 = no limit.
func NewConnLimiter(max, perIP int) *ConnLimiter {
	return &ConnLimiter{max: max, perIP: perIP, byIP: map[string]int{}}
}

// AcquireGlobal takes a slot from the global cap. It comes before reading
// the client's address, which behind a proxy means reading its PROXY
// header: a flood of connections that never send one must still count.
func (l *ConnLimiter) AcquireGlobal() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.max > 0 && l.total >= l.max {
		return false
	}
	l.total++
	return true
}

// ReleaseGlobal gives back a slot of the global cap.
func (l *ConnLimiter) ReleaseGlobal() {
	l.mu.Lock()
	l.total--
	l.mu.Unlock()
}

// AcquireIP takes a slot from ip's cap.
func (l *ConnLimiter) AcquireIP(ip string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.perIP > 0 && l.byIP[ip] >= l.perIP {
		return false
	}
	l.byIP[ip]++
	return true
}

// ReleaseIP gives back a slot of ip's cap.
func (l *ConnLimiter) ReleaseIP(ip string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.byIP[ip]--; l.byIP[ip] <= 0 {
		delete(l.byIP, ip)
	}
}

// Open is the number of counted connections.
func (l *ConnLimiter) Open() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.total
}

// RateLimiter is a token bucket per source IP for new sessions.
type RateLimiter struct {
	perMinute int
	burst     int
	mu        sync.Mutex
	buckets   map[string]*bucket
	lastSweep time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

// NewRateLimiter allows perMinute new sessions per address; 0 = no limit.
func NewRateLimiter(perMinute int) *RateLimiter {
	return &RateLimiter{
		perMinute: perMinute,
		// A small burst: reconnecting a few times in a row is normal.
		burst:   max(1, min(perMinute, 5)),
		buckets: map[string]*bucket{},
	}
}

// Allow takes a token for ip, or says how long until one is free.
func (r *RateLimiter) Allow(ip string, now time.Time) (wait time.Duration, ok bool) {
	if r.perMinute <= 0 {
		return 0, true
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sweep(now)
	b := r.buckets[ip]
	if b == nil {
		b = &bucket{lim: rate.NewLimiter(rate.Limit(float64(r.perMinute)/60), r.burst)}
		r.buckets[ip] = b
	}
	b.seen = now
	res := b.lim.ReserveN(now, 1)
	if d := res.DelayFrom(now); d > 0 {
		res.CancelAt(now)
		return d, false
	}
	return 0, true
}

// sweep forgets IPs whose bucket has refilled, so the map stays as small
// as the set of recent visitors.
func (r *RateLimiter) sweep(now time.Time) {
	if now.Sub(r.lastSweep) < time.Minute {
		return
	}
	r.lastSweep = now
	full := time.Duration(float64(r.burst) / float64(r.perMinute) * float64(time.Minute))
	for ip, b := range r.buckets {
		if now.Sub(b.seen) > full {
			delete(r.buckets, ip)
		}
	}
}
