// Package inbox is the domain of the messages visitors leave through the
// contact form: what a message is, how a submission is validated and
// sanitised, the limits on senders, and the Service the forms call, which
// stores through an Appender (the file store, package inbox/filestore, or
// PostgreSQL, package pgstore) and tells a Notifier (package notify).
//
// Nothing is acknowledged before the store says it is durable, and
// everything a visitor typed is sanitised before it is stored and again
// before it is shown.
package inbox

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Limits on what a visitor can send.
const (
	MaxName    = 64   // characters
	MaxReplyTo = 254  // bytes, the longest valid email address
	MaxMessage = 2000 // characters
)

// Message is one stored message, one JSON object per line of the log.
type Message struct {
	ID          string    `json:"id"`
	Time        time.Time `json:"time"` // UTC, RFC 3339
	Name        string    `json:"name"`
	ReplyTo     string    `json:"reply_to"`
	Message     string    `json:"message"`
	Fingerprint string    `json:"fingerprint"` // SHA256:… of the visitor's key, or ""
	Remote      string    `json:"remote"`      // client IP
	// Via is the way the message came: "" for the SSH form and commands
	// (every record written before the field existed), ViaWeb or
	// ViaWebTerminal from a browser. Omitted when empty, so older records' checksums
	// still hold.
	Via string `json:"via,omitempty"`
	// Invitation is the label of the invitation the message came through
	// (package invite), "" for any other. Omitted when empty, as Via.
	Invitation string `json:"invitation,omitempty"`
	Checksum   string `json:"checksum"` // over every other field
}

// Submission is what a visitor sends, plus who sent it.
type Submission struct {
	Name, ReplyTo, Message string
	Remote                 string // client IP (no port)
	Fingerprint            string // SHA256:… or ""
	Via                    string // "" over SSH, ViaWeb from the web page
	// Invitation is the label of the invitation the visitor came through,
	// or "". Such a message keeps no address or key: they serve the
	// limits, in memory, and are not stored.
	Invitation string
}

// Where a message came from, for Message.Via ("" is SSH).
const (
	ViaWeb         = "web"          // the web page's form
	ViaWebTerminal = "web-terminal" // the live terminal in a browser
)

// Receipt confirms a stored message.
type Receipt struct {
	ID        string
	Time      time.Time
	Duplicate bool // the same text was stored moments ago; not stored again
}

// FieldError says why one form field was rejected.
type FieldError struct {
	Field  string // "name", "reply_to" or "message"
	Reason string // one short line for the visitor
}

// ValidationError lists every rejected field.
type ValidationError []FieldError

func (v ValidationError) Error() string {
	parts := make([]string, len(v))
	for i, f := range v {
		parts[i] = f.Field + ": " + f.Reason
	}
	return strings.Join(parts, "; ")
}

// For returns the reason a field was rejected, or "".
func (v ValidationError) For(field string) string {
	for _, f := range v {
		if f.Field == field {
			return f.Reason
		}
	}
	return ""
}

// RateLimitError means the sender has used up their messages for now.
type RateLimitError struct {
	RetryAfter time.Duration
}

func (e *RateLimitError) Error() string {
	return "too many messages: try again in " + Wait(e.RetryAfter)
}

// Wait is how long until something can be tried again, as every channel
// says it ("try again in " + Wait(d)): "42 s" under a minute, "55 min"
// under an hour, "1 h 5 min" (or "2 h") beyond, rounded up so nobody is
// told to come back too early.
func Wait(d time.Duration) string {
	secs := int((d + time.Second - 1) / time.Second)
	switch {
	case secs < 1:
		return "1 s"
	case secs < 60:
		return fmt.Sprintf("%d s", secs)
	}
	mins := (secs + 59) / 60
	switch {
	case mins < 60:
		return fmt.Sprintf("%d min", mins)
	case mins%60 == 0:
		return fmt.Sprintf("%d h", mins/60)
	}
	return fmt.Sprintf("%d h %d min", mins/60, mins%60)
}

// BusyError means the inbox takes no more messages for now because of a
// limit shared with others: the hourly total from everyone, or the one of
// the sender's IPv6 network. It carries nothing about anyone's count, and
// no time to come back (which would tell when others wrote).
type BusyError struct {
	// Elsewhere lists other ways to reach the owner, e.g. "GitHub
	// (https://github.com/…)".
	Elsewhere []string
}

func (e *BusyError) Error() string {
	s := "the inbox is busy, please try again later"
	if len(e.Elsewhere) > 0 {
		s += " or use " + strings.Join(e.Elsewhere, ", ")
	}
	return s
}

// Sentence is the error as a sentence for a visitor: capitalised, with a
// full stop.
func (e *BusyError) Sentence() string {
	s := e.Error()
	return strings.ToUpper(s[:1]) + s[1:] + "."
}

// ErrStorage wraps every failure to store a message (disk full, read-only
// volume, missing directory…). Visitors are told to try again later; the
// cause is logged for the owner.
var ErrStorage = errors.New("couldn't save the message")
