package ui

import (
	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// page is the one shape of every screen under the tabs, as soft-serve's
// common.Component is: About, Skills, Projects (and its case studies),
// Contact, and the owner's Inbox and Stats. The root model routes
// messages to the pages and frames them (tabs, footer, Keys panel); each
// page owns its keys: it matches them against its own key map and lists
// them through ShortHelp and FullHelp.
type page interface {
	// Update handles a message: a key, paste or mouse wheel the root
	// passes to the page on screen, or a message the root gives every
	// page (a window size, shownMsg, a page's own results, see pageMsg).
	// Work such as reading the disk leaves as the tea.Cmd, never inside
	// Update. Pages are pointers and return themselves.
	Update(msg tea.Msg) (page, tea.Cmd)
	// View is the visible part of the page, as big as SetSize says.
	View() string
	// SetSize sets the text width and the visible height.
	SetSize(width, height int)
	// ShortHelp is the page's keys for the footer, in the order shown;
	// with no room, the footer drops them from the end, the page's first
	// own key (the first that isn't a shared scrolling or section key)
	// last. FullHelp is every key of the page, for the Keys panel. The
	// root adds its own keys (sections, theme, help, quit) around them,
	// unless the page claims q: then the page has the keyboard, and the
	// last three keys of its ShortHelp, its ways out, always stay.
	help.KeyMap
	// Status is the right side of the footer: the scroll position, or ""
	// when the page fits.
	Status() string
	// Claims reports whether the page takes a key before the root's
	// keys: the contact form, while it is filled in, takes all but
	// Ctrl+C; a case study takes ← (back to the list).
	Claims(msg tea.KeyPressMsg) bool
}

// common is what the root shares with its pages, as soft-serve's
// common.Common: the styles of the moment and the footer's notice.
type common struct {
	styles *Styles
	// notice is one line for the footer (say, "copied …"), shown in its
	// place until the next key.
	notice string
	// browser: the visitor is in the web terminal (Options.Browser).
	browser bool
}

// st returns the current styles.
func (c *common) st() *Styles { return c.styles }

// pageMsg marks the messages that carry a page's results (a load, a send,
// a change in the inbox): the root gives them to every page and draws the
// screen anew.
type pageMsg interface{ forPage() }

// shownMsg tells a page a section key brought it on screen; again when it
// was on screen already.
type shownMsg struct{ again bool }

// Keys the root asks pages about (see Claims).
var (
	leftKey = tea.KeyPressMsg{Code: tea.KeyLeft}
	quitKey = tea.KeyPressMsg{Code: 'q', Text: "q"}
)

// listKeys moves a list's selection (the projects, the owner's messages)
// on the scrolling keys and opens the selected item on open. It reports
// whether msg was one of them.
func listKeys(msg tea.KeyPressMsg, open key.Binding, selected, n int, selectItem func(int), openItem func()) bool {
	switch {
	case key.Matches(msg, open):
		openItem()
	case key.Matches(msg, scroll.Up):
		selectItem(selected - 1)
	case key.Matches(msg, scroll.Down):
		selectItem(selected + 1)
	case key.Matches(msg, scroll.Top, scroll.PageUp):
		selectItem(0)
	case key.Matches(msg, scroll.Bottom, scroll.PageDown):
		selectItem(n - 1)
	default:
		return false
	}
	return true
}
