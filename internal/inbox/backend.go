package inbox

import "fmt"

// Appender is where Service stores messages: the data directory (package
// inbox/filestore) or a shared database (package pgstore). Append returns
// only once the message is durable, and every error wraps ErrStorage,
// except a *DuplicateError.
type Appender interface {
	Append(Message) (Message, error)
}

// DuplicateError is what a shared store returns when the same sender sent
// the same text less than a minute ago, possibly through another machine:
// nothing new is stored, and Stored is the message kept.
type DuplicateError struct {
	Stored Message
}

func (e *DuplicateError) Error() string {
	return fmt.Sprintf("duplicate of message %s", e.Stored.ID)
}

// Changes tells subscribers that something changed, for the stores
// (their Subscribe): bursts coalesce into one wake-up and Publish never
// blocks. The zero value is ready to use.
type Changes struct{ c changes }

// Subscribe returns a channel woken after changes, and the function that
// ends the subscription (safe to call more than once).
func (c *Changes) Subscribe() (<-chan struct{}, func()) { return c.c.subscribe() }

// Publish wakes every subscriber that isn't already due to wake.
func (c *Changes) Publish() { c.c.publish() }
