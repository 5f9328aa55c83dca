package ui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
)

// TestFirstScreenShowsCV: a door that gives the CV's command has it on
// the first screen, above the fold of an 80×24 terminal; with none given,
// no line; and the shared first screen of one isn't the other's.
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
	if !found {
		t.Errorf("the CV line is not on the first 24 rows:\n%s", plain(with))
	}
	without := newSized(t, colorprofile.NoTTY, 80, 24)
	forbidText(t, without, "CV:", "resume --format")
}
