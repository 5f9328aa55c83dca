// Package invite is the domain of invitations: one personal link per
// application the owner sends. An invitation has an unguessable code that
// a visitor carries as their SSH user name (ssh CODE@host) or in the web
// path (/i/CODE); visits through it are counted for the owner — when it
// was first opened and through which channel, how many visits, which
// pages were read and for how long, how many messages were sent — and
// nothing else: no address, no key fingerprint.
//
// The invitations are kept behind the one store (package store): a JSON
// file in the data directory, or PostgreSQL shared by every machine. A
// Tracker records visits for the doors, off the visitor's path, and tells
// the owner of a first open through the notifier.
package invite

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pragyamugale/portfolio/internal/inbox"
)

// Alphabet is the codes' alphabet: lowercase letters and digits without
// the ones people confuse (0/o, 1/l/i), 31 symbols (≈4.95 bits each).
const Alphabet = "abcdefghjkmnpqrstuvwxyz23456789"

// CodeLen is a code's length: 16 symbols, about 79 bits, far beyond
// guessing at any rate a server answers.
const CodeLen = 16

// Limits on what the owner writes.
const (
	MaxLabel    = 100 // characters
	MaxGreeting = 280 // characters
	// MaxInvitations bounds the store (the file is read whole).
	MaxInvitations = 10_000
	// MaxPages bounds the pages counted per invitation.
	MaxPages = 64
	// MinRead is the shortest time on a page that counts as reading it:
	// a page flicked past is not read (and a visitor switching pages fast
	// causes no writes).
	MinRead = time.Second
)

// Channels an invitation is opened through.
const (
	ChannelSSH         = "ssh"
	ChannelWeb         = "web"
	ChannelWebTerminal = "web-terminal"
)

// ChannelName is how a channel reads in a sentence: "over SSH".
func ChannelName(ch string) string {
	switch ch {
	case ChannelSSH:
		return "over SSH"
	case ChannelWeb:
		return "on the web"
	case ChannelWebTerminal:
		return "in the browser's terminal"
	}
	return ch
}

// Read is the time spent on one page through an invitation: a section
// (about, skills, projects, contact) or a case study (projects/<slug>).
type Read struct {
	Page    string `json:"page"`
	Seconds int64  `json:"seconds"`
	Views   int    `json:"views"`
}

// Invitation is one personal link and what was seen through it.
type Invitation struct {
	Code     string     `json:"code"`
	Label    string     `json:"label"`
	Greeting string     `json:"greeting,omitempty"`
	Created  time.Time  `json:"created"`
	Revoked  *time.Time `json:"revoked,omitempty"`

	FirstOpened  *time.Time `json:"first_opened,omitempty"`
	FirstChannel string     `json:"first_channel,omitempty"`
	LastOpened   *time.Time `json:"last_opened,omitempty"`
	Visits       int        `json:"visits"`
	Reads        []Read     `json:"reads,omitempty"`
	Messages     int        `json:"messages"`
}

// Active reports whether the invitation still opens (not revoked).
func (inv Invitation) Active() bool { return inv.Revoked == nil }

// AddRead adds d on page to reads (sorted by page, at most MaxPages).
func AddRead(reads []Read, page string, d time.Duration) []Read {
	i, found := slices.BinarySearchFunc(reads, page, func(r Read, p string) int { return strings.Compare(r.Page, p) })
	if !found {
		if len(reads) >= MaxPages {
			return reads
		}
		reads = slices.Insert(reads, i, Read{Page: page})
	}
	reads[i].Seconds += int64(d.Round(time.Second) / time.Second)
	reads[i].Views++
	return reads
}

// Errors of the store.
var (
	ErrNotFound = errors.New("no such invitation")
	ErrExists   = errors.New("an invitation with this code exists")
	ErrFull     = fmt.Errorf("too many invitations (at most %d)", MaxInvitations)
)

// Store keeps invitations. Its methods read or write the disk or the
// database; the doors call the recording ones off the visitor's path.
type Store interface {
	// Create stores a new invitation (ErrExists if its code is taken).
	Create(ctx context.Context, inv Invitation) error
	// List returns every invitation, oldest first.
	List(ctx context.Context) ([]Invitation, error)
	// Lookup returns the invitation whose code is code exactly.
	Lookup(ctx context.Context, code string) (Invitation, bool, error)
	// Revoke marks the invitation revoked at at (ErrNotFound if none).
	Revoke(ctx context.Context, code string, at time.Time) (Invitation, error)
	// Opened counts a visit of an active invitation; the first one sets
	// its first opening (time and channel). first is true for exactly one
	// caller, across every machine sharing the store.
	Opened(ctx context.Context, code, channel string, at time.Time) (first bool, err error)
	// Read adds d on page to an active invitation's reads.
	Read(ctx context.Context, code, page string, d time.Duration) error
	// Messaged counts a message sent through an active invitation.
	Messaged(ctx context.Context, code string) error
}

// NewCode returns a fresh code from crypto/rand: CodeLen symbols of
// Alphabet, uniformly (rejection sampling, no modulo bias).
func NewCode() string {
	var out [CodeLen]byte
	var buf [32]byte
	n := 0
	for n < CodeLen {
		_, _ = rand.Read(buf[:]) // never fails (crypto/rand)
		for _, b := range buf {
			b &= 31 // 0..31; 31 is rejected
			if int(b) < len(Alphabet) && n < CodeLen {
				out[n] = Alphabet[b]
				n++
			}
		}
	}
	return string(out[:])
}

// ValidCode reports whether s has a code's shape. It says nothing of
// whether such an invitation exists.
func ValidCode(s string) bool {
	if len(s) != CodeLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(Alphabet, s[i]) < 0 {
			return false
		}
	}
	return true
}

// New makes an invitation for label with an optional greeting, cleaned
// and checked (one short line each, no control characters).
func New(label, greeting string, now time.Time) (Invitation, error) {
	label = strings.Join(strings.Fields(inbox.Sanitize(label, false)), " ")
	greeting = strings.Join(strings.Fields(inbox.Sanitize(greeting, false)), " ")
	switch {
	case label == "":
		return Invitation{}, errors.New("the label is empty: name the application, e.g. \"Acme — Staff Backend\"")
	case utf8.RuneCountInString(label) > MaxLabel:
		return Invitation{}, fmt.Errorf("the label is longer than %d characters", MaxLabel)
	case utf8.RuneCountInString(greeting) > MaxGreeting:
		return Invitation{}, fmt.Errorf("the greeting is longer than %d characters", MaxGreeting)
	}
	return Invitation{Code: NewCode(), Label: label, Greeting: greeting, Created: now.UTC().Truncate(time.Second)}, nil
}

// Find picks the owner's invitation by key: its code, a unique prefix of
// the code (4 characters at least), or its label (ignoring case).
func Find(all []Invitation, key string) (Invitation, error) {
	key = strings.TrimSpace(key)
	var hits []Invitation
	for _, inv := range all {
		if inv.Code == key {
			return inv, nil
		}
		if (len(key) >= 4 && strings.HasPrefix(inv.Code, key)) || strings.EqualFold(inv.Label, key) {
			hits = append(hits, inv)
		}
	}
	switch len(hits) {
	case 0:
		return Invitation{}, fmt.Errorf("%w: %q", ErrNotFound, inbox.Sanitize(key, false))
	case 1:
		return hits[0], nil
	}
	return Invitation{}, fmt.Errorf("%q matches %d invitations: give the code", inbox.Sanitize(key, false), len(hits))
}
