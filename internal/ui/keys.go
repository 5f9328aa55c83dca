package ui

import (
	"slices"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
)

// The UI's keys are split as its work is: the root model's keys (sections,
// theme, help, quit) work on every page that doesn't claim them; each page
// has its own key map, matches keys against it and lists it in its
// ShortHelp and FullHelp, so the keys shown are always the keys that work.

// appKeys are the root model's keys.
type appKeys struct {
	// Sections jump to a section, by its number: 1 About … 4 Contact; 5
	// the Inbox and 6 Stats are disabled for visitors.
	Sections                 [sectionCount]key.Binding
	NextSection, PrevSection key.Binding
	Theme, Mouse             key.Binding
	Help, Quit               key.Binding
}

// baseAppKeys is the root's keys as every model starts with them (a
// model disables the owner's sections for visitors in its copy).
var baseAppKeys = defaultAppKeys()

func defaultAppKeys() appKeys {
	var sections [sectionCount]key.Binding
	for s := range sectionCount {
		n := strconv.Itoa(int(s) + 1)
		sections[s] = key.NewBinding(key.WithKeys(n), key.WithHelp(n, strings.ToLower(s.String())))
	}
	return appKeys{
		Sections:    sections,
		NextSection: nextSection,
		PrevSection: key.NewBinding(key.WithKeys("shift+tab", "left", "h"), key.WithHelp("←/⇧tab", "prev section")),
		Theme:       key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "light/dark")),
		Mouse:       key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "mouse wheel")),
		Help:        key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Quit:        key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
	}
}

// nextSection is the root's next-section key. Pages show it among their
// own keys in the footer, where it reads best for them.
var nextSection = key.NewBinding(key.WithKeys("tab", "right", "l"), key.WithHelp("→/tab", "next section"))

// scrollKeys move through a page taller than the screen, or through a
// list (the projects, the owner's messages).
type scrollKeys struct {
	Up, Down, PageUp, PageDown, Top, Bottom key.Binding
}

// scroll is the scrolling keys every page shares. Pages show them under
// names that say what they do there (scrollHelp, chooseHelp).
var scroll = scrollKeys{
	Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
	Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
	PageUp:   key.NewBinding(key.WithKeys("pgup", "ctrl+u"), key.WithHelp("pgup", "page up")),
	PageDown: key.NewBinding(key.WithKeys("pgdown", "space", "ctrl+d"), key.WithHelp("pgup/pgdn", "page")),
	Top:      key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g/G", "top/end")),
	Bottom:   key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G/end", "bottom")),
}

// The scrolling keys as the footer (short) and the Keys panel (full) name
// them: scrolling a page, or choosing in a list.
var (
	scrollShort = withHelp(scroll.Up, "↑/↓", "scroll")
	scrollFull  = withHelp(scroll.Up, "↑/↓ j/k", "scroll")
	chooseShort = withHelp(scroll.Up, "↑/↓", "choose")
	chooseFull  = withHelp(scroll.Up, "↑/↓ j/k", "choose")
)

// withHelp is b shown as k and desc.
func withHelp(b key.Binding, k, desc string) key.Binding {
	b.SetHelp(k, desc)
	return b
}

// scrollHelp is the Keys panel's scrolling keys, with up named by up.
func scrollHelp(up key.Binding) []key.Binding {
	return []key.Binding{up, scroll.PageDown, scroll.Top}
}

// isNav reports whether b is one of the keys every page shares (the
// scrolling keys, the next section) rather than one of the page's own:
// with no room for both, the footer keeps the page's own.
func isNav(b key.Binding) bool {
	ks := b.Keys()
	return slices.Equal(ks, scroll.Up.Keys()) || slices.Equal(ks, nextSection.Keys())
}
