package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/pragyamugale/portfolio/internal/inbox"
	"github.com/pragyamugale/portfolio/internal/inbox/filestore"
	"github.com/pragyamugale/portfolio/internal/invite"
	"github.com/pragyamugale/portfolio/internal/stats"
)

// dirStore is the data directory: the message log, the owner's marks and
// the statistics' files.
type dirStore struct {
	o     Options
	log   *filestore.Store // nil for the owner's commands, which only read the log
	stats stats.Store

	invites *invite.FileStore

	once sync.Once
	mb   *filestore.Mailbox
	err  error
}

// OpenDir opens the data directory o.DataDir. For the server it locks and repairs
// the log and reads the marks at once; for the owner's commands nothing
// is read before it is needed (`portfolio stats` never reads messages).
func OpenDir(o Options) (Store, error) {
	d := &dirStore{o: o, invites: invite.NewFileStore(o.DataDir)}
	if !o.Serving {
		return d, nil
	}
	msgLog, err := filestore.OpenStore(o.DataDir)
	if err != nil {
		return nil, fmt.Errorf("--data-dir: %w", err)
	}
	state, err := filestore.LoadReadState(o.DataDir)
	if err != nil {
		msgLog.Close()
		return nil, fmt.Errorf("--data-dir: %w", err)
	}
	if o.Logger != nil {
		if w := state.Warning(); w != "" {
			o.Logger.Warn(w)
		}
		if q := msgLog.Quarantine(); q.Total() > 0 {
			o.Logger.Warn("damaged message records quarantined", "skipped", q.Skipped, "file", msgLog.Path(),
				"moved", q.Moved, "side_files", strings.Join(q.SideFiles, ","))
		}
	}
	fs, err := stats.OpenFileStore(o.DataDir)
	if err != nil {
		msgLog.Close()
		return nil, fmt.Errorf("--data-dir: statistics: %w", err)
	}
	if o.Logger != nil {
		fs.WarnTo(func(line string) { o.Logger.Warn(line) })
	}
	d.log, d.stats, d.mb = msgLog, fs, filestore.NewMailbox(msgLog, state)
	d.once.Do(func() {})
	return d, nil
}

// mailbox is the owner's reading of the log, read on first use by the
// owner's commands: what is quarantined, a last line still being written
// and lost marks are said then, in that order.
func (d *dirStore) mailbox() (*filestore.Mailbox, error) {
	d.once.Do(func() {
		lister := filestore.ReadDir(d.o.DataDir, d.o.warn)
		if _, d.err = lister.Listing(); d.err != nil {
			return
		}
		var state *filestore.ReadState
		if state, d.err = filestore.LoadReadState(d.o.DataDir); d.err != nil {
			return
		}
		if w := state.Warning(); w != "" {
			d.o.warn(w)
		}
		d.mb = filestore.NewMailbox(lister, state)
	})
	return d.mb, d.err
}

// errReadOnly is what the owner's opening of the data directory says to
// a write of a message (none of the commands writes one).
var errReadOnly = fmt.Errorf("%w: the data directory is open only for reading", inbox.ErrStorage)

func (d *dirStore) Append(m inbox.Message) (inbox.Message, error) {
	if d.log == nil {
		return inbox.Message{}, errReadOnly
	}
	return d.log.Append(m)
}

func (d *dirStore) Subscribe() (<-chan struct{}, func()) {
	if d.log == nil {
		return make(chan struct{}), func() {}
	}
	return d.log.Subscribe()
}

func (d *dirStore) Page(from, n int, keep string) (inbox.Page, error) {
	mb, err := d.mailbox()
	if err != nil {
		return inbox.Page{}, err
	}
	return mb.Page(from, n, keep)
}

func (d *dirStore) ArchivedPage(from, n int, keep string) (inbox.Page, error) {
	mb, err := d.mailbox()
	if err != nil {
		return inbox.Page{}, err
	}
	return mb.ArchivedPage(from, n, keep)
}

func (d *dirStore) MarkRead(id string) error   { return d.mark(id, (*filestore.Mailbox).MarkRead) }
func (d *dirStore) MarkUnread(id string) error { return d.mark(id, (*filestore.Mailbox).MarkUnread) }
func (d *dirStore) Archive(id string) error    { return d.mark(id, (*filestore.Mailbox).Archive) }
func (d *dirStore) Unarchive(id string) error  { return d.mark(id, (*filestore.Mailbox).Unarchive) }

func (d *dirStore) mark(id string, set func(*filestore.Mailbox, string) error) error {
	mb, err := d.mailbox()
	if err != nil {
		return err
	}
	return set(mb, id)
}

func (d *dirStore) Find(_ context.Context, id string) (inbox.Message, inbox.MessageState, error) {
	mb, err := d.mailbox()
	if err != nil {
		return inbox.Message{}, inbox.MessageState{}, err
	}
	return mb.Find(id)
}

func (d *dirStore) All(_ context.Context, fn func(inbox.Message, inbox.MessageState) error) error {
	mb, err := d.mailbox()
	if err != nil {
		return err
	}
	return mb.All(fn)
}

// Stats is the statistics' files in the data directory. The owner's
// commands read them as they are, and hear if there are none at all.
func (d *dirStore) Stats() stats.Store {
	if d.stats == nil {
		if _, err := os.Stat(filepath.Join(d.o.DataDir, stats.DirName)); errors.Is(err, os.ErrNotExist) {
			d.o.warn(fmt.Sprintf("no statistics in %s yet (is --data-dir the server's?)", d.o.DataDir))
		}
		d.stats = stats.ReadFileStore(d.o.DataDir).WarnTo(d.o.warn)
	}
	return d.stats
}

// Invitations is invitations.json in the data directory.
func (d *dirStore) Invitations() invite.Store { return d.invites }

// Available: the data directory is always there (a failing disk fails
// each message instead).
func (d *dirStore) Available() bool { return true }

func (d *dirStore) Close() error {
	if d.log == nil {
		return nil
	}
	return d.log.Close()
}
