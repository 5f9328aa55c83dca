package ui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/pragyamugale/portfolio/content"
)

// TestNewContentOnTheNextSection: a reload (Options.Content answering a
// newer portfolio) changes nothing on screen until the visitor changes
// section; then every page has the new text, the case study selected
// stays selected, and the contact form keeps what was typed.
func TestNewContentOnTheNextSection(t *testing.T) {
	old := portfolio(t)
	cur := old
	f := &fakeInbox{}
	m := New(old, Options{Profile: colorprofile.NoTTY, Submit: f.submit, Content: func() *content.Portfolio { return cur }})
	send(t, m, tea.WindowSizeMsg{Width: 80, Height: 60})
	press(t, m, "3", "down")
	selected := m.projects.selected
	press(t, m, "4", "enter")
	typeText(t, m, "Jane")

	pf := *old
	pf.Profile.Tagline = "A tagline from the reload."
	pf.Contact.Heading = "Write to me, reloaded"
	cur = &pf
	send(t, m, tea.WindowSizeMsg{Width: 80, Height: 60})
	if strings.Contains(plain(m), "reloaded") {
		t.Fatalf("the page on screen changed under the visitor:\n%s", plain(m))
	}
	press(t, m, "esc", "1")
	if s := plain(m); !strings.Contains(s, "A tagline from the reload.") {
		t.Errorf("the next section doesn't show the new text:\n%s", s)
	}
	if m.projects.selected != selected {
		t.Errorf("the selected case study moved from %d to %d", selected, m.projects.selected)
	}
	press(t, m, "4")
	if s := plain(m); !strings.Contains(s, "Write to me, reloaded") || !m.contact.hasDraft() || m.contact.name.Value() != "Jane" {
		t.Errorf("the contact page lost its draft or shows the old heading (draft %q):\n%s", m.contact.name.Value(), s)
	}
}
