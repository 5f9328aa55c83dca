package datafile

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestOpenRefusesLinksAndSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "target")
	if err := os.WriteFile(target, []byte("secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(link, os.O_RDONLY, 0); err == nil || !strings.Contains(err.Error(), "symlink") {
		t.Errorf("Open(symlink) = %v, want a symlink refusal", err)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	if _, err := Open(fifo, os.O_RDONLY, 0); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("Open(fifo) = %v, want a refusal (and no hang)", err)
	}
	f, err := Open(target, os.O_RDONLY, 0)
	if err != nil {
		t.Fatalf("Open(regular) = %v", err)
	}
	f.Close()
}

func TestWriteJSONReplacesAtomically(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	other := filepath.Join(dir, "other")
	if err := os.WriteFile(other, []byte("keep\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// A link in the file's place is replaced, never written through.
	if err := os.Symlink(other, path); err != nil {
		t.Fatal(err)
	}
	if err := WriteJSON(dir, path, map[string]string{"name": "Zoë 語 🎉"}); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(other); string(b) != "keep\n" {
		t.Errorf("the link's target was written: %q", b)
	}
	b, err := os.ReadFile(path)
	if err != nil || string(b) != "{\"name\":\"Zoë 語 🎉\"}\n" {
		t.Errorf("file = %q, %v", b, err)
	}
	if st, _ := os.Lstat(path); st.Mode()&os.ModeSymlink != 0 || st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want a regular 0600 file", st.Mode())
	}
	if tmp, _ := filepath.Glob(filepath.Join(dir, "*.tmp")); len(tmp) != 0 {
		t.Errorf("temporary files left: %v", tmp)
	}
}
