package filestore

import (
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"slices"
	"strings"

	"github.com/pragyamugale/portfolio/internal/datafile"
	"github.com/pragyamugale/portfolio/internal/inbox"
)

// entry locates one intact record in the log.
type entry struct {
	off  int64
	n    int32 // bytes, '\n' included
	unix int64 // the record's time, in seconds
	id   string
}

// index lists the intact records of a message log by position, so that
// reading a page of messages costs a few reads however long the log is.
// It is built once by a full scan and then extended from the size it last
// saw, reading only what was appended since. It is not safe for concurrent
// use; its owner serialises access.
type index struct {
	path    string
	file    os.FileInfo // the log indexed, to notice it being replaced
	size    int64       // bytes covered: always ends at a line boundary
	entries []entry     // in file order
	corrupt int         // damaged complete lines skipped
	torn    bool        // an incomplete line follows size
	// order is newest first; nil while the records' times never decrease
	// in file order (the usual case), when newest first is reverse order.
	order []int32
}

func newIndex(path string) *index { return &index{path: path} }

// add records an intact line found at off, after every indexed one.
func (x *index) add(off int64, n int64, h head) {
	unix := h.Time.Unix()
	outOfOrder := x.order == nil && len(x.entries) > 0 && unix < x.entries[len(x.entries)-1].unix
	x.entries = append(x.entries, entry{off: off, n: int32(n), unix: unix, id: h.ID})
	switch {
	case outOfOrder:
		x.sortOrder()
	case x.order != nil:
		// Newest first, and first among its second (it is the latest in
		// the file). A new slice: listings share the old one.
		pos, _ := slices.BinarySearchFunc(x.order, unix, func(i int32, t int64) int {
			if x.entries[i].unix > t {
				return -1
			}
			return 1
		})
		order := make([]int32, 0, len(x.order)+1)
		order = append(order, x.order[:pos]...)
		order = append(order, int32(len(x.entries)-1))
		x.order = append(order, x.order[pos:]...)
	}
}

// has reports whether a record with this ID is indexed. It is a scan, but
// only of memory, and it runs once per stored message.
func (x *index) has(id string) bool {
	for i := range x.entries {
		if x.entries[i].id == id {
			return true
		}
	}
	return false
}

// sortOrder builds order: by time, newest first, and records of the same
// second in reverse file order.
func (x *index) sortOrder() {
	order := make([]int32, len(x.entries))
	for i := range order {
		order[i] = int32(len(order) - 1 - i)
	}
	slices.SortStableFunc(order, func(a, b int32) int {
		ta, tb := x.entries[a].unix, x.entries[b].unix
		switch {
		case ta > tb:
			return -1
		case ta < tb:
			return 1
		}
		return 0
	})
	x.order = order
}

// scan indexes f (the log, open for reading) from x.size on.
func (x *index) scan(f *os.File) error {
	if _, err := f.Seek(x.size, io.SeekStart); err != nil {
		return err
	}
	unsorted := x.order != nil
	x.order = nil
	end, torn, err := scanLog(f, x.size, func(start int64, ln line, h head, ok bool) {
		if !ok {
			x.corrupt++
			return
		}
		unix := h.Time.Unix()
		if len(x.entries) > 0 && unix < x.entries[len(x.entries)-1].unix {
			unsorted = true
		}
		x.entries = append(x.entries, entry{off: start, n: int32(ln.n), unix: unix, id: h.ID})
	})
	if err != nil {
		return err
	}
	x.size, x.torn = end, torn
	if unsorted {
		x.sortOrder()
	}
	return nil
}

// refresh brings the index up to date with the log on disk: nothing to do
// if it hasn't grown, a scan of the new bytes if it has, and a full scan
// if it was replaced or shrank (a repair moved a tail aside). A missing
// log is empty.
func (x *index) refresh() error {
	f, err := datafile.Open(x.path, os.O_RDONLY, 0)
	if errors.Is(err, os.ErrNotExist) {
		*x = index{path: x.path}
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	if x.file == nil || !os.SameFile(x.file, st) || st.Size() < x.size || !endsLine(f, x.size) {
		*x = index{path: x.path}
	}
	x.file = st
	if st.Size() == x.size {
		x.torn = false
		return nil
	}
	return x.scan(f)
}

// endsLine reports whether the byte before off is a newline (or off is 0):
// the index still ends where a line did.
func endsLine(f *os.File, off int64) bool {
	if off == 0 {
		return true
	}
	var b [1]byte
	_, err := f.ReadAt(b[:], off-1)
	return err == nil && b[0] == '\n'
}

// listing is a snapshot of the index; later appends don't change it.
func (x *index) listing() *Listing {
	return &Listing{
		path:    x.path,
		file:    x.file,
		entries: x.entries[:len(x.entries):len(x.entries)],
		order:   x.order,
		Report:  inbox.ReadReport{Corrupt: x.corrupt, Torn: x.torn},
	}
}

// Listing is the message log as it was at one moment: how many intact
// messages it held, what was skipped, and the means to read any of them
// without reading the rest. Its methods read the log, so a UI calls them
// from a tea.Cmd. It is safe for concurrent use.
type Listing struct {
	path    string
	file    os.FileInfo
	entries []entry
	order   []int32
	// Report says what the scan skipped.
	Report inbox.ReadReport
}

// Len is the number of intact messages.
func (l *Listing) Len() int { return len(l.entries) }

// at returns the entry of the i-th newest message.
func (l *Listing) at(i int) entry {
	if l.order != nil {
		return l.entries[l.order[i]]
	}
	return l.entries[len(l.entries)-1-i]
}

// IDs yields every message's ID, newest first, without reading the log.
func (l *Listing) IDs() iter.Seq[string] {
	return func(yield func(string) bool) {
		for i := range l.entries {
			if !yield(l.at(i).id) {
				return
			}
		}
	}
}

// ErrChanged means the log changed under a Listing (a repair, or the file
// was replaced): take a new one.
var ErrChanged = errors.New("the message log changed; read it again")

// Messages reads n messages from the from-th newest on (fewer at the
// end), sanitised for display. It reads only those records.
func (l *Listing) Messages(from, n int) ([]inbox.Message, error) {
	from = max(0, from)
	n = min(n, len(l.entries)-from)
	if n <= 0 {
		return nil, nil
	}
	idx := make([]int, n)
	for i := range idx {
		idx[i] = from + i
	}
	return l.MessagesAt(idx)
}

// MessagesAt reads the messages at these indexes (newest first, as IDs
// yields them), sanitised for display. It reads only those records.
func (l *Listing) MessagesAt(idx []int) ([]inbox.Message, error) {
	if len(idx) == 0 {
		return nil, nil
	}
	f, err := datafile.Open(l.path, os.O_RDONLY, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil || l.file == nil || !os.SameFile(st, l.file) {
		return nil, ErrChanged
	}
	msgs := make([]inbox.Message, 0, len(idx))
	var buf []byte
	for _, i := range idx {
		if i < 0 || i >= len(l.entries) {
			return nil, fmt.Errorf("message %d of %d: out of range", i, len(l.entries))
		}
		e := l.at(i)
		buf = slices.Grow(buf[:0], int(e.n))[:e.n]
		if _, err := f.ReadAt(buf, e.off); err != nil {
			return nil, fmt.Errorf("%w (%v)", ErrChanged, err)
		}
		m, ok := decodeRecord(buf[:len(buf)-1])
		if !ok || m.ID != e.id {
			return nil, ErrChanged
		}
		msgs = append(msgs, m.Sanitized())
	}
	return msgs, nil
}

// ErrNoMessage means no message has the ID (or an ID starting with it).
var ErrNoMessage = errors.New("no message with that id")

// AmbiguousError means an ID prefix matches several messages.
type AmbiguousError struct {
	Prefix     string
	Candidates []string // the matching IDs, newest first (at most maxCandidates)
	More       int      // how many more matched
}

// maxCandidates is how many matching IDs an AmbiguousError lists.
const maxCandidates = 10

func (e *AmbiguousError) Error() string {
	s := fmt.Sprintf("id prefix %q matches %d messages: %s", e.Prefix, len(e.Candidates)+e.More, strings.Join(e.Candidates, ", "))
	if e.More > 0 {
		s += fmt.Sprintf(" and %d more", e.More)
	}
	return s + "; give more of the id"
}

// Lookup returns the message whose ID is id or the only one whose ID
// starts with it (a prefix of any length). No match is ErrNoMessage;
// several are an *AmbiguousError listing them. It reads only that record.
func (l *Listing) Lookup(id string) (inbox.Message, error) {
	i, err := l.lookup(id)
	if err != nil {
		return inbox.Message{}, err
	}
	msgs, err := l.MessagesAt([]int{i})
	if err != nil {
		return inbox.Message{}, err
	}
	return msgs[0], nil
}

// lookup is Lookup's index.
func (l *Listing) lookup(id string) (int, error) {
	id = strings.ToLower(strings.TrimSpace(id))
	if id == "" {
		return -1, ErrNoMessage
	}
	var matches []int
	for i := range l.entries {
		eid := displayID(l.at(i).id)
		if eid == id {
			return i, nil
		}
		if strings.HasPrefix(eid, id) {
			matches = append(matches, i)
		}
	}
	switch len(matches) {
	case 0:
		return -1, ErrNoMessage
	case 1:
		return matches[0], nil
	}
	e := &AmbiguousError{Prefix: inbox.Sanitize(id, false)}
	for _, i := range matches {
		if len(e.Candidates) == maxCandidates {
			e.More++
			continue
		}
		e.Candidates = append(e.Candidates, displayID(l.at(i).id))
	}
	return -1, e
}

// Find returns the message whose ID is id or the only message whose ID
// starts with it; ok is false when none or several match.
func (l *Listing) Find(id string) (inbox.Message, bool, error) {
	m, err := l.Lookup(id)
	var amb *AmbiguousError
	if errors.Is(err, ErrNoMessage) || errors.As(err, &amb) {
		return inbox.Message{}, false, nil
	}
	return m, err == nil, err
}

// displayID is an ID as Messages shows it: IDs Append made are plain
// already; anything else is sanitised like every field on the way out.
func displayID(id string) string {
	for i := 0; i < len(id); i++ {
		if c := id[i]; (c < 'a' || c > 'z') && (c < '0' || c > '9') {
			return inbox.Sanitize(id, false)
		}
	}
	return id
}

// ReadListing scans dir's log and returns its listing, taking no lock: it
// can run while the server writes. A missing log is empty.
func ReadListing(dir string) (*Listing, error) {
	x := newIndex(logPath(dir))
	if err := x.refresh(); err != nil {
		return nil, err
	}
	return x.listing(), nil
}
