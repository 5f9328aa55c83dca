package filestore

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pragyamugale/portfolio/internal/inbox"
)

// The fast path and the full decode agree on every record Append writes,
// and a record in another JSON layout (reformatted by hand) is still read
// through the full decode.
func TestParseHeadPaths(t *testing.T) {
	s := openTestStore(t, t.TempDir())
	m := testMessage(1)
	m.Name, m.Message = "Nguyễn 語 🎉 \"quoted\" \\", "日本語\nline two ✓"
	stored, err := s.Append(m)
	if err != nil {
		t.Fatal(err)
	}
	data := bytes.TrimSuffix(readFile(t, s.Path()), []byte("\n"))
	h, ok := quickHead(data)
	if !ok || h.ID != stored.ID || !h.Time.Equal(stored.Time) {
		t.Fatalf("quickHead = %+v, %v; want %s at %s", h, ok, stored.ID, stored.Time)
	}
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, data, "", " "); err != nil {
		t.Fatal(err)
	}
	flat := bytes.ReplaceAll(pretty.Bytes(), []byte("\n"), nil)
	if _, ok := quickHead(flat); ok {
		t.Fatal("quickHead accepted a reformatted line")
	}
	if h, ok := parseHead(line{data: flat, n: int64(len(flat) + 1), complete: true}); !ok || h.ID != stored.ID {
		t.Fatalf("parseHead(reformatted) = %+v, %v", h, ok)
	}
	for i := range data {
		bad := bytes.Clone(data)
		bad[i] ^= 0x01
		if _, ok := parseHead(line{data: bad, n: int64(len(bad) + 1), complete: true}); ok {
			// Flipping a bit can only keep a record valid if the full
			// decode re-encodes to the same bytes (e.g. an escape).
			if _, full := decodeRecord(bad); !full {
				t.Fatalf("byte %d flipped: parseHead accepted what the full decode refuses: %q", i, bad)
			}
		}
	}
}

// appendN stores n messages one second apart and returns their IDs.
func appendN(t *testing.T, s *Store, n int, t0 time.Time) []string {
	t.Helper()
	var ids []string
	for i := range n {
		m := testMessage(i)
		m.Time = t0.Add(time.Duration(i) * time.Second)
		got, err := s.Append(m)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, got.ID)
	}
	return ids
}

func pageIDs(t *testing.T, l *Listing, from, n int) []string {
	t.Helper()
	msgs, err := l.Messages(from, n)
	if err != nil {
		t.Fatalf("Messages(%d, %d): %v", from, n, err)
	}
	var ids []string
	for _, m := range msgs {
		ids = append(ids, m.ID)
	}
	return ids
}

func TestListingPages(t *testing.T) {
	dir := t.TempDir()
	s := openTestStore(t, dir)
	ids := appendN(t, s, 7, time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	slices.Reverse(ids) // newest first
	l, err := s.Listing()
	if err != nil || l.Len() != 7 {
		t.Fatalf("Listing = %d, %v", l.Len(), err)
	}
	for _, c := range []struct{ from, n int }{{0, 3}, {3, 3}, {6, 3}, {7, 3}, {-1, 2}} {
		want := ids[min(max(c.from, 0), 7):min(max(c.from, 0)+c.n, 7)]
		if got := pageIDs(t, l, c.from, c.n); !slices.Equal(got, want) && len(got)+len(want) > 0 {
			t.Errorf("Messages(%d, %d) = %v, want %v", c.from, c.n, got, want)
		}
	}
	if got := slices.Collect(l.IDs()); !slices.Equal(got, ids) {
		t.Errorf("IDs = %v, want %v", got, ids)
	}
	m, ok, err := l.Find(ids[4][:5])
	if err != nil || !ok || m.ID != ids[4] {
		t.Errorf("Find(prefix) = %+v, %v, %v", m, ok, err)
	}

	// A snapshot doesn't move; a new listing has the new message first.
	more := appendN(t, s, 1, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	if l.Len() != 7 {
		t.Errorf("old listing grew to %d", l.Len())
	}
	l2, err := s.Listing()
	if err != nil || l2.Len() != 8 || pageIDs(t, l2, 0, 1)[0] != more[0] {
		t.Fatalf("after an append: %d, %v", l2.Len(), err)
	}
	// The standalone reader sees the same.
	l3, err := ReadListing(dir)
	if err != nil || !slices.Equal(slices.Collect(l3.IDs()), slices.Collect(l2.IDs())) {
		t.Fatalf("ReadListing disagrees: %v", err)
	}
}

// indexSize is how far the store's index reaches, read in turn.
func indexSize(s *Store) int64 {
	s.slot <- struct{}{}
	defer func() { <-s.slot }()
	return s.idx.size
}

// The index grows from the size it last saw: records another process
// appends are picked up by reading only them, and a replaced log is
// indexed again from the start.
func TestIndexRefresh(t *testing.T) {
	dir := t.TempDir()
	s := openTestStore(t, dir)
	appendN(t, s, 3, time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	other := openTestStore(t, dir) // another process on the same directory
	ids := appendN(t, other, 2, time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC))

	// Only what the other store appended is scanned.
	before := indexSize(s)
	st, err := os.Stat(s.Path())
	if err != nil {
		t.Fatal(err)
	}
	scanned := st.Size() - before
	l, err := s.Listing()
	if err != nil || l.Len() != 5 || pageIDs(t, l, 0, 1)[0] != ids[1] {
		t.Fatalf("Listing after another writer = %d, %v", l.Len(), err)
	}
	if got := indexSize(s) - before; got != scanned {
		t.Errorf("index moved by %d bytes, want %d", got, scanned)
	}

	// Replaced by a shorter log: rebuilt.
	good := readLines(t, s.Path())
	writeLog(t, dir, rawLine(t, good[0]))
	l, err = s.Listing()
	if err != nil || l.Len() != 1 {
		t.Fatalf("Listing after the log was replaced = %d, %v", l.Len(), err)
	}
	// A listing taken before the file changed refuses to read garbage.
	writeLog(t, dir, rawLine(t, good[1])+rawLine(t, good[2]))
	if _, err := l.Messages(0, 1); !errors.Is(err, ErrChanged) {
		t.Fatalf("stale listing read: %v, want ErrChanged", err)
	}
}

// Out-of-order times (a clock set back) still list newest first.
func TestListingOutOfOrder(t *testing.T) {
	dir := t.TempDir()
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	var b strings.Builder
	for i, h := range []int{2, 0, 3, 1, 3} {
		m := testMessage(i)
		m.ID, m.Time = fmt.Sprintf("id%02d", i), base.Add(time.Duration(h)*time.Hour)
		b.WriteString(rawLine(t, m))
	}
	writeLog(t, dir, b.String())
	s := openTestStore(t, dir)
	l, err := s.Listing()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"id04", "id02", "id00", "id03", "id01"}
	if got := slices.Collect(l.IDs()); !slices.Equal(got, want) {
		t.Fatalf("order %v, want %v", got, want)
	}
	m := testMessage(9)
	m.Time = base.Add(90 * time.Minute)
	got, err := s.Append(m)
	if err != nil {
		t.Fatal(err)
	}
	l, _ = s.Listing()
	want = []string{"id04", "id02", "id00", got.ID, "id03", "id01"}
	if got := slices.Collect(l.IDs()); !slices.Equal(got, want) {
		t.Fatalf("after an append: order %v, want %v", got, want)
	}
	// The same second as the newest: the later in the file comes first.
	m.Time = base.Add(3 * time.Hour)
	tie, err := s.Append(m)
	if err != nil {
		t.Fatal(err)
	}
	l2, _ := s.Listing()
	if got := slices.Collect(l2.IDs()); !slices.Equal(got, append([]string{tie.ID}, want...)) {
		t.Fatalf("after a tie: order %v", got)
	}
	// The earlier listing is a snapshot: the insert didn't touch it.
	if got := slices.Collect(l.IDs()); !slices.Equal(got, want) {
		t.Fatalf("old listing changed to %v", got)
	}
}

// A symlink or any other non-regular file where a data file belongs stops
// the store with a clear error; the link's target is never touched.
func TestDataFilesMustBeRegular(t *testing.T) {
	for _, name := range []string{FileName, FileName + ".lock", FileName + ".torn-1"} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			target := filepath.Join(t.TempDir(), "passwd")
			orig := "root:x:0:0::/root:/bin/sh\n"
			if err := os.WriteFile(target, []byte(orig), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
				t.Fatal(err)
			}
			_, err := OpenStore(dir)
			if !errors.Is(err, inbox.ErrStorage) || !strings.Contains(err.Error(), "symlink") {
				t.Fatalf("OpenStore = %v; want a storage error naming the symlink", err)
			}
			if got := string(readFile(t, target)); got != orig {
				t.Fatalf("the link's target changed: %q", got)
			}
			if _, err := ReadListing(dir); name == FileName && err == nil {
				t.Fatal("ReadListing followed the symlink")
			}
		})
	}
	t.Run("fifo", func(t *testing.T) {
		dir := t.TempDir()
		if err := syscall.Mkfifo(filepath.Join(dir, FileName), 0o600); err != nil {
			t.Skip("no mkfifo:", err)
		}
		if _, err := OpenStore(dir); !errors.Is(err, inbox.ErrStorage) || !strings.Contains(err.Error(), "not a regular file") {
			t.Fatalf("OpenStore = %v; want not a regular file", err)
		}
	})
	t.Run("read state", func(t *testing.T) {
		dir := t.TempDir()
		target := filepath.Join(t.TempDir(), "state")
		if err := os.WriteFile(target, []byte(`{"read":["x"]}`), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, filepath.Join(dir, readStateFile)); err != nil {
			t.Fatal(err)
		}
		if _, err := LoadReadState(dir); err == nil || !strings.Contains(err.Error(), "symlink") {
			t.Fatalf("LoadReadState = %v; want a symlink error", err)
		}
		if err := os.Remove(filepath.Join(dir, readStateFile)); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, filepath.Join(dir, readStateFile+".lock")); err != nil {
			t.Fatal(err)
		}
		if _, err := LoadReadState(dir); err == nil || !strings.Contains(err.Error(), "symlink") {
			t.Fatalf("LoadReadState with a symlinked lock = %v; want a symlink error", err)
		}
		r := &ReadState{dir: dir, s: newStateSets()} // linked after the start
		if err := r.MarkRead("abcd"); err == nil || !strings.Contains(err.Error(), "symlink") {
			t.Fatalf("MarkRead = %v; want a symlink error", err)
		}
	})
}

// OpenStore reports what it quarantined: damaged lines left in the log and
// records in side files, including a torn tail it moves aside now.
func TestQuarantine(t *testing.T) {
	dir := t.TempDir()
	s := openTestStore(t, dir)
	appendN(t, s, 2, time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	s.Close()
	good := string(readFile(t, s.Path()))
	// A bad line in the middle, then a good one, then a torn tail.
	m := testMessage(5)
	m.ID, m.Time = "goodgood", time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC)
	writeLog(t, dir, good+"not json\n"+rawLine(t, m)+`{"id":"torn`)
	if err := os.WriteFile(filepath.Join(dir, FileName+".torn-100"), []byte("x\ny\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	s = openTestStore(t, dir)
	q := s.Quarantine()
	want := Quarantine{Skipped: 1, Moved: 3, SideFiles: q.SideFiles}
	if q.Skipped != want.Skipped || q.Moved != want.Moved || len(q.SideFiles) != 2 {
		t.Fatalf("Quarantine = %+v, want 1 skipped, 3 moved in 2 files", q)
	}
	if got, want := q.String(), "4 damaged records quarantined: 1 skipped in "+filepath.Join(dir, FileName)+", 3 moved to 2 files "+filepath.Join(dir, FileName)+".torn-*"; got != want {
		t.Errorf("String = %q", got)
	}
	l, err := s.Listing()
	if err != nil || l.Len() != 3 || l.Report.Corrupt != 1 {
		t.Fatalf("Listing = %d, %+v, %v", l.Len(), l.Report, err)
	}
	rq, err := Quarantined(dir, l)
	if err != nil || rq.Total() != 4 {
		t.Fatalf("Quarantined = %+v, %v", rq, err)
	}
	if (Quarantine{}).String() != "" {
		t.Error("nothing quarantined should print nothing")
	}
}

func TestSubscribe(t *testing.T) {
	s := openTestStore(t, t.TempDir())
	ch1, stop1 := s.Subscribe()
	ch2, stop2 := s.Subscribe()
	defer stop2()
	// A burst coalesces into one wake-up, and nobody reading never blocks
	// a sender.
	appendN(t, s, 3, time.Now())
	for _, ch := range []<-chan struct{}{ch1, ch2} {
		select {
		case <-ch:
		default:
			t.Fatal("no wake-up after Append")
		}
		select {
		case <-ch:
			t.Fatal("a burst woke a subscriber twice")
		default:
		}
	}
	stop1()
	stop1()
	appendN(t, s, 1, time.Now())
	select {
	case <-ch1:
		t.Fatal("woken after unsubscribing")
	default:
	}
	<-ch2
	// A failed write publishes nothing.
	ff := injectFault(s)
	ff.writeErr = syscall.ENOSPC
	if _, err := s.Append(testMessage(1)); err == nil {
		t.Fatal("Append succeeded")
	}
	select {
	case <-ch2:
		t.Fatal("woken by a failed write")
	default:
	}
}

// A record longer than the reader's buffer (but under the limit) is read
// whole; one over the limit is skipped; both before a good record.
func TestLongRecords(t *testing.T) {
	dir := t.TempDir()
	long := testMessage(1)
	long.ID, long.Time, long.Message = "longlong", time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), strings.Repeat("語", 100<<10)
	short := testMessage(2)
	short.ID, short.Time = "shortone", long.Time.Add(time.Second)
	writeLog(t, dir, rawLine(t, long)+`{"id":"`+strings.Repeat("x", maxLine)+"\"}\n"+rawLine(t, short))
	l, err := ReadListing(dir)
	if err != nil || l.Len() != 2 || l.Report.Corrupt != 1 {
		t.Fatalf("ReadListing = %d, %+v, %v; want 2 and 1 corrupt", l.Len(), l.Report, err)
	}
	msgs, err := l.Messages(0, 2)
	if err != nil || msgs[1].ID != "longlong" || msgs[1].Message != long.Message {
		t.Fatalf("long record not read whole: %v", err)
	}
}

// The owner's pages: totals, unread marks, the kept message's new place.
func TestMailboxPage(t *testing.T) {
	dir := t.TempDir()
	s := openTestStore(t, dir)
	ids := appendN(t, s, 5, time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	state, err := LoadReadState(dir)
	if err != nil {
		t.Fatal(err)
	}
	b := NewMailbox(s, state)
	if err := b.MarkRead(ids[3]); err != nil {
		t.Fatal(err)
	}
	p, err := b.Page(1, 2, ids[3])
	if err != nil {
		t.Fatal(err)
	}
	if p.Total != 5 || p.Unread != 4 || p.Kept != 1 || p.From != 1 || len(p.Messages) != 2 ||
		p.Messages[0].ID != ids[3] || !p.Read[0] || p.Read[1] {
		t.Fatalf("Page = %+v", p)
	}
	appendN(t, s, 1, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	if p, err = b.Page(10, 3, ids[3]); err != nil || p.Total != 6 || p.Kept != 2 || p.From != 3 || len(p.Messages) != 3 {
		t.Fatalf("after an arrival: %+v, %v", p, err)
	}
	if p, err = b.Page(0, 3, "gone"); err != nil || p.Kept != -1 {
		t.Fatalf("keep of a missing message: %+v, %v", p, err)
	}
}

// Archived messages leave the owner's pages (and their counts) but not the
// log; unarchiving brings them back where they were.
func TestMailboxArchive(t *testing.T) {
	dir, s, ids, state := testMailbox(t, 5)
	before, err := os.ReadFile(logPath(dir))
	if err != nil {
		t.Fatal(err)
	}
	b := NewMailbox(s, state)
	if err := b.Archive(ids[3]); err != nil {
		t.Fatal(err)
	}
	p, err := b.Page(0, 5, ids[3])
	if err != nil {
		t.Fatal(err)
	}
	if p.Total != 4 || p.Unread != 4 || p.Kept != -1 || len(p.Messages) != 4 ||
		p.Messages[0].ID != ids[4] || p.Messages[1].ID != ids[2] {
		t.Fatalf("Page with one archived = %+v", p)
	}
	if p, err = b.Page(1, 1, ids[1]); err != nil || p.Kept != 2 || p.Messages[0].ID != ids[2] {
		t.Fatalf("Page(1, 1) = %+v, %v", p, err)
	}
	if p, err = b.ArchivedPage(0, 5, ids[3]); err != nil || p.Total != 1 || p.Kept != 0 || p.Messages[0].ID != ids[3] {
		t.Fatalf("ArchivedPage = %+v, %v", p, err)
	}
	if after, _ := os.ReadFile(logPath(dir)); !bytes.Equal(before, after) {
		t.Fatal("archiving rewrote the message log")
	}
	if err := b.MarkRead(ids[4]); err != nil {
		t.Fatal(err)
	}
	if err := b.MarkUnread(ids[4]); err != nil {
		t.Fatal(err)
	}
	if err := b.Unarchive(ids[3]); err != nil {
		t.Fatal(err)
	}
	if p, err = b.Page(0, 5, ""); err != nil || p.Total != 5 || p.Unread != 5 || p.Messages[1].ID != ids[3] {
		t.Fatalf("Page after unarchive = %+v, %v", p, err)
	}
}

// What another process (the portfolio inbox command) archives shows in
// the server's Mailbox at its next page.
func TestMailboxSeesOtherProcesses(t *testing.T) {
	dir, s, ids, state := testMailbox(t, 3)
	b := NewMailbox(s, state)
	if p, err := b.Page(0, 3, ""); err != nil || p.Total != 3 {
		t.Fatalf("Page = %+v, %v", p, err)
	}
	cli, err := LoadReadState(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := cli.Archive(ids[0]); err != nil {
		t.Fatal(err)
	}
	if err := cli.MarkRead(ids[1]); err != nil {
		t.Fatal(err)
	}
	p, err := b.Page(0, 3, "")
	if err != nil || p.Total != 2 || p.Unread != 1 {
		t.Fatalf("Page after another process's changes = %+v, %v", p, err)
	}
	// Damaged by someone since: the state stays as it was, with a warning.
	if err := os.WriteFile(filepath.Join(dir, readStateFile), []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	if p, err = b.Page(0, 3, ""); err != nil || p.Total != 2 || state.Warning() == "" {
		t.Fatalf("Page after damage = %+v, %v, warning %q", p, err, state.Warning())
	}
}

// testMailbox is a store of n messages in a new directory, and its state.
func testMailbox(t *testing.T, n int) (string, *Store, []string, *ReadState) {
	t.Helper()
	dir := t.TempDir()
	s := openTestStore(t, dir)
	ids := appendN(t, s, n, time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	state, err := LoadReadState(dir)
	if err != nil {
		t.Fatal(err)
	}
	return dir, s, ids, state
}
