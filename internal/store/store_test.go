package store

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"charm.land/log/v2"

	"github.com/pragyamugale/portfolio/internal/inbox"
	"github.com/pragyamugale/portfolio/internal/inbox/filestore"
	"github.com/pragyamugale/portfolio/internal/pgtest"
	"github.com/pragyamugale/portfolio/internal/stats"
	"github.com/pragyamugale/portfolio/internal/testkit"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// kinds are the two stores, each as the options that choose it.
var kinds = []struct {
	name string
	opts func(t *testing.T) Options
}{
	{"data directory", func(t *testing.T) Options { return Options{DataDir: t.TempDir()} }},
	{"PostgreSQL", func(t *testing.T) Options { return Options{DataDir: t.TempDir(), DatabaseURL: pgtest.URL(t)} }},
}

// openEither opens the store the options name, as the composition root
// chooses (internal/app/core.OpenStore, which this package can't import).
func openEither(ctx context.Context, o Options) (Store, error) {
	if o.DatabaseURL == "" {
		return OpenDir(o)
	}
	return OpenDatabase(ctx, o)
}

// open opens a store, closed when the test ends.
func open(t *testing.T, o Options) Store {
	t.Helper()
	s, err := openEither(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

var t0 = time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)

// Both stores keep the same promises, as the server writes and the owner's
// commands read: pages newest first, a prefix finds a message, marks and
// archiving show on both sides, All is oldest first, subscribers wake.
func TestStoreContract(t *testing.T) {
	for _, k := range kinds {
		t.Run(k.name, func(t *testing.T) {
			o := k.opts(t)
			o.Serving = true
			server := open(t, o)
			changed, stop := server.Subscribe()
			defer stop()
			var ids []string
			for i, name := range []string{"Ada", "Zoë 山田", "Grace"} {
				m, err := server.Append(inbox.Message{Time: t0.Add(time.Duration(i) * time.Second), Name: name,
					ReplyTo: "a@example.com", Message: "hello " + name, Remote: "192.0.2.1"})
				if err != nil {
					t.Fatal(err)
				}
				ids = append(ids, m.ID)
			}
			select {
			case <-changed:
			case <-time.After(10 * time.Second):
				t.Fatal("no wake-up after messages were stored")
			}
			// Available once the store listens for changes (PostgreSQL's
			// LISTEN connects beside the first write, so wait for it).
			if !testkit.Eventually(10*time.Second, 10*time.Millisecond, server.Available) {
				t.Error("Available() = false")
			}

			o.Serving = false
			owner := open(t, o)
			p, err := owner.Page(0, 10, ids[1])
			if err != nil || p.Total != 3 || p.Unread != 3 || p.Kept != 1 || len(p.Messages) != 3 || p.Messages[0].ID != ids[2] {
				t.Fatalf("Page = %+v, %v; want 3 unread, newest first, %s kept at 1", p, err, ids[1])
			}
			m, st, err := owner.Find(context.Background(), ids[1][:5])
			if err != nil || m.ID != ids[1] || m.Name != "Zoë 山田" || st != (inbox.MessageState{}) {
				t.Fatalf("Find(%q) = %+v, %+v, %v", ids[1][:5], m, st, err)
			}
			if _, _, err := owner.Find(context.Background(), "zzzzzzzz"); err == nil || !strings.Contains(err.Error(), `no message with id "zzzzzzzz"`) {
				t.Errorf("Find of no message: %v", err)
			}
			if err := owner.Archive(ids[1]); err != nil {
				t.Fatal(err)
			}
			if err := owner.MarkRead(ids[0]); err != nil {
				t.Fatal(err)
			}
			if _, st, _ := owner.Find(context.Background(), ids[1]); !st.Archived || st.Read {
				t.Errorf("state after Archive = %+v", st)
			}
			// The server's Inbox sees the owner's command.
			if p, err := server.Page(0, 10, ""); err != nil || p.Total != 2 || p.Unread != 1 {
				t.Errorf("server's Page after archive and read = %+v, %v; want 2, 1 unread", p, err)
			}
			if p, err := server.ArchivedPage(0, 10, ""); err != nil || p.Total != 1 || p.Messages[0].ID != ids[1] {
				t.Errorf("ArchivedPage = %+v, %v", p, err)
			}
			var all []string
			var states []inbox.MessageState
			err = owner.All(context.Background(), func(m inbox.Message, st inbox.MessageState) error {
				all, states = append(all, m.ID), append(states, st)
				return nil
			})
			want := []inbox.MessageState{{Read: true}, {Archived: true}, {}}
			if err != nil || strings.Join(all, ",") != strings.Join(ids, ",") || !equalStates(states, want) {
				t.Errorf("All = %v %+v, %v; want %v %+v", all, states, err, ids, want)
			}
			if err := server.Unarchive(ids[1]); err != nil {
				t.Fatal(err)
			}
			if err := server.MarkUnread(ids[0]); err != nil {
				t.Fatal(err)
			}
			if p, err := owner.Page(0, 10, ""); err != nil || p.Total != 3 || p.Unread != 3 {
				t.Errorf("owner's Page after the server's changes = %+v, %v", p, err)
			}
			// Statistics counted by the server are read by the owner.
			if err := server.Stats().Add(context.Background(), []*stats.Day{{Date: "2025-03-01", Visits: 2, ByChannel: map[string]int64{"tui": 2}}}); err != nil {
				t.Fatal(err)
			}
			days, err := owner.Stats().Days(context.Background(), "2025-03-01", "2025-03-01")
			if err != nil || len(days) != 1 || days[0].Visits != 2 || days[0].ByChannel["tui"] != 2 {
				t.Errorf("owner's Stats().Days = %+v, %v", days, err)
			}
		})
	}
}

func equalStates(a, b []inbox.MessageState) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Only the database takes messages as they are (portfolio inbox import).
func TestImporter(t *testing.T) {
	if _, ok := open(t, kinds[0].opts(t)).(Importer); ok {
		t.Error("the data directory is an Importer")
	}
	s := open(t, kinds[1].opts(t))
	imp, ok := s.(Importer)
	if !ok {
		t.Fatal("PostgreSQL is not an Importer")
	}
	m := inbox.Message{ID: "abcdefgh", Time: t0, Name: "Ada", ReplyTo: "a@example.com", Message: "hi", Remote: "192.0.2.1"}
	m.Checksum = m.Sum()
	for i, want := range []bool{true, false} {
		if added, err := imp.Import(context.Background(), m); err != nil || added != want {
			t.Fatalf("Import #%d = %v, %v; want %v", i+1, added, err, want)
		}
	}
	if got, _, err := s.Find(context.Background(), "abcd"); err != nil || got.ID != m.ID || got.Checksum != m.Checksum {
		t.Errorf("Find after Import = %+v, %v", got, err)
	}
}

// The owner's commands read the data directory as it is, while the server
// may be writing: nothing is created, locked or repaired, and no message
// can be written through them.
func TestOwnerReadsDataDirectoryAsItIs(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	s := open(t, Options{DataDir: dir})
	if p, err := s.Page(0, 10, ""); err != nil || p.Total != 0 {
		t.Fatalf("Page of a missing data directory = %+v, %v", p, err)
	}
	s.Stats()
	if _, err := os.Lstat(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("opening for the owner created %s (%v)", dir, err)
	}
	if _, err := s.Append(inbox.Message{Name: "x", Message: "y"}); !errors.Is(err, inbox.ErrStorage) {
		t.Errorf("Append through the owner's opening = %v, want ErrStorage", err)
	}

	// A torn last line is a write in progress: the owner skips it and
	// says so, and leaves it where it is.
	server := open(t, Options{DataDir: dir, Serving: true})
	if _, err := server.Append(inbox.Message{Time: t0, Name: "Ada", ReplyTo: "a@example.com", Message: "hi", Remote: "192.0.2.1"}); err != nil {
		t.Fatal(err)
	}
	log := filepath.Join(dir, filestore.FileName)
	appendFile(t, log, "not json\n"+`{"id":"half`)
	if err := os.WriteFile(filepath.Join(dir, "read-state.json"), []byte("\x00garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(log)
	var warned []string
	owner := open(t, Options{DataDir: dir, Warn: func(s string) { warned = append(warned, s) }})
	if len(warned) != 0 {
		t.Errorf("warned before anything was read: %q", warned)
	}
	if p, err := owner.Page(0, 10, ""); err != nil || p.Total != 1 {
		t.Fatalf("Page = %+v, %v; want the one intact message", p, err)
	}
	if len(warned) != 3 || !strings.Contains(warned[0], "1 damaged record quarantined") ||
		!strings.Contains(warned[1], "the last line of messages.jsonl is incomplete") ||
		!strings.Contains(warned[2], "the message state file is damaged") {
		t.Errorf("warnings = %q; want the damaged line, the torn line and the state, in that order", warned)
	}
	if after, _ := os.ReadFile(log); !bytes.Equal(before, after) {
		t.Errorf("the owner's reading changed the log:\n%q\nto\n%q", before, after)
	}
}

func appendFile(t *testing.T, path, s string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(s); err != nil {
		t.Fatal(err)
	}
}

// The server's opening logs what the owner should know, and the data
// directory's statistics are ready to be written.
func TestServingLogsDamage(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, filestore.FileName), []byte("not json\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	s := open(t, Options{DataDir: dir, Serving: true, Logger: log.New(&buf)})
	if !strings.Contains(buf.String(), "damaged message records quarantined") {
		t.Errorf("log: %q", buf.String())
	}
	if fi, err := os.Stat(filepath.Join(dir, stats.DirName)); err != nil || !fi.IsDir() {
		t.Errorf("statistics directory: %v", err)
	}
	if err := s.Stats().Add(context.Background(), []*stats.Day{{Date: "2025-03-01"}}); err != nil {
		t.Error(err)
	}
}

// Errors name the option at fault and keep the database's password.
func TestOpenErrors(t *testing.T) {
	const secret = "hunter2-pw"
	_, err := OpenDatabase(context.Background(), Options{DatabaseURL: "postgres://owner:" + secret + "@127.0.0.1:1/portfolio"})
	if err == nil || !strings.HasPrefix(err.Error(), "--database-url: ") || strings.Contains(err.Error(), secret) {
		t.Errorf("database at port 1: %v", err)
	}
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenDir(Options{DataDir: file, Serving: true}); err == nil || !strings.HasPrefix(err.Error(), "--data-dir: ") {
		t.Errorf("a data directory that is a file: %v", err)
	}
}

// The store is chosen in one place: only the composition root
// (internal/app/core) branches on the database URL, and only this package
// opens a store of either kind.
func TestStoreChosenOnce(t *testing.T) {
	branch := regexp.MustCompile(`DatabaseURL\s*[!=]=`)
	opens := regexp.MustCompile(`pgstore\.Open(Serving)?\(|filestore\.OpenStore\(|stats\.(Open|Read)FileStore\(`)
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	chooser, self := filepath.Join("internal", "app", "core"), filepath.Join("internal", "store")
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() {
			if strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		dir := filepath.Dir(rel)
		for i, line := range strings.Split(string(b), "\n") {
			if branch.MatchString(line) && dir != chooser {
				t.Errorf("%s:%d chooses a store outside the composition root: %s", rel, i+1, strings.TrimSpace(line))
			}
			if opens.MatchString(line) && dir != self {
				t.Errorf("%s:%d opens a store outside package store: %s", rel, i+1, strings.TrimSpace(line))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
