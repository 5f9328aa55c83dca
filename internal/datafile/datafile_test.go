package datafile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
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

// sparse makes a file of size bytes that takes no disk (a hole).
func sparse(t *testing.T, path string, size int64) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	if err := os.Truncate(path, size); err != nil {
		t.Fatal(err)
	}
}

// A file over its cap is refused on its size, before a byte is read: a
// 2 GB sparse file costs a stat, and the error names the file and the cap.
func TestReadFileCap(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "big")
	sparse(t, path, 2<<30)
	_, err := ReadFile(path, 1<<20)
	var big *TooLargeError
	if !errors.As(err, &big) || big.Size != 2<<30 || big.Max != 1<<20 {
		t.Fatalf("ReadFile(2 GB, cap 1 MiB) = %v; want a *TooLargeError", err)
	}
	if msg := err.Error(); !strings.Contains(msg, path) || !strings.Contains(msg, "2 GiB") || !strings.Contains(msg, "1 MiB") {
		t.Errorf("error %q should name the file, its size and the cap", msg)
	}
	if Why(err) != "oversize" || Why(errors.New("bad json")) != "corrupt" {
		t.Error("Why: want oversize for a file over its cap, corrupt otherwise")
	}

	small := filepath.Join(dir, "small")
	if err := os.WriteFile(small, []byte("12345"), 0o600); err != nil {
		t.Fatal(err)
	}
	if b, err := ReadFile(small, 5); err != nil || string(b) != "12345" {
		t.Errorf("ReadFile at the cap = %q, %v", b, err)
	}
	if _, err := ReadFile(small, 4); !errors.As(err, &big) {
		t.Errorf("ReadFile one byte over = %v", err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(small, link); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadFile(link, 1<<20); err == nil || !strings.Contains(err.Error(), "symlink") {
		t.Errorf("ReadFile(symlink) = %v", err)
	}
	fsys := os.DirFS(dir)
	if _, err := ReadFS(fsys, "big", "content/big", 1<<20); !errors.As(err, &big) || big.Path != "content/big" {
		t.Errorf("ReadFS(2 GB) = %v", err)
	}
	if b, err := ReadFS(fsys, "small", "small", 5); err != nil || string(b) != "12345" {
		t.Errorf("ReadFS = %q, %v", b, err)
	}

	aside, err := SetAside(dir, path, "oversize", time.Date(2026, 12, 6, 9, 30, 0, 0, time.UTC))
	if err != nil || !strings.HasPrefix(aside, path+".oversize-20261206T093000") {
		t.Fatalf("SetAside = %q, %v", aside, err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("the file is still there after SetAside: %v", err)
	}
	if st, err := os.Stat(aside); err != nil || st.Size() != 2<<30 {
		t.Errorf("set-aside file: %v, %v", st, err)
	}
}
