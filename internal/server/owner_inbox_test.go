package server

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/pragyamugale/portfolio/internal/inbox"
	"github.com/pragyamugale/portfolio/internal/inbox/filestore"
)

// The owner acts on a message over real SSH: the message comes before its
// metadata, the reply-to is a mailto: link (OSC 8) and copies to the
// clipboard (OSC 52), archiving takes it out of the Inbox with an undo
// notice, and undo brings it back; the state is on disk, the log intact.
func TestOwnerInboxArchiveAndUndo(t *testing.T) {
	t.Parallel()
	ownerAuth, ownerPub := keyAuth(t)
	dir := t.TempDir()
	storeMessage(t, dir, inbox.Message{Name: "Ada Lovelace", ReplyTo: "@ada", Message: "older note", Remote: "192.0.2.8"})
	stored := storeMessage(t, dir, inbox.Message{
		Name: "Zoë 山田", ReplyTo: "zoe@example.jp", Message: "こんにちは 🎉 newest note", Remote: "192.0.2.7",
	})
	ts := startCmdServer(t, func(c *Config) { c.DataDir, c.OwnerKeys = dir, writeOwnerKeys(t, ownerPub) })

	vt := openVTerm(t, ts, ownerAuth)
	vt.waitScreen("5 Inbox (2)")
	vt.send("5")
	vt.waitScreen("2 messages, 2 unread", "Zoë 山田", "Ada Lovelace")
	m := vt.mark()
	vt.send(keyEnter)
	scr := vt.waitScreen("newest note", "From:", "Reply-to: zoe@example.jp", "a archive")
	if strings.Index(scr, "newest note") > strings.Index(scr, "From:") {
		t.Errorf("the metadata comes before the message:\n%s", scr)
	}
	if raw := vt.out.since(m); !strings.Contains(raw, "\x1b]8;;mailto:zoe@example.jp") {
		t.Errorf("no OSC 8 mailto: link for the reply-to in %q", raw)
	}

	m = vt.mark()
	vt.send("c")
	vt.waitScreen("copied zoe@example.jp")
	osc52 := "\x1b]52;c;" + base64.StdEncoding.EncodeToString([]byte("zoe@example.jp"))
	if !eventually(waitTimeout, func() bool { return strings.Contains(vt.out.since(m), osc52) }) {
		t.Errorf("no OSC 52 copy of the reply-to in %q", vt.out.since(m))
	}

	vt.send("a")
	vt.waitScreen("archived · u undo", "1 message, 1 unread", "Ada Lovelace")
	if scr := vt.screen(); strings.Contains(scr, "Zoë") {
		t.Errorf("the archived message is still listed:\n%s", scr)
	}
	st, err := filestore.LoadReadState(dir)
	if err != nil || !st.IsArchived(stored.ID) {
		t.Fatalf("archive not saved: %v", err)
	}

	vt.send("u")
	vt.waitScreen("restored", "2 messages", "Zoë 山田", "Ada Lovelace")
	st, err = filestore.LoadReadState(dir)
	if err != nil || st.IsArchived(stored.ID) || !st.IsRead(stored.ID) {
		t.Fatalf("undo not saved: %+v, %v", st.State(stored.ID), err)
	}

	// What the command archives meanwhile shows in the tab at its next read.
	if err := st.Archive(stored.ID); err != nil {
		t.Fatal(err)
	}
	vt.send("A")
	vt.waitScreen("Archived: 1 message", "Zoë 山田")
	vt.send("A")
	vt.waitScreen("1 message, 1 unread", "Ada Lovelace")
	if msgs := readMessages(t, dir); len(msgs) != 2 {
		t.Errorf("the log holds %d messages, want both still", len(msgs))
	}
}
