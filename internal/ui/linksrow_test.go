package ui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	xansi "github.com/charmbracelet/x/ansi"

	"github.com/pragyamugale/portfolio/content"
)

// TestAboutLinksRow: a profile's links are one row under the name and
// title on the first screen, clickable where the terminal allows (OSC 8),
// at every width the layout supports; a profile without links draws no
// row (issue 23 §12).
func TestAboutLinksRow(t *testing.T) {
	base := portfolio(t)
	with := *base
	with.Profile.Links = []content.Link{
		{Label: "Email", URL: "mailto:ada@example.org"},
		{Label: "GitHub", URL: "https://github.com/example"},
		{Label: "LinkedIn", URL: "https://www.linkedin.com/in/example"},
		{Label: "CV", URL: "https://example.org/cv.pdf"},
	}
	for _, size := range [][2]int{{80, 24}, {120, 40}, {40, 12}} {
		m := New(&with, Options{Profile: colorprofile.TrueColor, Hyperlinks: true})
		send(t, m, tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		raw := m.View().Content
		lines := strings.Split(xansi.Strip(raw), "\n")
		title := -1
		for i, l := range lines {
			if strings.Contains(l, with.Profile.Title) {
				title = i
				break
			}
		}
		if title < 0 || title+1 >= len(lines) {
			t.Fatalf("%dx%d: no title line:\n%s", size[0], size[1], xansi.Strip(raw))
		}
		row := strings.TrimSpace(lines[title+1])
		if size[0] >= 80 && row != "Email · GitHub · LinkedIn · CV" {
			t.Errorf("%dx%d: the line under the title is %q, want the links row", size[0], size[1], row)
		}
		if size[0] < 80 && !strings.HasPrefix(row, "Email · GitHub") {
			t.Errorf("%dx%d: the line under the title is %q, want the links row starting", size[0], size[1], row)
		}
		if !strings.Contains(raw, "\x1b]8;;https://github.com/example") {
			t.Errorf("%dx%d: GitHub is not a hyperlink", size[0], size[1])
		}
	}

	m := New(base, Options{Profile: colorprofile.TrueColor, Hyperlinks: true})
	send(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
	lines := strings.Split(xansi.Strip(m.View().Content), "\n")
	for i, l := range lines {
		if strings.Contains(l, base.Profile.Title) {
			if next := strings.TrimSpace(lines[i+1]); next != "" {
				t.Errorf("without links, the line under the title is %q, want it blank as before", next)
			}
			break
		}
	}
}
