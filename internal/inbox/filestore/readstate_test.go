package filestore

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/pragyamugale/portfolio/internal/inbox"
)

func TestReadState(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "inbox")
	msgs := []inbox.Message{{ID: "aaaaaaaa"}, {ID: "bbbbbbbb"}, {ID: "cccccccc"}}

	r, err := LoadReadState(dir)
	if err != nil {
		t.Fatal(err)
	}
	if n := r.Unread(msgs); n != 3 {
		t.Fatalf("Unread = %d, want 3", n)
	}
	if err := r.MarkRead("bbbbbbbb"); err != nil {
		t.Fatal(err)
	}
	if err := r.MarkRead("bbbbbbbb"); err != nil { // again: no-op
		t.Fatal(err)
	}
	if !r.IsRead("bbbbbbbb") || r.IsRead("aaaaaaaa") {
		t.Fatal("IsRead wrong after MarkRead")
	}
	if n := r.Unread(msgs); n != 2 {
		t.Fatalf("Unread = %d, want 2", n)
	}

	// Persisted, privately, with no temp files left behind.
	st, err := os.Stat(filepath.Join(dir, readStateFile))
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("read state mode %o, want 600", st.Mode().Perm())
	}
	if tmp, _ := filepath.Glob(filepath.Join(dir, "*.tmp")); len(tmp) != 0 {
		t.Errorf("temp files left: %v", tmp)
	}
	r2, err := LoadReadState(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !r2.IsRead("bbbbbbbb") || r2.Unread(msgs) != 2 {
		t.Fatal("read state not persisted")
	}

	// Two loaders (two processes) don't lose each other's marks.
	if err := r.MarkRead("aaaaaaaa"); err != nil {
		t.Fatal(err)
	}
	if err := r2.MarkRead("cccccccc"); err != nil {
		t.Fatal(err)
	}
	r3, err := LoadReadState(dir)
	if err != nil {
		t.Fatal(err)
	}
	if n := r3.Unread(msgs); n != 0 {
		t.Fatalf("Unread after both marked = %d, want 0", n)
	}
}

func TestReadStateConcurrent(t *testing.T) {
	dir := t.TempDir()
	r, err := LoadReadState(dir)
	if err != nil {
		t.Fatal(err)
	}
	var msgs []inbox.Message
	var wg sync.WaitGroup
	for i := range 20 {
		id := fmt.Sprintf("id%06d", i)
		msgs = append(msgs, inbox.Message{ID: id})
		wg.Go(func() {
			if err := r.MarkRead(id); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	r2, err := LoadReadState(dir)
	if err != nil {
		t.Fatal(err)
	}
	if n := r2.Unread(msgs); n != 0 {
		t.Fatalf("Unread = %d after marking all, want 0", n)
	}
}

// A damaged state file loses only the state: everything shows unread and
// in the inbox, with a warning, and the next change rebuilds the file and
// keeps the damaged one aside.
func TestReadStateCorrupt(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, readStateFile)
	if err := os.WriteFile(path, []byte("{oops"), 0o600); err != nil {
		t.Fatal(err)
	}
	r, err := LoadReadState(dir)
	if err != nil {
		t.Fatalf("LoadReadState on a damaged file = %v; want an empty state", err)
	}
	if w := r.Warning(); !strings.Contains(w, "damaged") || !strings.Contains(w, path) {
		t.Errorf("Warning = %q; want it to name the damaged file", w)
	}
	if r.IsRead("x") || r.IsArchived("x") {
		t.Fatal("a damaged state should show every message unread and not archived")
	}
	if err := r.Archive("x"); err != nil {
		t.Fatal(err)
	}
	if r.Warning() != "" {
		t.Errorf("Warning after the rebuild = %q", r.Warning())
	}
	aside, _ := filepath.Glob(path + ".corrupt-*")
	if len(aside) != 1 {
		t.Fatalf("damaged file not kept aside: %v", aside)
	}
	if b, err := os.ReadFile(aside[0]); err != nil || string(b) != "{oops" {
		t.Errorf("damaged file not kept aside: %q, %v", b, err)
	}
	r2, err := LoadReadState(dir)
	if err != nil || !r2.IsArchived("x") || r2.Warning() != "" {
		t.Fatalf("rebuilt state = %v, %v", r2.State("x"), err)
	}

	var nilState *ReadState
	if nilState.IsRead("x") || nilState.Unread([]inbox.Message{{ID: "x"}}) != 1 {
		t.Fatal("nil ReadState should treat everything as unread")
	}
}

// A file written before archiving existed ({"read": [...]}) still loads,
// and a change keeps its read marks.
func TestReadStateOldFormat(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, readStateFile)
	if err := os.WriteFile(path, []byte(`{"read":["aaaa","bbbb"]}`+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r, err := LoadReadState(dir)
	if err != nil || r.Warning() != "" {
		t.Fatalf("LoadReadState(old format) = %v, warning %q", err, r.Warning())
	}
	if !r.IsRead("aaaa") || !r.IsRead("bbbb") || r.IsArchived("aaaa") {
		t.Fatalf("old read marks lost: %+v", r.State("aaaa"))
	}
	if err := r.Archive("bbbb"); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	if got := strings.TrimSpace(string(b)); got != `{"read":["aaaa","bbbb"],"archived":["bbbb"]}` {
		t.Errorf("file = %s", got)
	}
}

// Every change is saved before it returns and merges with other
// processes' changes; undoing one (unread, unarchive) sticks too.
func TestMessageStateDurable(t *testing.T) {
	dir := t.TempDir()
	a, err := LoadReadState(dir)
	if err != nil {
		t.Fatal(err)
	}
	b, err := LoadReadState(dir) // another process
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range []func() error{
		func() error { return a.MarkRead("m1") },
		func() error { return a.Archive("m1") },
		func() error { return b.Archive("m2") },
		func() error { return b.MarkRead("m2") },
		func() error { return a.MarkUnread("m2") }, // a never saw m2 read: still undone
		func() error { return b.Unarchive("m1") },
	} {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	c, err := LoadReadState(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]inbox.MessageState{"m1": {Read: true}, "m2": {Archived: true}}
	for id, w := range want {
		if got := c.State(id); got != w {
			t.Errorf("State(%s) = %+v, want %+v", id, got, w)
		}
	}
	if tmp, _ := filepath.Glob(filepath.Join(dir, "*.tmp")); len(tmp) != 0 {
		t.Errorf("temp files left: %v", tmp)
	}
}

// A symlink in place of the state file is refused, never followed.
func TestReadStateSymlinkRefused(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(t.TempDir(), "elsewhere.json")
	if err := os.WriteFile(target, []byte(`{"read":["x"]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, filepath.Join(dir, readStateFile)); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadReadState(dir); err == nil || !strings.Contains(err.Error(), "symlink") {
		t.Fatalf("LoadReadState through a symlink = %v; want a refusal", err)
	}
}

// A change that can't be saved says so and changes nothing: the state in
// memory never claims what the disk doesn't hold.
func TestReadStateFailedSave(t *testing.T) {
	dir := t.TempDir()
	r, err := LoadReadState(dir)
	if err != nil {
		t.Fatal(err)
	}
	// A directory where the temporary file would go: the rename fails.
	if err := os.Mkdir(filepath.Join(dir, readStateFile), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := r.Archive("x"); err == nil {
		t.Fatal("Archive succeeded without saving")
	}
	if r.IsArchived("x") {
		t.Error("a failed Archive left the message archived in memory")
	}
	if tmp, _ := filepath.Glob(filepath.Join(dir, "*.tmp")); len(tmp) != 0 {
		t.Errorf("temp files left: %v", tmp)
	}
}

// A state file over MaxReadState (a 2 GB sparse file, say) is not read:
// the state starts empty at once, with one warning naming the file and its
// cap, and the next change sets the file aside as .oversize-<time> and
// starts a fresh one. (On main, it was read whole: 39 s and 4.6 GB.)
func TestReadStateOversize(t *testing.T) {
	for _, size := range []int64{MaxReadState + 1, 2 << 30} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, readStateFile)
			f, err := os.Create(path)
			if err != nil {
				t.Fatal(err)
			}
			f.Close()
			if err := os.Truncate(path, size); err != nil {
				t.Fatal(err)
			}
			r, err := LoadReadState(dir)
			if err != nil {
				t.Fatalf("LoadReadState = %v; want an empty state with a warning", err)
			}
			if w := r.Warning(); !strings.Contains(w, path) || !strings.Contains(w, "over its cap of 32 MiB") || strings.Count(w, "\n") > 0 {
				t.Errorf("Warning = %q; want one line naming the file and its cap", w)
			}
			if err := r.Refresh(); err != nil || r.IsRead("x") {
				t.Fatalf("Refresh = %v", err)
			}
			if err := r.MarkRead("x"); err != nil {
				t.Fatal(err)
			}
			aside, _ := filepath.Glob(path + ".oversize-*")
			if len(aside) != 1 {
				t.Fatalf("oversize file not set aside: %v", aside)
			}
			if st, err := os.Stat(aside[0]); err != nil || st.Size() != size {
				t.Errorf("set-aside file = %v, %v", st, err)
			}
			r2, err := LoadReadState(dir)
			if err != nil || !r2.IsRead("x") || r2.Warning() != "" {
				t.Fatalf("fresh state = %v, %q, %v", r2.State("x"), r2.Warning(), err)
			}
		})
	}
}
