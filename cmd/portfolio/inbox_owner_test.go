package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"mime"
	"net/mail"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/pragyamugale/portfolio/internal/inbox"
	"github.com/pragyamugale/portfolio/internal/inbox/filestore"
)

// writeWorldInbox stores messages in many scripts (oldest first) and
// returns them newest first.
func writeWorldInbox(t *testing.T, dir string) []inbox.Message {
	t.Helper()
	s, err := filestore.OpenStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var msgs []inbox.Message
	for i, m := range []inbox.Message{
		{Name: "山田 太郎", ReplyTo: "taro@example.jp", Message: "こんにちは、ポートフォリオを拝見しました。\nFrom the first line on, thanks 🎉"},
		{Name: "Zoë Nguyễn", ReplyTo: "@zoe", Message: "Café, \"quotes\", commas, and\nFrom here: a line an mbox would misread\n>From one already quoted"},
		{Name: "Émile 🚀", ReplyTo: "https://example.org/émile", Message: "Short one."},
	} {
		m.Remote = "192.0.2.9"
		m.Time = inboxT0.Add(time.Duration(i) * time.Hour)
		stored, err := s.Append(m)
		if err != nil {
			t.Fatal(err)
		}
		msgs = append([]inbox.Message{stored}, msgs...)
	}
	return msgs
}

// Archive and unarchive change only the state beside the log; the list
// hides archived messages and --archived lists them.
func TestInboxArchiveUnarchive(t *testing.T) {
	dir := t.TempDir()
	msgs := writeWorldInbox(t, dir)
	logBefore, _ := os.ReadFile(filepath.Join(dir, filestore.FileName))
	target := msgs[1]

	out, _, err := runInbox(t, "inbox", "archive", target.ID[:5], "--data-dir", dir)
	if err != nil || !strings.Contains(out, target.ID+"  Zoë Nguyễn: archived") {
		t.Fatalf("archive: %v\n%s", err, out)
	}
	out, _, _ = runInbox(t, "inbox", "archive", target.ID, "--data-dir", dir)
	if !strings.Contains(out, "already archived") {
		t.Errorf("archiving twice: %q", out)
	}
	list, _, _ := runInboxCols(t, "200", "inbox", "--data-dir", dir)
	if strings.Contains(list, "Zoë") || !strings.Contains(list, "山田 太郎") || !strings.Contains(list, "Émile") {
		t.Errorf("list after archiving:\n%s", list)
	}
	arch, _, _ := runInboxCols(t, "200", "inbox", "--archived", "--data-dir", dir)
	if !strings.Contains(arch, "Zoë Nguyễn") || strings.Contains(arch, "山田") {
		t.Errorf("--archived:\n%s", arch)
	}
	js, _, _ := runInbox(t, "inbox", "--archived", "--json", "--data-dir", dir)
	var got []inbox.Message
	if err := json.Unmarshal([]byte(js), &got); err != nil || len(got) != 1 || got[0].ID != target.ID {
		t.Errorf("--archived --json = %v, %s", err, js)
	}
	show, _, _ := runInbox(t, "inbox", "show", target.ID, "--data-dir", dir)
	if !strings.Contains(show, "State:     archived") {
		t.Errorf("show of an archived message doesn't say so:\n%s", show)
	}

	out, _, err = runInbox(t, "inbox", "unarchive", target.ID, "--data-dir", dir)
	if err != nil || !strings.Contains(out, "back in the Inbox") {
		t.Fatalf("unarchive: %v\n%s", err, out)
	}
	if arch, _, _ := runInbox(t, "inbox", "--archived", "--data-dir", dir); !strings.Contains(arch, "No archived messages.") {
		t.Errorf("--archived after unarchive:\n%s", arch)
	}
	if logAfter, _ := os.ReadFile(filepath.Join(dir, filestore.FileName)); !bytes.Equal(logBefore, logAfter) {
		t.Error("archiving rewrote the message log")
	}
	if _, _, err := runInbox(t, "inbox", "archive", "--data-dir", dir); err == nil {
		t.Error("archive without an id succeeded")
	}
	if _, _, err := runInbox(t, "inbox", "archive", "zzzzzzzz", "--data-dir", dir); err == nil || !strings.Contains(err.Error(), `no message with id "zzzzzzzz"`) {
		t.Errorf("archive of an unknown id = %v", err)
	}
}

// A unique prefix of any length finds a message; an ambiguous one is an
// error that lists the candidates.
func TestInboxIDPrefix(t *testing.T) {
	dir := t.TempDir()
	var log strings.Builder
	for i, id := range []string{"abcd1111", "abcd2222", "qxyz3333"} {
		m := inbox.Message{ID: id, Name: "Ann " + id, ReplyTo: "@ann", Message: "note " + id, Remote: "192.0.2.1",
			Time: inboxT0.Add(time.Duration(i) * time.Minute)}
		m.Checksum = m.Sum()
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		log.Write(append(b, '\n'))
	}
	if err := os.WriteFile(filepath.Join(dir, filestore.FileName), []byte(log.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	for prefix, want := range map[string]string{"q": "qxyz3333", "abcd2": "abcd2222", "ABCD1111": "abcd1111"} {
		out, _, err := runInbox(t, "inbox", "show", prefix, "--data-dir", dir)
		if err != nil || !strings.Contains(out, "Id:        "+want) {
			t.Errorf("show %q: %v\n%s", prefix, err, out)
		}
	}
	for _, prefix := range []string{"a", "abcd"} {
		_, _, err := runInbox(t, "inbox", "archive", prefix, "--data-dir", dir)
		if err == nil || err.Error() != `id prefix "`+prefix+`" matches 2 messages: abcd2222, abcd1111; give more of the id` {
			t.Errorf("archive %q = %v; want the candidates listed", prefix, err)
		}
	}
}

// "*" marks the unread messages; show marks one read.
func TestInboxUnreadMarker(t *testing.T) {
	dir := t.TempDir()
	msgs := writeWorldInbox(t, dir)
	row := func(out, id string) string {
		for l := range strings.SplitSeq(out, "\n") {
			if strings.Contains(l, id) {
				return l
			}
		}
		t.Fatalf("no row for %s in\n%s", id, out)
		return ""
	}
	out, _, _ := runInboxCols(t, "200", "inbox", "--data-dir", dir)
	for _, m := range msgs {
		if !strings.HasPrefix(row(out, m.ID), "*  ") {
			t.Errorf("unread %s not marked: %q", m.ID, row(out, m.ID))
		}
	}
	runInbox(t, "inbox", "show", msgs[0].ID, "--data-dir", dir)
	out, _, _ = runInboxCols(t, "200", "inbox", "--data-dir", dir)
	if r := row(out, msgs[0].ID); !strings.HasPrefix(r, "   ") {
		t.Errorf("read message still marked: %q", r)
	}
	if r := row(out, msgs[1].ID); !strings.HasPrefix(r, "*  ") {
		t.Errorf("unread message lost its mark: %q", r)
	}
}

// The table fits COLUMNS, in cells, whatever the script; ids stay whole.
func TestInboxListFitsWidth(t *testing.T) {
	dir := t.TempDir()
	msgs := writeWorldInbox(t, dir)
	for _, cols := range []int{40, 60, 80, 100, 160} {
		out, _, err := runInboxCols(t, strconv.Itoa(cols), "inbox", "--data-dir", dir)
		if err != nil {
			t.Fatal(err)
		}
		for l := range strings.SplitSeq(strings.TrimSuffix(out, "\n"), "\n") {
			if w := ansi.StringWidth(l); w > cols {
				t.Errorf("COLUMNS=%d: a %d-cell line: %q", cols, w, l)
			}
		}
		for _, m := range msgs {
			if !strings.Contains(out, m.ID) {
				t.Errorf("COLUMNS=%d: id %s cut:\n%s", cols, m.ID, out)
			}
		}
		if cols >= 100 && !strings.Contains(out, "taro@example.jp") {
			t.Errorf("COLUMNS=%d: reply-to cut though there is room:\n%s", cols, out)
		}
	}
	// Without COLUMNS and no terminal: 80.
	out, _, _ := runInbox(t, "inbox", "--data-dir", dir)
	for l := range strings.SplitSeq(strings.TrimSuffix(out, "\n"), "\n") {
		if w := ansi.StringWidth(l); w > 80 {
			t.Errorf("default width: a %d-cell line: %q", w, l)
		}
	}
}

// show wraps the message at word boundaries to the width.
func TestInboxShowWraps(t *testing.T) {
	dir := t.TempDir()
	s, err := filestore.OpenStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	text := "Bonjour! J'ai regardé votre portfolio — très intéressant. 日本語のテキストも 🎉 含まれています。 Could we talk about the backend role next week?"
	m, err := s.Append(inbox.Message{Name: "Zoë", ReplyTo: "zoe@example.com", Message: text, Remote: "192.0.2.1", Time: inboxT0})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	out, _, err := runInboxCols(t, "30", "inbox", "show", m.ID, "--data-dir", dir)
	if err != nil {
		t.Fatal(err)
	}
	_, body, _ := strings.Cut(out, "\n\n")
	lines := strings.Split(strings.TrimSuffix(body, "\n"), "\n")
	if len(lines) < 4 {
		t.Fatalf("not wrapped:\n%s", body)
	}
	for _, l := range lines {
		if w := ansi.StringWidth(l); w > 30 {
			t.Errorf("a %d-cell line: %q", w, l)
		}
	}
	for _, word := range []string{"regardé", "intéressant.", "portfolio", "backend", "🎉"} {
		if !strings.Contains(body, word) {
			t.Errorf("%q split across lines:\n%s", word, body)
		}
	}
	if strings.Join(strings.Fields(body), " ") != strings.Join(strings.Fields(text), " ") {
		t.Errorf("wrapping changed the words:\n%s", body)
	}
}

// export writes every message, archived too, oldest first, with its
// state, in JSON, CSV and mbox, text in any script intact.
func TestInboxExport(t *testing.T) {
	dir := t.TempDir()
	msgs := writeWorldInbox(t, dir) // newest first
	if _, _, err := runInbox(t, "inbox", "archive", msgs[1].ID, "--data-dir", dir); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runInbox(t, "inbox", "show", msgs[2].ID, "--data-dir", dir); err != nil {
		t.Fatal(err)
	}
	oldest := []inbox.Message{msgs[2], msgs[1], msgs[0]}

	t.Run("json", func(t *testing.T) {
		out, _, err := runInbox(t, "inbox", "export", "--format", "json", "--data-dir", dir)
		if err != nil {
			t.Fatal(err)
		}
		var got []struct {
			inbox.Message
			Read     bool `json:"read"`
			Archived bool `json:"archived"`
		}
		if err := json.Unmarshal([]byte(out), &got); err != nil || len(got) != 3 {
			t.Fatalf("%v:\n%s", err, out)
		}
		for i, g := range got {
			if g.ID != oldest[i].ID || g.Name != oldest[i].Name || g.Message.Message != oldest[i].Message || !g.Valid() {
				t.Errorf("record %d = %+v, want %+v", i, g.Message, oldest[i])
			}
		}
		if !got[0].Read || got[0].Archived || !got[1].Archived || got[2].Read {
			t.Errorf("states: %+v", got)
		}
	})
	t.Run("csv", func(t *testing.T) {
		out, _, err := runInbox(t, "inbox", "export", "--format", "csv", "--data-dir", dir)
		if err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
		if err != nil || len(recs) != 4 {
			t.Fatalf("%v:\n%s", err, out)
		}
		if strings.Join(recs[0], ",") != "id,time,name,reply_to,message,fingerprint,remote,read,archived,checksum,via,invitation" {
			t.Errorf("header %v", recs[0])
		}
		for i, r := range recs[1:] {
			if r[0] != oldest[i].ID || r[2] != oldest[i].Name || r[3] != oldest[i].ReplyTo || r[4] != oldest[i].Message {
				t.Errorf("row %d = %q", i, r)
			}
		}
		if recs[2][8] != "true" || recs[1][7] != "true" {
			t.Errorf("states: %q", recs)
		}
	})
	t.Run("mbox", func(t *testing.T) {
		out, _, err := runInbox(t, "inbox", "export", "--format", "mbox", "--data-dir", dir)
		if err != nil {
			t.Fatal(err)
		}
		// Split on the "From " lines: only the three separators may start
		// with "From " once the body lines are quoted.
		var parts []string
		for l := range strings.SplitSeq(out, "\n") {
			if strings.HasPrefix(l, "From ") {
				parts = append(parts, "")
				continue
			}
			parts[len(parts)-1] += l + "\n"
		}
		if len(parts) != 3 {
			t.Fatalf("%d messages in the mbox, want 3:\n%s", len(parts), out)
		}
		dec := new(mime.WordDecoder)
		for i, p := range parts {
			msg, err := mail.ReadMessage(strings.NewReader(p))
			if err != nil {
				t.Fatalf("message %d: %v\n%s", i, err, p)
			}
			subj, err := dec.DecodeHeader(msg.Header.Get("Subject"))
			if err != nil || subj != "Message from "+oldest[i].Name {
				t.Errorf("message %d subject %q (%v)", i, subj, err)
			}
			from, err := msg.Header.AddressList("From")
			if err != nil || from[0].Name != oldest[i].Name {
				t.Errorf("message %d From %v (%v)", i, from, err)
			}
			if msg.Header.Get("Message-Id") != "<"+oldest[i].ID+"@portfolio>" {
				t.Errorf("message %d Message-ID %q", i, msg.Header.Get("Message-Id"))
			}
		}
		if !strings.Contains(out, "\n>From here: a line an mbox would misread\n>>From one already quoted\n") {
			t.Errorf("From lines in the body not quoted mboxrd-style:\n%s", out)
		}
		if !strings.Contains(out, "\nReply-To: taro@example.jp\n") || !strings.Contains(out, "こんにちは") {
			t.Errorf("mbox lacks the reply-to or the text:\n%s", out)
		}
	})
	empty := t.TempDir()
	for format, want := range map[string]string{"json": "[]\n", "csv": "id,time,name,reply_to,message,fingerprint,remote,read,archived,checksum,via,invitation\n", "mbox": ""} {
		if out, _, err := runInbox(t, "inbox", "export", "--format", format, "--data-dir", empty); err != nil || out != want {
			t.Errorf("export --format %s of no messages = %q, %v; want %q", format, out, err, want)
		}
	}
	if _, _, err := runInbox(t, "inbox", "export", "--format", "xml", "--data-dir", dir); err == nil || !strings.Contains(err.Error(), "json, csv, mbox") {
		t.Errorf("--format xml = %v", err)
	}
}

// A damaged state file: a warning, everything unread, no crash; the next
// change rebuilds it.
func TestInboxDamagedState(t *testing.T) {
	dir := t.TempDir()
	msgs := writeWorldInbox(t, dir)
	if err := os.WriteFile(filepath.Join(dir, "read-state.json"), []byte("\x00garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, errOut, err := runInboxCols(t, "200", "inbox", "--data-dir", dir)
	if err != nil || !strings.Contains(errOut, "warning: the message state file is damaged") || strings.Count(out, "\n*  ") != 3 {
		t.Fatalf("list with a damaged state: %v\nstdout:\n%s\nstderr:\n%s", err, out, errOut)
	}
	if _, _, err := runInbox(t, "inbox", "archive", msgs[0].ID, "--data-dir", dir); err != nil {
		t.Fatal(err)
	}
	_, errOut, _ = runInbox(t, "inbox", "--data-dir", dir)
	if strings.Contains(errOut, "damaged") {
		t.Errorf("still damaged after a change: %s", errOut)
	}
}
