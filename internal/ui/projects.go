package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/pragyamugale/portfolio/content"
)

// projectsPage lists the case studies; Enter opens the selected one, and
// the page shows it until the visitor goes back to the list.
type projectsPage struct {
	document // the list
	projects []content.Project
	selected int
	spans    [][2]int // first and last line of each item, for scrolling
	// study is the open case study, or nil for the list.
	study *document
}

// projectsKeys are the Projects page's own keys: the list's and a case
// study's.
var projectsKeys = struct{ Open, Back, BackFull, NextStudy key.Binding }{
	Open: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open")),
	// Back from a case study to the list; ← is claimed from the root's
	// previous-section key while a case study is open.
	Back:      key.NewBinding(key.WithKeys("left", "esc", "backspace"), key.WithHelp("←", "list")),
	BackFull:  key.NewBinding(key.WithKeys("left", "esc", "backspace"), key.WithHelp("←/esc", "back to list")),
	NextStudy: key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "next case study")),
}

func newProjectsPage(pf *content.Portfolio, c *common) *projectsPage {
	p := &projectsPage{projects: pf.Projects}
	p.document = newDocument(c, func(width int) string {
		out, spans := renderProjects(p.projects, c.st(), p.selected, width)
		p.spans = spans
		return out
	})
	return p
}

// Update moves the selection and opens a case study; in a case study it
// scrolls, goes to the next one, or back to the list. A section key that
// brings the page on screen shows the list.
func (p *projectsPage) Update(msg tea.Msg) (page, tea.Cmd) {
	switch k := msg.(type) {
	case shownMsg:
		p.study = nil
	case tea.KeyPressMsg:
		switch {
		case p.study == nil:
			listKeys(k, projectsKeys.Open, p.selected, len(p.projects), p.Select, p.open)
		case key.Matches(k, projectsKeys.Back):
			p.study = nil
		case key.Matches(k, projectsKeys.NextStudy):
			p.Select((p.selected + 1) % len(p.projects))
			p.open()
		default:
			p.study.move(msg)
		}
	case tea.MouseWheelMsg:
		p.doc().move(msg)
	}
	return p, nil
}

// open shows the selected project's case study.
func (p *projectsPage) open() {
	i := p.selected
	pr, next := p.projects[i], p.projects[(i+1)%len(p.projects)]
	d := newCaseStudy(p.c, pr, next)
	d.SetSize(p.width, p.height)
	p.study = &d
}

// doc is the document on show: the case study or the list.
func (p *projectsPage) doc() *document {
	if p.study != nil {
		return p.study
	}
	return &p.document
}

// Claims takes ← from the root while a case study is open: back to the
// list, not the previous section.
func (p *projectsPage) Claims(msg tea.KeyPressMsg) bool {
	return p.study != nil && msg.Code == tea.KeyLeft && msg.Mod == 0
}

// SetSize sizes the list and the open case study.
func (p *projectsPage) SetSize(width, height int) {
	p.document.SetSize(width, height)
	if p.study != nil {
		p.study.SetSize(width, height)
	}
}

// View is the case study or the list.
func (p *projectsPage) View() string { return p.doc().View() }

// Status is the scroll position of the case study or the list.
func (p *projectsPage) Status() string { return p.doc().Status() }

// ShortHelp is, for the list, choose, open and the next section; in a
// case study scrolling, back to the list and the next case study.
func (p *projectsPage) ShortHelp() []key.Binding {
	if p.study != nil {
		return p.keys(scrollShort, projectsKeys.Back, projectsKeys.NextStudy)
	}
	return p.keys(chooseShort, projectsKeys.Open, nextSection)
}

// FullHelp is ShortHelp's keys, in full.
func (p *projectsPage) FullHelp() [][]key.Binding {
	if p.study != nil {
		return [][]key.Binding{{projectsKeys.BackFull, projectsKeys.NextStudy}, scrollHelp(scrollFull)}
	}
	return [][]key.Binding{scrollHelp(chooseFull), {projectsKeys.Open}}
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
