package filestore

import (
	"sync"
	"time"

	"github.com/pragyamugale/portfolio/internal/inbox"
)

// fakeClock is a clock the test moves (as in package inbox's tests).
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

// validSub is a submission Validate accepts.
func validSub() inbox.Submission {
	return inbox.Submission{
		Name:        "Jane Doe",
		ReplyTo:     "jane@example.com",
		Message:     "Hello!\n\nLoved the portfolio.",
		Remote:      "192.0.2.1",
		Fingerprint: "SHA256:abc",
	}
}
