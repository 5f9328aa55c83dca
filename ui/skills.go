package ui

import (
	"slices"
	"strings"

	"charm.land/lipgloss/v2"

	"github.com/pragyamugale/portfolio/content"
)

// skillsPage shows every skill group, optionally filtered to one area.
type skillsPage struct {
	document
	filter int // 0 = all, otherwise 1 + index into Skills.Areas
}

func newSkillsPage(pf *content.Portfolio, st func() *Styles) *skillsPage {
	p := &skillsPage{}
	p.document = newDocument(func(width int) string {
		return renderSkills(pf.Skills, st(), p.filter, width)
	})
	return p
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
