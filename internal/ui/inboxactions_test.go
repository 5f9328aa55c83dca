package ui

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	xansi "github.com/charmbracelet/x/ansi"

	"github.com/pragyamugale/portfolio/internal/inbox"
)

func threeMessages() []inbox.Message {
	return []inbox.Message{
		msg("cccc", "Carol", time.Minute), msg("bbbb", "Bob", time.Hour), msg("aaaa", "Ann", 2*time.Hour),
	}
}

// Archive (a) runs in a Cmd, takes the message out of the list, and says
// "archived · u undo"; u restores it and selects it again. Both are state
// changes made through the source, never in Update.
func TestInboxArchiveAndUndo(t *testing.T) {
	src := newFake(t, threeMessages()...)
	m := newOwnerModel(t, src)
	act(t, m, src, "5", "down")
	act(t, m, src, "a")
	if !slices.Equal(src.actions, []string{"Archive"}) || !src.archived["bbbb"] {
		t.Fatalf("actions %v, archived %v", src.actions, src.archived)
	}
	s := plain(m)
	if !strings.Contains(s, "archived · u undo") || strings.Contains(s, "Bob") || !strings.Contains(s, "2 messages") {
		t.Fatalf("after archiving:\n%s", s)
	}
	if id := m.inbox.selectedID(); id != "aaaa" {
		t.Errorf("selected %q after archiving, want the next message", id)
	}
	act(t, m, src, "u")
	if !slices.Equal(src.actions, []string{"Archive", "Unarchive"}) || src.archived["bbbb"] {
		t.Fatalf("undo: actions %v, archived %v", src.actions, src.archived)
	}
	s = plain(m)
	if !strings.Contains(s, "restored") || !strings.Contains(s, "Bob") || m.inbox.selectedID() != "bbbb" {
		t.Fatalf("after undo (selected %q):\n%s", m.inbox.selectedID(), s)
	}
	// The undo lasts until the next key: u after another key does nothing.
	act(t, m, src, "a", "down", "u")
	if len(src.actions) != 3 || !src.archived["bbbb"] {
		t.Fatalf("u after another key undid: %v", src.actions)
	}
}

// Archiving the open message goes back to the list.
func TestInboxArchiveWhileReading(t *testing.T) {
	src := newFake(t, threeMessages()...)
	m := newOwnerModel(t, src)
	act(t, m, src, "5", "enter", "a")
	if m.inbox.reading || !src.archived["cccc"] {
		t.Fatalf("reading %v, archived %v", m.inbox.reading, src.archived)
	}
}

// U marks a message unread again: at once on screen, then in the source.
func TestInboxMarkUnread(t *testing.T) {
	src := newFake(t, threeMessages()...)
	m := newOwnerModel(t, src)
	act(t, m, src, "5", "enter")
	if !src.read["cccc"] || m.inbox.unread != 2 {
		t.Fatalf("open didn't mark read: %v, unread %d", src.read, m.inbox.unread)
	}
	act(t, m, src, "U")
	if src.read["cccc"] || m.inbox.reading || m.inbox.unread != 3 || !strings.Contains(plain(m), "marked unread") {
		t.Fatalf("U: read %v, reading %v, unread %d\n%s", src.read, m.inbox.reading, m.inbox.unread, plain(m))
	}
	if !strings.Contains(plain(m), "5 Inbox (3)") {
		t.Errorf("tab count not updated:\n%s", plain(m))
	}
}

// n and p open the next and previous message while reading.
func TestInboxNextPrevious(t *testing.T) {
	src := newFake(t, threeMessages()...)
	m := newOwnerModel(t, src)
	act(t, m, src, "5", "enter", "n")
	if !m.inbox.reading || m.inbox.open.ID != "bbbb" {
		t.Fatalf("n opened %q (reading %v)", m.inbox.open.ID, m.inbox.reading)
	}
	act(t, m, src, "n", "n") // the last stays open
	if m.inbox.open.ID != "aaaa" {
		t.Fatalf("n past the end opened %q", m.inbox.open.ID)
	}
	act(t, m, src, "p")
	if m.inbox.open.ID != "bbbb" || !strings.Contains(plain(m), "hello from Bob") {
		t.Fatalf("p opened %q:\n%s", m.inbox.open.ID, plain(m))
	}
	if !slices.Equal(src.marked, []string{"cccc", "bbbb", "aaaa"}) {
		t.Errorf("marked read %v, want each message opened once", src.marked)
	}
}

// c copies the reply-to with OSC 52 (tea.SetClipboard, written by the
// program), and says so.
func TestInboxCopyReplyTo(t *testing.T) {
	src := newFake(t, threeMessages()...)
	m := newOwnerModel(t, src)
	act(t, m, src, "5", "enter", "c")
	want := tea.SetClipboard("Carol@example.com")()
	if !slices.Contains(src.others, want) {
		t.Fatalf("c returned %v, want %v", src.others, want)
	}
	if !strings.Contains(plain(m), "copied Carol@example.com") {
		t.Errorf("no notice:\n%s", plain(m))
	}
}

// The reply-to is an OSC 8 link where the terminal takes them: mailto:
// for an email, the URL for a URL, nothing for a handle; never without
// hyperlinks.
func TestInboxReplyToLink(t *testing.T) {
	for _, tc := range []struct {
		replyTo, link string
	}{
		{"zoë@example.com", "\x1b]8;;mailto:zo%C3%AB@example.com\a"},
		{"https://example.com/jane?x=1", "\x1b]8;;https://example.com/jane?x=1\a"},
		{"@jane", ""},
		// Only what passes the reply-to rule is a link.
		{"jane@gmail", ""},
		{"https://user:pw@x.example/", ""},
	} {
		for _, links := range []bool{true, false} {
			m0 := msg("aaaa", "Jane", time.Hour)
			m0.ReplyTo = tc.replyTo
			src := newFake(t, m0)
			m := New(portfolio(t), Options{Profile: colorprofile.TrueColor, Hyperlinks: links, Inbox: src})
			runCmds(t, m, src, m.Init())
			runCmds(t, m, src, send(t, m, tea.WindowSizeMsg{Width: 80, Height: 24}))
			act(t, m, src, "5", "enter")
			out := output(t, m, colorprofile.TrueColor)
			has := strings.Contains(out, "\x1b]8;;")
			switch {
			case tc.link == "" && has, !links && has:
				t.Errorf("%q (links %v): a link in %q", tc.replyTo, links, out)
			case tc.link != "" && links && !strings.Contains(out, tc.link):
				t.Errorf("%q: no %q in %q", tc.replyTo, tc.link, out)
			}
		}
	}
}

// The footer and the ? panel list the Inbox's keys where they work.
func TestInboxHelpListsKeys(t *testing.T) {
	src := newFake(t, threeMessages()...)
	m := newOwnerModel(t, src)
	act(t, m, src, "5")
	if f := footer(m); !strings.Contains(f, "a archive") {
		t.Errorf("list footer %q lacks the archive key", f)
	}
	act(t, m, src, "enter")
	if f := footer(m); !strings.Contains(f, "a archive") || !strings.Contains(f, "n/p next/prev") {
		t.Errorf("message footer %q lacks the inbox keys", f)
	}
	act(t, m, src, "?")
	s := plain(m)
	for _, want := range []string{"a archive", "u undo archive", "U mark unread", "c copy reply-to", "n/p next/prev message"} {
		if !strings.Contains(s, want) {
			t.Errorf("help panel lacks %q:\n%s", want, s)
		}
	}
}

// A change the disk refused is said, and the message stays.
func TestInboxArchiveFails(t *testing.T) {
	src := newFake(t, threeMessages()...)
	src.fail = errors.New("read-only file system")
	m := newOwnerModel(t, src)
	act(t, m, src, "5", "a")
	s := plain(m)
	if !strings.Contains(s, "Couldn't archive the message: read-only file system") || !strings.Contains(s, "Carol") {
		t.Fatalf("after a failed archive:\n%s", s)
	}
	act(t, m, src, "u") // nothing to undo
	if len(src.actions) != 1 {
		t.Errorf("u after a failed archive: %v", src.actions)
	}
}

// A lists the archived messages (a there unarchives) and A goes back; the
// tab keeps counting the Inbox's unread.
func TestInboxArchivedView(t *testing.T) {
	src := newFake(t, threeMessages()...)
	m := newOwnerModel(t, src)
	act(t, m, src, "5", "down", "a", "A")
	s := plain(m)
	if !strings.Contains(s, "Archived: 1 message") || !strings.Contains(s, "Bob") || strings.Contains(s, "Carol") {
		t.Fatalf("archived view:\n%s", s)
	}
	if !strings.Contains(s, "5 Inbox (2)") {
		t.Errorf("the tab should count the Inbox's unread:\n%s", s)
	}
	if f := footer(m); !strings.Contains(f, "a unarchive") {
		t.Errorf("archived footer %q", f)
	}
	act(t, m, src, "a")
	if src.archived["bbbb"] || !strings.Contains(plain(m), "back in the Inbox") || !strings.Contains(plain(m), "No archived messages.") {
		t.Fatalf("unarchive from the archived view: %v\n%s", src.archived, plain(m))
	}
	act(t, m, src, "A")
	if s := plain(m); !strings.Contains(s, "3 messages") || !strings.Contains(s, "Bob") {
		t.Fatalf("back in the Inbox:\n%s", s)
	}
}

// A family emoji and a Persian word arrive in the owner's Inbox as the
// visitor wrote them (through inbox.Validate, as every channel stores
// them), and the list measures them by grapheme cluster: the family is
// two cells, not six.
func TestInboxGraphemeWidths(t *testing.T) {
	const family = "👨\u200d👩\u200d👧"
	sub, err := inbox.Validate(inbox.Submission{Name: family + " Fam", ReplyTo: "@fam", Message: "کتاب\u200cها " + family})
	if err != nil {
		t.Fatal(err)
	}
	m0 := msg("bbbb", sub.Name, time.Minute)
	m0.Message = sub.Message
	src := newFake(t, m0, msg("aaaa", "Ann", time.Hour))
	m := newOwnerModel(t, src)
	act(t, m, src, "5")
	s := plain(m)
	var famAt, annAt = -1, -1
	for _, l := range strings.Split(s, "\n") {
		if i := strings.Index(l, "Fam"); i >= 0 && famAt < 0 {
			if !strings.Contains(l, family+" Fam") {
				t.Errorf("the family emoji came apart: %q", l)
			}
			famAt = xansi.StringWidth(l[:i])
		}
		if i := strings.Index(l, "Ann"); i >= 0 && annAt < 0 {
			annAt = xansi.StringWidth(l[:i])
		}
	}
	if famAt < 0 || annAt < 0 {
		t.Fatalf("names not listed:\n%s", s)
	}
	if famAt != annAt+3 {
		t.Errorf("the family emoji takes %d cells, want 2:\n%s", famAt-annAt-1, s)
	}
	act(t, m, src, "enter")
	if s := plain(m); !strings.Contains(s, "کتاب\u200cها "+family) {
		t.Errorf("the message came apart:\n%q", s)
	}
}
