package inbox

import "sync"

// changes tells subscribers that something changed. Each subscriber has a
// one-slot channel: a burst of changes coalesces into one wake-up, and a
// publisher never blocks on a slow subscriber.
type changes struct {
	mu   sync.Mutex
	subs map[chan struct{}]struct{}
}

// subscribe returns the channel and the function that ends the
// subscription (safe to call more than once).
func (c *changes) subscribe() (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	c.mu.Lock()
	if c.subs == nil {
		c.subs = make(map[chan struct{}]struct{})
	}
	c.subs[ch] = struct{}{}
	c.mu.Unlock()
	return ch, func() {
		c.mu.Lock()
		delete(c.subs, ch)
		c.mu.Unlock()
	}
}

// publish wakes every subscriber that isn't already due to wake.
func (c *changes) publish() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for ch := range c.subs {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}
