package ui

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/lipgloss/v2"
	xansi "github.com/charmbracelet/x/ansi"
)

// frame is the geometry of one screen, decided from the window size alone
// so layout() and render() always agree.
type frame struct {
	pad      int  // columns left of the frame when it is centred
	text     int  // text width inside the frame
	header   int  // header lines
	footer   int  // footer lines
	body     int  // lines left for the page
	showName bool // room for the name line above the tabs
}

func (m *Model) frame() frame {
	fw := min(m.width, MaxWidth)
	f := frame{pad: (m.width - fw) / 2, text: fw - 2}
	// The name line is dropped first when space runs short: About repeats it.
	f.showName = m.height >= 16 && f.text >= 50
	f.header = 2 // tabs + rule
	if f.showName {
		f.header++
	}
	f.footer = 1
	if m.showHelp {
		f.footer = len(m.fullHelp(f.text, m.height-f.header-minBody))
	}
	f.body = max(m.height-f.header-f.footer, 1)
	return f
}

// minBody is the fewest page lines kept visible when the full help is open.
const minBody = 3

// tooSmall reports whether the window is below the supported minimum.
func (m *Model) tooSmall() bool {
	return m.width < MinWidth || m.height < MinHeight
}

func (m *Model) render() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	if m.tooSmall() {
		return m.renderTooSmall()
	}
	f := m.frame()
	st := m.styles
	lines := make([]string, 0, m.height)
	if f.showName {
		name := st.Name.Render(m.pf.Profile.Name) + "  " + st.Muted.Render(m.pf.Profile.Title)
		lines = append(lines, xansi.Truncate(name, f.text, "…"))
	}
	lines = append(lines, m.renderTabs(f.text), st.Rule.Render(strings.Repeat("─", f.text)))
	lines = append(lines, strings.Split(m.page().View(), "\n")...)
	lines = append(lines, m.renderFooter(f)...)

	// Indent by the centring pad plus the one-column margin. Trailing
	// blanks (the viewport pads every line to the width) are dropped: the
	// renderer clears the screen buffer before drawing each frame, and
	// every cell it doesn't have to draw and compare saves time on every
	// frame (a quarter of a section switch's render at 120×40).
	margin := strings.Repeat(" ", f.pad+1)
	for i, l := range lines {
		lines[i] = margin + strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}

// renderTabs draws "1 About  2 Skills  3 Projects  4 Contact", or a compact
// "‹ 2/4 Skills ›" when that doesn't fit.
func (m *Model) renderTabs(width int) string {
	st := m.styles
	compact := false
	label := func(s Section) string {
		l := fmt.Sprintf("%d %s", s+1, s)
		if s == SectionInbox && m.inbox.unread > 0 {
			l += fmt.Sprintf(" (%d)", m.inbox.unread)
		}
		if m.study != nil && s == SectionProjects && !compact {
			l += " › " + m.pf.Projects[m.projects.selected].Slug
		}
		return l
	}
	var parts []string
	full := -3 // no separator before the first tab
	for s := range m.sections() {
		full += lipgloss.Width(label(s)) + 3
	}
	if full <= width {
		for s := range m.sections() {
			if s == m.section {
				parts = append(parts, st.TabActive.Render(label(s)))
			} else {
				parts = append(parts, st.Tab.Render(label(s)))
			}
		}
		return strings.Join(parts, "   ")
	}
	compact = true
	line := st.Tab.Render("‹ ") + st.TabActive.Render(label(m.section)) +
		st.Tab.Render(fmt.Sprintf(" %d/%d ›", m.section+1, m.sections()))
	return xansi.Truncate(line, width, "…")
}

// renderFooter is the help line with the scroll position on the right, or
// the full help when it is open.
func (m *Model) renderFooter(f frame) []string {
	if m.showHelp {
		return m.fullHelp(f.text, f.footer)
	}
	if m.notice != "" {
		return []string{truncate(m.styles.Warn.Render(m.notice), f.text)}
	}
	status := m.page().Status()
	helpW := f.text
	if status != "" {
		helpW -= lipgloss.Width(status) + 2
	}
	if helpW < 16 { // too narrow for both: help wins
		status, helpW = "", f.text
	}
	line := m.shortHelp(helpW)
	if status != "" {
		gap := f.text - lipgloss.Width(line) - lipgloss.Width(status)
		line += strings.Repeat(" ", max(gap, 1)) + m.styles.Status.Render(status)
	}
	return []string{line}
}

// shortHelp renders the one-line help within width. It drops bindings from
// the middle until the line fits, so "? help" and "q quit" always stay.
func (m *Model) shortHelp(width int) string {
	bs := m.helpKeys().ShortHelp()
	for {
		line := m.help.ShortHelpView(bs)
		if lipgloss.Width(line) <= width {
			return line
		}
		if len(bs) <= 2 {
			return xansi.Truncate(line, width, "…")
		}
		bs = append(bs[:len(bs)-3], bs[len(bs)-2:]...)
	}
}

// fullHelp renders the full help within width and at most maxLines lines:
// side by side when there is room, otherwise stacked.
func (m *Model) fullHelp(width, maxLines int) []string {
	groups := m.helpKeys().FullHelp()
	view := m.help.FullHelpView(groups)
	if lipgloss.Width(view) > width {
		// Stacked in pairs, the last group (help, quit…) first: if the
		// bottom is cut off for lack of rows, it is navigation that goes.
		slices.Reverse(groups)
		var rows []string
		for i := 0; i < len(groups); i += 2 {
			rows = append(rows, m.help.FullHelpView(groups[i:min(i+2, len(groups))]))
		}
		view = strings.Join(rows, "\n")
	}
	lines := strings.Split(view, "\n")
	for i, l := range lines {
		lines[i] = xansi.Truncate(l, width, "…")
	}
	if maxLines < 1 {
		maxLines = 1
	}
	if len(lines) > maxLines {
		lines = lines[:maxLines]
	}
	return lines
}

// renderTooSmall explains the minimum size, fitted into whatever room there is.
func (m *Model) renderTooSmall() string {
	st := m.styles
	msg := st.Warn.Render("Terminal too small") + "\n" +
		fmt.Sprintf("need %d×%d, have %d×%d", MinWidth, MinHeight, m.width, m.height) + "\n" +
		st.Muted.Render("enlarge the window, or q to quit")
	var out []string
	for _, l := range strings.Split(msg, "\n") {
		for _, w := range strings.Split(xansi.Wrap(l, m.width, ""), "\n") {
			out = append(out, xansi.Truncate(w, m.width, ""))
		}
	}
	if len(out) > m.height {
		out = out[:m.height]
	}
	return strings.Join(out, "\n")
}

// helpKeys is the help.KeyMap for the screen on show: the footer lists only
// keys that do something here.
type helpKeys struct {
	short []key.Binding
	full  [][]key.Binding
}

func (h helpKeys) ShortHelp() []key.Binding  { return h.short }
func (h helpKeys) FullHelp() [][]key.Binding { return h.full }

func (m *Model) helpKeys() helpKeys {
	k := m.keys
	if m.showHelp {
		k.Help.SetHelp("?", "close help")
	}
	k.Up.SetHelp("↑/↓", "scroll")
	var short []key.Binding
	switch {
	case m.formActive():
		return helpKeys{
			short: []key.Binding{k.NextField, k.Send, k.LeaveForm, k.QuitAlways},
			full:  [][]key.Binding{{k.NextField, k.PrevField}, {k.Send, k.LeaveForm, k.QuitAlways}},
		}
	case m.section == SectionContact && m.contact.Enabled():
		short = []key.Binding{k.Write, k.NextSection, k.Up}
	case m.study != nil:
		short = []key.Binding{k.Up, k.Back}
	case m.section == SectionInbox && m.inbox.reading:
		short = []key.Binding{k.Up, k.Back}
	case m.section == SectionProjects || m.section == SectionInbox:
		k.Up.SetHelp("↑/↓", "choose")
		short = []key.Binding{k.Up, k.Open, k.NextSection}
	case m.section == SectionSkills:
		short = []key.Binding{k.Filter, k.Up, k.NextSection}
	default:
		short = []key.Binding{k.NextSection, k.Up}
	}
	if m.study == nil && m.section != SectionProjects && m.section != SectionInbox && !m.page().Scrollable() {
		short = deleteBinding(short, k.Up)
	}
	short = append(short, k.Help, k.Quit)

	k.Up.SetHelp("↑/k", "up")
	nav := []key.Binding{k.About, k.Skills, k.Projects, k.Contact, k.Inbox, k.Stats, k.NextSection, k.PrevSection}
	move := []key.Binding{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom}
	act := []key.Binding{k.Open, k.Back}
	if m.section == SectionSkills && m.study == nil {
		act = append(act, k.Filter, k.FilterBack)
	}
	app := []key.Binding{k.Theme, k.Mouse, k.Help, k.Quit}
	return helpKeys{short: short, full: [][]key.Binding{nav, move, act, app}}
}

func deleteBinding(bs []key.Binding, b key.Binding) []key.Binding {
	out := bs[:0]
	for _, x := range bs {
		if x.Help() != b.Help() {
			out = append(out, x)
		}
	}
	return out
}
