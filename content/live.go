package content

import "sync/atomic"

// Live is the portfolio being served: one value, swapped whole when its
// files are read again (a reload), that every door and the visit runner
// read per visit or per request. A *Portfolio is never changed once
// loaded, so what a reader got stays whole while a newer one is stored;
// a new pointer is a new version, which caches key on.
type Live struct {
	cur atomic.Pointer[Version]
}

// Version is one loaded portfolio and its number: 1 for the portfolio
// the server started with, one more at every reload.
type Version struct {
	*Portfolio
	N uint64
}

// NewLive serves pf as version 1.
func NewLive(pf *Portfolio) *Live {
	l := &Live{}
	l.cur.Store(&Version{Portfolio: pf, N: 1})
	return l
}

// Load is the portfolio to serve now.
func (l *Live) Load() *Portfolio { return l.cur.Load().Portfolio }

// Version is the portfolio to serve now with its number.
func (l *Live) Version() *Version { return l.cur.Load() }

// Store serves pf from now on and returns its version number.
func (l *Live) Store(pf *Portfolio) uint64 {
	for {
		old := l.cur.Load()
		v := &Version{Portfolio: pf, N: old.N + 1}
		if l.cur.CompareAndSwap(old, v) {
			return v.N
		}
	}
}
