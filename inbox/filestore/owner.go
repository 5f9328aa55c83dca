package filestore

import (
	"errors"

	"github.com/pragyamugale/portfolio/inbox"
)

// Mailbox is the owner's reading of the store: pages of the messages not
// archived, with their read marks. Its methods read or write the disk (a UI calls them
// from a tea.Cmd); they are safe for concurrent use.
type Mailbox struct {
	store *Store
	state *ReadState
}

// NewMailbox reads store's messages and keeps read marks in state.
func NewMailbox(store *Store, state *ReadState) *Mailbox {
	return &Mailbox{store: store, state: state}
}

// Page returns up to n messages from the from-th newest on (the window
// slides back to hold n at the end). If keep is the ID of a message still
// in the log, Kept is its index now, so a UI can keep it selected while
// new messages arrive above it. The cost is the n records read and a pass
// over the index in memory, however long the log.
func (b *Mailbox) Page(from, n int, keep string) (inbox.Page, error) {
	return b.retry(from, n, keep, false)
}

// ArchivedPage is Page over the archived messages instead.
func (b *Mailbox) ArchivedPage(from, n int, keep string) (inbox.Page, error) {
	return b.retry(from, n, keep, true)
}

func (b *Mailbox) retry(from, n int, keep string, archived bool) (inbox.Page, error) {
	p, err := b.page(from, n, keep, archived)
	if errors.Is(err, ErrChanged) {
		// A repair or a replaced log between the listing and the reads:
		// the new listing reads the new file.
		p, err = b.page(from, n, keep, archived)
	}
	return p, err
}

func (b *Mailbox) page(from, n int, keep string, archived bool) (inbox.Page, error) {
	l, err := b.store.Listing()
	if err != nil {
		return inbox.Page{}, err
	}
	if err := b.state.Refresh(); err != nil {
		return inbox.Page{}, err
	}
	p := inbox.Page{Report: l.Report, Kept: -1}
	// The inbox is the listing less what is archived (or only that): an
	// index pass in memory, no reads.
	var shown []int
	i := 0
	for id := range l.IDs() {
		st := b.state.State(id)
		if st.Archived == archived {
			if keep != "" && p.Kept < 0 && displayID(id) == keep {
				p.Kept = len(shown)
			}
			if !st.Read {
				p.Unread++
			}
			shown = append(shown, i)
		}
		i++
	}
	p.Total = len(shown)
	p.From = max(0, min(from, p.Total-n))
	if p.Messages, err = l.MessagesAt(shown[p.From:min(p.From+n, p.Total)]); err != nil {
		return inbox.Page{}, err
	}
	p.Read = make([]bool, len(p.Messages))
	for i, m := range p.Messages {
		p.Read[i] = b.state.IsRead(m.ID)
	}
	return p, nil
}

// MarkRead records that the owner opened a message.
func (b *Mailbox) MarkRead(id string) error { return b.state.MarkRead(id) }

// MarkUnread makes a message unread again.
func (b *Mailbox) MarkUnread(id string) error { return b.state.MarkUnread(id) }

// Archive takes a message out of the inbox; the log keeps it.
func (b *Mailbox) Archive(id string) error { return b.state.Archive(id) }

// Unarchive puts an archived message back in the inbox.
func (b *Mailbox) Unarchive(id string) error { return b.state.Unarchive(id) }
