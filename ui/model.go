// Package ui is the portfolio's terminal interface: one Bubble Tea model per
// visitor, with a page per section. Model is the only tea.Model; pages are
// plain components that render for a size and react to keys the root routes
// to them.
package ui

import (
	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/pragyamugale/portfolio/content"
	"github.com/pragyamugale/portfolio/internal/cache"
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
	// Section is the page shown first.
	Section Section
	// Project, if set, is the slug of a case study to open at start.
	Project string
	// Profile is the visitor's colour profile as far as the session's
	// environment tells; Bubble Tea refines it with a ColorProfileMsg.
	Profile colorprofile.Profile
	// Light starts in the light theme; the background-colour query and the
	// theme key can still change it.
	Light bool
	// Hyperlinks makes links clickable (OSC 8); see HyperlinksFor.
	Hyperlinks bool
	// Submit stores a message from the contact form; nil hides the form.
	Submit SubmitFunc
	// Inbox, if set, adds the owner's Inbox section. Set it only for a
	// session authenticated with an owner key.
	Inbox InboxSource
	// Stats, if set with Inbox, adds the owner's Stats section.
	Stats StatsSource
	// OnView, if set, is told each page that comes on screen (see
	// pageName), from the model's goroutine: the server counts views and
	// the time spent on each case study from it.
	OnView func(page string)
}

// Model is the root model: it owns the window size, the theme, the key map
// and the pages, and routes messages to the page on screen.
type Model struct {
	pf   *content.Portfolio
	keys KeyMap
	help help.Model

	width, height int
	profile       colorprofile.Profile
	dark          bool
	hyperlinks    bool
	themeChosen   bool // the visitor pressed the theme key: ignore detection
	styles        *Styles

	section  Section
	about    document
	skills   *skillsPage
	projects *projectsPage
	contact  *contactPage
	inbox    *inboxPage // nil unless the visitor is the owner
	stats    *statsPage // nil unless the visitor is the owner
	study    *document  // the open case study, or nil

	showHelp bool
	mouse    bool
	chrome   chrome // the tab bar and footer keys, cached
	quit     bool   // the visitor pressed q or Ctrl+C
	// quitAsked: a quit key was pressed with an unsent message in the
	// form; the next quit key leaves, any other key stays (Esc only that).
	quitAsked bool
	notice    string // a message from the server, shown until the next key

	// screen is the last rendered screen. Bubble Tea calls View after
	// every message, including the many a session start brings that change
	// nothing; those reuse it.
	screen string
	// onScreen is the page last reported to onView.
	onScreen pageKey
	onView   func(page string)
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
		keys:       DefaultKeyMap(),
		help:       help.New(),
		profile:    opts.Profile,
		dark:       !opts.Light,
		hyperlinks: opts.Hyperlinks,
		section:    opts.Section,
		onView:     opts.OnView,
		// No page reported yet: the first is, below.
		onScreen: pageKey{section: sectionCount},
	}
	st := func() *Styles { return m.styles }
	m.about = newDocument(func(w int) string { return renderAbout(pf, st(), w) })
	m.skills = newSkillsPage(pf, st)
	m.projects = newProjectsPage(pf, st)
	m.contact = newContactPage(pf, st, opts.Submit)
	if opts.Inbox != nil {
		m.inbox = newInboxPage(opts.Inbox, st)
	}
	if opts.Inbox != nil && opts.Stats != nil {
		m.stats = newStatsPage(opts.Stats, st)
	}
	m.keys.Inbox.SetEnabled(m.inbox != nil)
	m.keys.Stats.SetEnabled(m.stats != nil)
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
				m.openStudy()
			}
		}
	}
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
	return !m.themeChosen && msg.IsDark() != m.dark
}

// Quit reports whether the visitor asked to leave (q, Ctrl+C), as opposed
// to a session ended by the server: only they get Farewell.
func (m *Model) Quit() bool { return m.quit }

// Init asks the visitor's terminal for its background colour so the theme
// matches it (terminals that don't answer keep the default) and, for the
// owner, reads the inbox for the unread count.
func (m *Model) Init() tea.Cmd {
	if m.inbox != nil {
		m.inbox.reload() // the unread count in the tab
		return tea.Batch(tea.RequestBackgroundColor, m.inbox.takeCmd())
	}
	return tea.RequestBackgroundColor
}

// Update handles one message, then reports the page on screen if it
// changed (see pageChanged). Work a page asks for (the owner's Inbox or
// Stats reading the disk) leaves as a tea.Cmd, never inside Update.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if msg, ok := msg.(statsMsg); ok && m.stats != nil {
		m.stats.loaded(msg)
		m.screen = ""
		return m, nil
	}
	_, cmd := m.update(msg)
	if m.inbox != nil {
		if _, ok := msg.(tea.WindowSizeMsg); ok {
			m.inbox.ensureLoaded() // a taller window shows more messages
		}
		if c := m.inbox.takeCmd(); c != nil {
			cmd = tea.Batch(cmd, c)
		}
	}
	if more := m.pageChanged(); more != nil {
		cmd = tea.Batch(cmd, more)
	}
	return m, cmd
}

func (m *Model) update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if m.inbox != nil && m.inbox.handle(msg) {
		m.screen = ""
		if n := m.inbox.takeNotice(); n != "" {
			m.notice = n
		}
		return m, nil
	}
	switch msg.(type) {
	case NoticeMsg, tea.KeyPressMsg, tea.PasteMsg, submitResultMsg, tea.MouseWheelMsg:
		// The visitor (or the server) acts: the screen is theirs now.
		m.screen, m.pristine = "", false
	}
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		if msg.Width != m.width || msg.Height != m.height {
			m.width, m.height = msg.Width, msg.Height
			m.screen = ""
			m.layout()
		}
	case tea.ColorProfileMsg:
		if msg.Profile != m.profile {
			m.profile = msg.Profile
			m.restyle()
		}
	case tea.BackgroundColorMsg:
		if m.restyles(msg) {
			m.dark = msg.IsDark()
			m.restyle()
		}
	case NoticeMsg:
		m.notice = msg.Text
	case tea.KeyPressMsg:
		m.notice = ""
		quitKey := key.Matches(msg, m.keys.QuitAlways) || (!m.formActive() && key.Matches(msg, m.keys.Quit))
		asked := m.quitAsked
		m.quitAsked = false
		switch {
		case quitKey && !asked && m.contact.hasDraft():
			// One key doesn't throw away a draft: ask once.
			m.quitAsked = true
			m.notice = "Not sent yet: " + msg.String() + " again quits, esc stays"
			return m, nil
		case quitKey:
			m.quit = true
			return m, tea.Quit
		case asked && msg.String() == "esc":
			return m, nil // stay, where the visitor was
		}
		if m.formActive() {
			return m, m.contact.Update(msg, m.keys)
		}
		return m, m.handleKey(msg)
	case tea.PasteMsg:
		if m.formActive() {
			return m, m.contact.Update(msg, m.keys)
		}
	case submitResultMsg:
		return m, m.contact.result(msg)
	case tea.MouseWheelMsg:
		m.page().Update(msg, m.keys)
	}
	return m, nil
}

// formActive reports whether the contact form has the keyboard: then
// letters type into it and only Ctrl+C keeps its global meaning.
func (m *Model) formActive() bool {
	return m.section == SectionContact && m.study == nil && m.contact.Focused()
}

func (m *Model) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	if m.inbox != nil && !key.Matches(msg, k.Undo) {
		m.inbox.undo = "" // an archive's undo lasts until the next key
	}
	switch {
	case key.Matches(msg, k.Quit):
		m.quit = true
		return tea.Quit
	case key.Matches(msg, k.Help):
		m.showHelp = !m.showHelp
		m.layout()
	case key.Matches(msg, k.Theme):
		m.dark, m.themeChosen = !m.dark, true
		m.restyle()
	case key.Matches(msg, k.Mouse):
		m.mouse = !m.mouse
	case key.Matches(msg, k.About):
		m.setSection(SectionAbout)
	case key.Matches(msg, k.Skills):
		m.setSection(SectionSkills)
	case key.Matches(msg, k.Projects):
		m.setSection(SectionProjects)
	case key.Matches(msg, k.Contact):
		m.setSection(SectionContact)
	case key.Matches(msg, k.Inbox):
		m.setSection(SectionInbox)
	case key.Matches(msg, k.Stats):
		m.setSection(SectionStats)
	case m.study != nil && key.Matches(msg, k.Left, k.Back):
		m.closeStudy()
	case m.study != nil && key.Matches(msg, k.NextStudy):
		m.projects.Select((m.projects.selected + 1) % len(m.projects.projects))
		m.openStudy()
	case key.Matches(msg, k.NextSection):
		m.setSection((m.section + 1) % m.sections())
	case key.Matches(msg, k.PrevSection):
		m.setSection((m.section + m.sections() - 1) % m.sections())
	case key.Matches(msg, k.Back):
		if m.section == SectionInbox {
			m.inbox.back()
		}
	case m.section == SectionInbox && m.inbox.handleKey(msg, k):
		m.notice = m.inbox.takeNotice()
	case m.study != nil:
		m.study.Update(msg, k)
	case m.section == SectionProjects:
		m.updateList(msg, m.projects.selected, len(m.projects.projects), m.projects.Select, m.openStudy)
	case m.section == SectionInbox && !m.inbox.reading:
		m.updateList(msg, m.inbox.selected, m.inbox.total, m.inbox.Select, m.inbox.openSelected)
	case m.section == SectionContact && m.contact.Enabled() && key.Matches(msg, k.Write):
		return m.contact.setFocus(fieldName)
	case m.section == SectionSkills && key.Matches(msg, k.Filter):
		m.skills.cycleFilter(1, len(m.pf.Skills.Areas))
	case m.section == SectionSkills && key.Matches(msg, k.FilterBack):
		m.skills.cycleFilter(-1, len(m.pf.Skills.Areas))
	default:
		m.page().Update(msg, k)
	}
	return nil
}

// updateList moves a list's selection (the projects, the owner's
// messages) on the list keys, and opens the selected item on Enter.
func (m *Model) updateList(msg tea.KeyPressMsg, selected, n int, selectItem func(int), open func()) {
	k := m.keys
	switch {
	case key.Matches(msg, k.Open):
		open()
	case key.Matches(msg, k.Up):
		selectItem(selected - 1)
	case key.Matches(msg, k.Down):
		selectItem(selected + 1)
	case key.Matches(msg, k.Top, k.PageUp):
		selectItem(0)
	case key.Matches(msg, k.Bottom, k.PageDown):
		selectItem(n - 1)
	}
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

func (m *Model) setSection(s Section) {
	if s >= m.sections() {
		return
	}
	m.section = s
	m.study = nil
	if s == SectionInbox {
		m.inbox.reload()
	}
}

func (m *Model) closeStudy() {
	m.study = nil
}

func (m *Model) openStudy() {
	i := m.projects.selected
	pr, next := m.pf.Projects[i], m.pf.Projects[(i+1)%len(m.pf.Projects)]
	d := newCaseStudy(pr, next, func() *Styles { return m.styles })
	m.study = &d
	m.layout()
}

// page is the document on screen now.
func (m *Model) page() *document {
	if m.study != nil {
		return m.study
	}
	switch m.section {
	case SectionSkills:
		return &m.skills.document
	case SectionProjects:
		return &m.projects.document
	case SectionContact:
		return &m.contact.document
	case SectionInbox:
		return &m.inbox.document
	case SectionStats:
		return &m.stats.document
	}
	return &m.about
}

// restyle picks the styles for the current profile and theme and marks all
// pages for re-rendering.
func (m *Model) restyle() {
	m.screen = ""
	m.styles = StylesFor(m.profile, m.dark, m.hyperlinks)
	m.help.Styles = m.styles.Help
	for _, d := range m.documents() {
		d.Invalidate()
	}
}

func (m *Model) documents() []*document {
	ds := []*document{&m.about, &m.skills.document, &m.projects.document, &m.contact.document}
	if m.inbox != nil {
		ds = append(ds, &m.inbox.document)
	}
	if m.stats != nil {
		ds = append(ds, &m.stats.document)
	}
	if m.study != nil {
		ds = append(ds, m.study)
	}
	return ds
}

// layout gives every page the size it has on screen. It runs on every
// resize and whenever the header or footer changes height; pages render
// lazily, so pages not on screen cost nothing.
func (m *Model) layout() {
	if m.width == 0 {
		return
	}
	// About's page has its own height: its screen has no name line.
	f, about := m.frameFor(false), m.frameFor(true)
	for _, d := range m.documents() {
		if d == &m.about {
			d.SetSize(about.text, about.body)
		} else {
			d.SetSize(f.text, f.body)
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
	dark, form    bool
	links         bool
}

func (m *Model) firstScreen() string {
	k := firstScreenKey{m.pf, m.width, m.height, m.profile, m.dark, m.contact.Enabled(), m.hyperlinks}
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
