package filestore

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/pragyamugale/portfolio/internal/inbox"
	"github.com/pragyamugale/portfolio/internal/testkit"
)

func openTestStore(t *testing.T, dir string) *Store {
	t.Helper()
	s, err := OpenStore(dir)
	if err != nil {
		t.Fatalf("OpenStore: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func testMessage(i int) inbox.Message {
	return inbox.Message{
		Name:        fmt.Sprintf("Visitor %d", i),
		ReplyTo:     fmt.Sprintf("v%d@example.com", i),
		Message:     fmt.Sprintf("Message number %d.\nSecond line.", i),
		Fingerprint: "SHA256:abc",
		Remote:      "192.0.2.1",
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// readLines parses every line of the log strictly.
func readLines(t *testing.T, path string) []inbox.Message {
	t.Helper()
	var msgs []inbox.Message
	for i, l := range strings.SplitAfter(string(readFile(t, path)), "\n") {
		if l == "" {
			continue
		}
		if !strings.HasSuffix(l, "\n") {
			t.Fatalf("line %d is torn: %q", i+1, l)
		}
		var m inbox.Message
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("line %d: %v: %q", i+1, err, l)
		}
		if !m.Valid() {
			t.Fatalf("line %d: bad checksum: %q", i+1, l)
		}
		msgs = append(msgs, m)
	}
	return msgs
}

func TestAppendRecord(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data", "inbox")
	s := openTestStore(t, dir)
	before := time.Now().UTC().Truncate(time.Second)
	in := testMessage(1)
	got, err := s.Append(in)
	if err != nil {
		t.Fatalf("Append: %v", err)
	}
	if len(got.ID) != 8 || strings.ToLower(got.ID) != got.ID {
		t.Errorf("ID = %q, want 8 lowercase characters", got.ID)
	}
	if got.Time.Location() != time.UTC || got.Time.Nanosecond() != 0 || got.Time.Before(before) || time.Since(got.Time) > time.Minute {
		t.Errorf("Time = %v, want now in UTC to the second", got.Time)
	}
	if got.Name != in.Name || got.ReplyTo != in.ReplyTo || got.Message != in.Message ||
		got.Fingerprint != in.Fingerprint || got.Remote != in.Remote {
		t.Errorf("stored %+v, want fields of %+v", got, in)
	}
	if !strings.HasPrefix(got.Checksum, "sha256:") || !got.Valid() {
		t.Errorf("Checksum = %q, not valid", got.Checksum)
	}
	tampered := got
	tampered.Message += "!"
	if tampered.Valid() {
		t.Error("tampered message still Valid")
	}

	lines := readLines(t, s.Path())
	if len(lines) != 1 || lines[0] != got {
		t.Fatalf("log holds %+v, want [%+v]", lines, got)
	}
	// Every field is in the JSON.
	var raw map[string]any
	if err := json.Unmarshal(readFile(t, s.Path()), &raw); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"id", "time", "name", "reply_to", "message", "fingerprint", "remote", "checksum"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("record lacks %q: %v", k, raw)
		}
	}

	// A given time is kept (in UTC, to the second); IDs are unique.
	at := time.Date(2024, 5, 1, 12, 30, 15, 999, time.FixedZone("X", 3600))
	m := testMessage(2)
	m.Time = at
	got2, err := s.Append(m)
	if err != nil {
		t.Fatal(err)
	}
	if !got2.Time.Equal(at.Truncate(time.Second)) || got2.Time.Location() != time.UTC {
		t.Errorf("Time = %v, want %v in UTC", got2.Time, at.Truncate(time.Second))
	}
	if got2.ID == got.ID {
		t.Error("IDs not unique")
	}
}

func TestStorePermissions(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "inbox")
	s := openTestStore(t, dir)
	if _, err := s.Append(testMessage(1)); err != nil {
		t.Fatal(err)
	}
	if s.Path() != filepath.Join(dir, FileName) {
		t.Errorf("Path = %q", s.Path())
	}
	for path, want := range map[string]os.FileMode{dir: 0o700, s.Path(): 0o600} {
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if got := st.Mode().Perm(); got != want {
			t.Errorf("%s: mode %o, want %o", path, got, want)
		}
	}

	// An existing directory keeps its mode.
	dir2 := t.TempDir()
	if err := os.Chmod(dir2, 0o750); err != nil {
		t.Fatal(err)
	}
	openTestStore(t, dir2)
	if st, _ := os.Stat(dir2); st.Mode().Perm() != 0o750 {
		t.Errorf("existing dir mode changed to %o", st.Mode().Perm())
	}
}

// faultFile injects failures into the store's file operations.
type faultFile struct {
	file
	writeErr error // write half the bytes, then fail with this
	short    bool  // write half the bytes and report no error
	syncErr  error
	truncErr error
	block    chan struct{} // Write waits for this to close (a frozen disk)
}

func (f *faultFile) Write(p []byte) (int, error) {
	if f.block != nil {
		<-f.block
	}
	switch {
	case f.writeErr != nil:
		n, _ := f.file.Write(p[:len(p)/2])
		return n, f.writeErr
	case f.short:
		return f.file.Write(p[:len(p)/2])
	}
	return f.file.Write(p)
}

func (f *faultFile) Sync() error {
	if f.syncErr != nil {
		return f.syncErr
	}
	return f.file.Sync()
}

func (f *faultFile) Truncate(size int64) error {
	if f.truncErr != nil {
		return f.truncErr
	}
	return f.file.Truncate(size)
}

func injectFault(s *Store) *faultFile {
	s.slot <- struct{}{}
	defer func() { <-s.slot }()
	ff := &faultFile{file: s.f}
	s.f = ff
	return ff
}

func TestAppendFaults(t *testing.T) {
	faults := map[string]func(*faultFile){
		"ENOSPC":      func(f *faultFile) { f.writeErr = syscall.ENOSPC },
		"EROFS":       func(f *faultFile) { f.writeErr = syscall.EROFS },
		"short write": func(f *faultFile) { f.short = true },
		"fsync EIO":   func(f *faultFile) { f.syncErr = syscall.EIO },
	}
	for name, inject := range faults {
		t.Run(name, func(t *testing.T) {
			s := openTestStore(t, t.TempDir())
			for i := range 2 {
				if _, err := s.Append(testMessage(i)); err != nil {
					t.Fatal(err)
				}
			}
			before := readFile(t, s.Path())
			ff := injectFault(s)
			inject(ff)
			for i := range 3 {
				m, err := s.Append(testMessage(10 + i))
				if !errors.Is(err, inbox.ErrStorage) {
					t.Fatalf("Append = %v, want ErrStorage", err)
				}
				if m.ID != "" {
					t.Errorf("failed Append returned a record: %+v", m)
				}
				if after := readFile(t, s.Path()); !bytes.Equal(before, after) {
					t.Fatalf("log changed by a failed append:\nbefore %q\nafter  %q", before, after)
				}
			}
			*ff = faultFile{file: ff.file} // the fault clears
			if _, err := s.Append(testMessage(3)); err != nil {
				t.Fatalf("Append after the fault cleared: %v", err)
			}
			if got := readLines(t, s.Path()); len(got) != 3 {
				t.Fatalf("log holds %d records, want 3", len(got))
			}
		})
	}
}

// When even the rollback fails, the torn tail is repaired (moved aside)
// before the next append.
func TestAppendRollbackFails(t *testing.T) {
	dir := t.TempDir()
	s := openTestStore(t, dir)
	if _, err := s.Append(testMessage(1)); err != nil {
		t.Fatal(err)
	}
	ff := injectFault(s)
	ff.writeErr, ff.truncErr = syscall.EIO, syscall.EIO
	if _, err := s.Append(testMessage(2)); !errors.Is(err, inbox.ErrStorage) {
		t.Fatalf("Append = %v, want ErrStorage", err)
	}
	*ff = faultFile{file: ff.file}
	if _, err := s.Append(testMessage(3)); err != nil {
		t.Fatal(err)
	}
	if got := readLines(t, s.Path()); len(got) != 2 {
		t.Fatalf("log holds %d records, want 2", len(got))
	}
	if side, _ := filepath.Glob(filepath.Join(dir, FileName+".torn-*")); len(side) != 1 {
		t.Fatalf("torn side files: %v, want 1", side)
	}
}

func TestOpenStoreReadOnlyDir(t *testing.T) {
	dir := t.TempDir()
	if os.Geteuid() == 0 {
		// Root ignores permission bits: simulate the read-only volume.
		orig := openFile
		openFile = func(name string, flag int, perm os.FileMode) (file, error) {
			return nil, &os.PathError{Op: "open", Path: name, Err: syscall.EROFS}
		}
		defer func() { openFile = orig }()
	} else {
		if err := os.Chmod(dir, 0o500); err != nil {
			t.Fatal(err)
		}
		defer os.Chmod(dir, 0o700)
	}
	s, err := OpenStore(dir)
	if !errors.Is(err, inbox.ErrStorage) {
		t.Fatalf("OpenStore = %v, %v; want ErrStorage", s, err)
	}
}

func TestStoreMissingDir(t *testing.T) {
	t.Run("removed after open", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "inbox")
		s := openTestStore(t, dir)
		if _, err := s.Append(testMessage(1)); err != nil {
			t.Fatal(err)
		}
		if err := os.RemoveAll(dir); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Append(testMessage(2)); !errors.Is(err, inbox.ErrStorage) {
			t.Fatalf("Append = %v, want ErrStorage", err)
		}
		if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("directory recreated (it may be an unmounted volume): %v", err)
		}
	})
	t.Run("cannot be created", func(t *testing.T) {
		notDir := filepath.Join(t.TempDir(), "file")
		if err := os.WriteFile(notDir, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := OpenStore(filepath.Join(notDir, "inbox")); !errors.Is(err, inbox.ErrStorage) {
			t.Fatalf("OpenStore = %v, want ErrStorage", err)
		}
	})
	t.Run("log deleted, directory kept", func(t *testing.T) {
		dir := t.TempDir()
		s := openTestStore(t, dir)
		if _, err := s.Append(testMessage(1)); err != nil {
			t.Fatal(err)
		}
		if err := os.Remove(s.Path()); err != nil {
			t.Fatal(err)
		}
		m, err := s.Append(testMessage(2))
		if err != nil {
			t.Fatalf("Append after the log was deleted: %v", err)
		}
		if got := readLines(t, s.Path()); len(got) != 1 || got[0].ID != m.ID {
			t.Fatalf("log holds %+v, want the new record", got)
		}
	})
	t.Run("closed", func(t *testing.T) {
		s := openTestStore(t, t.TempDir())
		s.Close()
		if _, err := s.Append(testMessage(1)); !errors.Is(err, inbox.ErrStorage) {
			t.Fatalf("Append after Close = %v, want ErrStorage", err)
		}
	})
}

func TestAppendConcurrent(t *testing.T) {
	dir := t.TempDir()
	s := openTestStore(t, dir)
	// A second Store on the same directory takes the file lock too.
	s2 := openTestStore(t, dir)
	const n = 50
	ids := make(chan string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			st := s
			if i%2 == 1 {
				st = s2
			}
			m := testMessage(i)
			m.Message = strings.Repeat(fmt.Sprintf("%d ", i), 300) // > PIPE_BUF
			got, err := st.Append(m)
			if err != nil {
				t.Error(err)
				return
			}
			ids <- got.ID
		})
	}
	wg.Wait()
	close(ids)
	lines := readLines(t, s.Path())
	if len(lines) != n {
		t.Fatalf("log holds %d records, want %d", len(lines), n)
	}
	seen := map[string]bool{}
	for _, m := range lines {
		seen[m.ID] = true
	}
	for id := range ids {
		if !seen[id] {
			t.Errorf("acked id %s missing", id)
		}
	}
	if len(seen) != n {
		t.Errorf("%d distinct ids, want %d", len(seen), n)
	}
}

func TestOpenStoreMovesTornTail(t *testing.T) {
	tails := map[string]func(good inbox.Message) string{
		"incomplete line": func(inbox.Message) string { return `{"id":"abcd","time":"2024-` },
		"bad checksum": func(good inbox.Message) string {
			good.Message = "altered"
			b, _ := json.Marshal(good)
			return string(b) + "\n"
		},
		"not json":              func(inbox.Message) string { return "\x00\x00\x00\x00\n" },
		"bad line then partial": func(inbox.Message) string { return "garbage\n{\"id\":" },
	}
	for name, tail := range tails {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			s := openTestStore(t, dir)
			var good inbox.Message
			for i := range 3 {
				m, err := s.Append(testMessage(i))
				if err != nil {
					t.Fatal(err)
				}
				good = m
			}
			s.Close()
			clean := readFile(t, s.Path())
			torn := tail(good)
			f, err := os.OpenFile(s.Path(), os.O_APPEND|os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			f.WriteString(torn)
			f.Close()

			s = openTestStore(t, dir)
			if got := readFile(t, s.Path()); !bytes.Equal(got, clean) {
				t.Fatalf("log after repair:\n%q\nwant\n%q", got, clean)
			}
			side, _ := filepath.Glob(filepath.Join(dir, FileName+".torn-*"))
			if len(side) != 1 {
				t.Fatalf("side files %v, want 1", side)
			}
			if got := string(readFile(t, side[0])); got != torn {
				t.Fatalf("side file holds %q, want %q", got, torn)
			}
			if st, _ := os.Stat(side[0]); st.Mode().Perm() != 0o600 {
				t.Errorf("side file mode %o, want 600", st.Mode().Perm())
			}
			if _, err := s.Append(testMessage(9)); err != nil {
				t.Fatal(err)
			}
			msgs, rep, err := ReadAll(dir)
			if err != nil || len(msgs) != 4 || rep != (inbox.ReadReport{}) {
				t.Fatalf("ReadAll = %d msgs, %+v, %v; want 4 clean", len(msgs), rep, err)
			}
		})
	}
}

// TestHelperWriter is the child process of TestAppendSurvivesSIGKILL: it
// appends in a loop and prints each ID once Append has returned.
func TestHelperWriter(t *testing.T) {
	dir := os.Getenv("INBOX_HELPER_DIR")
	if dir == "" {
		t.Skip("helper process for TestAppendSurvivesSIGKILL")
	}
	s, err := OpenStore(dir)
	if err != nil {
		fmt.Fprintln(os.Stdout, "error", err)
		os.Exit(1)
	}
	for i := 0; ; i++ {
		m, err := s.Append(testMessage(i))
		if err != nil {
			fmt.Fprintln(os.Stdout, "error", err)
			os.Exit(1)
		}
		fmt.Fprintln(os.Stdout, "ack", m.ID)
	}
}

func TestAppendSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	dir := t.TempDir()
	acked := map[string]bool{}
	deadline := time.Now().Add(4 * time.Second)
	for round := 0; round < 10 && time.Now().Before(deadline); round++ {
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperWriter$", "-test.count=1")
		cmd.Env = append(os.Environ(), "INBOX_HELPER_DIR="+dir)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		var (
			mu    sync.Mutex
			lines []string
		)
		first := make(chan struct{})
		readDone := make(chan struct{})
		go func() {
			defer close(readDone)
			br := bufio.NewReader(out)
			for n := 0; ; n++ {
				l, err := br.ReadString('\n')
				if err != nil {
					return // a partial last line was never fully printed
				}
				mu.Lock()
				lines = append(lines, strings.TrimSuffix(l, "\n"))
				mu.Unlock()
				if n == 0 {
					close(first)
				}
			}
		}()
		// Let it get going, then kill it at a random moment.
		select {
		case <-first:
		case <-readDone:
		case <-time.After(3 * time.Second):
		}
		time.Sleep(time.Duration(rand.IntN(40)) * time.Millisecond)
		cmd.Process.Kill() // SIGKILL
		<-readDone
		cmd.Wait()
		for _, l := range lines {
			id, ok := strings.CutPrefix(l, "ack ")
			if !ok {
				t.Fatalf("round %d: child said %q", round, l)
			}
			acked[id] = true
		}
	}
	if len(acked) == 0 {
		t.Fatal("no appends acknowledged")
	}
	s := openTestStore(t, dir)
	if _, err := s.Append(testMessage(0)); err != nil {
		t.Fatal(err)
	}
	msgs, rep, err := ReadAll(dir)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Corrupt != 0 || rep.Torn {
		t.Errorf("after repair: %+v", rep)
	}
	stored := map[string]bool{}
	for _, m := range msgs {
		if !m.Valid() {
			t.Errorf("invalid record %+v", m)
		}
		stored[m.ID] = true
	}
	for id := range acked {
		if !stored[id] {
			t.Errorf("acked id %s lost", id)
		}
	}
	t.Logf("%d acked, %d stored", len(acked), len(msgs))
}

// A disk that stops answering fails the write after the timeout, with no
// record acknowledged; the write that completes later is rolled back, other
// writes fail at once meanwhile, Close doesn't wait for it, and the store
// works again once the disk answers.
func TestAppendStuckDisk(t *testing.T) {
	s := openTestStore(t, t.TempDir())
	s.writeTimeout = 50 * time.Millisecond
	if _, err := s.Append(testMessage(1)); err != nil {
		t.Fatal(err)
	}
	before := readFile(t, s.Path())
	ff := injectFault(s)
	ff.block = make(chan struct{})
	m, err := s.Append(testMessage(2))
	if !errors.Is(err, inbox.ErrStorage) || !strings.Contains(err.Error(), "did not answer") || m.ID != "" {
		t.Fatalf("Append on a frozen disk = %+v, %v; want ErrStorage", m, err)
	}
	// While the write hangs, the next one fails without waiting.
	if _, err := s.Append(testMessage(3)); !errors.Is(err, inbox.ErrStorage) {
		t.Fatalf("Append while stuck = %v", err)
	}
	close(ff.block) // the disk thaws: the late write lands, then is undone
	testkit.Wait(t, 5*time.Second, "the store to come unstuck after the write returned", func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		return !s.stuck
	})
	if after := readFile(t, s.Path()); !bytes.Equal(before, after) {
		t.Fatalf("a write that timed out stayed in the log:\n%q", after)
	}
	got, err := s.Append(testMessage(4))
	if err != nil {
		t.Fatalf("Append after the thaw: %v", err)
	}
	if msgs := readLines(t, s.Path()); len(msgs) != 2 || msgs[1].ID != got.ID {
		t.Fatalf("log holds %+v", msgs)
	}
}

// Close returns at once even while the disk holds a write; that write
// closes the files when it returns.
func TestCloseStuckDisk(t *testing.T) {
	s, err := OpenStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s.writeTimeout = 20 * time.Millisecond
	ff := injectFault(s)
	ff.block = make(chan struct{})
	defer close(ff.block)
	if _, err := s.Append(testMessage(1)); !errors.Is(err, inbox.ErrStorage) {
		t.Fatalf("Append = %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Close() }()
	select {
	case <-done:
	case <-time.After(closeWait + 5*time.Second):
		t.Fatal("Close hung on a stuck write")
	}
	if _, err := s.Append(testMessage(2)); !errors.Is(err, inbox.ErrStorage) {
		t.Fatalf("Append after Close = %v", err)
	}
}

// Close right after Append (whose write may still be handing back the
// file) closes the files exactly once.
func TestCloseRightAfterAppend(t *testing.T) {
	dir := t.TempDir()
	for i := range 100 {
		s, err := OpenStore(dir)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Append(testMessage(i)); err != nil {
			t.Fatal(err)
		}
		if err := s.Close(); err != nil {
			t.Fatalf("round %d: Close = %v", i, err)
		}
	}
	if got := readLines(t, filepath.Join(dir, FileName)); len(got) != 100 {
		t.Fatalf("%d records, want 100", len(got))
	}
}
