package ui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/pragyamugale/portfolio/inbox"
)

// fakeSource is an owner's inbox in memory.
type fakeSource struct {
	msgs []inbox.Message
	read map[string]bool
}

func (f *fakeSource) Messages() ([]inbox.Message, inbox.ReadReport, error) {
	return append([]inbox.Message(nil), f.msgs...), inbox.ReadReport{}, nil
}
func (f *fakeSource) IsRead(id string) bool { return f.read[id] }
func (f *fakeSource) MarkRead(id string) error {
	f.read[id] = true
	return nil
}

func msg(id, name string, age time.Duration) inbox.Message {
	return inbox.Message{ID: id, Name: name, ReplyTo: name + "@example.com",
		Message: "hello from " + name, Time: time.Now().Add(-age)}
}

func newOwnerModel(t *testing.T, src *fakeSource) *Model {
	t.Helper()
	m := New(portfolio(t), Options{Profile: colorprofile.NoTTY, Inbox: src})
	send(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
	return m
}

// TestInboxReloadKeepsTheOpenMessage: the message list is read again each
// time the Inbox is shown; a message that arrived meanwhile must not swap
// the one on screen, and one that vanished must not crash the session.
func TestInboxReloadKeepsTheOpenMessage(t *testing.T) {
	src := &fakeSource{read: map[string]bool{}, msgs: []inbox.Message{msg("bbbb", "Bob", time.Hour), msg("aaaa", "Ann", 2*time.Hour)}}
	m := newOwnerModel(t, src)
	press(t, m, "5", "down", "enter")
	requireText(t, m, "From:     Ann")

	// A new message arrives (newest first: indexes shift), the owner
	// switches away and back.
	src.msgs = append([]inbox.Message{msg("cccc", "Cat", time.Minute)}, src.msgs...)
	press(t, m, "1", "5")
	if out := plain(m); strings.Contains(out, "From:") && !strings.Contains(out, "From:     Ann") {
		t.Errorf("a new arrival swapped the open message:\n%s", out)
	}

	// The file goes away while a message is open.
	press(t, m, "enter")
	src.msgs = nil
	press(t, m, "1", "5") // panicked: index out of range
	requireText(t, m, "No messages yet")
}
