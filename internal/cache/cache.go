// Package cache holds rendered output shared by every session: a map safe
// for concurrent use with a bound on its size, so visitors cycling window
// sizes can't grow it without limit.
package cache

import "sync"

// Bounded is a concurrency-safe map that is emptied when it reaches its
// bound. Its entries are cheap to make again (renders), and the bound is
// far above what normal traffic fills, so emptying it outright is simpler
// and as good as evicting one entry at a time.
type Bounded[K comparable, V any] struct {
	mu  sync.Mutex
	m   map[K]V
	max int
}

// New returns an empty cache holding at most max entries.
func New[K comparable, V any](max int) *Bounded[K, V] {
	return &Bounded[K, V]{m: map[K]V{}, max: max}
}

// Get returns the entry for k, if there is one.
func (c *Bounded[K, V]) Get(k K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[k]
	return v, ok
}

// Put stores v for k.
func (c *Bounded[K, V]) Put(k K, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.put(k, v)
}

// GetOrAdd returns the entry for k, storing make() first if there is none,
// in one step: concurrent callers for the same k get the same entry.
func (c *Bounded[K, V]) GetOrAdd(k K, make func() V) V {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[k]
	if !ok {
		v = make()
		c.put(k, v)
	}
	return v
}

// Len is the number of entries.
func (c *Bounded[K, V]) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m)
}

func (c *Bounded[K, V]) put(k K, v V) {
	if _, ok := c.m[k]; !ok && len(c.m) >= c.max {
		clear(c.m)
	}
	c.m[k] = v
}
