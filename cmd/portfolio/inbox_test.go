package main

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"

	"github.com/pragyamugale/portfolio/internal/inbox"
	"github.com/pragyamugale/portfolio/internal/inbox/filestore"
	"github.com/pragyamugale/portfolio/internal/inbox/inboxtest"
)

// runInbox runs `portfolio args…` and returns its stdout and stderr, with
// no COLUMNS (so 80 columns: the output is no terminal).
func runInbox(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	return runInboxCols(t, "", args...)
}

// runInboxCols is runInbox with COLUMNS set to cols.
func runInboxCols(t *testing.T, cols string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	clearEnv(t)
	t.Setenv("COLUMNS", cols)
	cmd := newRootCmd()
	var out, errOut bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SetArgs(args)
	err = cmd.Execute()
	return out.String(), errOut.String(), err
}

var inboxT0 = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

// writeTestInbox stores three messages an hour apart (oldest first) and
// then damages the log as a crash and a stray write would: a corrupt line
// in the middle and a torn last line. It returns the messages, newest
// first, and the log's bytes.
func writeTestInbox(t *testing.T, dir string) ([]inbox.Message, []byte) {
	t.Helper()
	s, err := filestore.OpenStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	var msgs []inbox.Message
	for i, m := range []inbox.Message{
		{Name: "Ada Lovelace", ReplyTo: "ada@example.com", Message: "Oldest note\nsecond line of it", Remote: "192.0.2.1"},
		{Name: "Grace Hopper", ReplyTo: "@grace", Message: "Middle note", Remote: "192.0.2.2", Fingerprint: "SHA256:abcdefghijklmnop"},
		{Name: "Linus", ReplyTo: "https://example.org/linus", Message: "Newest note\n\nwith a blank line\nand more", Remote: "192.0.2.3"},
	} {
		m.Time = inboxT0.Add(time.Duration(i) * time.Hour)
		stored, err := s.Append(m)
		if err != nil {
			t.Fatal(err)
		}
		msgs = append(msgs, stored)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, filestore.FileName)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(b), "\n")
	damaged := lines[0] + "{\"id\":\"corrupt\", this is not json\n" + strings.Join(lines[1:], "") + `{"id":"tornline","time":"2024-05-01T15:00:00Z","na`
	if err := os.WriteFile(path, []byte(damaged), 0o600); err != nil {
		t.Fatal(err)
	}
	slices.Reverse(msgs)
	return msgs, []byte(damaged)
}

func TestInboxList(t *testing.T) {
	dir := t.TempDir()
	msgs, raw := writeTestInbox(t, dir)
	out, errOut, err := runInboxCols(t, "120", "inbox", "--data-dir", dir)
	if err != nil {
		t.Fatalf("inbox: %v\nstderr: %s", err, errOut)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[0], "   TIME (UTC)") {
		t.Fatalf("want a header and 3 rows, got:\n%s", out)
	}
	firstLines := []string{"Newest note", "Middle note", "Oldest note"}
	for i, m := range msgs {
		row := lines[i+1]
		for _, want := range []string{m.Time.Format("2006-01-02 15:04"), m.ID, m.Name, m.ReplyTo, firstLines[i]} {
			if !strings.Contains(row, want) {
				t.Errorf("row %d lacks %q: %q", i+1, want, row)
			}
		}
	}
	for _, notFirst := range []string{"second line", "blank line", "and more"} {
		if strings.Contains(out, notFirst) {
			t.Errorf("the list shows more than first lines (%q):\n%s", notFirst, out)
		}
	}
	if !strings.Contains(errOut, "warning: 1 damaged record quarantined: skipped in "+filepath.Join(dir, filestore.FileName)+"\n") {
		t.Errorf("stderr does not count the corrupt line: %q", errOut)
	}
	if !strings.Contains(errOut, "incomplete") {
		t.Errorf("stderr does not mention the torn last line: %q", errOut)
	}
	if strings.Contains(out, "warning") || strings.Contains(out, "corrupt") || strings.Contains(out, "torn") {
		t.Errorf("warnings on stdout:\n%s", out)
	}
	// Reading never repairs or rewrites the log: the server may be writing.
	if b, _ := os.ReadFile(filepath.Join(dir, filestore.FileName)); !bytes.Equal(b, raw) {
		t.Error("inbox changed the message log")
	}
}

func TestInboxListJSON(t *testing.T) {
	dir := t.TempDir()
	msgs, _ := writeTestInbox(t, dir)
	out, errOut, err := runInbox(t, "inbox", "--json", "--data-dir", dir)
	if err != nil {
		t.Fatalf("inbox --json: %v", err)
	}
	if !strings.Contains(errOut, "1 damaged record quarantined") {
		t.Errorf("stderr: %q", errOut)
	}
	var objs []map[string]any
	if err := json.Unmarshal([]byte(out), &objs); err != nil {
		t.Fatalf("stdout is not a JSON array: %v\n%s", err, out)
	}
	if len(objs) != 3 {
		t.Fatalf("%d objects, want 3", len(objs))
	}
	want := []string{"checksum", "fingerprint", "id", "message", "name", "remote", "reply_to", "time"}
	for i, o := range objs {
		var keys []string
		for k := range o {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		if !slices.Equal(keys, want) {
			t.Errorf("object %d has fields %v, want %v", i, keys, want)
		}
	}
	var got []inbox.Message
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	for i := range msgs {
		if !got[i].Time.Equal(msgs[i].Time) {
			t.Errorf("message %d: time %s, want %s (newest first)", i, got[i].Time, msgs[i].Time)
		}
		got[i].Time = msgs[i].Time
		if got[i] != msgs[i] {
			t.Errorf("message %d:\n got %+v\nwant %+v", i, got[i], msgs[i])
		}
		if !got[i].Valid() {
			t.Errorf("message %d: checksum does not verify", i)
		}
	}
}

func TestInboxShow(t *testing.T) {
	dir := t.TempDir()
	msgs, _ := writeTestInbox(t, dir)
	newest, middle := msgs[0], msgs[1]

	out, _, err := runInbox(t, "inbox", "show", newest.ID[:6], "--data-dir", dir)
	if err != nil {
		t.Fatalf("show %s: %v", newest.ID[:6], err)
	}
	for _, want := range []string{
		"Id:        " + newest.ID,
		"Time:      2024-05-01 14:00:00 UTC",
		"From:      Linus",
		"Reply-to:  https://example.org/linus",
		"Address:   192.0.2.3",
		"\n\nNewest note\n\nwith a blank line\nand more\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("show lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "Key:") {
		t.Errorf("a keyless message shows a key:\n%s", out)
	}

	out, _, err = runInbox(t, "inbox", "show", strings.ToUpper(middle.ID), "--data-dir", dir)
	if err != nil || !strings.Contains(out, "Key:       SHA256:abcdefghijklmnop") || !strings.Contains(out, "Middle note") {
		t.Errorf("show %s: %v\n%s", middle.ID, err, out)
	}

	out, _, err = runInbox(t, "inbox", "show", newest.ID, "--json", "--data-dir", dir)
	if err != nil {
		t.Fatal(err)
	}
	var m inbox.Message
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatalf("show --json is not one JSON object: %v\n%s", err, out)
	}
	if m.ID != newest.ID || m.Message != newest.Message || !m.Valid() {
		t.Errorf("show --json = %+v, want %+v", m, newest)
	}

	for _, id := range []string{"zzzzzzzz", "", "corrupt", "tornline"} {
		out, _, err := runInbox(t, "inbox", "show", id, "--data-dir", dir)
		if err == nil || !strings.Contains(err.Error(), "no message with id") {
			t.Errorf("show %q = %v, want a \"no message with id\" error; stdout:\n%s", id, err, out)
		}
		if out != "" {
			t.Errorf("show %q printed:\n%s", id, out)
		}
	}
	if _, _, err := runInbox(t, "inbox", "show", "--data-dir", dir); err == nil {
		t.Error("show without an id succeeded")
	}
}

func TestInboxEmpty(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "never-created")
	out, errOut, err := runInbox(t, "inbox", "--data-dir", dir)
	if err != nil || !strings.Contains(out, "No messages yet") || errOut != "" {
		t.Errorf("inbox on a missing dir: %v, stdout %q, stderr %q", err, out, errOut)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("inbox created the data dir: %v", err)
	}
	out, _, err = runInbox(t, "inbox", "--json", "--data-dir", dir)
	var v []any
	if err != nil || json.Unmarshal([]byte(out), &v) != nil || len(v) != 0 {
		t.Fatalf("inbox --json on a missing dir: %v, %q", err, out)
	}
	if strings.TrimSpace(out) != "[]" {
		t.Errorf("inbox --json with no messages = %q, want []", out)
	}
}

// checkTerminalSafe fails on anything in out a terminal would act on:
// C0 controls but '\n', DEL, C1 controls, bidi controls, invalid UTF-8.
func checkTerminalSafe(t *testing.T, what, out string) {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Errorf("%s: invalid UTF-8: %q", what, out)
	}
	for i, r := range out {
		switch {
		case r == '\n':
		case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f,
			r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x2028, r == 0x2029:
			t.Errorf("%s: %U at byte %d: %q", what, r, i, out[max(0, i-20):min(len(out), i+20)])
		}
	}
}

func TestInboxHostileText(t *testing.T) {
	dir := t.TempDir()
	writeTestInbox(t, dir)
	// A record written behind the server's back, bypassing the sanitiser,
	// with a checksum that matches: the reader must clean it.
	hostile := inbox.Message{
		ID:          "host\x1b[2Jile",
		Time:        inboxT0.Add(5 * time.Hour),
		Name:        "Eve\x1b[2J\u202e\x07\x7f\u0085\u009b31mMallory\x00",
		ReplyTo:     "eve@example.com\r\x1b]52;c;ZXZpbA==\x07\t",
		Message:     "line one\x1b]8;;http://evil.example\x1b\\link\x1b]8;;\x1b\\\r\nline two\ttab\x00nul\u2028\u202e\u2066end\x1b[31m\u009d0;title\u009c\x1bc",
		Fingerprint: "SHA256:\x1b[31mfake",
		Remote:      "203.0.113.5\x1b[K",
	}
	hostile.Checksum = hostile.Sum()
	line, err := json.Marshal(hostile)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, filestore.FileName)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// Replace the torn tail with the hostile record, so it is read.
	b = b[:bytes.LastIndexByte(b, '\n')+1]
	if err := os.WriteFile(path, append(append(b, line...), '\n'), 0o600); err != nil {
		t.Fatal(err)
	}

	for _, args := range [][]string{
		{"inbox"},
		{"inbox", "--json"},
		{"inbox", "show", "hostile"},
		{"inbox", "show", "hostile", "--json"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			out, errOut, err := runInbox(t, append(args, "--data-dir", dir)...)
			if err != nil {
				t.Fatalf("%v\nstderr: %s", err, errOut)
			}
			checkTerminalSafe(t, "stdout", out)
			checkTerminalSafe(t, "stderr", errOut)
			if strings.Contains(out, "ZXZpbA") || strings.Contains(out, "evil.example") || strings.Contains(out, "title") {
				t.Errorf("an escape sequence's payload survived:\n%s", out)
			}
			if !strings.Contains(out, "Eve Mallory") {
				t.Errorf("the name's text is missing:\n%s", out)
			}
			if args[len(args)-1] == "--json" {
				if !json.Valid([]byte(out)) {
					t.Errorf("not JSON:\n%s", out)
				}
				return
			}
			if len(args) > 1 && args[1] == "show" {
				for _, want := range []string{"Id:        hostile", "Key:       SHA256:fake", "Address:   203.0.113.5", "line onelink\nline two tab"} {
					if !strings.Contains(out, want) {
						t.Errorf("show lacks %q:\n%s", want, out)
					}
				}
			} else if n := strings.Count(out, "\n"); n != 5 {
				t.Errorf("list has %d lines, want a header and 4 rows:\n%s", n, out)
			}
		})
	}
}

// Columns line up in terminal cells, whatever the names are written in:
// CJK and emoji take two cells, accents none of their own.
func TestInboxListWideText(t *testing.T) {
	dir := t.TempDir()
	s, err := filestore.OpenStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	for i, name := range []string{"山田太郎", "Nguyễn Đặng", "Zoë 🎉🎉", "Ann", strings.Repeat("語", 30)} {
		m := inbox.Message{Name: name, ReplyTo: "@x", Message: "hi " + name, Remote: "192.0.2.1", Time: inboxT0.Add(time.Duration(i) * time.Minute)}
		if _, err := s.Append(m); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	out, _, err := runInboxCols(t, "200", "inbox", "--data-dir", dir)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	col := -1
	for i, l := range lines {
		// The REPLY-TO column starts at the same cell on every row.
		at := strings.Index(l, "REPLY-TO")
		if i > 0 {
			at = strings.Index(l, "@x")
		}
		cell := ansi.StringWidth(l[:at])
		if col == -1 {
			col = cell
		} else if cell != col {
			t.Errorf("row %d: reply-to at cell %d, want %d:\n%s", i, cell, col, out)
		}
	}
	if name, _, _ := strings.Cut(lines[1], "@x"); !strings.Contains(name, strings.Repeat("語", 11)+"…") || strings.Count(name, "語") != 11 {
		t.Errorf("a long CJK name is not clipped to 24 cells:\n%s", out)
	}
}

// Only the newest messages are listed unless asked; --json lists all.
func TestInboxListLimit(t *testing.T) {
	dir := t.TempDir()
	writeTestInbox(t, dir)
	out, errOut, err := runInbox(t, "inbox", "-n", "2", "--data-dir", dir)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out, "\n"); n != 3 || !strings.Contains(out, "Newest note") || strings.Contains(out, "Oldest note") {
		t.Errorf("-n 2 listed:\n%s", out)
	}
	if !strings.Contains(errOut, "showing the newest 2 of 3 messages") {
		t.Errorf("stderr: %q", errOut)
	}
	out, _, err = runInbox(t, "inbox", "--json", "--data-dir", dir)
	var v []any
	if err != nil || json.Unmarshal([]byte(out), &v) != nil || len(v) != 3 {
		t.Errorf("--json listed %d: %v", len(v), err)
	}
}

// Records moved aside by a repair are counted in the one warning line,
// with where they are.
func TestInboxQuarantineLine(t *testing.T) {
	dir := t.TempDir()
	writeTestInbox(t, dir)
	s, err := filestore.OpenStore(dir) // moves the torn tail aside
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	_, errOut, err := runInbox(t, "inbox", "--data-dir", dir)
	if err != nil {
		t.Fatal(err)
	}
	side, _ := filepath.Glob(filepath.Join(dir, filestore.FileName+".torn-*"))
	want := "warning: 2 damaged records quarantined: 1 skipped in " + filepath.Join(dir, filestore.FileName) + ", 1 moved to " + side[0] + "\n"
	if errOut != want {
		t.Errorf("stderr = %q, want %q", errOut, want)
	}
}

// BenchmarkInboxList100k: `portfolio inbox` and `portfolio inbox show` on
// 100,000 stored messages (about 70 MB), as the owner runs them.
func BenchmarkInboxList100k(b *testing.B) {
	dir := b.TempDir()
	inboxtest.WriteLog(b, dir, 100_000)
	for name, args := range map[string][]string{
		"list": {"inbox"},
		"show": {"inbox", "show", inboxtest.Message(5).ID},
	} {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				cmd := newRootCmd()
				cmd.SetOut(io.Discard)
				cmd.SetErr(io.Discard)
				cmd.SetArgs(append(args, "--data-dir", dir))
				if err := cmd.Execute(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// A family emoji keeps its joiners through the store and takes two cells
// in the list (one grapheme cluster), not six.
func TestInboxListGraphemeWidths(t *testing.T) {
	const family = "👨\u200d👩\u200d👧"
	dir := t.TempDir()
	s, err := filestore.OpenStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Append(inbox.Message{Name: family, ReplyTo: "@x", Message: "کتاب\u200cها", Remote: "192.0.2.1", Time: inboxT0}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	out, _, err := runInboxCols(t, "200", "inbox", "--data-dir", dir)
	if err != nil {
		t.Fatal(err)
	}
	// The name column is as wide as its header (4 cells), the family 2 of
	// them, then two spaces between columns; REPLY-TO is 8 wide.
	if !strings.Contains(out, family+"    @x        کتاب\u200cها") {
		t.Errorf("the family is not one 2-cell cluster in the list:\n%q", out)
	}
}

// `portfolio inbox` with read-state.json replaced by a 2 GB sparse file
// lists the messages (every one unread) with one warning naming the file
// and its cap; it never reads the 2 GB (on main: 39 s and 4.6 GB). The
// next change sets the file aside and starts a fresh one.
func TestInboxOversizeState(t *testing.T) {
	dir := t.TempDir()
	msgs, _ := writeTestInbox(t, dir)
	state := filepath.Join(dir, "read-state.json")
	if err := os.WriteFile(state, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(state, 2<<30); err != nil {
		t.Fatal(err)
	}
	out, errOut, err := runInbox(t, "inbox", "--data-dir", dir, "--json")
	if err != nil {
		t.Fatalf("inbox: %v\n%s", err, errOut)
	}
	var got []inbox.Message
	if err := json.Unmarshal([]byte(out), &got); err != nil || len(got) != len(msgs) {
		t.Fatalf("listed %d messages (%v); want %d", len(got), err, len(msgs))
	}
	var warned []string
	for _, l := range strings.Split(strings.TrimSpace(errOut), "\n") {
		if strings.Contains(l, "read-state.json") {
			warned = append(warned, l)
		}
	}
	if len(warned) != 1 || !strings.Contains(warned[0], "over its cap of 32 MiB") {
		t.Errorf("warnings about the state file = %q; want one naming it and its cap", warned)
	}
	if _, _, err := runInbox(t, "inbox", "archive", msgs[0].ID, "--data-dir", dir); err != nil {
		t.Fatal(err)
	}
	if aside, _ := filepath.Glob(state + ".oversize-*"); len(aside) != 1 {
		t.Errorf("the oversize state file was not set aside: %v", aside)
	}
	if st, err := os.Stat(state); err != nil || st.Size() > 1<<10 {
		t.Errorf("fresh state file = %v, %v", st, err)
	}
}
