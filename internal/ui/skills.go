package ui

import (
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/pragyamugale/portfolio/content"
)

// skillsPage shows every skill group, optionally filtered to one area.
type skillsPage struct {
	document
	areas  int
	filter int // 0 = all, otherwise 1 + index into Skills.Areas
}

// skillsKeys are the Skills page's own keys.
var skillsKeys = struct{ Filter, FilterBack key.Binding }{
	Filter:     key.NewBinding(key.WithKeys("f"), key.WithHelp("f/F", "filter")),
	FilterBack: key.NewBinding(key.WithKeys("F"), key.WithHelp("F", "filter back")),
}

func newSkillsPage(pf *content.Portfolio, c *common) *skillsPage {
	p := &skillsPage{areas: len(pf.Skills.Areas)}
	p.document = newDocument(c, func(width int) string {
		return renderSkills(pf.Skills, c.st(), p.filter, width)
	})
	return p
}

// Update moves the filter on f and F, and scrolls.
func (p *skillsPage) Update(msg tea.Msg) (page, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(k, skillsKeys.Filter):
			p.cycleFilter(1, p.areas)
			return p, nil
		case key.Matches(k, skillsKeys.FilterBack):
			p.cycleFilter(-1, p.areas)
			return p, nil
		}
	}
	p.move(msg)
	return p, nil
}

// ShortHelp is the filter, the scrolling keys when the page scrolls, and
// the next section.
func (p *skillsPage) ShortHelp() []key.Binding {
	if p.Scrollable() {
		return p.keys(skillsKeys.Filter, scrollShort, nextSection)
	}
	return p.keys(skillsKeys.Filter, nextSection)
}

// FullHelp is the scrolling keys when the page scrolls, and the filter.
func (p *skillsPage) FullHelp() [][]key.Binding {
	if p.Scrollable() {
		return [][]key.Binding{scrollHelp(scrollFull), {skillsKeys.Filter}}
	}
	return [][]key.Binding{{skillsKeys.Filter}}
}

// cycleFilter moves the area filter by delta, wrapping around "All".
func (p *skillsPage) cycleFilter(delta, areas int) {
	n := areas + 1
	p.filter = ((p.filter+delta)%n + n) % n
	p.vp.GotoTop()
	p.Invalidate()
}

// renderSkills draws the filter bar and the groups that match it: on wide
// pages as a table (group name, then its skills), so every group fits
// 80×24; on narrow ones each name above its skills.
func renderSkills(sk content.Skills, st *Styles, filter, width int) string {
	var b strings.Builder

	// The filter bar: the active choice is bracketed as well as styled, so
	// it reads without colour.
	choices := append([]string{"All"}, sk.Areas...)
	items := make([]string, len(choices)+1)
	items[0] = st.Muted.Render("Filter (") + st.Help.ShortKey.Render("f") + st.Muted.Render("):")
	for i, c := range choices {
		if i == filter {
			items[i+1] = st.Filter.Render("[" + c + "]")
		} else {
			items[i+1] = st.Muted.Render(" " + c + " ")
		}
	}
	b.WriteString(strings.Join(flow(items, " ", width), "\n"))
	b.WriteString("\n")

	area := ""
	if filter > 0 && filter <= len(sk.Areas) {
		area = sk.Areas[filter-1]
	}
	var groups []content.SkillGroup
	nameW := 0
	for _, g := range sk.Groups {
		// Over all groups, so the table doesn't shift between filters.
		nameW = max(nameW, lipgloss.Width(g.Name))
		if area == "" || slices.Contains(g.Areas, area) {
			groups = append(groups, g)
		}
	}
	const gap = 2
	table := width >= 60 && nameW <= width*2/5
	if table {
		b.WriteString("\n")
	}
	for _, g := range groups {
		if !table {
			b.WriteString("\n" + st.Heading.Render(wrap(g.Name, width)) + "\n")
			b.WriteString(tags(st, g.Items, width) + "\n")
			continue
		}
		lines := strings.Split(tags(st, g.Items, width-nameW-gap), "\n")
		pad := strings.Repeat(" ", nameW+gap)
		name := st.Heading.Render(g.Name) + strings.Repeat(" ", nameW+gap-lipgloss.Width(g.Name))
		b.WriteString(name + strings.Join(lines, "\n"+pad) + "\n")
	}
	return strings.TrimRight(b.String(), "\n")
}
