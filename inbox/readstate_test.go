package inbox

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

func TestReadState(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "inbox")
	msgs := []Message{{ID: "aaaaaaaa"}, {ID: "bbbbbbbb"}, {ID: "cccccccc"}}

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
	var msgs []Message
	var wg sync.WaitGroup
	for i := range 20 {
		id := fmt.Sprintf("id%06d", i)
		msgs = append(msgs, Message{ID: id})
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

func TestReadStateCorrupt(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, readStateFile), []byte("{oops"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadReadState(dir); err == nil {
		t.Fatal("LoadReadState accepted a corrupt file")
	}
	var nilState *ReadState
	if nilState.IsRead("x") || nilState.Unread([]Message{{ID: "x"}}) != 1 {
		t.Fatal("nil ReadState should treat everything as unread")
	}
}
