package ui

import (
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/pragyamugale/portfolio/internal/inbox"
	"github.com/pragyamugale/portfolio/internal/stats"
)

// StatsSource gives the owner's Stats section its numbers. The server
// provides it, with the Inbox, only to sessions authenticated with an
// owner key.
type StatsSource interface {
	// Report returns the last n days of visitor statistics.
	Report(n int) (stats.Report, error)
}

// statsDays is how many days the Stats section shows.
const statsDays = 30

// statsPage shows the visitor statistics: the same summary as
// `portfolio stats`, loaded in a command each time the tab opens.
type statsPage struct {
	textPage
	src     StatsSource
	report  *stats.Report
	err     error
	loading bool
}

// statsMsg carries a loaded report back to the model.
type statsMsg struct {
	report stats.Report
	err    error
}

func (statsMsg) forPage() {}

func newStatsPage(src StatsSource, c *common) *statsPage {
	p := &statsPage{src: src}
	p.document = newDocument(c, p.render)
	return p
}

// Update loads the statistics when the tab opens, takes them when they
// arrive, and scrolls.
func (p *statsPage) Update(msg tea.Msg) (page, tea.Cmd) {
	switch msg := msg.(type) {
	case shownMsg:
		if !msg.again {
			return p, p.load()
		}
	case statsMsg:
		p.loaded(msg)
	default:
		p.move(msg)
	}
	return p, nil
}

// load reads the statistics off the UI's goroutine.
func (p *statsPage) load() tea.Cmd {
	p.loading = true
	p.Invalidate()
	src := p.src
	return func() tea.Msg {
		r, err := src.Report(statsDays)
		return statsMsg{report: r, err: err}
	}
}

func (p *statsPage) loaded(msg statsMsg) {
	p.loading, p.err = false, msg.err
	if msg.err == nil {
		p.report = &msg.report
	}
	p.Invalidate()
}

func (p *statsPage) render(width int) string {
	st := p.c.st()
	switch {
	case p.err != nil:
		return st.Error.Render(wrap("Couldn't read the statistics: "+inbox.Sanitize(p.err.Error(), false), width))
	case p.report == nil:
		return st.Muted.Render("Loading the statistics…")
	}
	lines := strings.Split(p.report.Text(width), "\n")
	lines[0] = st.Label.Render(lines[0])
	for i, l := range lines {
		if strings.ContainsAny(l, "▁█") { // the sparklines
			name, chart, _ := strings.Cut(l, "  ")
			lines[i] = name + "  " + st.Marker.Render(chart)
		}
	}
	return strings.Join(lines, "\n")
}

// pageKey identifies the page on screen without building its name.
type pageKey struct {
	section Section
	study   *document
}

// pageName is the name of the page on screen, as statistics count it:
// about, skills, projects, contact, projects/<slug>, inbox or stats.
func (m *Model) pageName() string {
	if m.study() != nil {
		return "projects/" + m.pf.Projects[m.projects.selected].Slug
	}
	return strings.ToLower(m.section.String())
}

// pageChanged tells the host when another page comes on screen (see
// Options.OnView).
func (m *Model) pageChanged() {
	k := pageKey{m.section, m.study()}
	if k == m.onScreen {
		return
	}
	m.onScreen = k
	if m.onView != nil {
		m.onView(m.pageName())
	}
}
