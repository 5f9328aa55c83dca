package ui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
)

// TestFirstScreenShowsCV: a door that gives the CV's command has it on
// the first screen, beside "Get in touch" at 80 columns so the screen
// keeps every line it had (the last, "Press 4 …", still on an 80×24
// terminal), and on a line of its own where it doesn't fit; with none
// given, no line.
func TestFirstScreenShowsCV(t *testing.T) {
	const cv = "ssh portfolio.example.com resume --format pdf > cv.pdf"
	with := New(portfolio(t), Options{Profile: colorprofile.NoTTY, CV: cv})
	send(t, with, tea.WindowSizeMsg{Width: 80, Height: 24})
	requireText(t, with, "CV: "+cv)
	lines := strings.Split(plain(with), "\n")
	found := false
	for _, l := range lines[:min(len(lines), 24)] {
		found = found || strings.Contains(l, "resume --format pdf")
	}
	if !found || !strings.Contains(plain(with), "Get in touch  CV: "+cv) {
		t.Errorf("the CV line is not beside Get in touch on the first 24 rows:\n%s", plain(with))
	}
	without := newSized(t, colorprofile.NoTTY, 80, 24)
	if a, b := strings.Count(plain(with), "\n"), strings.Count(plain(without), "\n"); a != b {
		t.Errorf("the CV adds lines at 80 columns: %d, without it %d", a, b)
	}
	narrow := New(portfolio(t), Options{Profile: colorprofile.NoTTY, CV: cv})
	send(t, narrow, tea.WindowSizeMsg{Width: 50, Height: 60})
	requireText(t, narrow, "CV: ssh portfolio.example.com resume")
	forbidText(t, without, "CV:", "resume --format")
}
