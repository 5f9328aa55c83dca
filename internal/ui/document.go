package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
)

// document is a scrollable page body: text rendered for a width, shown
// through a viewport. Every page is built on one; they differ in how they
// render and in their keys.
type document struct {
	c      *common
	styled *Styles // the styles of the last rendering
	vp     viewport.Model
	render func(width int) string
	width  int
	height int
	stale  bool // content must be rendered again before the next view
	// rendered, if set, runs after each rendering (to scroll by what
	// was just rendered).
	rendered func()

	// view is the last View, for viewOff: section switches show pages
	// again unchanged, and the viewport's padding costs more than the
	// rest of a frame.
	view    string
	viewOff int

	// short is ShortHelp's slice, reused: the footer asks every frame.
	short []key.Binding

	// heading, if set, reports whether a rendered line is a heading: one
	// is never the last line on screen with its text below it (see
	// hidesLast).
	heading func(line string) bool
	// headings are the lines of the content heading reports, by index.
	headings map[int]bool
}

func newDocument(c *common, render func(width int) string) document {
	vp := viewport.New()
	vp.KeyMap = viewport.KeyMap{} // keys are matched by the pages
	vp.MouseWheelEnabled = true
	vp.MouseWheelDelta = 3
	return document{c: c, vp: vp, render: render, stale: true}
}

// SetSize sets the text width and visible height. Content is rendered
// again, lazily, only when the width changes.
func (d *document) SetSize(width, height int) {
	if width != d.width {
		d.stale = true
	}
	d.width, d.height = width, height
	d.view = ""
	d.vp.SetWidth(width)
	d.vp.SetHeight(height)
}

// Invalidate marks the content as changed (theme, filter, selection); it is
// rendered again the next time it is needed.
func (d *document) Invalidate() {
	d.stale = true
}

// refresh renders the content if it is stale or the styles changed.
// Everything that reads the content calls it first, so pages that are
// never shown are never rendered.
func (d *document) refresh() {
	if d.styled != d.c.styles {
		d.stale = true
	}
	if !d.stale || d.width <= 0 {
		return
	}
	d.styled = d.c.styles
	content := d.render(d.width)
	d.vp.SetContent(content)
	if d.heading != nil {
		clear(d.headings)
		for i, l := range strings.Split(content, "\n") {
			if d.heading(l) {
				if d.headings == nil {
					d.headings = map[int]bool{}
				}
				d.headings[i] = true
			}
		}
	}
	d.stale, d.view = false, ""
	if d.rendered != nil {
		d.rendered()
	}
}

// move scrolls on the scrolling keys and, when the mouse is on, the wheel.
// It reports whether it used the message.
func (d *document) move(msg tea.Msg) bool {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		d.refresh()
		switch {
		case key.Matches(msg, scroll.Up):
			d.vp.ScrollUp(1)
		case key.Matches(msg, scroll.Down):
			d.vp.ScrollDown(1)
		case key.Matches(msg, scroll.PageUp):
			d.vp.PageUp()
		case key.Matches(msg, scroll.PageDown) && d.hidesLast():
			// The next page starts with the heading kept off this one.
			d.vp.ScrollDown(max(d.height-1, 1))
		case key.Matches(msg, scroll.PageDown):
			d.vp.PageDown()
		case key.Matches(msg, scroll.Top):
			d.vp.GotoTop()
		case key.Matches(msg, scroll.Bottom):
			d.vp.GotoBottom()
		default:
			return false
		}
		return true
	case tea.MouseWheelMsg:
		d.refresh()
		d.vp, _ = d.vp.Update(msg)
		return true
	}
	return false
}

// ScrollTo makes lines [top, bottom] visible, as for a list selection.
func (d *document) ScrollTo(top, bottom int) {
	d.refresh()
	off := d.vp.YOffset()
	switch {
	case top < off:
		d.vp.SetYOffset(top)
	case bottom >= off+d.height:
		d.vp.SetYOffset(bottom - d.height + 1)
	}
}

// Scrollable reports whether the content is taller than the view.
func (d *document) Scrollable() bool {
	d.refresh()
	return d.vp.TotalLineCount() > d.height
}

// Status describes the scroll position, e.g. "12–30/60 45%", or "" when
// everything fits.
func (d *document) Status() string {
	if !d.Scrollable() {
		return ""
	}
	if d.width < 60 { // narrow: the footer's keys need the room
		return d.CompactStatus()
	}
	total := d.vp.TotalLineCount()
	first := d.vp.YOffset() + 1
	last := min(d.vp.YOffset()+d.height, total)
	return fmt.Sprintf("%d–%d/%d %3.f%%", first, last, total, d.vp.ScrollPercent()*100)
}

// View renders the visible part, padded to the full size.
func (d *document) View() string {
	d.refresh()
	if d.view == "" || d.viewOff != d.vp.YOffset() {
		d.view, d.viewOff = d.vp.View(), d.vp.YOffset()
		if d.hidesLast() {
			// Keep a heading with its text: a blank line in its place,
			// and the heading on the next line or page.
			if i := strings.LastIndexByte(d.view, '\n'); i >= 0 {
				d.view = d.view[:i+1]
			}
		}
	}
	return d.view
}

// hidesLast reports whether the last line on screen is a heading whose
// text is below the screen: View leaves it blank.
func (d *document) hidesLast() bool {
	if d.heading == nil || d.height < 2 || d.vp.AtBottom() {
		return false
	}
	lines := d.vp.VisibleLineCount()
	if lines < d.height {
		return false
	}
	return d.headings[d.vp.YOffset()+lines-1]
}

// CompactStatus is the scroll position in a few cells: "↓ 45%", with an
// arrow to where there is more ("↑" at the end).
func (d *document) CompactStatus() string {
	arrow := "↓"
	if d.vp.AtBottom() {
		arrow = "↑"
	}
	return fmt.Sprintf("%s %.f%%", arrow, d.vp.ScrollPercent()*100)
}

// keys is ShortHelp's answer, in the document's reused slice.
func (d *document) keys(bs ...key.Binding) []key.Binding {
	d.short = append(d.short[:0], bs...)
	return d.short
}

// Claims: a document takes no key before the root's.
func (d *document) Claims(tea.KeyPressMsg) bool { return false }

// textPage is a page of text with no keys of its own (About, Stats):
// it scrolls when it is taller than the screen.
type textPage struct {
	document
}

func newTextPage(c *common, render func(width int) string) *textPage {
	return &textPage{document: newDocument(c, render)}
}

// Update scrolls.
func (p *textPage) Update(msg tea.Msg) (page, tea.Cmd) {
	p.move(msg)
	return p, nil
}

// ShortHelp is the next section, and the scrolling keys when it scrolls.
func (p *textPage) ShortHelp() []key.Binding {
	if p.Scrollable() {
		return p.keys(nextSection, scrollShort)
	}
	return p.keys(nextSection)
}

// FullHelp is the scrolling keys when it scrolls.
func (p *textPage) FullHelp() [][]key.Binding {
	if p.Scrollable() {
		return [][]key.Binding{scrollHelp(scrollFull)}
	}
	return nil
}
