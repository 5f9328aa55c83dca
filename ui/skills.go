package ui

import (
	"slices"
	"strings"

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

// renderSkills draws the filter bar and the groups that match it.
func renderSkills(sk content.Skills, st *Styles, filter, width int) string {
	var b strings.Builder

	// The filter bar: the active choice is bracketed as well as styled, so
	// it reads without colour.
	choices := append([]string{"All"}, sk.Areas...)
	items := make([]string, len(choices))
	for i, c := range choices {
		if i == filter {
			items[i] = st.Filter.Render("[" + c + "]")
		} else {
			items[i] = st.Muted.Render(" " + c + " ")
		}
	}
	b.WriteString(st.Muted.Render("Filter (f): ") + "\n")
	b.WriteString(strings.Join(flow(items, " ", width), "\n"))
	b.WriteString("\n")

	area := ""
	if filter > 0 && filter <= len(sk.Areas) {
		area = sk.Areas[filter-1]
	}
	for _, g := range sk.Groups {
		if area != "" && !slices.Contains(g.Areas, area) {
			continue
		}
		b.WriteString("\n" + st.Heading.Render(wrap(g.Name, width)) + "\n")
		b.WriteString(tags(st, g.Items, width) + "\n")
	}
	return strings.TrimRight(b.String(), "\n")
}
