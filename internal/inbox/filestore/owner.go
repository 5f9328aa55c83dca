package filestore

import (
	"errors"
	"fmt"
	"sync"

	"github.com/pragyamugale/portfolio/internal/inbox"
)

// Mailbox is the owner's reading of the store: pages of the messages not
// archived, with their read marks. Its methods read or write the disk (a UI calls them
// from a tea.Cmd); they are safe for concurrent use.
type Mailbox struct {
	store Lister
	state *ReadState
}

// Lister gives the log as it is now: a *Store, or a data directory read
// without its lock (see ReadDir).
type Lister interface {
	Listing() (*Listing, error)
}

// NewMailbox reads store's messages and keeps read marks in state.
func NewMailbox(store Lister, state *ReadState) *Mailbox {
	return &Mailbox{store: store, state: state}
}

// Find returns the message whose ID is id or the only one whose ID starts
// with it, and the owner's marks on it. The error of an ambiguous prefix
// lists the candidates.
func (b *Mailbox) Find(id string) (inbox.Message, inbox.MessageState, error) {
	l, err := b.store.Listing()
	if err != nil {
		return inbox.Message{}, inbox.MessageState{}, err
	}
	m, err := l.Lookup(id)
	if errors.Is(err, ErrNoMessage) {
		return m, inbox.MessageState{}, fmt.Errorf("no message with id %q", inbox.Sanitize(id, false))
	}
	if err != nil {
		return m, inbox.MessageState{}, err
	}
	return m, b.state.State(m.ID), nil
}

// allBatch is how many records All reads at a time.
const allBatch = 1024

// All calls fn for every message, archived ones too, oldest first, with
// the owner's marks on it. It reads a batch at a time: memory stays flat
// however many messages there are.
func (b *Mailbox) All(fn func(inbox.Message, inbox.MessageState) error) error {
	l, err := b.store.Listing()
	if err != nil {
		return err
	}
	idx := make([]int, 0, allBatch)
	for end := l.Len(); end > 0; end -= allBatch {
		idx = idx[:0]
		for i := end - 1; i >= max(0, end-allBatch); i-- {
			idx = append(idx, i)
		}
		msgs, err := l.MessagesAt(idx)
		if err != nil {
			return err
		}
		for _, m := range msgs {
			if err := fn(m, b.state.State(m.ID)); err != nil {
				return err
			}
		}
	}
	return nil
}

// ReadDir is dir's log for one of the owner's commands, read without its
// lock and without repairing it (the server may be writing): it is
// indexed once, on first use, and warn hears one line each about what is
// quarantined and about a last line still being written.
func ReadDir(dir string, warn func(string)) Lister {
	return &dirLister{dir: dir, warn: warn}
}

type dirLister struct {
	dir  string
	warn func(string)

	mu sync.Mutex
	l  *Listing
}

func (d *dirLister) Listing() (*Listing, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.l != nil {
		return d.l, nil
	}
	l, err := ReadListing(d.dir)
	if err != nil {
		return nil, err
	}
	q, err := Quarantined(d.dir, l)
	if err != nil {
		return nil, err
	}
	if line := q.String(); line != "" && d.warn != nil {
		d.warn(line)
	}
	if l.Report.Torn && d.warn != nil {
		d.warn(fmt.Sprintf("the last line of %s is incomplete (a write in progress or a crash); skipped", FileName))
	}
	d.l = l
	return l, nil
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
	shown := make([]int, 0, l.Len())
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
