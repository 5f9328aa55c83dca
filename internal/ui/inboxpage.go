package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	xansi "github.com/charmbracelet/x/ansi"

	"github.com/pragyamugale/portfolio/internal/inbox"
)

// InboxSource gives the owner's Inbox section its messages. The server
// provides it only to sessions authenticated with an owner key; for
// everyone else the section doesn't exist. Its methods read or write the
// disk, so the page calls them only from tea.Cmds, never in Update.
type InboxSource interface {
	// Page returns up to n messages from the from-th newest on, the
	// totals, and where the message keep is now (see store.Store.Page).
	Page(from, n int, keep string) (inbox.Page, error)
	// ArchivedPage is Page over the archived messages.
	ArchivedPage(from, n int, keep string) (inbox.Page, error)
	// MarkRead records that the owner opened a message.
	MarkRead(id string) error
	// MarkUnread makes a message unread again.
	MarkUnread(id string) error
	// Archive takes a message out of the inbox (the log keeps it).
	Archive(id string) error
	// Unarchive puts an archived message back.
	Unarchive(id string) error
}

// InboxChangedMsg tells an owner's UI that a message was stored: the
// Inbox reads its page and counts again (in a tea.Cmd). The server sends
// it to every owner session when the store publishes a change.
type InboxChangedMsg struct{}

func (InboxChangedMsg) forPage() {}
func (inboxLoadedMsg) forPage()  {}
func (inboxMarkedMsg) forPage()  {}
func (inboxActedMsg) forPage()   {}

// inboxLoadedMsg carries a page the source read.
type inboxLoadedMsg struct {
	seq  int
	page inbox.Page
	err  error
}

// inboxMarkedMsg says a MarkRead finished.
type inboxMarkedMsg struct {
	id  string
	err error
}

// inboxAction is a change the owner made to one message.
type inboxAction int

const (
	actArchive inboxAction = iota
	actUnarchive
	actUnread
)

// inboxActedMsg says an Archive, Unarchive or MarkUnread finished.
type inboxActedMsg struct {
	act inboxAction
	id  string
	err error
}

// itemLines is how many lines one message takes in the list: a blank
// line, the name, the time and reply-to, the first line of the text.
const itemLines = 4

// minLoad is the fewest messages a load reads: a first load, before the
// window's size is known, still fills a tall screen.
const minLoad = 32

// inboxPage lists the stored messages and shows one at a time. It holds
// only a window of the messages around what is on screen, and renders only
// what is on screen, so neither a key nor a reload grows with the inbox.
type inboxPage struct {
	document
	src InboxSource

	total    int // messages in the inbox
	unread   int
	report   inbox.ReadReport
	err      error
	win      inbox.Page // the loaded window
	selected int        // index of the selected message, newest first
	top      int        // index of the first message on screen
	reading  bool       // showing open in full
	open     inbox.Message

	seq     int     // the latest load asked for; older answers are dropped
	loading bool    // a load is in flight
	pending tea.Cmd // work Update returns

	// newAbove is how many messages arrived above the visible part of
	// the list since the owner last saw its top: the header says
	// "↑ 1 new" until they scroll up to them.
	newAbove int

	archived bool   // listing the archived messages instead of the Inbox
	undo     string // the message the undo key unarchives, until another key
	follow   string // select this message when the next load arrives
}

// inboxKeys are the Inbox page's own keys.
var inboxKeys = struct {
	Open, Back                key.Binding
	Archive, Unarchive, Undo  key.Binding
	MarkUnread, Unread        key.Binding
	ArchivedView, CopyReplyTo key.Binding // the archived messages, and back; the reply-to to the clipboard (OSC 52)
	NextMessage, NextPrev     key.Binding // while reading one
	PrevMessage               key.Binding
}{
	Open:         key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open")),
	Back:         key.NewBinding(key.WithKeys("esc", "backspace"), key.WithHelp("esc", "back")),
	Archive:      key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "archive")),
	Unarchive:    key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "unarchive")),
	Undo:         key.NewBinding(key.WithKeys("u"), key.WithHelp("u", "undo archive")),
	MarkUnread:   key.NewBinding(key.WithKeys("U"), key.WithHelp("U", "mark unread")),
	Unread:       key.NewBinding(key.WithKeys("U"), key.WithHelp("U", "unread")),
	ArchivedView: key.NewBinding(key.WithKeys("A"), key.WithHelp("A", "archived/inbox")),
	CopyReplyTo:  key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "copy reply-to")),
	NextMessage:  key.NewBinding(key.WithKeys("n", "]"), key.WithHelp("n/p", "next/prev message")),
	NextPrev:     key.NewBinding(key.WithKeys("n", "]"), key.WithHelp("n/p", "next/prev")),
	PrevMessage:  key.NewBinding(key.WithKeys("p", "["), key.WithHelp("p", "previous message")),
}

func newInboxPage(src InboxSource, c *common) *inboxPage {
	p := &inboxPage{src: src}
	p.document = newDocument(c, p.render)
	return p
}

// st returns the current styles.
func (p *inboxPage) st() *Styles { return p.c.st() }

// Init reads the messages, for the unread count in the tab.
func (p *inboxPage) Init() tea.Cmd {
	p.reload()
	return p.takeCmd()
}

// Update takes the page's results (a load, an action done) and its keys;
// every read and change of the messages leaves as the tea.Cmd it returns.
func (p *inboxPage) Update(msg tea.Msg) (page, tea.Cmd) {
	switch k := msg.(type) {
	case shownMsg:
		p.undo = ""
		p.reload()
	case tea.WindowSizeMsg:
		p.ensureLoaded() // a taller window shows more messages
	case tea.KeyPressMsg:
		p.key(k, msg)
	case tea.MouseWheelMsg:
		p.move(msg)
	default:
		p.handle(msg)
	}
	return p, p.takeCmd()
}

// key handles a key (msg, raw as it came): back from a message, the
// Inbox's own keys, then the list's or, reading a message, scrolling.
func (p *inboxPage) key(msg tea.KeyPressMsg, raw tea.Msg) {
	if !key.Matches(msg, inboxKeys.Undo) {
		p.undo = "" // an archive's undo lasts until the next key
	}
	switch {
	case key.Matches(msg, inboxKeys.Back):
		p.back()
	case p.handleKey(msg):
	case !p.reading:
		listKeys(msg, inboxKeys.Open, p.selected, p.total, p.Select, p.openSelected)
	default:
		p.move(raw)
	}
}

// ShortHelp is, reading a message, back, archive, next and previous,
// copy, unread and scrolling, most wanted first; in the list choose,
// open, archive and the next section.
func (p *inboxPage) ShortHelp() []key.Binding {
	k := inboxKeys
	archive := k.Archive
	if p.archived {
		archive = k.Unarchive
	}
	if p.reading {
		return p.keys(k.Back, archive, k.NextPrev, k.CopyReplyTo, k.Unread, scrollShort)
	}
	return p.keys(chooseShort, k.Open, archive, nextSection)
}

// FullHelp is every key of the Inbox.
func (p *inboxPage) FullHelp() [][]key.Binding {
	k := inboxKeys
	if p.reading {
		full := [][]key.Binding{scrollHelp(scrollFull), {k.Back, k.NextMessage}}
		return append(full, p.actionKeys())
	}
	return [][]key.Binding{scrollHelp(chooseFull), {k.Open}, p.actionKeys()}
}

// actionKeys are the keys that change a message, and the archive's.
func (p *inboxPage) actionKeys() []key.Binding {
	k := inboxKeys
	if p.archived {
		return []key.Binding{k.Unarchive, k.MarkUnread, k.CopyReplyTo, k.ArchivedView}
	}
	return []key.Binding{k.Archive, k.Undo, k.MarkUnread, k.CopyReplyTo, k.ArchivedView}
}

// takeCmd returns (and forgets) the work the page queued while handling
// a message, for Update to return.
func (p *inboxPage) takeCmd() tea.Cmd {
	c := p.pending
	p.pending = nil
	return c
}

func (p *inboxPage) queue(c tea.Cmd) { p.pending = tea.Batch(p.pending, c) }

// visible is how many messages fit on screen.
func (p *inboxPage) visible() int {
	head := 1
	if p.err != nil {
		head++
	}
	return max(1, (p.height-head)/itemLines)
}

// reload reads the messages again, keeping the selected one selected.
func (p *inboxPage) reload() {
	k := p.visible()
	p.load(p.top-k, max(3*k, minLoad))
}

// load asks the source for n messages from the from-th on, in a Cmd.
func (p *inboxPage) load(from, n int) {
	p.seq++
	p.loading = true
	seq, src, keep := p.seq, p.src, p.follow
	if m, _, ok := p.item(p.selected); ok && keep == "" {
		keep = m.ID
	}
	from = max(0, from)
	read := src.Page
	if p.archived {
		read = src.ArchivedPage
	}
	p.queue(func() tea.Msg {
		page, err := read(from, n, keep)
		return inboxLoadedMsg{seq: seq, page: page, err: err}
	})
}

// ensureLoaded loads the window around the screen if part of it is not
// loaded.
func (p *inboxPage) ensureLoaded() {
	end := min(p.top+p.visible(), p.total)
	if p.top >= p.win.From && end <= p.win.From+len(p.win.Messages) {
		return
	}
	p.reload()
}

// item returns the i-th newest message if it is loaded.
func (p *inboxPage) item(i int) (inbox.Message, bool, bool) {
	j := i - p.win.From
	if j < 0 || j >= len(p.win.Messages) || j >= len(p.win.Read) {
		return inbox.Message{}, false, false
	}
	return p.win.Messages[j], p.win.Read[j], true
}

// handle takes the page's own messages.
func (p *inboxPage) handle(msg tea.Msg) {
	switch msg := msg.(type) {
	case InboxChangedMsg:
		p.reload()
	case inboxLoadedMsg:
		if msg.seq != p.seq {
			return // a newer load is on its way
		}
		p.loading = false
		p.loaded(msg.page, msg.err)
	case inboxMarkedMsg:
		if msg.err != nil {
			p.reload() // a failed mark only keeps it unread
		}
	case inboxActedMsg:
		p.acted(msg)
	}
}

// loaded takes a page the source read.
func (p *inboxPage) loaded(pg inbox.Page, err error) {
	p.err = err
	if err != nil {
		p.Invalidate()
		return
	}
	p.follow = ""
	if pg.Kept >= 0 {
		// New arrivals moved the selected message down: follow it, and
		// count them for the header's sign (they are above the list's
		// visible part unless the list is short).
		if d := pg.Kept - p.selected; d > 0 && !p.archived && p.total > 0 {
			p.newAbove += d
		}
		p.top += pg.Kept - p.selected
		p.selected = pg.Kept
	} else if p.reading && p.open.ID != "" {
		p.reading = false // the open message is gone
	}
	for i, m := range pg.Messages {
		pg.Messages[i] = m.Sanitized() // cleaned again on show
	}
	p.total, p.report, p.win = pg.Total, pg.Report, pg
	if !p.archived {
		p.unread = pg.Unread // the tab counts the Inbox's unread only
	}
	p.selected = max(0, min(p.selected, p.total-1))
	p.top = max(0, min(p.top, p.selected, p.total-p.visible()))
	if p.selected >= p.top+p.visible() {
		p.top = p.selected - p.visible() + 1
	}
	p.newAbove = min(p.newAbove, p.top) // those on screen are seen
	p.Invalidate()
	p.ensureLoaded()
}

// Select moves the selection, clamped, and keeps it on screen.
func (p *inboxPage) Select(i int) {
	if p.reading {
		return
	}
	p.selected = max(0, min(i, p.total-1))
	k := p.visible()
	switch {
	case p.selected < p.top:
		p.top = p.selected
	case p.selected >= p.top+k:
		p.top = p.selected - k + 1
	}
	p.newAbove = min(p.newAbove, p.top)
	p.Invalidate()
	p.ensureLoaded()
}

// openSelected shows the selected message and marks it read (in a Cmd).
func (p *inboxPage) openSelected() {
	m, read, ok := p.item(p.selected)
	if !ok {
		return // not loaded yet: the load is on its way
	}
	p.reading, p.open = true, m
	if !read {
		p.win.Read[p.selected-p.win.From] = true
		if !p.archived {
			p.unread = max(0, p.unread-1)
		}
		src, id := p.src, m.ID
		p.queue(func() tea.Msg { return inboxMarkedMsg{id: id, err: src.MarkRead(id)} })
	}
	p.vp.GotoTop()
	p.Invalidate()
}

// handleKey takes the Inbox's own keys (archive, undo, mark unread, copy,
// next/previous while reading); it reports whether key was one. Every
// change to the state runs in a tea.Cmd.
func (p *inboxPage) handleKey(msg tea.KeyPressMsg) bool {
	k := inboxKeys
	switch {
	case key.Matches(msg, k.ArchivedView):
		p.archived = !p.archived
		p.reading, p.selected, p.top, p.win = false, 0, 0, inbox.Page{}
		p.newAbove = 0
		p.reload()
		p.Invalidate()
	case key.Matches(msg, k.Archive) && p.archived:
		p.act(actUnarchive, p.selectedID())
	case key.Matches(msg, k.Archive):
		p.act(actArchive, p.selectedID())
	case key.Matches(msg, k.Undo):
		if p.undo == "" {
			return false
		}
		p.act(actUnarchive, p.undo)
		p.undo = ""
	case key.Matches(msg, k.MarkUnread):
		p.markUnread()
	case key.Matches(msg, k.CopyReplyTo):
		m, _, ok := p.item(p.selected)
		if !ok || m.ReplyTo == "" {
			return true
		}
		p.queue(tea.SetClipboard(m.ReplyTo))
		p.c.notice = "copied " + m.ReplyTo
	case p.reading && key.Matches(msg, k.NextMessage):
		p.step(1)
	case p.reading && key.Matches(msg, k.PrevMessage):
		p.step(-1)
	default:
		return false
	}
	return true
}

// selectedID is the selected message's ID, or "" if it isn't loaded.
func (p *inboxPage) selectedID() string {
	if m, _, ok := p.item(p.selected); ok {
		return m.ID
	}
	return ""
}

// act archives or unarchives a message, in a Cmd; the list reads itself
// again when it is done. Archiving from the message view goes back to
// the list, where the next message is now selected.
func (p *inboxPage) act(a inboxAction, id string) {
	if id == "" {
		return
	}
	p.back()
	src := p.src
	do := src.Archive
	if a == actUnarchive {
		do = src.Unarchive
	}
	p.queue(func() tea.Msg { return inboxActedMsg{act: a, id: id, err: do(id)} })
}

// markUnread marks the selected message unread (and leaves it, if open).
func (p *inboxPage) markUnread() {
	m, read, ok := p.item(p.selected)
	if !ok {
		return
	}
	p.back()
	if read {
		p.win.Read[p.selected-p.win.From] = false
		p.unread++
		p.Invalidate()
	}
	src, id := p.src, m.ID
	p.queue(func() tea.Msg { return inboxActedMsg{act: actUnread, id: id, err: src.MarkUnread(id)} })
}

// acted takes the outcome of an action: a notice, and a fresh list.
func (p *inboxPage) acted(msg inboxActedMsg) {
	verb := map[inboxAction]string{actArchive: "archive", actUnarchive: "restore", actUnread: "mark unread"}[msg.act]
	switch {
	case msg.err != nil:
		p.c.notice = "Couldn't " + verb + " the message: " + inbox.Sanitize(msg.err.Error(), false)
	case msg.act == actArchive:
		p.undo = msg.id
		p.c.notice = "archived · u undo"
	case msg.act == actUnarchive && p.archived:
		p.c.notice = "back in the Inbox"
	case msg.act == actUnarchive:
		p.follow = msg.id // select it again where it was
		p.c.notice = "restored"
	case msg.act == actUnread:
		p.c.notice = "marked unread"
	}
	p.reload()
}

// step opens the next (d=1) or previous (d=-1) message while reading.
func (p *inboxPage) step(d int) {
	i := p.selected + d
	if i < 0 || i >= p.total {
		return
	}
	p.reading = false
	p.Select(i)
	p.openSelected()
}

// back returns from a message to the list; it reports whether it did.
func (p *inboxPage) back() bool {
	if !p.reading {
		return false
	}
	p.reading = false
	p.Invalidate()
	return true
}

func (p *inboxPage) render(width int) string {
	st := p.st()
	if p.reading {
		return p.renderMessage(st, p.open, width)
	}
	var lines []string
	add := func(s string) { lines = append(lines, strings.Split(s, "\n")...) }
	k := p.visible()
	head := fmt.Sprintf("%d %s, %d unread", p.total, plural(p.total, "message"), p.unread)
	if p.archived {
		head = fmt.Sprintf("Archived: %d %s · A back to the Inbox", p.total, plural(p.total, "message"))
	}
	if p.total > k {
		head += fmt.Sprintf(" · %d–%d", p.top+1, min(p.top+k, p.total))
	}
	if p.report.Corrupt > 0 || p.report.Torn {
		head += st.Warn.Render(fmt.Sprintf("  (%d unreadable lines skipped)", p.report.Corrupt+boolInt(p.report.Torn)))
	}
	if p.newAbove > 0 {
		// New messages above what is on screen: a sign, which stays
		// whole however narrow the window.
		sign := fmt.Sprintf("↑ %d new", p.newAbove)
		add(st.Muted.Render(truncate(head, max(width-len(" · ")-xansi.StringWidth(sign), 1))) + st.Muted.Render(" · ") + st.Marker.Render(sign))
	} else {
		add(st.Muted.Render(truncate(head, width)))
	}
	if p.err != nil {
		add(st.Error.Render(truncate("Couldn't read the messages: "+inbox.Sanitize(p.err.Error(), false), width)))
	}
	inner := width - 6
	for i := p.top; i < min(p.top+k, p.total); i++ {
		add("")
		m, read, ok := p.item(i)
		if !ok {
			add(p.gutter(i, "  "+st.Muted.Render("…")))
			add(p.gutter(i, ""))
			add(p.gutter(i, ""))
			continue
		}
		mark := "  "
		if !read {
			mark = st.Marker.Render("●") + " "
		}
		title := st.Item
		if i == p.selected {
			title = st.Selected
		}
		first, _, _ := strings.Cut(m.Message, "\n")
		add(p.gutter(i, mark+title.Render(truncate(m.Name, inner))))
		add(p.gutter(i, "  "+st.Muted.Render(truncate(m.Time.UTC().Format("2006-01-02 15:04")+" · "+m.ReplyTo, inner))))
		add(p.gutter(i, "  "+truncate(first, inner)))
	}
	if p.total == 0 && p.err == nil {
		add("")
		if p.loading && p.win.Messages == nil {
			add(st.Muted.Render(wrap("Reading the messages…", width)))
		} else if p.archived {
			add(st.Muted.Render(wrap("No archived messages.", width)))
		} else {
			add(st.Muted.Render(wrap("No messages yet.", width)))
		}
	}
	return strings.Join(lines, "\n")
}

// gutter puts the selection bar in front of the selected item's lines.
func (p *inboxPage) gutter(i int, s string) string {
	if i == p.selected {
		return p.st().Marker.Render("▌") + " " + s
	}
	return "  " + s
}

func (p *inboxPage) renderMessage(st *Styles, m inbox.Message, width int) string {
	var b strings.Builder
	// The message first: it is what the owner opened the message for.
	b.WriteString(wrap(m.Message, width) + "\n")
	b.WriteString(st.Rule.Render(strings.Repeat("─", width)) + "\n")
	field := func(label, value string) {
		b.WriteString(st.Label.Render(label) + " " + wrap(value, max(width-len(label)-1, 8)) + "\n")
	}
	field("From:    ", m.Name)
	if url := inbox.ReplyLink(m.ReplyTo); url != "" { // only what passes the reply-to rule
		// One clickable link; wrapping would split it, so it is cut.
		label := "Reply-to:"
		b.WriteString(st.Label.Render(label) + " " + linkStyle(st, url).Render(truncate(m.ReplyTo, max(width-len(label)-1, 8))) + "\n")
	} else {
		field("Reply-to:", m.ReplyTo)
	}
	field("Time:    ", m.Time.UTC().Format("2006-01-02 15:04:05 UTC"))
	field("Id:      ", m.ID)
	if m.Fingerprint != "" {
		field("Key:     ", m.Fingerprint)
	}
	if m.Invitation != "" {
		field("Invited: ", m.Invitation)
	} else {
		field("Address: ", m.Remote)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// plural returns word, with an "s" unless n is 1.
func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
