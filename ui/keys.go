package ui

import "charm.land/bubbles/v2/key"

// KeyMap is every key binding of the UI, in one place. Pages match keys
// with key.Matches against these bindings and the footer help is generated
// from them, so the keys shown are always the keys that work.
type KeyMap struct {
	About, Skills, Projects, Contact key.Binding // jump to a section
	Inbox                            key.Binding // the owner's inbox; disabled for visitors
	Stats                            key.Binding // the owner's statistics; disabled for visitors
	NextSection, PrevSection         key.Binding
	Up, Down                         key.Binding
	PageUp, PageDown                 key.Binding
	Top, Bottom                      key.Binding
	Open, Back                       key.Binding
	NextStudy                        key.Binding // the next case study, while reading one
	Left                             key.Binding // back to the list from a case study
	Filter, FilterBack               key.Binding // skills area filter
	Theme, Mouse                     key.Binding
	Help, Quit                       key.Binding

	// The owner's Inbox.
	Archive, Undo, MarkUnread key.Binding
	ArchivedView              key.Binding // the archived messages, and back
	CopyReplyTo               key.Binding // to the clipboard (OSC 52)
	NextMessage, PrevMessage  key.Binding // while reading one

	// The contact form, while it has the keyboard.
	Write                       key.Binding // enter the form
	NextField, PrevField        key.Binding
	Send, LeaveForm, QuitAlways key.Binding
}

// DefaultKeyMap returns the standard bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		About:       key.NewBinding(key.WithKeys("1"), key.WithHelp("1", "about")),
		Skills:      key.NewBinding(key.WithKeys("2"), key.WithHelp("2", "skills")),
		Projects:    key.NewBinding(key.WithKeys("3"), key.WithHelp("3", "projects")),
		Contact:     key.NewBinding(key.WithKeys("4"), key.WithHelp("4", "contact")),
		Inbox:       key.NewBinding(key.WithKeys("5"), key.WithHelp("5", "inbox")),
		Stats:       key.NewBinding(key.WithKeys("6"), key.WithHelp("6", "stats")),
		NextSection: key.NewBinding(key.WithKeys("tab", "right", "l"), key.WithHelp("→/tab", "next section")),
		PrevSection: key.NewBinding(key.WithKeys("shift+tab", "left", "h"), key.WithHelp("←/⇧tab", "prev section")),
		Up:          key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:        key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:      key.NewBinding(key.WithKeys("pgup", "ctrl+u"), key.WithHelp("pgup", "page up")),
		PageDown:    key.NewBinding(key.WithKeys("pgdown", "space", "ctrl+d"), key.WithHelp("pgup/pgdn", "page")),
		Top:         key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g/G", "top/end")),
		Bottom:      key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G/end", "bottom")),
		Open:        key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open")),
		Back:        key.NewBinding(key.WithKeys("esc", "backspace"), key.WithHelp("esc", "back")),
		NextStudy:   key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "next case study")),
		Left:        key.NewBinding(key.WithKeys("left"), key.WithHelp("←", "back to the list")),
		Filter:      key.NewBinding(key.WithKeys("f"), key.WithHelp("f/F", "filter")),
		FilterBack:  key.NewBinding(key.WithKeys("F"), key.WithHelp("F", "filter back")),
		Theme:       key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "light/dark")),
		Mouse:       key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "mouse wheel")),
		Help:        key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Quit:        key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),

		Archive:      key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "archive")),
		Undo:         key.NewBinding(key.WithKeys("u"), key.WithHelp("u", "undo archive")),
		MarkUnread:   key.NewBinding(key.WithKeys("U"), key.WithHelp("U", "mark unread")),
		ArchivedView: key.NewBinding(key.WithKeys("A"), key.WithHelp("A", "archived/inbox")),
		CopyReplyTo:  key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "copy reply-to")),
		NextMessage:  key.NewBinding(key.WithKeys("n", "]"), key.WithHelp("n/p", "next/prev message")),
		PrevMessage:  key.NewBinding(key.WithKeys("p", "["), key.WithHelp("p", "previous message")),

		Write:      key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "write a message")),
		NextField:  key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next field")),
		PrevField:  key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("⇧tab", "prev field")),
		Send:       key.NewBinding(key.WithKeys("ctrl+s"), key.WithHelp("ctrl+s", "send")),
		LeaveForm:  key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "leave form")),
		QuitAlways: key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
	}
}
