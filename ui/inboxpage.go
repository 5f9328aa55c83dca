package ui

import (
	"fmt"
	"strings"

	"github.com/pragyamugale/portfolio/inbox"
)

// InboxSource gives the owner's Inbox section its messages. The server
// provides it only to sessions authenticated with an owner key; for
// everyone else the section doesn't exist.
type InboxSource interface {
	// Messages returns every stored message, newest first, sanitised.
	Messages() ([]inbox.Message, inbox.ReadReport, error)
	// IsRead and MarkRead track what the owner has opened.
	IsRead(id string) bool
	MarkRead(id string) error
}

// inboxPage lists the stored messages and shows one at a time.
type inboxPage struct {
	document
	src      InboxSource
	st       func() *Styles
	msgs     []inbox.Message
	report   inbox.ReadReport
	err      error
	selected int
	reading  bool // showing msgs[selected] in full
	spans    [][2]int
	unread   int
}

func newInboxPage(src InboxSource, st func() *Styles) *inboxPage {
	p := &inboxPage{src: src, st: st}
	p.document = newDocument(p.render)
	p.reload()
	return p
}

// reload reads the message file again; it is small and read on demand, so
// the owner always sees what has arrived since.
func (p *inboxPage) reload() {
	var keep string // the selected message's id: new arrivals shift indexes
	if p.selected < len(p.msgs) {
		keep = p.msgs[p.selected].ID
	}
	p.msgs, p.report, p.err = p.src.Messages()
	p.selected = max(0, min(p.selected, len(p.msgs)-1))
	found := false
	for i, m := range p.msgs {
		if m.ID == keep {
			p.selected, found = i, true
			break
		}
	}
	if !found {
		p.reading = false // the open message is gone
	}
	p.countUnread()
	p.Invalidate()
}

func (p *inboxPage) countUnread() {
	p.unread = 0
	for _, m := range p.msgs {
		if !p.src.IsRead(m.ID) {
			p.unread++
		}
	}
}

// Select moves the selection, clamped, and keeps it in view.
func (p *inboxPage) Select(i int) {
	if p.reading {
		return
	}
	p.selected = max(0, min(i, len(p.msgs)-1))
	p.Invalidate()
	if p.selected < len(p.spans) {
		s := p.spans[p.selected]
		p.ScrollTo(s[0], s[1])
	}
}

// open shows the selected message and marks it read.
func (p *inboxPage) open() {
	if len(p.msgs) == 0 {
		return
	}
	p.reading = true
	_ = p.src.MarkRead(p.msgs[p.selected].ID) // a failed mark only keeps it unread
	p.countUnread()
	p.vp.GotoTop()
	p.Invalidate()
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
	if p.reading && p.selected < len(p.msgs) {
		return p.renderMessage(st, p.msgs[p.selected], width)
	}
	var lines []string
	add := func(s string) { lines = append(lines, strings.Split(s, "\n")...) }
	head := fmt.Sprintf("%d %s, %d unread", len(p.msgs), plural(len(p.msgs), "message"), p.unread)
	if p.report.Corrupt > 0 || p.report.Torn {
		head += st.Warn.Render(fmt.Sprintf("  (%d unreadable lines skipped)", p.report.Corrupt+boolInt(p.report.Torn)))
	}
	add(st.Muted.Render(wrap(head, width)))
	if p.err != nil {
		add(st.Error.Render(wrap("Couldn't read the messages: "+inbox.Sanitize(p.err.Error(), false), width)))
	}
	p.spans = make([][2]int, len(p.msgs))
	for i, m := range p.msgs {
		add("")
		start := len(lines)
		mark := "  "
		if !p.src.IsRead(m.ID) {
			mark = st.Marker.Render("●") + " "
		}
		title := st.Item
		if i == p.selected {
			title = st.Selected
		}
		first, _, _ := strings.Cut(inbox.Sanitize(m.Message, true), "\n")
		inner := width - 4
		add(p.gutter(i, mark+title.Render(truncate(inbox.Sanitize(m.Name, false), inner-2))))
		add(p.gutter(i, "  "+st.Muted.Render(truncate(m.Time.UTC().Format("2006-01-02 15:04")+" · "+inbox.Sanitize(m.ReplyTo, false), inner-2))))
		add(p.gutter(i, "  "+truncate(first, inner-2)))
		p.spans[i] = [2]int{start, len(lines) - 1}
	}
	if len(p.msgs) == 0 {
		add("")
		add(st.Muted.Render(wrap("No messages yet.", width)))
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
	field := func(label, value string) {
		b.WriteString(st.Label.Render(label) + " " + wrap(inbox.Sanitize(value, false), max(width-len(label)-1, 8)) + "\n")
	}
	field("From:    ", m.Name)
	field("Reply-to:", m.ReplyTo)
	field("Time:    ", m.Time.UTC().Format("2006-01-02 15:04:05 UTC"))
	field("Id:      ", m.ID)
	if m.Fingerprint != "" {
		field("Key:     ", m.Fingerprint)
	}
	field("Address: ", m.Remote)
	b.WriteString(st.Rule.Render(strings.Repeat("─", width)) + "\n")
	b.WriteString(wrap(inbox.Sanitize(m.Message, true), width))
	return b.String()
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
