package ui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/pragyamugale/portfolio/content"
	"github.com/pragyamugale/portfolio/internal/inbox"
	"github.com/pragyamugale/portfolio/internal/invite"
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
	invites InvitationsSource // nil: no Invitations view
	pf      *content.Portfolio
	report  *stats.Report
	list    []invite.Invitation
	listErr error
	err     error
	loading bool
}

// statsMsg carries a loaded report back to the model.
type statsMsg struct {
	report  stats.Report
	err     error
	list    []invite.Invitation
	listErr error
}

// InvitationsSource lists the owner's invitations for the Stats section's
// Invitations view: who opened which link, what they read.
type InvitationsSource func() ([]invite.Invitation, error)

func (statsMsg) forPage() {}

func newStatsPage(src StatsSource, invites InvitationsSource, pf *content.Portfolio, c *common) *statsPage {
	p := &statsPage{src: src, invites: invites, pf: pf}
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
	src, invites := p.src, p.invites
	return func() tea.Msg {
		r, err := src.Report(statsDays)
		msg := statsMsg{report: r, err: err}
		if invites != nil {
			msg.list, msg.listErr = invites()
		}
		return msg
	}
}

func (p *statsPage) loaded(msg statsMsg) {
	p.loading, p.err = false, msg.err
	if msg.err == nil {
		p.report = &msg.report
	}
	p.list, p.listErr = msg.list, msg.listErr
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
	if p.invites != nil {
		lines = append(lines, "", p.renderInvitations(width))
	}
	return strings.Join(lines, "\n")
}

// renderInvitations is the Invitations view: each invitation, whether and
// how it was first opened, its visits and messages, and what was read.
func (p *statsPage) renderInvitations(width int) string {
	st := p.c.st()
	var b strings.Builder
	b.WriteString(st.Label.Render("Invitations") + "\n")
	switch {
	case p.listErr != nil:
		b.WriteString(st.Error.Render(wrap("Couldn't read the invitations: "+inbox.Sanitize(p.listErr.Error(), false), width)))
		return b.String()
	case len(p.list) == 0:
		b.WriteString(st.Muted.Render(wrap("None yet: portfolio invite add \"Acme — Staff Backend\" (or ssh … invite add) makes a personal link per application.", width)))
		return b.String()
	}
	for _, inv := range p.list {
		b.WriteString(bulletIn(st, st.Item, inv.Label, width) + "\n")
		line := fmt.Sprintf("%s · %d visits · %d messages", invite.Status(inv), inv.Visits, inv.Messages)
		b.WriteString("    " + st.Text.Render(truncate(line, width-4)) + "\n")
		if s := invite.Summary(inv.Reads, func(page string) string { return PageTitle(p.pf, page) }); s != "" {
			b.WriteString("    " + st.Muted.Render(truncate(s, width-4)) + "\n")
		}
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// PageTitle names a page for people: a case study by its title, a
// section by its name ("projects/notelytix" → "NoteLytix").
func PageTitle(pf *content.Portfolio, page string) string {
	if slug, ok := strings.CutPrefix(page, "projects/"); ok {
		for _, pr := range pf.Projects {
			if pr.Slug == slug {
				return pr.Title
			}
		}
	}
	return page
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
