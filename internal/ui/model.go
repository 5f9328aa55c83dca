// Package ui is the portfolio's terminal interface: one Bubble Tea model per
// visitor, with a page per section. Model is the only tea.Model: it routes
// messages and frames the page on screen (tabs, footer, Keys panel). Every
// page has one shape (see page): it updates, renders for a size, and owns
// its keys and their help.
package ui

import (
	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/pragyamugale/portfolio/content"
	"github.com/pragyamugale/portfolio/internal/cache"
	"github.com/pragyamugale/portfolio/internal/theme"
)

// Section is one of the top-level pages, in tab order.
type Section int

// The sections, in the order of their tabs and number keys.
const (
	SectionAbout Section = iota
	SectionSkills
	SectionProjects
	SectionContact
	SectionInbox // only for the owner
	SectionStats // only for the owner
	sectionCount
)

var sectionNames = [sectionCount]string{"About", "Skills", "Projects", "Contact", "Inbox", "Stats"}

// String returns the section's tab label.
func (s Section) String() string { return sectionNames[s] }

// Layout limits. Below MinWidth×MinHeight the UI shows a "too small"
// screen; above MaxWidth columns the frame stops growing and is centred so
// lines stay readable.
const (
	MinWidth  = 40
	MinHeight = 12
	MaxWidth  = 100
)

// Options are the per-visitor facts and choices a session starts with.
type Options struct {
	// Content, if set, is the portfolio being served now (a reload swaps
	// it): the visitor keeps what is on screen and sees the newer text
	// when they next change section.
	Content func() *content.Portfolio

	// Section is the page shown first.
	Section Section
	// Project, if set, is the slug of a case study to open at start.
	Project string
	// Profile is the visitor's colour profile as far as the session's
	// environment tells; Bubble Tea refines it with a ColorProfileMsg.
	Profile colorprofile.Profile
	// Background is the visitor's background as far as the session's
	// environment tells (see BackgroundFor): only the theme key changes
	// it then. Unknown gets colours readable on both until the terminal
	// answers the background-colour query.
	Background theme.Background
	// Browser is set for the web terminal (see InBrowser): its form speaks
	// of a browser, not an SSH key, and of the keys a phone has.
	Browser bool
	// Hyperlinks makes links clickable (OSC 8); see HyperlinksFor.
	Hyperlinks bool
	// Submit stores a message from the contact form; nil hides the form.
	Submit SubmitFunc
	// Inbox, if set, adds the owner's Inbox section. Set it only for a
	// session authenticated with an owner key.
	Inbox InboxSource
	// Stats, if set with Inbox, adds the owner's Stats section.
	Stats StatsSource
	// CV, if set, is how to get the owner's CV, shown on the first
	// screen: "ssh host resume --format pdf > cv.pdf".
	CV string
	// Invitations, if set with Stats, adds the Invitations view to it.
	Invitations InvitationsSource
	// OnView, if set, is told each page that comes on screen (see
	// pageName), from the model's goroutine: the server counts views and
	// the time spent on each case study from it.
	OnView func(page string)
	// Greeting, if set, is the invitation's greeting, on the first screen.
	Greeting string
	// Personal marks a visit through an invitation: the footer says, in
	// one line, that the link is personal and its visits are counted for
	// the owner.
	Personal bool
}

// PersonalNotice is that line.
func PersonalNotice(pf *content.Portfolio) string {
	return "This link is personal: its visits are counted for " + pf.Profile.FirstName() + " (no address or key is kept)."
}

// Model is the root model: it owns the window size, the theme and its
// own keys (sections, theme, help, quit), routes messages to the pages and
// frames the page on screen with the tabs, the footer and the Keys panel.
type Model struct {
	pf      *content.Portfolio
	content func() *content.Portfolio // see Options.Content
	keys    appKeys
	help    help.Model
	c       common // shared with the pages

	width, height int
	profile       colorprofile.Profile
	bg            theme.Background
	hyperlinks    bool
	browser       bool
	themeChosen   bool // the visitor pressed the theme key: ignore detection
	// bgSaid: the session's environment said the background (COLORFGBG),
	// which the background query doesn't override: inside tmux or screen
	// the answer is the multiplexer's guess, not the visitor's terminal.
	bgSaid bool

	section Section
	// pages are the sections' pages, by section; the owner's are nil for
	// visitors. The typed fields are the same pages, for the tabs.
	pages    [sectionCount]page
	projects *projectsPage
	contact  *contactPage
	inbox    *inboxPage // nil unless the visitor is the owner
	stats    *statsPage // nil unless the visitor is the owner

	showHelp bool
	mouse    bool
	personal bool   // a visit through an invitation (Options.Personal)
	greeting string // its greeting (Options.Greeting)
	chrome   chrome // the tab bar and footer keys, cached
	quit     bool   // the visitor pressed q or Ctrl+C
	// quitAsked: a quit key was pressed with an unsent message in the
	// form; the next quit key leaves, any other key stays (Esc only that).
	quitAsked bool

	// screen is the last rendered screen. Bubble Tea calls View after
	// every message, including the many a session start brings that change
	// nothing; those reuse it.
	screen string
	// onScreen is the page last reported to onView.
	onScreen pageKey
	onView   func(page string)
	cv       string // Options.CV, part of the first screen
	// pristine is true until the visitor does anything: the screen is then
	// the same for every visitor with the same window and colours, and is
	// shared (see firstScreens).
	pristine bool
}

// NoticeMsg asks the UI to show a one-line notice from the server (say, an
// idle timeout coming up) in place of the footer until the next key press.
type NoticeMsg struct {
	Text string
}

// New returns the model for one visitor. The portfolio is shared and must
// not be modified.
func New(pf *content.Portfolio, opts Options) *Model {
	m := &Model{
		pf:         pf,
		keys:       baseAppKeys,
		help:       help.New(),
		profile:    opts.Profile,
		bg:         opts.Background,
		bgSaid:     opts.Background != theme.Unknown,
		browser:    opts.Browser,
		hyperlinks: opts.Hyperlinks,
		section:    opts.Section,
		onView:     opts.OnView,
		cv:         opts.CV,
		personal:   opts.Personal,
		greeting:   opts.Greeting,
		// No page reported yet: the first is, below.
		onScreen: pageKey{section: sectionCount},
	}
	c := &m.c
	c.browser = opts.Browser
	m.projects = newProjectsPage(pf, c)
	m.contact = newContactPage(pf, c, opts.Submit)
	m.pages = [sectionCount]page{
		SectionAbout:    newTextPage(c, func(w int) string { return renderAbout(pf, c.st(), w, opts.CV, opts.Greeting) }),
		SectionSkills:   newSkillsPage(pf, c),
		SectionProjects: m.projects,
		SectionContact:  m.contact,
	}
	if opts.Inbox != nil {
		m.inbox = newInboxPage(opts.Inbox, c)
		m.pages[SectionInbox] = m.inbox
	}
	if opts.Inbox != nil && opts.Stats != nil {
		m.stats = newStatsPage(opts.Stats, opts.Invitations, pf, c)
		m.pages[SectionStats] = m.stats
	}
	m.keys.Sections[SectionInbox].SetEnabled(m.inbox != nil)
	m.keys.Sections[SectionStats].SetEnabled(m.stats != nil)
	m.pristine = opts.Section == SectionAbout && opts.Project == "" && opts.Inbox == nil
	if m.section >= m.sections() {
		m.section = SectionAbout
	}
	m.restyle()
	if opts.Project != "" {
		for i, pr := range pf.Projects {
			if pr.Slug == opts.Project {
				m.section = SectionProjects
				m.projects.selected = i
				m.projects.open()
			}
		}
	}
	m.content = opts.Content // see refresh
	m.pageChanged()
	return m
}

// Waiting reports whether the model waits for the result of work it
// started (a message being stored, the inbox or statistics being read),
// whose message must reach it.
func (m *Model) Waiting() bool {
	return m.contact.sending || m.Loading()
}

// Loading reports whether a page is being read (the owner's Inbox or
// Stats): a key pressed meanwhile would act on what the result is about
// to replace (a reload moves the selection to the message it keeps), so
// the host holds input until the result is in (host.Loader).
func (m *Model) Loading() bool {
	return (m.stats != nil && m.stats.loading) || (m.inbox != nil && m.inbox.loading)
}

// restyles reports whether the terminal's background colour would switch
// the theme: it wouldn't if it matches, or if the visitor chose a theme.
func (m *Model) restyles(msg tea.BackgroundColorMsg) bool {
	return !m.themeChosen && !m.bgSaid && theme.BackgroundOf(msg.IsDark()) != m.bg
}

// Quit reports whether the visitor asked to leave (q, Ctrl+C), as opposed
// to a session ended by the server: only they get Farewell.
func (m *Model) Quit() bool { return m.quit }

// Init asks the visitor's terminal for its background colour so the theme
// matches it (terminals that don't answer keep the default) and, for the
// owner, reads the inbox for the unread count.
func (m *Model) Init() tea.Cmd {
	if m.inbox != nil {
		return tea.Batch(tea.RequestBackgroundColor, m.inbox.Init())
	}
	return tea.RequestBackgroundColor
}

// Update handles one message, then reports the page on screen if it
// changed (see pageChanged). Work a page asks for (the owner's Inbox or
// Stats reading the disk) leaves as a tea.Cmd, never inside Update.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	cmd := m.update(msg)
	m.pageChanged()
	return m, cmd
}

func (m *Model) update(msg tea.Msg) tea.Cmd {
	raw := msg // to pass on as it came: a KeyPressMsg boxed again allocates
	switch msg.(type) {
	case NoticeMsg, tea.KeyPressMsg, tea.PasteMsg, pageMsg, tea.MouseWheelMsg:
		// The visitor (or the server, or a page's work) acts: the screen
		// is theirs now.
		m.screen, m.pristine = "", false
	}
	switch msg := msg.(type) {
	case pageMsg:
		return m.broadcast(msg)
	case tea.WindowSizeMsg:
		if msg.Width != m.width || msg.Height != m.height {
			m.width, m.height = msg.Width, msg.Height
			m.screen = ""
			m.layout()
		}
		return m.broadcast(msg)
	case tea.ColorProfileMsg:
		if msg.Profile != m.profile {
			m.profile = msg.Profile
			m.restyle()
		}
	case tea.BackgroundColorMsg:
		if m.restyles(msg) {
			m.bg = theme.BackgroundOf(msg.IsDark())
			m.restyle()
		}
	case NoticeMsg:
		m.c.notice = msg.Text
	case tea.KeyPressMsg:
		m.c.notice = ""
		return m.handleKey(msg, raw)
	case tea.PasteMsg, tea.MouseWheelMsg:
		return m.updatePage(m.section, raw)
	}
	return nil
}

// handleKey gives a key (msg, raw as it came) to the page on screen if it
// claims it, else takes the root's keys, and gives the page every other.
func (m *Model) handleKey(msg tea.KeyPressMsg, raw tea.Msg) tea.Cmd {
	asked := m.quitAsked
	m.quitAsked = false
	if asked && msg.String() == "esc" {
		return nil // asked before quitting with a draft: stay, where the visitor was
	}
	if m.showHelp && key.Matches(msg, closeHelp) {
		m.showHelp = false
		m.layout()
		return nil
	}
	if m.page().Claims(msg) {
		return m.updatePage(m.section, raw)
	}
	k := &m.keys
	for s, b := range k.Sections {
		if key.Matches(msg, b) {
			return m.setSection(Section(s))
		}
	}
	switch {
	case key.Matches(msg, k.Quit):
		if !asked && m.contact.hasDraft() {
			// One key doesn't throw away a draft: ask once.
			m.quitAsked = true
			m.c.notice = "Not sent yet: " + msg.String() + " again quits, esc stays"
			return nil
		}
		m.quit = true
		return tea.Quit
	case key.Matches(msg, k.Help):
		m.showHelp = !m.showHelp
		m.layout()
	case key.Matches(msg, k.Theme):
		// From an unknown background, the first press picks light: the
		// colours so far were readable on both.
		m.bg, m.themeChosen = theme.BackgroundOf(m.bg == theme.Light), true
		m.restyle()
	case key.Matches(msg, k.Mouse):
		m.mouse = !m.mouse
	case key.Matches(msg, k.NextSection):
		return m.setSection((m.section + 1) % m.sections())
	case key.Matches(msg, k.PrevSection):
		return m.setSection((m.section + m.sections() - 1) % m.sections())
	default:
		return m.updatePage(m.section, raw)
	}
	return nil
}

// updatePage gives msg to section s's page.
func (m *Model) updatePage(s Section, msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	m.pages[s], cmd = m.pages[s].Update(msg)
	return cmd
}

// broadcast gives msg to every page: a window size, a page's results.
func (m *Model) broadcast(msg tea.Msg) tea.Cmd {
	var cmds []tea.Cmd
	for s, p := range m.pages {
		if p == nil {
			continue
		}
		if c := m.updatePage(Section(s), msg); c != nil {
			cmds = append(cmds, c)
		}
	}
	return tea.Batch(cmds...)
}

// sections is how many tabs this visitor has: the Inbox and Stats only
// for the owner.
func (m *Model) sections() Section {
	if m.stats != nil {
		return SectionStats + 1
	}
	if m.inbox != nil {
		return SectionInbox + 1
	}
	return SectionInbox
}

// setContent builds the portfolio's pages for pf: About, Skills and
// Projects anew (the same case study selected, by slug), the Contact
// page's text while its form keeps what the visitor typed.
func (m *Model) setContent(pf *content.Portfolio) {
	c := &m.c
	slug := ""
	if m.projects != nil && m.projects.selected < len(m.pf.Projects) {
		slug = m.pf.Projects[m.projects.selected].Slug
	}
	m.pf = pf
	m.projects = newProjectsPage(pf, c)
	for i, pr := range pf.Projects {
		if pr.Slug == slug {
			m.projects.selected = i
		}
	}
	m.contact.setPortfolio(pf)
	cv, greeting := m.cv, m.greeting
	m.pages[SectionAbout] = newTextPage(c, func(w int) string { return renderAbout(pf, c.st(), w, cv, greeting) })
	m.pages[SectionSkills] = newSkillsPage(pf, c)
	m.pages[SectionProjects] = m.projects
}

// refresh takes the content a reload stored since the visit began or
// last changed section, if any: called as the visitor changes section,
// so the page being read never changes under them.
func (m *Model) refresh() {
	if m.content == nil {
		return
	}
	if pf := m.content(); pf != nil && pf != m.pf {
		m.setContent(pf)
		m.layout()
	}
}

// setSection brings section s on screen and tells its page so.
func (m *Model) setSection(s Section) tea.Cmd {
	if s >= m.sections() {
		return nil
	}
	again := s == m.section
	if !again {
		m.refresh()
	}
	m.section = s
	// The Keys panel lists the keys of the page it was opened on.
	if m.showHelp {
		m.showHelp = false
		m.layout()
	}
	return m.updatePage(s, shownMsg{again: again})
}

// page is the page on screen now.
func (m *Model) page() page {
	return m.pages[m.section]
}

// study is the case study on screen, or nil.
func (m *Model) study() *document {
	if m.section == SectionProjects {
		return m.projects.study
	}
	return nil
}

// restyle picks the styles for the current profile and theme; pages
// render again with them when next shown.
func (m *Model) restyle() {
	m.screen = ""
	// The theme key is offered only where it can work: not without
	// colour (NO_COLOR, TERM=dumb), where it would change nothing, nor in
	// the web terminal, whose page is dark whatever the app draws.
	m.keys.Theme.SetEnabled(m.profile > colorprofile.Ascii && !m.browser)
	m.c.styles = StylesIn(m.pf.Colors(), m.profile, m.bg, m.hyperlinks)
	m.help.Styles = m.c.styles.Help
}

// layout gives every page the size it has on screen. It runs on every
// resize and whenever the header or footer changes height; pages render
// lazily, so pages not on screen cost nothing.
func (m *Model) layout() {
	if m.width == 0 {
		return
	}
	f := m.frame()
	for _, p := range m.pages {
		if p != nil {
			p.SetSize(f.text, f.body)
		}
	}
}

// firstScreens holds the screen every new visitor sees before pressing a
// key, per portfolio, window size, colour profile, background and whether
// the form is offered: most visitors of a busy day share a handful.
var firstScreens = cache.New[firstScreenKey, string](firstScreensMax)

// firstScreensMax bounds the cache against visitors cycling window sizes.
const firstScreensMax = 1024

type firstScreenKey struct {
	pf            *content.Portfolio
	width, height int
	profile       colorprofile.Profile
	bg            theme.Background
	form, links   bool
	browser       bool
	cv            string
	// An invitation's first screen is its own: greeting, personal line.
	greeting string
	personal bool
}

func (m *Model) firstScreen() string {
	k := firstScreenKey{m.pf, m.width, m.height, m.profile, m.bg, m.contact.Enabled(), m.hyperlinks, m.browser, m.cv, m.greeting, m.personal}
	if s, ok := firstScreens.Get(k); ok {
		return s
	}
	s := m.render()
	firstScreens.Put(k, s)
	return s
}

// View renders the screen.
func (m *Model) View() tea.View {
	if m.screen == "" {
		if m.pristine {
			m.screen = m.firstScreen()
		} else {
			m.screen = m.render()
		}
	}
	v := tea.NewView(m.screen)
	v.AltScreen = true
	v.WindowTitle = m.pf.Profile.Name + " · portfolio"
	if m.mouse {
		v.MouseMode = tea.MouseModeCellMotion
	}
	return v
}
