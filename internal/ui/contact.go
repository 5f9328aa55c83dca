package ui

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textarea"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/pragyamugale/portfolio/content"
	"github.com/pragyamugale/portfolio/internal/inbox"
)

// SubmitFunc stores a visitor's message. The server supplies it, adding who
// sent it (address, key fingerprint) before it reaches the inbox.
type SubmitFunc func(inbox.Submission) (inbox.Receipt, error)

// Form fields, in Tab order.
const (
	fieldName = iota
	fieldReplyTo
	fieldMessage
	fieldSend
	fieldCount
	noField = -1
)

// contactPage is the invitation plus the message form. The form takes the
// keyboard only once the visitor enters it (Enter); Esc gives it back, so
// section keys like 1–4 and q work as everywhere else until then.
type contactPage struct {
	document
	pf     *content.Portfolio
	submit SubmitFunc

	name    textinput.Model
	replyTo textinput.Model
	message *textarea.Model // made when the form is first entered: it is big
	// messageLen is the message's length in characters, kept as it
	// changes: counting it from the textarea builds the whole message.
	messageLen int
	// typed: typeKey changed the message since the box last rendered.
	typed   bool
	focus   int // a field*, or noField when the form doesn't have the keyboard
	sending bool

	errs   inbox.ValidationError
	notice string // the outcome of the last failed send, styled
	// sent is what the last send submitted; thanks is set once it is
	// stored, and replaces the form with a thank-you until Enter.
	sent   inbox.Submission
	thanks *inbox.Receipt
	// limited: the last send was refused by the rate limit, so the page
	// offers the owner's other ways to be reached.
	limited bool
	spans   [fieldCount][2]int
	styled  *Styles // the styles the inputs were last given
	// follow: the focused field is to be scrolled into view once the page
	// is next rendered (see followFocus).
	follow bool
	// bound is the keys that the message box binds to something other
	// than typing; any other key with text is typed straight in (typeKey).
	bound map[string]bool
}

// submitResultMsg carries the outcome of a send back to Update.
type submitResultMsg struct {
	receipt inbox.Receipt
	err     error
}

func (submitResultMsg) forPage() {}

// contactKeys are the Contact page's own keys: Enter to write, then the
// form's while it has the keyboard.
var contactKeys = struct {
	Write, WriteFull                  key.Binding // enter the form
	NextField, PrevField, Enter, Send key.Binding
	LeaveForm, QuitAlways             key.Binding
}{
	Write:      key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "write a message")),
	WriteFull:  key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "write")),
	NextField:  key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next field")),
	PrevField:  key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("⇧tab", "prev field")),
	Enter:      key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "next field, or a new line")),
	Send:       key.NewBinding(key.WithKeys("ctrl+s"), key.WithHelp("ctrl+s", "send")),
	LeaveForm:  key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "leave form")),
	QuitAlways: key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
}

// setPortfolio shows pf's text from now on; the form keeps what the
// visitor typed.
func (p *contactPage) setPortfolio(pf *content.Portfolio) {
	if p.pf != pf {
		p.pf = pf
		p.Invalidate()
	}
}

func newContactPage(pf *content.Portfolio, c *common, submit SubmitFunc) *contactPage {
	p := &contactPage{pf: pf, submit: submit, focus: noField}

	// Placeholders are in parentheses, so they read as hints rather than
	// text even on terminals that show no faint colour (TERM=dumb).
	p.name = newInput("(your name)", inbox.MaxName)
	p.replyTo = newInput("("+inbox.ReplyToHint+")", inbox.MaxReplyTo)
	p.document = newDocument(c, p.render)
	p.document.rendered = p.scrollToFocus
	return p
}

// st returns the current styles.
func (p *contactPage) st() *Styles { return p.c.st() }

// Update takes the outcome of a send; Enter opens the form, which then
// takes the keys and pastes; otherwise the page scrolls.
func (p *contactPage) Update(msg tea.Msg) (page, tea.Cmd) {
	switch m := msg.(type) {
	case submitResultMsg:
		return p, p.result(m)
	case tea.KeyPressMsg:
		switch {
		case p.Focused():
			return p, p.updateForm(msg)
		case p.Enabled() && key.Matches(m, contactKeys.Write):
			return p, p.setFocus(fieldName)
		}
		p.move(msg)
	case tea.PasteMsg:
		if p.Focused() {
			return p, p.updateForm(msg)
		}
	case tea.MouseWheelMsg:
		p.move(msg)
	}
	return p, nil
}

// Claims: while the form has the keyboard it takes every key but Ctrl+C,
// so letters type into it instead of switching sections.
func (p *contactPage) Claims(msg tea.KeyPressMsg) bool {
	return p.Focused() && !key.Matches(msg, contactKeys.QuitAlways)
}

// ShortHelp is the form's keys while it has the keyboard, its ways out
// last (send, leave, quit); otherwise Enter to write, the next section
// and, when the page scrolls, the scrolling keys.
func (p *contactPage) ShortHelp() []key.Binding {
	k := contactKeys
	switch {
	case p.Focused() && p.c.browser:
		// A phone's on-screen keys have no Ctrl: Tab to Send and Enter.
		return p.keys(k.NextField, k.LeaveForm, k.QuitAlways)
	case p.Focused():
		return p.keys(k.NextField, k.Send, k.LeaveForm, k.QuitAlways)
	case p.Enabled() && p.Scrollable():
		return p.keys(k.Write, nextSection, scrollShort)
	case p.Enabled():
		return p.keys(k.Write, nextSection)
	case p.Scrollable():
		return p.keys(nextSection, scrollShort)
	}
	return p.keys(nextSection)
}

// FullHelp is every key of the form while it has the keyboard; otherwise
// the scrolling keys when the page scrolls, and Enter to write.
func (p *contactPage) FullHelp() [][]key.Binding {
	k := contactKeys
	if p.Focused() {
		return [][]key.Binding{{k.NextField, k.PrevField, k.Enter, k.Send, k.LeaveForm, k.QuitAlways}}
	}
	var full [][]key.Binding
	if p.Scrollable() {
		full = append(full, scrollHelp(scrollFull))
	}
	if p.Enabled() {
		full = append(full, []key.Binding{k.WriteFull})
	}
	return full
}

// Placeholder and height of the message box.
const (
	messagePlaceholder = "(your message)"
	messageHeight      = 5
)

// newMessageArea builds the message box. A textarea costs about a third of
// a megabyte, so sessions get one only when the visitor enters the form;
// until then render draws its empty look.
func newMessageArea(st *Styles) *textarea.Model {
	a := textarea.New()
	a.Placeholder = messagePlaceholder
	a.ShowLineNumbers = false
	// The limit is enforced in characters by enforceLimits: the textarea's
	// own CharLimit counts cells, so wide scripts would get half as many.
	a.CharLimit = 0
	a.Prompt = "┃ "
	// Never touch the server's clipboard: this binding would run the
	// server's clipboard tool on a visitor's keypress. Pasting works
	// through the visitor's own terminal (bracketed paste).
	a.KeyMap.Paste = key.NewBinding()
	a.SetStyles(st.Area)
	return &a
}

// hasDraft reports whether the form holds text that hasn't been sent
// (a sent message is cleared from it, see result): leaving then asks first.
func (p *contactPage) hasDraft() bool {
	return p.name.Value() != "" || p.replyTo.Value() != "" || p.messageValue() != ""
}

// messageValue is the message typed so far.
func (p *contactPage) messageValue() string {
	if p.message == nil {
		return ""
	}
	return p.message.Value()
}

// countMessage counts the message's characters again, after a change
// typeKey can't follow. Characters are counted as the inbox counts them
// (inbox.Length: code points), so the counter and the server agree.
func (p *contactPage) countMessage() {
	p.messageLen = inbox.Length(p.messageValue())
}

func newInput(placeholder string, limit int) textinput.Model {
	in := textinput.New()
	in.Prompt = "┃ "
	in.Placeholder = placeholder
	in.CharLimit = limit
	in.KeyMap.Paste = key.NewBinding() // see newContactPage
	return in
}

// Focused reports whether the form has the keyboard.
func (p *contactPage) Focused() bool { return p.focus != noField }

// Enabled reports whether messages can be sent at all.
func (p *contactPage) Enabled() bool { return p.submit != nil }

// setFocus moves the keyboard to field f (or noField) and scrolls it into view.
func (p *contactPage) setFocus(f int) tea.Cmd {
	p.focus = f
	if f != noField {
		p.thanks = nil // writing another
	}
	if f != noField && p.message == nil {
		p.message = newMessageArea(p.st())
		p.bound = boundKeys(p.message.KeyMap)
	}
	p.name.Blur()
	p.replyTo.Blur()
	if p.message != nil {
		p.message.Blur()
	}
	var cmd tea.Cmd
	switch f {
	case fieldName:
		cmd = p.name.Focus()
	case fieldReplyTo:
		cmd = p.replyTo.Focus()
	case fieldMessage:
		cmd = p.message.Focus()
	}
	p.followFocus()
	return cmd
}

// followFocus marks the page changed and the focused field to be scrolled
// into view. Both happen when the page is next rendered, so a burst of
// keys between two frames renders the page once, not once a key.
func (p *contactPage) followFocus() {
	p.follow = true
	p.Invalidate()
}

// scrollToFocus scrolls the focused field into view, if followFocus asked
// for it, once the page has been rendered (the spans are that rendering's).
func (p *contactPage) scrollToFocus() {
	if !p.follow {
		return
	}
	p.follow = false
	if p.focus == noField {
		return
	}
	s := p.spans[p.focus]
	p.ScrollTo(s[0], s[1])
}

// updateForm handles a key or paste while the form has the keyboard.
func (p *contactPage) updateForm(msg tea.Msg) tea.Cmd {
	km := contactKeys
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, km.LeaveForm):
			return p.setFocus(noField)
		case key.Matches(msg, km.NextField):
			return p.setFocus((p.focus + 1) % fieldCount)
		case key.Matches(msg, km.PrevField):
			return p.setFocus((p.focus + fieldCount - 1) % fieldCount)
		case key.Matches(msg, km.Send):
			return p.send()
		case key.Matches(msg, km.Enter) && p.focus != fieldMessage:
			if p.focus == fieldSend {
				return p.send()
			}
			return p.setFocus(p.focus + 1)
		}
	case tea.PasteMsg:
		// Cut a paste to what still fits before the field sees it, so a
		// big paste costs the field nothing. (How big a paste can get at
		// all is capped by the server's input guard.)
		msg.Content = inbox.Truncate(msg.Content, p.room())
	}
	if k, ok := msg.(tea.KeyPressMsg); ok && p.focus == fieldMessage && p.typeKey(k) {
		return nil
	}
	switch p.focus {
	case fieldName:
		p.name, cmd = p.name.Update(msg)
	case fieldReplyTo:
		p.replyTo, cmd = p.replyTo.Update(msg)
	case fieldMessage:
		*p.message, cmd = p.message.Update(msg)
		p.countMessage()
	}
	p.enforceLimits()
	p.followFocus()
	return cmd
}

// typeKey types a key's text into the message box, if it is just text,
// and reports whether it did. The textarea's own Update would do the same
// but then render the whole box (wrapping all of the message) for every
// key; this leaves the rendering to the next frame. Like a paste, what
// doesn't fit is dropped before it reaches the box.
func (p *contactPage) typeKey(k tea.KeyPressMsg) bool {
	if k.Text == "" || p.bound[k.String()] {
		return false
	}
	text := inbox.Truncate(k.Text, p.room())
	if text == "" {
		return true // full: nothing changes
	}
	row, col := p.message.Line(), p.message.Column()
	p.message.InsertString(text)
	if p.message.Line() == row {
		p.messageLen += p.message.Column() - col
	} else { // the text held a line break
		p.countMessage()
	}
	p.typed = true
	p.enforceLimits()
	p.followFocus()
	return true
}

// boundKeys is the set of keys bound in a bubbles key map (a struct of
// key.Binding fields), as key.Matches compares them.
func boundKeys(keyMap any) map[string]bool {
	bound := map[string]bool{}
	v := reflect.ValueOf(keyMap)
	for i := range v.NumField() {
		if b, ok := v.Field(i).Interface().(key.Binding); ok && b.Enabled() {
			for _, k := range b.Keys() {
				bound[k] = true
			}
		}
	}
	return bound
}

// room is how many more characters the focused field takes.
func (p *contactPage) room() int {
	switch p.focus {
	case fieldName:
		return inbox.MaxName - inbox.Length(p.name.Value())
	case fieldReplyTo:
		return inbox.MaxReplyTo - len(p.replyTo.Value())
	case fieldMessage:
		return inbox.MaxMessage - p.messageLen
	}
	return 0
}

// enforceLimits cuts the fields to what the inbox accepts: the message in
// characters, the reply-to in bytes, as the inbox validates them.
func (p *contactPage) enforceLimits() {
	switch p.focus {
	case fieldMessage:
		if p.messageLen > inbox.MaxMessage {
			p.message.SetValue(inbox.Truncate(p.message.Value(), inbox.MaxMessage))
			p.countMessage()
		}
	case fieldReplyTo:
		if v := p.replyTo.Value(); len(v) > inbox.MaxReplyTo {
			cut := inbox.MaxReplyTo
			for cut > 0 && !utf8.RuneStart(v[cut]) {
				cut--
			}
			p.replyTo.SetValue(v[:cut])
		}
	}
}

// send submits the form in the background; the result comes back as a
// submitResultMsg. The visitor's text stays in the form until it is stored.
func (p *contactPage) send() tea.Cmd {
	if p.sending || p.submit == nil {
		return nil
	}
	p.sending = true
	p.notice = ""
	p.Invalidate()
	sub := inbox.Submission{
		Name:    p.name.Value(),
		ReplyTo: p.replyTo.Value(),
		Message: p.messageValue(),
	}
	p.sent = sub
	submit := p.submit
	return func() tea.Msg {
		r, err := submit(sub)
		return submitResultMsg{r, err}
	}
}

// result shows the outcome of a send.
func (p *contactPage) result(msg submitResultMsg) tea.Cmd {
	p.sending = false
	p.errs = nil
	p.limited = false
	p.notice = ""
	st := p.st()
	var cmd tea.Cmd
	var verr inbox.ValidationError
	var rerr *inbox.RateLimitError
	var busy *inbox.BusyError
	switch {
	case msg.err == nil:
		r := msg.receipt
		p.thanks = &r
		// Clear the form only if it holds what was sent: text typed
		// while sending was not sent, and stays for the next message.
		if p.name.Value() == p.sent.Name && p.replyTo.Value() == p.sent.ReplyTo && p.messageValue() == p.sent.Message {
			p.name.Reset()
			p.replyTo.Reset()
			if p.message != nil {
				p.message.Reset()
				p.countMessage()
			}
		}
		cmd = p.setFocus(noField)
		p.vp.GotoTop() // the thank-you is at the top
	case errors.As(msg.err, &verr):
		p.errs = verr
		p.notice = st.Error.Render("✗ Please fix the marked fields.")
		for f, name := range []string{"name", "reply_to", "message"} {
			if verr.For(name) != "" {
				cmd = p.setFocus(f)
				break
			}
		}
	case errors.As(msg.err, &rerr):
		p.limited = true
		p.notice = st.Error.Render("✗ That's the limit for now: try again in " + inbox.Wait(rerr.RetryAfter) + ".")
	case errors.As(msg.err, &busy):
		p.notice = st.Error.Render("✗ " + busy.Sentence() + " Your text is still here.")
	default:
		p.notice = st.Error.Render("✗ Couldn't save your message, please try again later. Your text is still here.")
	}
	p.Invalidate()
	return cmd
}

// restyle gives the inputs the current theme; cheap, and only on change.
func (p *contactPage) restyle(st *Styles) {
	if p.styled == st {
		return
	}
	p.styled = st
	p.name.SetStyles(st.Input)
	p.replyTo.SetStyles(st.Input)
	if p.message != nil {
		p.message.SetStyles(st.Area)
	}
}

// render draws the invitation and the form for a width, noting which lines
// each field occupies so the focused one can be scrolled into view. The
// form keeps its shape whether or not it has the keyboard, so nothing
// jumps when the visitor enters or leaves it.
func (p *contactPage) render(width int) string {
	st := p.st()
	p.restyle(st)
	var lines []string
	add := func(s string) { lines = append(lines, strings.Split(s, "\n")...) }

	if p.thanks != nil {
		// Alone, so it is on screen without scrolling at any size.
		return p.renderThanks(st, width)
	}
	add(st.Heading.Render(wrap(p.pf.Contact.Heading, width)))
	add(renderMarkdown(p.pf.Contact.Body, width, st))
	for _, l := range p.pf.Profile.Links {
		add(bulletIn(st, linkStyle(st, l.URL), l.Label+": "+l.URL, width))
	}
	add("")
	if p.submit == nil {
		return strings.Join(lines, "\n")
	}
	// The hint above the form: how to start, or how to move and send. Both
	// take the same number of lines.
	idle := wrap("Press Enter to write a message. It goes straight to "+p.pf.Profile.Name+".", width)
	busy := wrap("Tab moves between fields, ctrl+s sends from any of them, Esc leaves the form.", width)
	if p.c.browser {
		// A phone's on-screen keys have Tab, Enter and Esc, but no Ctrl.
		busy = wrap("Tab moves between fields and on to Send, Enter there sends, Esc leaves the form.", width)
	}
	hint := idle
	if p.Focused() {
		hint = busy
	}
	add(st.Muted.Render(hint) + strings.Repeat("\n", max(strings.Count(idle, "\n"), strings.Count(busy, "\n"))-strings.Count(hint, "\n")))
	add("")

	inputW := max(width-2, 8) // the prompt bar takes two columns
	p.name.SetWidth(inputW - 1)
	p.replyTo.SetWidth(inputW - 1)
	messageView := p.emptyMessageView(st, inputW)
	if p.message != nil {
		p.message.SetWidth(inputW)
		// The box scrolls to its cursor within the content it last
		// rendered, which lacks what typeKey typed since: render it first.
		if p.typed {
			_ = p.message.View()
			p.typed = false
		}
		p.message.SetHeight(messageHeight)
		messageView = p.message.View()
	}

	// Each label carries a focus mark (visible without colour), a "*" as
	// every field is required, and the message's counter beside it.
	field := func(f int, label, errKey, counter, view string) {
		start := len(lines)
		mark := "  "
		if p.focus == f {
			mark = st.Marker.Render("▸") + " "
		}
		head := mark + st.Label.Render(label) + st.Error.Render("*")
		if counter != "" {
			head += " " + counter
		}
		if reason := p.errs.For(errKey); reason != "" {
			head += "  " + st.Error.Render("✗ "+reason)
		}
		add(wrap(head, width))
		add(view)
		p.spans[f] = [2]int{start, len(lines) - 1}
	}
	field(fieldName, "Name", "name", "", p.name.View())
	field(fieldReplyTo, "Reply-to", "reply_to", "", p.replyTo.View())
	count := fmt.Sprintf("%d/%d", p.messageLen, inbox.MaxMessage)
	field(fieldMessage, "Message", "message", st.Muted.Render(count), messageView)

	add("")
	start := len(lines)
	button := " " + st.Button.Render("[ Send ]")
	if p.focus == fieldSend {
		button = st.Marker.Render("▸") + st.ButtonOn.Render("[ Send ]")
	}
	if p.sending {
		button += " " + st.Muted.Render("sending…")
	} else if !p.c.browser {
		button += " " + st.Muted.Render("ctrl+s")
	}
	add(button)
	if p.notice != "" {
		add(wrap(p.notice, width))
	}
	if p.limited {
		for _, l := range p.pf.Profile.Links {
			add(bulletIn(st, linkStyle(st, l.URL), l.Label+": "+l.URL, width))
		}
	}
	// What is stored with a message besides the visitor's words: a
	// browser has no SSH key.
	stored := "Your IP address and SSH key fingerprint are"
	if p.c.browser {
		stored = "Your IP address is"
	}
	add(st.Muted.Render(wrap(st.Error.Render("*")+" required. "+stored+" stored with the message, to limit abuse.", width)))
	p.spans[fieldSend] = [2]int{start, len(lines) - 1}
	return strings.Join(lines, "\n")
}

// renderThanks is the panel that replaces the form once a message is
// stored: whom it was from and where the reply will go, then the receipt.
func (p *contactPage) renderThanks(st *Styles, width int) string {
	r := p.thanks
	name := truncate(inbox.Sanitize(p.sent.Name, false), 32)
	replyTo := truncate(inbox.Sanitize(p.sent.ReplyTo, false), 40)
	what := "Sent"
	if r.Duplicate {
		what = "Already received"
	}
	inner := max(width-4, 8)
	var lines []string
	add := func(style lipgloss.Style, s string) {
		lines = append(lines, strings.Split(style.Render(wrap(s, inner)), "\n")...)
	}
	add(st.Success, "Thanks, "+name+"!")
	add(st.Text, p.pf.Profile.FirstName()+" will reply at "+replyTo+".")
	receipt := fmt.Sprintf("✓ %s: message %s", what, r.ID)
	when := "at " + r.Time.UTC().Format("2006-01-02 15:04") + " UTC"
	if lipgloss.Width(receipt+" "+when) <= inner {
		add(st.Muted, receipt+" "+when)
	} else { // the time whole on its own line
		add(st.Muted, receipt)
		add(st.Muted, when)
	}
	add(st.Muted, "Press Enter to write again.")
	boxW := 0
	for _, l := range lines {
		boxW = max(boxW, lipgloss.Width(l))
	}
	return strings.Join(box(st, "Sent", lines, boxW, width), "\n")
}

// emptyMessageView draws the message box as an unfocused, empty textarea
// looks, for sessions that haven't entered the form (and so have none).
func (p *contactPage) emptyMessageView(st *Styles, width int) string {
	prompt := st.Area.Blurred.Prompt.Render("┃ ")
	lines := make([]string, messageHeight)
	for i := range lines {
		lines[i] = prompt
	}
	lines[0] += st.Area.Blurred.Placeholder.Render(truncate(messagePlaceholder, width-2))
	return strings.Join(lines, "\n")
}
