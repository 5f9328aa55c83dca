package ui

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	xansi "github.com/charmbracelet/x/ansi"

	"github.com/pragyamugale/portfolio/content"
	"github.com/pragyamugale/portfolio/internal/inbox"
)

// Tests for issue 13: readable on every terminal, and a first screen that
// sells.

func TestProfileFor(t *testing.T) {
	for _, tc := range []struct {
		term string
		env  []string
		want colorprofile.Profile
	}{
		{"xterm", nil, colorprofile.ANSI256}, // xterm's default TERM, and PuTTY's
		{"xterm-256color", nil, colorprofile.ANSI256},
		{"xterm", []string{"COLORTERM=truecolor"}, colorprofile.TrueColor},
		{"xterm", []string{"NO_COLOR=1"}, colorprofile.Ascii},
		{"dumb", nil, colorprofile.NoTTY},
		{"linux", nil, colorprofile.ANSI},
	} {
		if got := ProfileFor(tc.env, tc.term); got != tc.want {
			t.Errorf("TERM=%s %v: %v, want %v", tc.term, tc.env, got, tc.want)
		}
	}
}

func TestHyperlinksFor(t *testing.T) {
	for term, want := range map[string]bool{
		"xterm-256color": true, "xterm-kitty": true, "tmux-256color": true, "xterm": true,
		"screen": false, "screen-256color": false, "linux": false, "dumb": false, "vt100": false,
	} {
		if got := HyperlinksFor(colorprofile.ANSI256, term); got != want {
			t.Errorf("TERM=%s: %v, want %v", term, got, want)
		}
	}
	if HyperlinksFor(colorprofile.Ascii, "xterm-256color") {
		t.Error("NO_COLOR still gets hyperlinks")
	}
}

// withLinks is the embedded portfolio with links set, as an owner would.
func withLinks(t *testing.T) *content.Portfolio {
	pf := *portfolio(t)
	pf.Profile.Links = []content.Link{
		{Label: "GitHub", URL: "https://github.com/example"},
		{Label: "Email", URL: "mailto:someone@example.com"},
	}
	return &pf
}

var osc8 = regexp.MustCompile(`\x1b]8;[^;]*;https://github.com/example(\x07|\x1b\\)`)

// TestLinks: links are OSC 8 hyperlinks where the terminal supports them,
// plain text elsewhere, on the first screen and on Contact.
func TestLinks(t *testing.T) {
	pf := withLinks(t)
	for _, links := range []bool{true, false} {
		m := New(pf, Options{Profile: colorprofile.TrueColor, Hyperlinks: links})
		send(t, m, tea.WindowSizeMsg{Width: 100, Height: 40})
		for _, keys := range [][]string{nil, {"4"}} {
			press(t, m, keys...)
			out := m.View().Content
			requireText(t, m, "GitHub: https://github.com/example", "Email: mailto:someone@example.com")
			if got := osc8.MatchString(out); got != links {
				t.Errorf("hyperlinks=%v keys %v: OSC 8 present %v", links, keys, got)
			}
		}
	}
}

// TestRateLimitOffersLinks: a visitor over the message limit is shown the
// owner's other ways to be reached.
func TestRateLimitOffersLinks(t *testing.T) {
	f := &fakeInbox{err: &inbox.RateLimitError{RetryAfter: time.Hour}}
	m := New(withLinks(t), Options{Profile: colorprofile.NoTTY, Submit: f.submit})
	send(t, m, tea.WindowSizeMsg{Width: 80, Height: 60})
	press(t, m, "4", "enter")
	typeText(t, m, "Jane\tj@x.y\thi")
	send(t, m, submitResult(t, send(t, m, ctrlS)))
	s := plain(m)
	limit := strings.Index(s, "try again in")
	if limit < 0 || !strings.Contains(s[limit:], "GitHub: https://github.com/example") {
		t.Errorf("no links offered with the rate limit:\n%s", s)
	}
}

// TestNoItalics: no screen relies on italics, which GNU screen shows as
// reverse video.
func TestNoItalics(t *testing.T) {
	italic := regexp.MustCompile(`\x1b\[([0-9]+;)*3(;[0-9;]*)?m`)
	for _, sc := range goldenScreens {
		for _, v := range allVariants {
			m := New(portfolio(t), Options{Profile: v.p, Background: v.bg})
			send(t, m, tea.WindowSizeMsg{Width: 120, Height: 80})
			press(t, m, sc.keys...)
			if out := output(t, m, v.p); italic.MatchString(out) {
				t.Errorf("%s %s: italics in %q", sc.name, v.name, italic.FindString(out))
			}
		}
	}
}

// TestBodyTextKeepsForeground: case-study paragraphs and bullets, About's
// pitch and project summaries carry no colour of their own, so a wrong
// guess of the background can't make them unreadable.
func TestBodyTextKeepsForeground(t *testing.T) {
	fg := regexp.MustCompile(`\x1b\[([0-9]+;)*(3[0-8]|9[0-7])[;m]`)
	for _, v := range allVariants[:6] {
		for _, tc := range []struct {
			keys  []string
			lines []string
		}{
			{nil, []string{"Building scalable", "Privacy-first, full-stack"}},
			{[]string{"3", "enter"}, []string{"Developed a privacy-first", "Designed a high-concurrency"}},
			{[]string{"3"}, []string{"Privacy-first, full-stack"}},
		} {
			m := New(portfolio(t), Options{Profile: v.p, Background: v.bg})
			send(t, m, tea.WindowSizeMsg{Width: 120, Height: 60})
			press(t, m, tc.keys...)
			for _, l := range strings.Split(output(t, m, v.p), "\n") {
				for _, want := range tc.lines {
					if i := strings.Index(l, want); i >= 0 && fg.MatchString(l[i:]) {
						t.Errorf("%s %v: body text coloured: %q", v.name, tc.keys, l)
					}
				}
			}
		}
	}
}

// TestPlainMarkers: without colour or attributes (TERM=dumb), the active
// tab, the focused field, the focused Send button and placeholders still
// stand out.
func TestPlainMarkers(t *testing.T) {
	f := &fakeInbox{receipt: testReceipt}
	m := New(portfolio(t), Options{Profile: colorprofile.NoTTY, Submit: f.submit})
	send(t, m, tea.WindowSizeMsg{Width: 80, Height: 40})
	for _, s := range []string{"1 About", "2 Skills", "3 Projects", "4 Contact"} {
		press(t, m, s[:1])
		requireText(t, m, "["+s+"]")
		for _, other := range []string{"1 About", "2 Skills", "3 Projects", "4 Contact"} {
			if other != s {
				forbidText(t, m, "["+other+"]")
			}
		}
	}
	requireText(t, m, "  Name*", "┃ (your name)", "┃ ("+inbox.ReplyToHint+")", "┃ (your message)", " [ Send ]")
	press(t, m, "enter")
	requireText(t, m, "▸ Name*")
	press(t, m, "tab")
	requireText(t, m, "▸ Reply-to*", "  Name*")
	press(t, m, "tab", "tab")
	requireText(t, m, "▸[ Send ]")
	forbidText(t, m, "▸ Name*", "▸ Reply-to*", "▸ Message*")
}

// TestContactForm: the form says what is required and what is stored with
// a message before any send, keeps its counter by its field, and doesn't
// move when the visitor enters or leaves it.
func TestContactForm(t *testing.T) {
	for _, sz := range [][2]int{{40, 12}, {80, 24}, {120, 40}} {
		m := newContactModel(t, colorprofile.NoTTY, sz[0], sz[1], (&fakeInbox{}).submit)
		full := func() string {
			lines := strings.Split(xansi.Strip(m.contact.render(m.contact.width)), "\n")
			for i, l := range lines {
				lines[i] = strings.TrimRight(l, " ")
			}
			return strings.Join(lines, "\n")
		}
		before, spans := full(), m.contact.spans
		for _, want := range []string{"Name*", "Reply-to*", "Message* 0/2000", "* required", "IP address and SSH key", "fingerprint are stored"} {
			if !strings.Contains(strings.Join(strings.Fields(before), " "), want) {
				t.Errorf("%v: form lacks %q:\n%s", sz, want, before)
			}
		}
		press(t, m, "enter")
		after := full()
		if len(strings.Split(after, "\n")) != len(strings.Split(before, "\n")) || m.contact.spans != spans {
			t.Errorf("%v: entering the form moved it:\n%s\nwas:\n%s", sz, after, before)
		}
		for _, f := range []string{"", "\t", "\t", "\t"} {
			typeText(t, m, f)
			if got := footer(m); !strings.Contains(got, "ctrl+s send") {
				t.Errorf("%v field %d: footer %q lacks ctrl+s send", sz, m.contact.focus, got)
			}
		}
		press(t, m, "esc")
		if got := full(); got != before {
			t.Errorf("%v: leaving the form changed it:\n%s\nwas:\n%s", sz, got, before)
		}
	}
}

// TestThanksVisibleAtOnce: after a send, the thank-you is whole on screen
// at every size, with the name and reply address, the id only below.
func TestThanksVisibleAtOnce(t *testing.T) {
	for _, sz := range [][2]int{{40, 12}, {80, 24}, {250, 60}} {
		f := &fakeInbox{receipt: testReceipt}
		m := newContactModel(t, colorprofile.NoTTY, sz[0], sz[1], f.submit)
		press(t, m, "enter")
		typeText(t, m, "Jane 山田\tjane@example.com\thi")
		send(t, m, submitResult(t, send(t, m, ctrlS)))
		s := plain(m)
		for _, want := range []string{"Thanks, Jane 山田!", "Pragya will reply at", "jane@example.com.", "abcd2345", "╰"} {
			if !strings.Contains(s, want) {
				t.Errorf("%v: %q not on screen:\n%s", sz, want, s)
			}
		}
		if strings.Index(s, "abcd2345") < strings.Index(s, "Thanks") {
			t.Errorf("%v: the message id comes before the thanks", sz)
		}
	}
}

// TestCaseStudyNextSteps: a case study ends with the keys to the next one
// and back to the list; ← goes back to the list, n to the next study.
func TestCaseStudyNextSteps(t *testing.T) {
	pf := portfolio(t)
	for _, sz := range [][2]int{{40, 12}, {80, 24}} {
		m := newSized(t, colorprofile.NoTTY, sz[0], sz[1])
		press(t, m, "3", "enter", "G")
		s := strings.Join(strings.Fields(plain(m)), " ")
		for _, want := range []string{"n next: " + pf.Projects[1].Title, "← esc back to all projects"} {
			if !strings.Contains(s, want) {
				t.Errorf("%v: end of case study lacks %q:\n%s", sz, want, plain(m))
			}
		}
		press(t, m, "left")
		if m.study() != nil || m.section != SectionProjects {
			t.Fatalf("%v: ← went to %v (study open %v), want the project list", sz, m.section, m.study() != nil)
		}
		press(t, m, "enter", "n")
		if m.study() == nil || m.projects.selected != 1 {
			t.Fatalf("n: selected %d, want the next case study", m.projects.selected)
		}
		requireText(t, m, strings.Fields(pf.Projects[1].Title)[0])
		press(t, m, "n") // the last one wraps to the first
		if m.projects.selected != 0 {
			t.Errorf("n on the last case study: selected %d, want 0", m.projects.selected)
		}
	}
}

// TestHelpPanel: ? opens a framed panel titled Keys that lists every key
// of the screen on show, whole at 40×12.
func TestHelpPanel(t *testing.T) {
	type screen struct {
		name string
		m    func() *Model
	}
	owner := func() *Model {
		src := &fakeSource{msgs: []inbox.Message{msg("aaaa", "Ann", time.Hour)}, read: map[string]bool{}}
		m := New(portfolio(t), Options{Profile: colorprofile.NoTTY, Inbox: src})
		press(t, m, "5")
		return m
	}
	form := func() *Model {
		m := New(portfolio(t), Options{Profile: colorprofile.NoTTY, Submit: (&fakeInbox{}).submit})
		press(t, m, "4", "enter")
		return m
	}
	var screens []screen
	for _, sc := range goldenScreens[:6] {
		screens = append(screens, screen{sc.name, func() *Model {
			m := New(portfolio(t), Options{Profile: colorprofile.NoTTY, Submit: (&fakeInbox{}).submit})
			press(t, m, sc.keys...)
			return m
		}})
	}
	screens = append(screens, screen{"inbox", owner}, screen{"form", form})
	for _, sc := range screens {
		for _, sz := range [][2]int{{40, 12}, {80, 24}, {250, 60}} {
			m := sc.m()
			send(t, m, tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
			if sc.name == "form" {
				// In the form ? types; the panel is the same either way.
				m.showHelp = true
				m.screen = ""
			} else {
				press(t, m, "?")
			}
			out := output(t, m, colorprofile.NoTTY)
			checkFits(t, out, sz[0], sz[1], true)
			s := plain(m)
			if !strings.Contains(s, "╭─ Keys") || !strings.Contains(s, "╰") {
				t.Errorf("%s %v: no framed Keys panel:\n%s", sc.name, sz, s)
			}
			for _, b := range m.fullKeys() {
				h := b.Help()
				if !b.Enabled() {
					continue // t, without colour
				}
				if sc.name == "inbox" && sz[0] == 40 {
					// The owner's Inbox has more keys than 40×12 holds
					// whole (it fits, cut); they are whole from 80×24.
					continue
				}
				if !strings.Contains(s, h.Key+" "+h.Desc) {
					t.Errorf("%s %v: panel lacks %q:\n%s", sc.name, sz, h.Key+" "+h.Desc, s)
				}
			}
		}
	}
	// Screen-specific keys are listed where they work.
	for _, tc := range []struct {
		keys []string
		want string
	}{
		{[]string{"2"}, "f/F filter"},
		{[]string{"3", "enter"}, "n next case study"},
		{[]string{"3", "enter"}, "←/esc back to list"},
		{[]string{"3"}, "enter open"},
	} {
		m := newSized(t, colorprofile.NoTTY, 80, 24)
		press(t, m, tc.keys...)
		press(t, m, "?")
		requireText(t, m, tc.want)
	}
	m := form()
	send(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
	m.showHelp, m.screen = true, ""
	requireText(t, m, "tab next field", "ctrl+s send", "esc leave form")
}

// TestFooterFollowsContent: on a tall terminal the footer sits under the
// page, one blank line below its last line; the page never touches it.
func TestFooterFollowsContent(t *testing.T) {
	for _, sc := range goldenScreens {
		for _, sz := range snapshotSizes {
			m := newSized(t, colorprofile.NoTTY, sz[0], sz[1])
			press(t, m, sc.keys...)
			lines := strings.Split(strings.TrimRight(plain(m), " \n"), "\n")
			if n := len(lines); n < 2 || strings.TrimSpace(lines[n-2]) != "" {
				t.Errorf("%s %v: the page touches the footer:\n%s", sc.name, sz, plain(m))
			}
			if sz == [2]int{250, 60} && sc.name == "about" && len(lines) > 40 {
				t.Errorf("about at 250×60: footer on line %d, far below the content", len(lines))
			}
		}
	}
}

// TestFirstScreen: at 80×24 the first screen shows, without scrolling,
// the name once, the title, the pitch, every highlight, both projects and
// how to get in touch: all of it from the content files.
func TestFirstScreen(t *testing.T) {
	pf := portfolio(t)
	m := newSized(t, colorprofile.ANSI256, 80, 24)
	if m.scrollable() {
		t.Errorf("the first screen scrolls at 80×24:\n%s", plain(m))
	}
	want := []string{pf.Profile.Title, pf.Profile.Tagline, "Highlights", "Get in touch", "Press 4"}
	for _, p := range pf.Projects {
		want = append(want, p.Title)
		want = append(want, p.Highlights...)
	}
	requireText(t, m, want...)
	if n := strings.Count(plain(m), pf.Profile.Name); n != 1 {
		t.Errorf("the name shows %d times, want once", n)
	}
	if f := footer(m); !strings.Contains(f, "t light/dark") {
		t.Errorf("footer %q lacks the theme key", f)
	}
}

// TestFooterShowsTheme: t is in the footer on every page, at every width,
// but where the page's own first key, help, quit and the scroll position
// leave it no room (below 49 columns): there the page's own key goes
// first (see TestFooterPageKeysFirst). (Without colour it has nothing to
// switch, and isn't offered: see TestThemeKeyWhereItWorks.)
func TestFooterShowsTheme(t *testing.T) {
	for _, sc := range goldenScreens[:6] {
		for w := MinWidth; w <= 130; w += 9 {
			m := newSized(t, colorprofile.ANSI256, w, 24)
			press(t, m, sc.keys...)
			f := footer(m)
			if own := pageOwnKey[sc.name]; w < 49 && own != "" && strings.Contains(f, own) {
				continue
			}
			if !strings.Contains(f, "t light/dark") {
				t.Errorf("%s at %d: footer %q lacks t", sc.name, w, f)
			}
		}
	}
}

// pageOwnKey is each screen's own first key, as the footer shows it in
// the narrowest window.
var pageOwnKey = map[string]string{
	"skills":        "f/F filter",
	"projects":      "enter open",
	"casestudy":     "← list",
	"casestudy-end": "← list",
	"contact-form":  "enter write",
}

// TestFooterPageKeysFirst: in the smallest window (40×12) the footer
// shows the page's own first key, before the theme key: Skills' filter,
// Projects' open, a case study's way back to the list, Contact's write;
// with help, quit and, where the page scrolls, the scroll position.
func TestFooterPageKeysFirst(t *testing.T) {
	for _, sc := range []struct {
		name string
		keys []string
	}{
		{"skills", []string{"2"}},
		{"projects", []string{"3"}},
		{"casestudy", []string{"3", "enter"}},
		{"casestudy-end", []string{"3", "enter", "G"}},
		{"contact-form", []string{"4"}},
	} {
		f := &fakeInbox{receipt: testReceipt}
		m := New(portfolio(t), Options{Profile: colorprofile.NoTTY, Submit: f.submit})
		send(t, m, tea.WindowSizeMsg{Width: MinWidth, Height: MinHeight})
		press(t, m, sc.keys...)
		got := footer(m)
		for _, want := range []string{pageOwnKey[sc.name], "? help", "q quit"} {
			if !strings.HasPrefix(strings.TrimSpace(got), pageOwnKey[sc.name]) || !strings.Contains(got, want) {
				t.Errorf("%s at 40×12: footer %q, want %q first, then ? help and q quit", sc.name, got, pageOwnKey[sc.name])
				break
			}
		}
		if m.scrollable() && !regexp.MustCompile(`[↓↑] \d+%`).MatchString(got) {
			t.Errorf("%s at 40×12 scrolls, but footer %q has no scroll position", sc.name, got)
		}
	}
}

// TestSkillsLayout: every filter fits 80×24; smaller windows scroll with
// an indicator; Backend shows the languages and databases a recruiter
// expects under it.
func TestSkillsLayout(t *testing.T) {
	pf := portfolio(t)
	m := newSized(t, colorprofile.NoTTY, 80, 24)
	press(t, m, "2")
	for range len(pf.Skills.Areas) + 1 {
		if m.scrollable() {
			t.Errorf("skills filter %d scrolls at 80×24:\n%s", m.pages[SectionSkills].(*skillsPage).filter, plain(m))
		}
		press(t, m, "f")
	}
	small := newSized(t, colorprofile.NoTTY, 40, 12)
	press(t, small, "2")
	if !small.scrollable() || !regexp.MustCompile(`[↓↑] \d+%`).MatchString(footer(small)) {
		t.Errorf("skills at 40×12: no scroll indicator in %q", footer(small))
	}
	backend := slices.Index(pf.Skills.Areas, "Backend")
	b := newSized(t, colorprofile.NoTTY, 80, 24)
	press(t, b, "2")
	for range backend + 1 {
		press(t, b, "f")
	}
	requireText(t, b, "[Backend]", "Go (Golang)", "PostgreSQL", "DynamoDB", "gRPC", "RabbitMQ")
}

func TestFarewell(t *testing.T) {
	got := Farewell(portfolio(t), "ssh portfolio.example.com")
	want := "Thanks for visiting. Come back any time: ssh portfolio.example.com\n" +
		"Get in touch with Pragya: ssh -t portfolio.example.com contact\n" +
		"CV: ssh portfolio.example.com resume --format pdf > cv.pdf"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	got = Farewell(withLinks(t), "ssh -p 2222 host")
	if !strings.Contains(got, "GitHub https://github.com/example · Email mailto:someone@example.com · ssh -t -p 2222 host contact") {
		t.Errorf("links missing: %s", got)
	}
	if n := strings.Count(got, "\n"); n != 2 {
		t.Errorf("%d lines, want 3", n+1)
	}
	if !strings.HasSuffix(got, "\nCV: ssh -p 2222 host resume --format pdf > cv.pdf") {
		t.Errorf("the CV line is missing: %s", got)
	}
}

func TestQuitIsRecorded(t *testing.T) {
	for _, k := range []string{"q", "ctrl+c"} {
		m := newSized(t, colorprofile.NoTTY, 80, 24)
		if m.Quit() {
			t.Fatal("Quit before any key")
		}
		press(t, m, k)
		if !m.Quit() {
			t.Errorf("%s: Quit() false", k)
		}
	}
}
