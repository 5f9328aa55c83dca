// Package store is where the portfolio keeps what it is told: visitors'
// messages, the owner's marks on them, and the visitor statistics. There
// are two kinds, behind one interface: the data directory (package
// inbox/filestore, and stats' file store) and PostgreSQL shared by every
// machine (package pgstore). Open chooses between them, once; the server
// and every one of the owner's commands use only the Store it returns.
package store

import (
	"context"

	"charm.land/log/v2"

	"github.com/pragyamugale/portfolio/internal/inbox"
	"github.com/pragyamugale/portfolio/internal/invite"
	"github.com/pragyamugale/portfolio/internal/stats"
)

// Store keeps messages, their state and the statistics. Its methods read
// or write the disk or the database: a UI calls them from a tea.Cmd.
type Store interface {
	// Append stores a message durably (see inbox.Appender).
	inbox.Appender
	// Subscribe returns a channel woken soon after messages change, and
	// the function that ends the subscription.
	Subscribe() (<-chan struct{}, func())

	// Page returns up to n messages of the inbox (archived ones aside),
	// newest first, from the from-th on, with the totals; see
	// filestore.Mailbox.Page.
	Page(from, n int, keep string) (inbox.Page, error)
	// ArchivedPage is Page over the archived messages.
	ArchivedPage(from, n int, keep string) (inbox.Page, error)
	// MarkRead records that the owner opened a message.
	MarkRead(id string) error
	// MarkUnread makes a message unread again.
	MarkUnread(id string) error
	// Archive takes a message out of the inbox; it is kept.
	Archive(id string) error
	// Unarchive puts an archived message back in the inbox.
	Unarchive(id string) error
	// Find returns the message whose ID is id or starts with it, and the
	// owner's marks on it. No match, or several, is an error that says so.
	Find(ctx context.Context, id string) (inbox.Message, inbox.MessageState, error)
	// All calls fn for every message, archived ones too, oldest first.
	All(ctx context.Context, fn func(inbox.Message, inbox.MessageState) error) error

	// Stats is where the visitor statistics are kept.
	Stats() stats.Store
	// Invitations is where the owner's invitations are kept, with what
	// was seen through them (package invite).
	Invitations() invite.Store
	// Available reports whether messages can be stored right now (false
	// while the database is away).
	Available() bool
	// Close releases the store.
	Close() error
}

// Importer is a store that takes messages as they are, IDs, times and
// checksums kept: PostgreSQL, for `portfolio inbox import`. Import
// reports whether the message was new (by ID).
type Importer interface {
	Import(ctx context.Context, m inbox.Message) (bool, error)
}

// Options say which store to open and for whom.
type Options struct {
	// DataDir holds messages.jsonl, read-state.json, invitations.json and stats/ when
	// DatabaseURL is empty.
	DataDir string
	// DatabaseURL, when set, is the PostgreSQL database that holds all
	// of it instead, shared by every machine (a secret).
	DatabaseURL string
	// AllowNewerSchema uses a database whose schema is newer than this
	// binary's (pgstore.AllowNewerSchema); otherwise it is refused.
	AllowNewerSchema bool

	// Serving opens the store for the server: the message log is locked
	// and a torn tail moved aside, the statistics directory is created,
	// and a database that can't be reached right now doesn't stop the
	// start (messages are refused until it returns). Otherwise the store
	// is opened for one of the owner's commands: the data directory is
	// read without its lock, as the server may be writing, and only when
	// first used; the database must answer.
	Serving bool
	// Logger hears, when Serving, what the owner should know at start:
	// damaged records, lost read marks, a database away. nil discards.
	Logger *log.Logger
	// Warn hears the same, for the owner's commands, one line each
	// (without "warning: "). nil discards.
	Warn func(string)
}

// Which of the two a portfolio uses is chosen in one place, the
// composition root (internal/app/core.OpenStore), for the server and the
// owner's commands alike. Errors name the option at fault (--database-url
// or --data-dir) and never show the database's password.

// warn is o.Warn, or nothing.
func (o Options) warn(s string) {
	if o.Warn != nil {
		o.Warn(s)
	}
}

var (
	_ Store    = (*dirStore)(nil)
	_ Store    = dbStore{}
	_ Importer = dbStore{}
)
