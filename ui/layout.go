package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/lipgloss/v2"
	xansi "github.com/charmbracelet/x/ansi"
)

// frame is the geometry of one screen, decided from the window size and
// the page on show, so layout() and render() always agree.
type frame struct {
	pad      int  // columns left of the frame when it is centred
	text     int  // text width inside the frame
	header   int  // header lines
	footer   int  // footer lines
	body     int  // lines left for the page (or the help panel)
	showName bool // room for the name line above the tabs
}

// frame is the geometry of the screen on show.
func (m *Model) frame() frame {
	return m.frameFor(m.section == SectionAbout && m.study == nil)
}

// frameFor is the geometry of About's screen (about) or any other's: they
// differ only in the name line, which About doesn't need.
func (m *Model) frameFor(about bool) frame {
	fw := min(m.width, MaxWidth)
	f := frame{pad: (m.width - fw) / 2, text: fw - 2}
	// The name line is dropped first when space runs short, and on About,
	// whose own header is the name.
	f.showName = m.height >= 16 && f.text >= 50 && !about
	f.header = 2 // tabs + rule
	if f.showName {
		f.header++
	}
	f.footer = 1
	// One blank line always separates the page from the footer.
	f.body = max(m.height-f.header-f.footer-1, 1)
	return f
}

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
	lines = append(lines, m.chrome.tabs(m, f.text), st.Rule.Render(strings.Repeat("─", f.text)))
	var body []string
	if m.showHelp {
		body = m.helpPanel(f.text, f.body)
	} else {
		body = strings.Split(m.page().View(), "\n")
		// The footer follows the content: on a tall terminal it sits under
		// the page's last line, not far below it.
		for !m.page().Scrollable() && len(body) > 1 && strings.TrimSpace(xansi.Strip(body[len(body)-1])) == "" {
			body = body[:len(body)-1]
		}
	}
	lines = append(lines, body...)
	lines = append(lines, "")
	lines = append(lines, m.renderFooter(f)...)
	for len(lines) < m.height {
		lines = append(lines, "")
	}

	// Indent by the centring pad plus the one-column margin. Trailing
	// blanks (the viewport pads every line to the width) are dropped: the
	// renderer clears the screen buffer before drawing each frame, and
	// every cell it doesn't have to draw and compare saves time on every
	// frame (a quarter of a section switch's render at 120×40).
	margin := strings.Repeat(" ", f.pad+1)
	for i, l := range lines {
		if l == "" {
			continue
		}
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
	full := -1 // no separator before the first tab
	for s := range m.sections() {
		full += lipgloss.Width(label(s)) + 3
	}
	// The active tab is bracketed as well as styled, so it stands out on
	// terminals that show no colour or attributes at all (TERM=dumb).
	if full <= width {
		for s := range m.sections() {
			if s == m.section {
				parts = append(parts, st.TabActive.Render("["+label(s)+"]"))
			} else {
				parts = append(parts, st.Tab.Render(" "+label(s)+" "))
			}
		}
		return strings.Join(parts, " ")
	}
	compact = true
	line := st.Tab.Render("‹ ") + st.TabActive.Render("["+label(m.section)+"]") +
		st.Tab.Render(fmt.Sprintf(" %d/%d ›", m.section+1, m.sections()))
	return xansi.Truncate(line, width, "…")
}

// renderFooter is the help line with the scroll position on the right.
func (m *Model) renderFooter(f frame) []string {
	if m.notice != "" {
		return []string{truncate(m.styles.Warn.Render(m.notice), f.text)}
	}
	status := ""
	if !m.showHelp {
		status = m.page().Status()
	}
	helpW := f.text
	if status != "" {
		helpW -= lipgloss.Width(status) + 2
	}
	line, fits := m.chrome.help(m, helpW)
	if !fits { // too narrow for both: the keys win
		status, helpW = "", f.text
		line, _ = m.chrome.help(m, helpW)
	}
	if status != "" {
		gap := f.text - lipgloss.Width(line) - lipgloss.Width(status)
		line += strings.Repeat(" ", max(gap, 1)) + m.styles.Status.Render(status)
	}
	return []string{line}
}

// shortHelp renders the one-line help within width. It drops the page's
// own bindings from the end until the line fits: the last ones (the
// theme, help and quit keys, or the form's send, leave and quit) stay.
func (m *Model) shortHelp(hk helpKeys, width int) string {
	bs := hk.short
	// Measured, not rendered, until it fits: rendering costs allocations
	// on every frame.
	for helpWidth(bs) > width {
		switch {
		case len(bs) <= hk.keep && hk.compact != nil:
			bs, hk.compact = hk.compact, nil
			continue
		case len(bs) <= hk.keep:
			return xansi.Truncate(m.help.ShortHelpView(bs), width, "…")
		}
		cut := len(bs) - hk.keep - 1
		bs = append(bs[:cut:cut], bs[cut+1:]...)
	}
	return m.help.ShortHelpView(bs)
}

// helpWidth is the width of ShortHelpView(bs): "key desc" items joined by
// " • ".
func helpWidth(bs []key.Binding) int {
	w := 0
	for i, b := range bs {
		if !b.Enabled() {
			continue
		}
		if i > 0 {
			w += 3
		}
		h := b.Help()
		w += xansi.StringWidth(h.Key) + 1 + xansi.StringWidth(h.Desc)
	}
	return w
}

// helpPanel is the full help: a framed panel titled "Keys" listing every
// key that works on the current screen, in as many columns as fit, within
// width and at most height lines.
func (m *Model) helpPanel(width, height int) []string {
	st := m.styles
	var entries []string
	for _, b := range m.helpKeys(true).full {
		if !b.Enabled() {
			continue
		}
		h := b.Help()
		entries = append(entries, st.Help.FullKey.Render(h.Key)+" "+st.Help.FullDesc.Render(h.Desc))
	}
	inner := max(width-4, 1) // borders and one space each side
	const gap = 2
	maxRows := max(height-2, 1)
	// The fewest columns that fit both the width and the height.
	layout := func(rows int) (colW []int, total int) {
		cols := (len(entries) + rows - 1) / rows
		colW = make([]int, cols)
		for i, e := range entries {
			colW[i/rows] = max(colW[i/rows], lipgloss.Width(e))
		}
		total = (cols - 1) * gap
		for _, w := range colW {
			total += w
		}
		return colW, total
	}
	rows := len(entries)
	colW, total := layout(rows)
	for rows > maxRows || total > inner {
		if rows <= maxRows && rows > 1 {
			// Doesn't fit in the fewest columns the height allows either:
			// the columns share the width, and long entries are cut.
			rows = maxRows
			colW, _ = layout(rows)
			share := (inner - (len(colW)-1)*gap) / len(colW)
			for i := range colW {
				colW[i] = max(min(colW[i], share), 1)
			}
			break
		}
		rows = (len(entries) + len(colW)) / (len(colW) + 1) // one more column
		if rows < 1 {
			rows = 1
		}
		colW, total = layout(rows)
		if len(colW) >= len(entries) {
			break
		}
	}
	lines := make([]string, rows)
	for i, e := range entries {
		r, c := i%rows, i/rows
		if c > 0 {
			lines[r] += strings.Repeat(" ", gap)
		}
		e = truncate(e, colW[c])
		lines[r] += e + strings.Repeat(" ", colW[c]-lipgloss.Width(e))
	}
	if len(lines) > maxRows {
		lines = lines[:maxRows]
	}
	boxW := 0
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
		boxW = max(boxW, lipgloss.Width(lines[i]))
	}
	return box(st, "Keys", lines, boxW, width)
}

// box frames lines (at most inner cells wide) with a rounded border and a
// title in its top edge, no wider than width.
func box(st *Styles, title string, lines []string, inner, width int) []string {
	inner = min(max(inner, lipgloss.Width(title)+2), width-4)
	edge := st.Rule
	top := edge.Render("╭─ ") + st.Heading.Render(title) + edge.Render(" "+strings.Repeat("─", max(inner-lipgloss.Width(title)-1, 0))+"╮")
	out := []string{top}
	for _, l := range lines {
		l = truncate(l, inner)
		out = append(out, edge.Render("│")+" "+l+strings.Repeat(" ", inner-lipgloss.Width(l))+" "+edge.Render("│"))
	}
	return append(out, edge.Render("╰"+strings.Repeat("─", inner+2)+"╯"))
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

// helpKeys are the keys of the screen on show: short for the footer,
// which keeps its last keep bindings whatever the width, and full for the
// help panel. The footer lists only keys that do something here.
type helpKeys struct {
	short []key.Binding
	keep  int
	full  []key.Binding
	// compact, if set, is short in fewer cells, for when even the kept
	// bindings don't fit.
	compact []key.Binding
}

// helpKeys are the keys for the footer, and with full those for the
// panel too.
func (m *Model) helpKeys(full bool) helpKeys {
	k := m.keys
	if m.showHelp {
		k.Help.SetHelp("?", "close help")
	}
	if m.formActive() {
		short := []key.Binding{k.NextField, k.Send, k.LeaveForm, k.QuitAlways}
		enter := key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "next field, or a new line"))
		full := []key.Binding{k.NextField, k.PrevField, enter, k.Send, k.LeaveForm, k.QuitAlways}
		k.LeaveForm.SetHelp("esc", "leave")
		compact := []key.Binding{k.Send, k.LeaveForm, k.QuitAlways}
		return helpKeys{short: short, keep: 3, full: full, compact: compact}
	}
	k.Up.SetHelp("↑/↓", "scroll")
	var short []key.Binding
	switch {
	case m.section == SectionContact && m.contact.Enabled():
		short = []key.Binding{k.Write, k.NextSection, k.Up}
	case m.study != nil:
		k.Back.SetHelp("←", "list")
		short = []key.Binding{k.Up, k.Back, k.NextStudy}
	case m.section == SectionInbox && m.inbox.reading:
		// Most wanted first: the footer drops from the end.
		next, cp, unread := k.NextMessage, k.CopyReplyTo, k.MarkUnread
		next.SetHelp("n/p", "next/prev")
		cp.SetHelp("c", "copy reply-to")
		unread.SetHelp("U", "unread")
		if m.inbox.archived {
			k.Archive.SetHelp("a", "unarchive")
		}
		short = []key.Binding{k.Back, k.Archive, next, cp, unread, k.Up}
	case m.section == SectionInbox:
		k.Up.SetHelp("↑/↓", "choose")
		if m.inbox.archived {
			k.Archive.SetHelp("a", "unarchive")
		}
		short = []key.Binding{k.Up, k.Open, k.Archive, k.NextSection}
	case m.section == SectionProjects:
		k.Up.SetHelp("↑/↓", "choose")
		short = []key.Binding{k.Up, k.Open, k.NextSection}
	case m.section == SectionSkills:
		short = []key.Binding{k.Filter, k.Up, k.NextSection}
	default:
		short = []key.Binding{k.NextSection, k.Up}
	}
	scrolls := m.study != nil || m.section == SectionProjects || m.section == SectionInbox || m.page().Scrollable()
	if !scrolls {
		short = deleteBinding(short, k.Up)
	}
	short = append(short, k.Theme, k.Help, k.Quit)
	if !full {
		return helpKeys{short: short, keep: 3}
	}

	sections := key.NewBinding(key.WithKeys("1", "2", "3", "4"), key.WithHelp("1–4", "sections"))
	if m.inbox != nil {
		sections.SetHelp("1–5", "sections")
	}
	if m.stats != nil {
		sections.SetHelp("1–6", "sections")
	}
	next, prev := k.NextSection, k.PrevSection
	next.SetHelp("tab/→", "next section")
	prev.SetHelp("⇧tab/←", "prev section")
	all := []key.Binding{sections, next, prev}
	if m.study != nil {
		prev.SetHelp("⇧tab", "prev section")
		all[2] = prev
		k.Back.SetHelp("←/esc", "back to list")
		all = append(all, k.Back, k.NextStudy)
	}
	if scrolls {
		k.Up.SetHelp("↑/↓ j/k", "scroll")
		if m.study == nil && (m.section == SectionProjects || m.section == SectionInbox && !m.inbox.reading) {
			k.Up.SetHelp("↑/↓ j/k", "choose")
		}
		all = append(all, k.Up, k.PageDown, k.Top)
	}
	switch {
	case m.study != nil:
	case m.section == SectionProjects, m.section == SectionInbox && !m.inbox.reading:
		all = append(all, k.Open)
	case m.section == SectionInbox:
		all = append(all, k.Back)
	case m.section == SectionSkills:
		all = append(all, k.Filter)
	case m.section == SectionContact && m.contact.Enabled():
		k.Write.SetHelp("enter", "write")
		all = append(all, k.Write)
	}
	if m.section == SectionInbox && m.study == nil {
		if m.inbox.reading {
			all = append(all, k.NextMessage)
		}
		if m.inbox.archived {
			k.Archive.SetHelp("a", "unarchive")
			all = append(all, k.Archive, k.MarkUnread, k.CopyReplyTo, k.ArchivedView)
		} else {
			all = append(all, k.Archive, k.Undo, k.MarkUnread, k.CopyReplyTo, k.ArchivedView)
		}
	}
	all = append(all, k.Theme, k.Mouse, k.Help, k.Quit)
	return helpKeys{short: short, keep: 3, full: all}
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

// chrome remembers the tab bars and footer keys a visitor has seen, which
// change with the page, not on every frame (a scroll, a section switch
// back, a keystroke in the form). A visitor sees a handful.
type chrome struct {
	tabLines map[tabsKey]string
	helps    map[helpKey]footerKeys
}

// chromeMax bounds each map against a visitor cycling window sizes.
const chromeMax = 32

type footerKeys struct {
	line string
	fits bool
}

type tabsKey struct {
	styles          *Styles
	section         Section
	study           bool
	selected, width int
	unread          int
}

type helpKey struct {
	styles                     *Styles
	section                    Section
	study, form, help, reading bool
	archived                   bool
	scrolls                    bool
	width                      int
}

// tabs is renderTabs, cached.
func (c *chrome) tabs(m *Model, width int) string {
	k := tabsKey{styles: m.styles, section: m.section, study: m.study != nil, selected: m.projects.selected, width: width}
	if m.inbox != nil {
		k.unread = m.inbox.unread
	}
	if l, ok := c.tabLines[k]; ok {
		return l
	}
	if c.tabLines == nil || len(c.tabLines) >= chromeMax {
		c.tabLines = make(map[tabsKey]string)
	}
	l := m.renderTabs(width)
	c.tabLines[k] = l
	return l
}

// help is the footer's keys within width, cached, and whether the kept
// keys fit (otherwise the line is cut).
func (c *chrome) help(m *Model, width int) (string, bool) {
	k := helpKey{styles: m.styles, section: m.section, study: m.study != nil, form: m.formActive(),
		help: m.showHelp, scrolls: m.page().Scrollable(), width: width}
	if m.inbox != nil {
		k.reading, k.archived = m.inbox.reading, m.inbox.archived
	}
	if f, ok := c.helps[k]; ok {
		return f.line, f.fits
	}
	if c.helps == nil || len(c.helps) >= chromeMax {
		c.helps = make(map[helpKey]footerKeys)
	}
	hk := m.helpKeys(false)
	f := footerKeys{line: m.shortHelp(hk, width)}
	f.fits = helpWidth(hk.short[len(hk.short)-hk.keep:]) <= width ||
		hk.compact != nil && helpWidth(hk.compact) <= width
	c.helps[k] = f
	return f.line, f.fits
}
