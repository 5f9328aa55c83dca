package filestore

import (
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/pragyamugale/portfolio/internal/datafile"
	"github.com/pragyamugale/portfolio/internal/inbox"
)

// readStateFile holds what the owner did with each message: read, archived.
// The message log is never rewritten for this; the state lives beside it.
const readStateFile = "read-state.json"

// ReadState is the owner's state of every message (read, archived),
// stored in <dir>/read-state.json. It is safe for concurrent use, and
// every change merges with what other processes have saved (the server
// and the portfolio inbox command can both change it).
type ReadState struct {
	mu      sync.Mutex
	dir     string
	s       stateSets
	seen    os.FileInfo // the file s was read from, or nil
	warning string
}

// stateSets are the IDs in each state.
type stateSets struct {
	read, archived map[string]struct{}
}

func newStateSets() stateSets {
	return stateSets{read: map[string]struct{}{}, archived: map[string]struct{}{}}
}

// readStateJSON is the file's format. The first version had only "read";
// such a file still loads (nothing archived).
type readStateJSON struct {
	Read     []string `json:"read"`
	Archived []string `json:"archived,omitempty"`
}

// errCorruptState means the state file isn't valid JSON, or is over
// MaxReadState.
var errCorruptState = errors.New("the message state file is damaged")

// oversizeState is a state file over MaxReadState: handled as a damaged
// one (errors.Is errCorruptState), said as what it is.
type oversizeState struct{ err error }

func (o oversizeState) Error() string        { return "the message state file is too large: " + o.err.Error() }
func (o oversizeState) Is(target error) bool { return target == errCorruptState }
func (o oversizeState) Unwrap() error        { return o.err }

// MaxReadState caps the state file: it is read whole, and a message ID
// takes 11 bytes in it, so 32 MiB holds some three million marks — far
// past any inbox. A larger file (a 2 GB sparse file, say) is not read but
// handled as a damaged one: set aside as read-state.json.oversize-<time>
// on the next change.
const MaxReadState = 32 << 20

// LoadReadState loads dir's state. A missing file is an empty state; a
// damaged one, or one over MaxReadState, is an empty state too (every
// message unread, none archived) with a Warning, and is moved aside to
// read-state.json.corrupt-<time> (or .oversize-<time>) on the next
// change. Its lock file, if there is one, must be a regular file.
func LoadReadState(dir string) (*ReadState, error) {
	r := &ReadState{dir: dir, s: newStateSets()}
	s, err := r.load()
	switch {
	case errors.Is(err, errCorruptState):
		r.warning = err.Error() + "; every message shows as unread and not archived until it is rebuilt"
	case err != nil:
		return nil, err
	default:
		r.s = s
	}
	if st, err := os.Lstat(r.path() + ".lock"); err == nil && !st.Mode().IsRegular() {
		return nil, datafile.Explain(r.path()+".lock", errors.New("not a regular file"))
	}
	return r, nil
}

// Warning is "" or one line for the owner saying the state was lost.
func (r *ReadState) Warning() string {
	if r == nil {
		return ""
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.warning
}

func (r *ReadState) path() string { return filepath.Join(r.dir, readStateFile) }

// load reads the file (O_NOFOLLOW, regular files only) and notes which
// file it read.
func (r *ReadState) load() (stateSets, error) {
	s := newStateSets()
	r.seen = nil
	f, err := datafile.Open(r.path(), os.O_RDONLY, 0)
	if errors.Is(err, os.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return s, err
	}
	defer f.Close()
	r.seen, _ = f.Stat()
	b, err := datafile.ReadOpen(f, r.path(), MaxReadState)
	var big *datafile.TooLargeError
	if errors.As(err, &big) {
		return s, oversizeState{err}
	}
	if err != nil {
		return s, err
	}
	var st readStateJSON
	if err := json.Unmarshal(b, &st); err != nil {
		return s, fmt.Errorf("%w: %s: %v", errCorruptState, r.path(), err)
	}
	for _, id := range st.Read {
		s.read[id] = struct{}{}
	}
	for _, id := range st.Archived {
		s.archived[id] = struct{}{}
	}
	return s, nil
}

// Refresh reads the file again if another process (the portfolio inbox
// command, say) replaced it since; otherwise it costs one lstat. A file
// damaged since keeps the state as it was, with a Warning.
func (r *ReadState) Refresh() error {
	if r == nil {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	st, err := os.Lstat(r.path())
	if errors.Is(err, os.ErrNotExist) && r.seen == nil {
		return nil
	}
	if err == nil && r.seen != nil && os.SameFile(st, r.seen) && st.Size() == r.seen.Size() && st.ModTime().Equal(r.seen.ModTime()) {
		return nil
	}
	seen := r.seen
	s, err := r.load()
	switch {
	case errors.Is(err, errCorruptState):
		r.warning = err.Error()
		return nil
	case err != nil:
		r.seen = seen // try again next time
		return err
	}
	r.s = s
	return nil
}

// State is what the owner did with the message with this ID.
func (r *ReadState) State(id string) inbox.MessageState {
	if r == nil {
		return inbox.MessageState{}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	_, read := r.s.read[id]
	_, archived := r.s.archived[id]
	return inbox.MessageState{Read: read, Archived: archived}
}

// IsRead reports whether the message with this ID has been read.
func (r *ReadState) IsRead(id string) bool { return r.State(id).Read }

// IsArchived reports whether the message with this ID is archived.
func (r *ReadState) IsArchived(id string) bool { return r.State(id).Archived }

// Unread counts the messages not yet read.
func (r *ReadState) Unread(msgs []inbox.Message) int {
	return r.UnreadOf(func(yield func(string) bool) {
		for _, m := range msgs {
			if !yield(m.ID) {
				return
			}
		}
	})
}

// UnreadOf counts the IDs not yet read (say, a Listing's IDs).
func (r *ReadState) UnreadOf(ids iter.Seq[string]) int {
	n := 0
	if r != nil {
		r.mu.Lock()
		defer r.mu.Unlock()
	}
	for id := range ids {
		if r == nil {
			n++
			continue
		}
		if _, ok := r.s.read[id]; !ok {
			n++
		}
	}
	return n
}

// MarkRead records that a message has been read.
func (r *ReadState) MarkRead(id string) error {
	return r.change(id, func(s stateSets) map[string]struct{} { return s.read }, true)
}

// MarkUnread makes a message unread again.
func (r *ReadState) MarkUnread(id string) error {
	return r.change(id, func(s stateSets) map[string]struct{} { return s.read }, false)
}

// Archive takes a message out of the inbox (it stays in the log).
func (r *ReadState) Archive(id string) error {
	return r.change(id, func(s stateSets) map[string]struct{} { return s.archived }, true)
}

// Unarchive puts an archived message back in the inbox.
func (r *ReadState) Unarchive(id string) error {
	return r.change(id, func(s stateSets) map[string]struct{} { return s.archived }, false)
}

// change puts id in or out of one set and saves the state atomically
// (temporary file, fsync, rename, directory fsync), under a lock, on top
// of what other processes saved since we loaded: the file, not our copy,
// says what is so, so an undo another process didn't see still counts.
func (r *ReadState) change(id string, set func(stateSets) map[string]struct{}, in bool) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := os.MkdirAll(r.dir, 0o700); err != nil {
		return err
	}
	unlock, err := lockFile(newLock(r.path()+".lock"), "the message state")
	if err != nil {
		return err
	}
	defer unlock()

	s, err := r.load()
	if errors.Is(err, errCorruptState) {
		// Rebuild: keep the damaged file for the owner, start afresh.
		if _, err := datafile.SetAside(r.dir, r.path(), datafile.Why(err), time.Now()); err != nil {
			return err
		}
		s = newStateSets()
	} else if err != nil {
		return err
	}
	if _, ok := set(s)[id]; ok == in {
		r.s, r.warning = s, "" // already so (perhaps by another process)
		return nil
	}
	if in {
		set(s)[id] = struct{}{}
	} else {
		delete(set(s), id)
	}
	st := readStateJSON{Read: sortedKeys(s.read), Archived: sortedKeys(s.archived)}
	if err := datafile.WriteJSON(r.dir, r.path(), st); err != nil {
		return err
	}
	r.seen, _ = os.Lstat(r.path())
	r.s, r.warning = s, ""
	return nil
}

func sortedKeys(m map[string]struct{}) []string {
	ids := slices.Sorted(maps.Keys(m))
	if ids == nil {
		ids = []string{}
	}
	return ids
}
