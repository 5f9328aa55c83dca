package cache

import (
	"sync"
	"testing"
)

// TestBounded: entries come back; the cache never holds more than its
// bound; replacing an entry never empties it.
func TestBounded(t *testing.T) {
	c := New[int, string](3)
	for i := range 3 {
		c.Put(i, "v")
	}
	c.Put(2, "w") // a replacement, not a new entry
	if v, ok := c.Get(2); !ok || v != "w" || c.Len() != 3 {
		t.Fatalf("Get(2) = %q, %v; Len %d", v, ok, c.Len())
	}
	c.Put(3, "x") // over the bound: emptied first
	if c.Len() != 1 {
		t.Errorf("Len %d after passing the bound, want 1", c.Len())
	}
	if _, ok := c.Get(0); ok {
		t.Errorf("an entry survived the emptying")
	}
}

// TestGetOrAdd: concurrent callers for one key share one entry, made once.
func TestGetOrAdd(t *testing.T) {
	c := New[string, *int](10)
	var made int
	var mu sync.Mutex
	var wg sync.WaitGroup
	got := make([]*int, 50)
	for i := range got {
		wg.Go(func() {
			got[i] = c.GetOrAdd("k", func() *int {
				mu.Lock()
				made++
				mu.Unlock()
				return new(int)
			})
		})
	}
	wg.Wait()
	if made != 1 {
		t.Errorf("made %d entries, want 1", made)
	}
	for _, p := range got {
		if p != got[0] {
			t.Fatal("callers got different entries")
		}
	}
}
