package ui

import (
	"fmt"
	"hash/maphash"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/lipgloss/v2"
	xansi "github.com/charmbracelet/x/ansi"
)

// frame is the geometry of one screen, decided from the window size and
// the page on show, so layout() and render() always agree.
//
// Every page has the same frame: the tabs on the first line, the rule
// under them, the page, a blank line and the footer, so nothing moves
// when the visitor switches pages.
type frame struct {
	pad    int // columns left of the frame when it is centred
	text   int // text width inside the frame
	header int // header lines
	footer int // footer lines
	body   int // lines left for the page (or the help panel)
}

// frame is the geometry of the screen, the same for every page.
func (m *Model) frame() frame {
	fw := min(m.width, MaxWidth)
	f := frame{pad: (m.width - fw) / 2, text: fw - 2}
	f.header = 2 // tabs + rule
	f.footer = 1
	if m.personal && m.height > MinHeight {
		f.footer++ // the personal link's line
	}
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
	st := m.c.styles
	lines := make([]string, 0, m.height)
	lines = append(lines, m.chrome.tabs(m, f.text), st.Rule.Render(strings.Repeat("─", f.text)))
	var body []string
	status := "" // the page's scroll position, for the footer
	if m.showHelp {
		body = m.helpPanel(f.text, f.body)
	} else {
		body = strings.Split(m.page().View(), "\n")
		status = m.page().Status()
		// The footer follows the content: on a tall terminal it sits under
		// the page's last line, not far below it.
		for status == "" && len(body) > 1 && strings.TrimSpace(xansi.Strip(body[len(body)-1])) == "" {
			body = body[:len(body)-1]
		}
	}
	lines = append(lines, body...)
	lines = append(lines, "")
	lines = append(lines, m.renderFooter(f, status)...)
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
// "‹ 2/4 Skills ›" when that doesn't fit, with the owner's name (and
// title, room permitting) at the right end on every page but About, whose
// page opens with the name.
func (m *Model) renderTabs(width int) string {
	tabs := m.renderTabBar(width)
	if m.section == SectionAbout {
		return tabs
	}
	st := m.c.styles
	p := m.pf.Profile
	free := width - lipgloss.Width(tabs) - 3 // at least three cells apart
	for _, who := range []string{
		st.Name.Render(p.Name) + "  " + st.Muted.Render(p.Title),
		st.Name.Render(p.Name),
	} {
		if w := lipgloss.Width(who); w <= free {
			return tabs + strings.Repeat(" ", width-lipgloss.Width(tabs)-w) + who
		}
	}
	return tabs
}

// renderTabBar is the tabs alone.
func (m *Model) renderTabBar(width int) string {
	st := m.c.styles
	compact := false
	label := func(s Section) string {
		l := fmt.Sprintf("%d %s", s+1, s)
		if s == SectionInbox && m.inbox.unread > 0 {
			l += fmt.Sprintf(" (%d)", m.inbox.unread)
		}
		if m.study() != nil && s == SectionProjects && !compact {
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

// renderFooter is the help line with the scroll position (status) on the
// right.
func (m *Model) renderFooter(f frame, status string) []string {
	lines := m.renderKeysLine(f, status)
	if f.footer > 1 {
		lines = append(lines, m.c.styles.Muted.Render(truncate(PersonalNotice(m.pf), f.text)))
	}
	return lines
}

// renderKeysLine is the footer's first line: a notice, or the keys and
// the page's status.
func (m *Model) renderKeysLine(f frame, status string) []string {
	if m.c.notice != "" {
		return []string{truncate(m.c.styles.Warn.Render(m.c.notice), f.text)}
	}
	own, kept, yield := m.footerKeys()
	helpW := f.text
	if status != "" {
		helpW -= lipgloss.Width(status) + 2
	}
	line, got := m.chrome.help(m, own, kept, yield, helpW)
	if got < fitAll && status != "" {
		// Without the status the keys may fit better: the keys win.
		if l, g := m.chrome.help(m, own, kept, yield, f.text); g > got {
			line, status = l, ""
		}
	}
	if status != "" {
		gap := f.text - lipgloss.Width(line) - lipgloss.Width(status)
		line += strings.Repeat(" ", max(gap, 1)) + m.c.styles.Status.Render(status)
	}
	return []string{line}
}

// footerKeys are the footer's keys: the page's own (its ShortHelp), and
// those kept: the root's theme, help and quit, or, for a page that has the
// keyboard (it claims q), its own last three, its ways out; the first
// yield of them may make room for the page's own first key.
func (m *Model) footerKeys() (own, kept []key.Binding, yield int) {
	p := m.page()
	own = p.ShortHelp()
	if p.Claims(quitKey) {
		n := len(own) - min(3, len(own))
		return own[:n], own[n:], 0
	}
	helpKey := m.keys.Help
	if m.showHelp {
		helpKey = closeHelp
	}
	// The theme key yields to the page's own first key when there is no
	// room for both; help and quit always stay.
	m.chrome.kept = append(m.chrome.kept[:0], m.keys.Theme, helpKey, m.keys.Quit)
	if m.showHelp {
		return own, m.chrome.kept, 0 // the panel lists the page's keys
	}
	return own, m.chrome.kept, 1
}

// closeHelp is the help key while the Keys panel is open: Esc closes it
// too, as it leaves everything else.
var closeHelp = key.NewBinding(key.WithKeys("?", "esc"), key.WithHelp("esc", "close help"))

// closePanel is closeHelp as the panel lists it: the panel is what it
// closes.
var closePanel = withHelp(closeHelp, "esc/?", "close")

// How much of the footer's keys fitted (see fitKeys).
const (
	fitCut  = iota // not even the kept keys: the line is cut
	fitKept        // the kept keys, but not the page's first own key
	fitAll         // the kept keys and the page's first own key
)

// fitKeys renders the footer's keys within width. The page's keys are
// dropped from the end until the line fits, except its first own key (its
// first that isn't a shared scrolling or section key: Skills' filter,
// Projects' open, a case study's back to the list, Contact's write),
// which goes last: before it goes, it is named in fewer words, and the
// first yield kept keys (the theme key) make room for it. The other kept
// keys stay; with no room for them they are named in fewer words, and at
// worst cut.
func (m *Model) fitKeys(own, kept []key.Binding, yield, width int) (string, int) {
	first := -1
	for i, b := range own {
		if !isNav(b) {
			first = i
			break
		}
	}
	bs := append(append(make([]key.Binding, 0, len(own)+len(kept)), own...), kept...)
	n := len(own) // how many of bs are the page's
	for helpWidth(bs) > width && (n > 1 || n == 1 && first < 0) {
		cut := n - 1
		if cut == first {
			cut--
		}
		if cut < first {
			first--
		}
		bs = append(bs[:cut], bs[cut+1:]...)
		n--
	}
	if helpWidth(bs) <= width {
		return m.help.ShortHelpView(bs), fitAll
	}
	if first >= 0 {
		page := bs[0]
		tries := [][]key.Binding{
			append([]key.Binding{compactKey(page)}, kept...),
			append([]key.Binding{page}, kept[yield:]...),
			append([]key.Binding{compactKey(page)}, kept[yield:]...),
		}
		for _, try := range tries {
			if helpWidth(try) <= width {
				return m.help.ShortHelpView(try), fitAll
			}
		}
		bs = bs[1:]
	}
	got := fitKept
	if first < 0 {
		got = fitAll
	}
	if helpWidth(bs) <= width {
		return m.help.ShortHelpView(bs), got
	}
	compact := make([]key.Binding, len(bs))
	for i, b := range bs {
		compact[i] = compactKey(b)
	}
	if helpWidth(compact) <= width {
		return m.help.ShortHelpView(compact), got
	}
	return xansi.Truncate(m.help.ShortHelpView(bs), width, "…"), fitCut
}

// compactKey is b named in fewer cells: its first key and the first word
// of what it does ("f filter" for "f/F filter", "esc leave" for "esc
// leave form", "enter write" for "enter write a message").
func compactKey(b key.Binding) key.Binding {
	h := b.Help()
	k, _, _ := strings.Cut(h.Key, "/")
	desc, _, _ := strings.Cut(h.Desc, " ")
	b.SetHelp(k, desc)
	return b
}

// helpWidth is the width of ShortHelpView(bs): "key desc" items joined by
// " • ".
func helpWidth(bs []key.Binding) int {
	w, n := 0, 0
	for _, b := range bs {
		if !b.Enabled() {
			continue
		}
		if n++; n > 1 {
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
	st := m.c.styles
	var entries []string
	for _, b := range m.fullKeys() {
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
	st := m.c.styles
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

// fullKeys are the Keys panel's keys: the root's section keys, the
// page's (its FullHelp), then the theme, mouse, help and quit keys; a
// page that has the keyboard lists its own alone.
func (m *Model) fullKeys() []key.Binding {
	p := m.page()
	var all []key.Binding
	if p.Claims(quitKey) {
		for _, col := range p.FullHelp() {
			all = append(all, col...)
		}
		return all
	}
	k := m.keys
	sections := key.NewBinding(key.WithKeys("1", "2", "3", "4"), key.WithHelp(fmt.Sprintf("1–%d", m.sections()), "sections"))
	next, prev := withHelp(k.NextSection, "tab/→", "next section"), withHelp(k.PrevSection, "⇧tab/←", "prev section")
	if p.Claims(leftKey) {
		prev.SetHelp("⇧tab", "prev section")
	}
	all = append(all, sections, next, prev)
	for _, col := range p.FullHelp() {
		all = append(all, col...)
	}
	return append(all, k.Theme, k.Mouse, closePanel, k.Quit)
}

// chrome remembers the tab bars and footer keys a visitor has seen, which
// change with the page, not on every frame (a scroll, a section switch
// back, a keystroke in the form). A visitor sees a handful.
type chrome struct {
	tabLines map[tabsKey]string
	helps    map[helpKey]footerLine
	kept     []key.Binding // footerKeys' slice, reused
	seed     maphash.Seed
}

// chromeMax bounds each map against a visitor cycling window sizes.
const chromeMax = 32

type footerLine struct {
	line string
	got  int
}

type tabsKey struct {
	styles          *Styles
	section         Section
	study           bool
	selected, width int
	unread          int
}

// helpKey identifies a footer line: the keys (by a hash of what they
// show), the styles and the width.
type helpKey struct {
	styles *Styles
	keys   uint64
	width  int
}

// tabs is renderTabs, cached.
func (c *chrome) tabs(m *Model, width int) string {
	k := tabsKey{styles: m.c.styles, section: m.section, study: m.study() != nil, selected: m.projects.selected, width: width}
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

// help is fitKeys, cached.
func (c *chrome) help(m *Model, own, kept []key.Binding, yield, width int) (string, int) {
	if c.helps == nil {
		c.seed = maphash.MakeSeed()
	}
	var h maphash.Hash
	h.SetSeed(c.seed)
	for i, bs := range [2][]key.Binding{own, kept} {
		for _, b := range bs {
			d := b.Help()
			h.WriteString(d.Key)
			h.WriteByte(0)
			h.WriteString(d.Desc)
			h.WriteByte(byte(i + 1))
			if !b.Enabled() {
				h.WriteByte(3)
			}
		}
		h.WriteByte(4)
	}
	h.WriteByte(byte(yield))
	k := helpKey{styles: m.c.styles, keys: h.Sum64(), width: width}
	if f, ok := c.helps[k]; ok {
		return f.line, f.got
	}
	if c.helps == nil || len(c.helps) >= chromeMax {
		c.helps = make(map[helpKey]footerLine)
	}
	line, got := m.fitKeys(own, kept, yield, width)
	c.helps[k] = footerLine{line, got}
	return line, got
}
