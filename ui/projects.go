package ui

import (
	"strings"

	"github.com/pragyamugale/portfolio/content"
)

// projectsPage lists the case studies; Enter opens the selected one.
type projectsPage struct {
	document
	projects []content.Project
	selected int
	spans    [][2]int // first and last line of each item, for scrolling
}

func newProjectsPage(pf *content.Portfolio, st func() *Styles) *projectsPage {
	p := &projectsPage{projects: pf.Projects}
	p.document = newDocument(func(width int) string {
		out, spans := renderProjects(p.projects, st(), p.selected, width)
		p.spans = spans
		return out
	})
	return p
}

// Select selects project i (clamped) and scrolls it into view.
func (p *projectsPage) Select(i int) {
	p.selected = max(0, min(i, len(p.projects)-1))
	p.Invalidate()
	p.refresh() // the spans come from rendering
	if p.selected < len(p.spans) {
		s := p.spans[p.selected]
		p.ScrollTo(s[0], s[1])
	}
}

// renderProjects draws each project as a title, its stack and a one-line
// summary. The selected item carries a bar in the margin, visible with or
// without colour.
func renderProjects(projects []content.Project, st *Styles, selected, width int) (string, [][2]int) {
	const gutter = "  "
	inner := width - len(gutter)
	var lines []string
	spans := make([][2]int, len(projects))
	for i, pr := range projects {
		if i > 0 {
			lines = append(lines, "")
		}
		start := len(lines)
		title := st.Item
		if i == selected {
			title = st.Selected
		}
		var block []string
		block = append(block, strings.Split(title.Render(wrap(pr.Title, inner)), "\n")...)
		block = append(block, strings.Split(tags(st, pr.Stack, inner), "\n")...)
		block = append(block, strings.Split(st.Text.Render(wrap(pr.Summary, inner)), "\n")...)
		for _, l := range block {
			if i == selected {
				lines = append(lines, st.Marker.Render("▌")+" "+l)
			} else {
				lines = append(lines, gutter+l)
			}
		}
		spans[i] = [2]int{start, len(lines) - 1}
	}
	lines = append(lines, "", st.Muted.Render(wrap("↑/↓ to choose, Enter to read the case study.", width)))
	return strings.Join(lines, "\n"), spans
}
