package ui

import (
	"errors"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/pragyamugale/portfolio/internal/inbox"
	"github.com/pragyamugale/portfolio/internal/stats"
)

// fakeStats is the owner's statistics in memory; it counts its reads.
type fakeStats struct {
	reads atomic.Int64
	err   error
}

func (f *fakeStats) Report(n int) (stats.Report, error) {
	f.reads.Add(1)
	now := time.Date(2026, 3, 14, 12, 0, 0, 0, time.UTC)
	d := &stats.Day{Date: "2026-03-14", Visits: 7, UniqueVisitors: 5, Messages: 2,
		ByChannel: map[string]int64{"tui": 6, "text": 1},
		Views:     map[string]int64{"about": 6, "projects/notelytix": 4},
		Clients:   map[string]int64{"OpenSSH": 7}}
	var h stats.Histogram
	h.Observe(100 * time.Second)
	d.StudyTime = map[string]stats.Histogram{"projects/notelytix": h}
	return stats.NewReport([]*stats.Day{d}, now, n), f.err
}

func TestStatsTabLoadsInACommand(t *testing.T) {
	src := &fakeStats{}
	m := New(portfolio(t), Options{Profile: colorprofile.NoTTY, Inbox: &fakeSource{read: map[string]bool{}}, Stats: src})
	send(t, m, tea.WindowSizeMsg{Width: 80, Height: 40})
	requireText(t, m, "6 Stats")
	cmd := press(t, m, "6")
	if cmd == nil {
		t.Fatal("opening the Stats tab returned no command to load them")
	}
	if n := src.reads.Load(); n != 0 {
		t.Fatalf("Update read the statistics itself (%d reads)", n)
	}
	requireText(t, m, "Loading the statistics")
	if !m.Waiting() {
		t.Error("the model isn't busy while the statistics load: a sleeping host would drop them")
	}
	send(t, m, cmd())
	if m.Waiting() {
		t.Error("still busy after the statistics arrived")
	}
	requireText(t, m, "Visitors, last 30 days", "Visits", "7, 5 unique", "projects/notelytix", "median 1m45s", "OpenSSH 7", "█")
	// Scrolling within the tab doesn't reload; opening it again does.
	if press(t, m, "down") != nil {
		t.Error("a key inside the tab reloaded the statistics")
	}
	press(t, m, "1")
	if cmd := press(t, m, "6"); cmd == nil {
		t.Error("reopening the tab didn't reload")
	}

	src.err = errors.New("disk on fire\x1b[31m")
	send(t, m, press(t, m, "1", "6")())
	requireText(t, m, "Couldn't read the statistics: disk on fire")
}

func TestStatsTabOwnerOnly(t *testing.T) {
	m := newSized(t, colorprofile.NoTTY, 120, 40)
	press(t, m, "6")
	forbidText(t, m, "Stats", "Visitors")
	// Without the Inbox (never the server's case) there is no Stats tab either.
	m = New(portfolio(t), Options{Profile: colorprofile.NoTTY, Stats: &fakeStats{}})
	send(t, m, tea.WindowSizeMsg{Width: 120, Height: 40})
	press(t, m, "6")
	forbidText(t, m, "Stats")
}

func TestOnViewReportsPageChanges(t *testing.T) {
	var pages []string
	pf := portfolio(t)
	m := New(pf, Options{Profile: colorprofile.NoTTY, Submit: func(inbox.Submission) (inbox.Receipt, error) { return inbox.Receipt{}, nil },
		OnView: func(p string) { pages = append(pages, p) }})
	send(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
	press(t, m, "2", "2", "f", "3", "down", "up", "enter", "down", "esc", "4", "1", "right")
	slug := pf.Projects[0].Slug
	want := []string{"about", "skills", "projects", "projects/" + slug, "projects", "contact", "about", "skills"}
	if !slices.Equal(pages, want) {
		t.Errorf("pages reported %v\nwant %v", pages, want)
	}

	// A deep link reports its case study as the first page.
	pages = nil
	New(pf, Options{Profile: colorprofile.NoTTY, Project: pf.Projects[1].Slug, OnView: func(p string) { pages = append(pages, p) }})
	if len(pages) != 1 || !strings.HasPrefix(pages[0], "projects/"+pf.Projects[1].Slug) {
		t.Errorf("deep link reported %v", pages)
	}
}

func TestStatsTabFits(t *testing.T) {
	for _, size := range [][2]int{{40, 12}, {80, 24}, {120, 40}} {
		m := New(portfolio(t), Options{Profile: colorprofile.TrueColor, Inbox: &fakeSource{read: map[string]bool{}}, Stats: &fakeStats{}})
		send(t, m, tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		send(t, m, press(t, m, "6")())
		checkFits(t, output(t, m, colorprofile.TrueColor), size[0], size[1], true)
		requireText(t, m, "Visitors")
	}
}
