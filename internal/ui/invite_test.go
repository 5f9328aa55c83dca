package ui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/pragyamugale/portfolio/internal/invite"
)

// TestInvitationFirstScreen: a visit through an invitation shows its
// greeting on About and, in the footer, the one line saying the link is
// personal; an ordinary visit of the same size shows neither (their
// first screens are not shared).
func TestInvitationFirstScreen(t *testing.T) {
	pf := portfolio(t)
	m := New(pf, Options{Profile: colorprofile.NoTTY, Greeting: "Hello Acme team", Personal: true})
	send(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
	requireText(t, m, "Hello Acme team", "This link is personal")
	screen := m.View().Content
	lines := strings.Split(strings.TrimRight(screen, "\n "), "\n")
	if last := lines[len(lines)-1]; !strings.Contains(last, "This link is personal") {
		t.Errorf("the personal line is not the footer's last line: %q", last)
	}
	plain := New(pf, Options{Profile: colorprofile.NoTTY})
	send(t, plain, tea.WindowSizeMsg{Width: 80, Height: 24})
	if s := plain.View().Content; strings.Contains(s, "Hello Acme team") || strings.Contains(s, "personal") {
		t.Errorf("an ordinary visit shows the invitation's lines:\n%s", s)
	}
}

// TestStatsInvitationsView: the owner's Stats tab lists the invitations:
// opened or not, visits, messages, and what was read, by title.
func TestStatsInvitationsView(t *testing.T) {
	opened := time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC)
	list := []invite.Invitation{
		{Code: "x", Label: "Acme — Staff Backend", FirstOpened: &opened, FirstChannel: invite.ChannelSSH, Visits: 3, Messages: 1,
			Reads: []invite.Read{{Page: "projects/notelytix", Seconds: 180, Views: 2}}},
		{Code: "y", Label: "Globex"},
	}
	m := New(portfolio(t), Options{Profile: colorprofile.NoTTY, Inbox: &fakeSource{read: map[string]bool{}}, Stats: &fakeStats{},
		Invitations: func() ([]invite.Invitation, error) { return list, nil }})
	send(t, m, tea.WindowSizeMsg{Width: 100, Height: 60})
	cmd := press(t, m, "6")
	send(t, m, cmd())
	requireText(t, m, "Invitations", "Acme — Staff Backend", "opened 2026-03-14 09:30 over SSH · 3 visits · 1 messages",
		"read NoteLytix - Real-time AI Meeting Assistant 3 min", "Globex", "not opened")
}
