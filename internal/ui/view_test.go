package ui

import (
	"fmt"
	"image/color"
	"regexp"
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	xansi "github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/pragyamugale/portfolio/internal/markdown"
	"github.com/pragyamugale/portfolio/internal/theme"
)

var snapshotSizes = [][2]int{{40, 12}, {80, 24}, {120, 40}, {250, 60}}

// A variant is how a visitor's terminal shows the UI: its colour profile
// and background.
type variant struct {
	name string
	p    colorprofile.Profile
	bg   theme.Background
}

var (
	// allVariants: every colour depth on both backgrounds, and the two
	// colourless ones (NO_COLOR keeps bold and underline; TERM=dumb and
	// pipes get nothing), where the background changes nothing.
	allVariants = []variant{
		{"truecolor-dark", colorprofile.TrueColor, theme.Dark}, {"truecolor-light", colorprofile.TrueColor, theme.Light},
		{"256-dark", colorprofile.ANSI256, theme.Dark}, {"256-light", colorprofile.ANSI256, theme.Light},
		{"16-dark", colorprofile.ANSI, theme.Dark}, {"16-light", colorprofile.ANSI, theme.Light},
		{"nocolor", colorprofile.Ascii, theme.Dark}, {"notty", colorprofile.NoTTY, theme.Dark},
		// A terminal that hasn't said its background (no answer to the
		// query yet, no COLORFGBG): mid-tones readable on both.
		{"truecolor-unknown", colorprofile.TrueColor, theme.Unknown},
		{"256-unknown", colorprofile.ANSI256, theme.Unknown},
		{"16-unknown", colorprofile.ANSI, theme.Unknown},
	}
	// someVariants keep the other pages' snapshots few: one rich, one
	// poor, one colourless and one on an unknown background.
	someVariants = []variant{allVariants[0], allVariants[5], allVariants[7], allVariants[9]}
)

// goldenScreens are the snapshot pages: the first screen in every variant,
// the others in a few.
var goldenScreens = []struct {
	name     string
	keys     []string
	variants []variant
}{
	{"about", nil, allVariants},
	{"skills", []string{"2"}, someVariants},
	{"projects", []string{"3"}, someVariants},
	{"casestudy", []string{"3", "enter"}, someVariants},
	{"casestudy-end", []string{"3", "enter", "G"}, someVariants},
	{"contact", []string{"4"}, someVariants},
	{"help", []string{"3", "enter", "?"}, someVariants},
	// One line down: at 80×24 a heading would be the last line, without
	// its text (issue 23, point 7); it waits for the next line.
	{"casestudy-down", []string{"3", "enter", "down"}, someVariants[2:3]},
}

// TestViewGolden snapshots the key screens at four sizes, in every colour
// depth on dark and light backgrounds, as the visitor's terminal receives
// them. Regenerate with
//
//	go test ./ui -run TestViewGolden -update
func TestViewGolden(t *testing.T) {
	for _, sc := range goldenScreens {
		t.Run(sc.name, func(t *testing.T) {
			for _, sz := range snapshotSizes {
				w, h := sz[0], sz[1]
				t.Run(fmt.Sprintf("%dx%d", w, h), func(t *testing.T) {
					for _, v := range sc.variants {
						t.Run(v.name, func(t *testing.T) {
							m := New(portfolio(t), Options{Profile: v.p, Background: v.bg})
							send(t, m, tea.WindowSizeMsg{Width: w, Height: h})
							press(t, m, sc.keys...)
							out := output(t, m, v.p)
							checkFits(t, out, w, h, true)
							golden.RequireEqual(t, []byte(out))
						})
					}
				})
			}
		})
	}
}

// TestViewFits checks every screen fits the window exactly — no line wider
// than it, exactly as many lines as it is tall — across a sweep of sizes,
// with the footer help and with the full help open.
func TestViewFits(t *testing.T) {
	type size struct{ w, h int }
	var sizes []size
	for _, sz := range snapshotSizes {
		sizes = append(sizes, size{sz[0], sz[1]})
	}
	for w := 40; w <= 130; w += 7 {
		for _, h := range []int{12, 17, 24, 40} {
			sizes = append(sizes, size{w, h})
		}
	}
	for _, sc := range screens {
		for _, sz := range sizes {
			for _, pr := range []colorprofile.Profile{colorprofile.TrueColor, colorprofile.NoTTY} {
				m := newSized(t, pr, sz.w, sz.h)
				press(t, m, sc.keys...)
				t.Run(fmt.Sprintf("%s/%dx%d/%v", sc.name, sz.w, sz.h, pr), func(t *testing.T) {
					checkFits(t, output(t, m, pr), sz.w, sz.h, true)
				})
			}
		}
		for _, sz := range []size{{40, 12}, {80, 24}} {
			m := newSized(t, colorprofile.TrueColor, sz.w, sz.h)
			press(t, m, sc.keys...)
			press(t, m, "?")
			t.Run(fmt.Sprintf("%s/%dx%d/help", sc.name, sz.w, sz.h), func(t *testing.T) {
				out := output(t, m, colorprofile.TrueColor)
				checkFits(t, out, sz.w, sz.h, true)
				want := []string{"close help", "quit"}
				if sz.h >= 24 { // at 12 rows only the way out is guaranteed room
					want = append(want, "prev section", "light/dark")
				}
				for _, w := range want {
					if !strings.Contains(xansi.Strip(out), w) {
						t.Errorf("full help open but %q not shown:\n%s", w, xansi.Strip(out))
					}
				}
			})
		}
	}
}

// TestViewTooSmall checks windows below the minimum get the notice, fitted
// into whatever room there is.
func TestViewTooSmall(t *testing.T) {
	for _, sz := range [][2]int{{39, 12}, {40, 11}, {20, 5}, {1, 1}} {
		w, h := sz[0], sz[1]
		t.Run(fmt.Sprintf("%dx%d", w, h), func(t *testing.T) {
			for _, sc := range screens {
				m := newSized(t, colorprofile.TrueColor, w, h)
				press(t, m, sc.keys...)
				out := output(t, m, colorprofile.TrueColor)
				checkFits(t, out, w, h, false)
				if w*h == 1 {
					// One cell can't hold the words; it must still not overflow.
					continue
				}
				text := strings.Join(strings.Fields(xansi.Strip(out)), " ")
				for _, want := range []string{"too small", "40×12"} {
					if !strings.Contains(text, want) {
						t.Errorf("%s: %q missing from:\n%s", sc.name, want, xansi.Strip(out))
					}
				}
			}
		})
	}
}

func requireText(t *testing.T, m *Model, want ...string) {
	t.Helper()
	s := plain(m)
	for _, w := range want {
		if !strings.Contains(s, w) {
			t.Errorf("screen lacks %q:\n%s", w, s)
		}
	}
}

func forbidText(t *testing.T, m *Model, notWant ...string) {
	t.Helper()
	s := plain(m)
	for _, w := range notWant {
		if strings.Contains(s, w) {
			t.Errorf("screen shows %q:\n%s", w, s)
		}
	}
}

// sectionMarks identify each section on screen.
func sectionMarks(t *testing.T) map[Section]string {
	pf := portfolio(t)
	return map[Section]string{
		SectionAbout:    "Backend Engineer",
		SectionSkills:   "Programming Languages",
		SectionProjects: pf.Projects[1].Title,
		SectionContact:  "Interested in working together",
	}
}

func TestNumberKeysSwitchSections(t *testing.T) {
	pf := portfolio(t)
	m := newSized(t, colorprofile.TrueColor, 120, 40)
	requireText(t, m, "Backend Engineer")
	press(t, m, "2")
	requireText(t, m, "Programming Languages")
	press(t, m, "3")
	requireText(t, m, pf.Projects[0].Title, pf.Projects[1].Title)
	press(t, m, "4")
	requireText(t, m, "Interested in working together")
	forbidText(t, m, "Programming Languages", pf.Projects[0].Title)
	press(t, m, "1")
	requireText(t, m, "Backend Engineer", "Highlights")
	forbidText(t, m, "Interested in working together")
}

func TestSectionCycling(t *testing.T) {
	marks := sectionMarks(t)
	cases := []struct {
		next, prev string
	}{
		{"tab", "shift+tab"},
		{"right", "left"},
		{"l", "h"},
	}
	for _, c := range cases {
		t.Run(c.next+","+c.prev, func(t *testing.T) {
			m := newSized(t, colorprofile.TrueColor, 120, 40)
			// Forwards through all four and round to About again.
			for i := 1; i <= int(m.sections()); i++ {
				press(t, m, c.next)
				want := Section(i % int(m.sections()))
				if m.section != want {
					t.Fatalf("after %d×%s: section %v, want %v", i, c.next, m.section, want)
				}
				requireText(t, m, marks[want])
			}
			// Backwards wraps from About to Contact.
			for i := 1; i <= int(m.sections()); i++ {
				press(t, m, c.prev)
				want := Section((int(m.sections()) - i) % int(m.sections()))
				if m.section != want {
					t.Fatalf("after %d×%s: section %v, want %v", i, c.prev, m.section, want)
				}
				requireText(t, m, marks[want])
			}
		})
	}
}

// markedTitle reports whether a screen line carries both the selection
// marker and title.
func markedTitle(m *Model, title string) bool {
	for _, l := range strings.Split(plain(m), "\n") {
		if strings.Contains(l, "▌") && strings.Contains(l, title) {
			return true
		}
	}
	return false
}

func TestProjectsSelectAndOpen(t *testing.T) {
	pf := portfolio(t)
	first, second := pf.Projects[0], pf.Projects[1]
	for _, down := range []string{"down", "j"} {
		for _, back := range []string{"esc", "backspace"} {
			t.Run(down+","+back, func(t *testing.T) {
				m := newSized(t, colorprofile.TrueColor, 80, 24)
				press(t, m, "3")
				if !markedTitle(m, first.Title) || markedTitle(m, second.Title) {
					t.Fatalf("first project should be selected:\n%s", plain(m))
				}
				press(t, m, down)
				if !markedTitle(m, second.Title) || markedTitle(m, first.Title) {
					t.Fatalf("%s: second project should be selected:\n%s", down, plain(m))
				}
				press(t, m, down) // clamps at the last project
				if !markedTitle(m, second.Title) {
					t.Fatalf("%s past the end lost the selection:\n%s", down, plain(m))
				}
				list := plain(m)

				press(t, m, "enter")
				if m.study() == nil {
					t.Fatal("enter did not open a case study")
				}
				requireText(t, m, second.Slug) // in the tab bar
				forbidText(t, m, first.Title)
				// The case study's first Markdown heading is on screen.
				if h := firstHeading(second.Body); h != "" {
					requireText(t, m, h)
				}

				press(t, m, back)
				if m.study() != nil {
					t.Fatalf("%s did not close the case study", back)
				}
				if got := plain(m); got != list {
					t.Errorf("%s: back to a different list:\n%s\nwant:\n%s", back, got, list)
				}
			})
		}
	}
}

func firstHeading(md string) string {
	for _, l := range strings.Split(md, "\n") {
		if strings.HasPrefix(l, "## ") {
			return strings.TrimPrefix(l, "## ")
		}
	}
	return ""
}

var statusRe = regexp.MustCompile(`(\d+)–(\d+)/(\d+)\s+(\d+)%`)

// scrollStatus parses the footer's "first–last/total pct%".
func scrollStatus(t *testing.T, m *Model) (first, last, total int) {
	t.Helper()
	f := footer(m)
	sm := statusRe.FindStringSubmatch(f)
	if sm == nil {
		t.Fatalf("no scroll position in footer %q", f)
	}
	fmt.Sscan(sm[1], &first)
	fmt.Sscan(sm[2], &last)
	fmt.Sscan(sm[3], &total)
	return first, last, total
}

// lastBodyLine is the last line of the open case study, plain and trimmed.
func lastBodyLine(t *testing.T, m *Model) string {
	t.Helper()
	lines := strings.Split(xansi.Strip(m.study().render(m.study().width)), "\n")
	l := strings.TrimSpace(lines[len(lines)-1])
	if l == "" {
		t.Fatal("case study ends in a blank line")
	}
	return l
}

func TestCaseStudyScroll(t *testing.T) {
	m := newSized(t, colorprofile.TrueColor, 80, 24)
	press(t, m, "3", "enter")
	first, last, total := scrollStatus(t, m)
	if first != 1 || total <= last {
		t.Fatalf("at open: %d–%d/%d, want 1–n/more", first, last, total)
	}
	page := last - first + 1
	end := lastBodyLine(t, m)
	forbidText(t, m, end)

	bottom := total - page + 1 // first line when scrolled to the end
	steps := []struct {
		key       string
		wantFirst int
	}{
		{"down", 2},
		{"j", 3},
		{"k", 2},
		{"up", 1},
		{"pgdown", min(1+page, bottom)},
		{"pgup", 1},
		{"space", min(1+page, bottom)},
		{"g", 1},
		{"G", bottom},
		{"home", 1},
		{"end", bottom},
	}
	for _, s := range steps {
		press(t, m, s.key)
		f, l, tot := scrollStatus(t, m)
		if f != s.wantFirst || tot != total || l != min(f+page-1, total) {
			t.Errorf("after %s: %d–%d/%d, want first line %d of %d", s.key, f, l, tot, s.wantFirst, total)
		}
		switch s.key {
		case "G", "end":
			requireText(t, m, end)
			if !strings.HasSuffix(strings.TrimSpace(footer(m)), "100%") {
				t.Errorf("after %s: footer %q, want 100%%", s.key, footer(m))
			}
		case "g", "home":
			forbidText(t, m, end)
			if !strings.Contains(footer(m), " 1–") {
				t.Errorf("after %s: footer %q, want 1–", s.key, footer(m))
			}
		}
	}
}

func TestSkillsFilter(t *testing.T) {
	pf := portfolio(t)
	areas := pf.Skills.Areas
	devops := slices.Index(areas, "DevOps")
	if devops < 0 {
		t.Fatal("no DevOps area in skills.yaml")
	}
	m := newSized(t, colorprofile.TrueColor, 80, 40)
	press(t, m, "2")
	requireText(t, m, "[All]", "Programming Languages", "Cloud & DevOps")

	for i := 0; i <= devops; i++ {
		press(t, m, "f")
	}
	requireText(t, m, "[DevOps]", "Cloud & DevOps", "Version Control & Collaboration")
	forbidText(t, m, "Programming Languages", "[All]")

	// F goes back one area, f forward again.
	press(t, m, "F")
	requireText(t, m, "["+areas[devops-1]+"]")
	press(t, m, "f")
	requireText(t, m, "[DevOps]")

	// Round the remaining areas back to All.
	for i := devops + 1; i <= len(areas); i++ {
		press(t, m, "f")
	}
	requireText(t, m, "[All]", "Programming Languages", "Cloud & DevOps")
	// F from All wraps to the last area.
	press(t, m, "F")
	requireText(t, m, "["+areas[len(areas)-1]+"]")

	// Every filter shows only groups of its area.
	for i, a := range areas {
		m := newSized(t, colorprofile.NoTTY, 80, 40)
		press(t, m, "2")
		for range i + 1 {
			press(t, m, "f")
		}
		for _, g := range pf.Skills.Groups {
			if slices.Contains(g.Areas, a) {
				requireText(t, m, g.Name)
			} else {
				forbidText(t, m, g.Name)
			}
		}
	}

	// f is only a filter key on Skills.
	about := newSized(t, colorprofile.TrueColor, 80, 24)
	before := about.View().Content
	press(t, about, "f")
	if about.View().Content != before {
		t.Error("f changed the About page")
	}
}

func TestHelpToggle(t *testing.T) {
	m := newSized(t, colorprofile.TrueColor, 80, 24)
	short := plain(m)
	forbidText(t, m, "close help", "mouse wheel", "╭─ Keys")
	press(t, m, "?")
	requireText(t, m, "╭─ Keys", "light/dark", "close help", "next section", "mouse wheel")
	checkFits(t, output(t, m, colorprofile.TrueColor), 80, 24, true)
	press(t, m, "?")
	if got := plain(m); got != short {
		t.Errorf("closing help did not restore the screen:\n%s\nwant:\n%s", got, short)
	}
}

func TestThemeToggle(t *testing.T) {
	m := newSized(t, colorprofile.TrueColor, 80, 24)
	dark := output(t, m, colorprofile.TrueColor)
	press(t, m, "t")
	if m.c.styles.Background != theme.Light {
		t.Fatal("t did not switch to the light styles")
	}
	light := output(t, m, colorprofile.TrueColor)
	if light == dark {
		t.Fatal("light and dark themes render the same bytes")
	}
	if xansi.Strip(light) != xansi.Strip(dark) {
		t.Error("the theme changed the text, not only the styles")
	}
	press(t, m, "t")
	if got := output(t, m, colorprofile.TrueColor); got != dark {
		t.Error("t twice did not restore the dark theme")
	}
}

func TestQuit(t *testing.T) {
	for _, k := range []string{"q", "ctrl+c"} {
		t.Run(k, func(t *testing.T) {
			m := newSized(t, colorprofile.TrueColor, 80, 24)
			cmd := press(t, m, k)
			if cmd == nil {
				t.Fatal("no command")
			}
			if msg := cmd(); !isQuit(msg) {
				t.Fatalf("command yields %T, want tea.QuitMsg", msg)
			}
		})
	}
}

func isQuit(msg tea.Msg) bool {
	_, ok := msg.(tea.QuitMsg)
	return ok
}

func TestCtrlZIgnored(t *testing.T) {
	for _, sc := range screens {
		m := newSized(t, colorprofile.TrueColor, 80, 24)
		press(t, m, sc.keys...)
		before := m.View().Content
		if cmd := press(t, m, "ctrl+z"); cmd != nil {
			t.Errorf("%s: ctrl+z returned a command yielding %T", sc.name, cmd())
		}
		if m.View().Content != before {
			t.Errorf("%s: ctrl+z changed the screen", sc.name)
		}
	}
}

func TestViewModes(t *testing.T) {
	m := newSized(t, colorprofile.TrueColor, 80, 24)
	v := m.View()
	if !v.AltScreen {
		t.Error("AltScreen is false")
	}
	if v.MouseMode != tea.MouseModeNone {
		t.Errorf("MouseMode %v at start, want none", v.MouseMode)
	}
	if !strings.Contains(v.WindowTitle, portfolio(t).Profile.Name) {
		t.Errorf("window title %q lacks the owner's name", v.WindowTitle)
	}
	before := v.Content
	press(t, m, "m")
	if v := m.View(); v.MouseMode != tea.MouseModeCellMotion {
		t.Errorf("MouseMode %v after m, want cell motion", v.MouseMode)
	} else if v.Content != before {
		t.Error("m changed the screen")
	}
	press(t, m, "m")
	if v := m.View(); v.MouseMode != tea.MouseModeNone {
		t.Errorf("MouseMode %v after m twice, want none", v.MouseMode)
	}
}

func TestMouseWheelScrollsCaseStudy(t *testing.T) {
	m := newSized(t, colorprofile.TrueColor, 80, 24)
	press(t, m, "3", "enter", "m")
	send(t, m, tea.MouseWheelMsg{Button: tea.MouseWheelDown})
	if first, _, _ := scrollStatus(t, m); first != 4 {
		t.Errorf("wheel down: first line %d, want 4", first)
	}
	send(t, m, tea.MouseWheelMsg{Button: tea.MouseWheelUp})
	if first, _, _ := scrollStatus(t, m); first != 1 {
		t.Errorf("wheel up: first line %d, want 1", first)
	}
}

func TestInitRequestsBackground(t *testing.T) {
	m := New(portfolio(t), Options{Profile: colorprofile.TrueColor})
	if m.Init() == nil {
		t.Fatal("Init returned no command")
	}
}

var (
	lightBg = tea.BackgroundColorMsg{Color: color.RGBA{0xfa, 0xfa, 0xfa, 0xff}}
	darkBg  = tea.BackgroundColorMsg{Color: color.RGBA{0x10, 0x10, 0x14, 0xff}}
)

func TestBackgroundColor(t *testing.T) {
	pf := portfolio(t)
	render := func(light bool) string {
		m := New(pf, Options{Profile: colorprofile.TrueColor, Background: theme.BackgroundOf(!light)})
		send(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
		return output(t, m, colorprofile.TrueColor)
	}
	wantDark, wantLight := render(false), render(true)

	t.Run("light background", func(t *testing.T) {
		m := newSized(t, colorprofile.TrueColor, 80, 24)
		send(t, m, lightBg)
		if got := output(t, m, colorprofile.TrueColor); got != wantLight {
			t.Error("a light background did not switch to the light theme")
		}
		send(t, m, darkBg)
		if got := output(t, m, colorprofile.TrueColor); got != wantDark {
			t.Error("a dark background did not switch back to the dark theme")
		}
	})
	t.Run("theme key wins", func(t *testing.T) {
		m := newSized(t, colorprofile.TrueColor, 80, 24)
		press(t, m, "t", "t") // chosen: dark
		send(t, m, lightBg)
		if got := output(t, m, colorprofile.TrueColor); got != wantDark {
			t.Error("the background query overrode the visitor's theme choice")
		}
	})
}

func TestColorProfileMsg(t *testing.T) {
	want := output(t, newSized(t, colorprofile.ANSI256, 80, 24), colorprofile.TrueColor)
	m := newSized(t, colorprofile.TrueColor, 80, 24)
	send(t, m, tea.ColorProfileMsg{Profile: colorprofile.ANSI256})
	if got := output(t, m, colorprofile.TrueColor); got != want {
		t.Error("ColorProfileMsg did not restyle for the new profile")
	}
}

func TestResize(t *testing.T) {
	for _, sc := range screens {
		t.Run(sc.name, func(t *testing.T) {
			m := newSized(t, colorprofile.TrueColor, 120, 40)
			press(t, m, sc.keys...)
			_ = m.View()
			for _, sz := range [][2]int{{40, 12}, {120, 40}, {39, 11}, {80, 24}} {
				send(t, m, tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
				fresh := newSized(t, colorprofile.TrueColor, sz[0], sz[1])
				press(t, fresh, sc.keys...)
				if got, want := m.View().Content, fresh.View().Content; got != want {
					t.Errorf("after resize to %dx%d:\n%s\nwant (fresh model):\n%s",
						sz[0], sz[1], xansi.Strip(got), xansi.Strip(want))
				}
			}
		})
	}
}

// TestResizeWhileScrolled scrolls to the end of a case study in a small
// window, then enlarges it: the view must be what a fresh model scrolled to
// the end shows, with no blank lines left past the end of the text.
func TestResizeWhileScrolled(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {120, 40}} {
		m := newSized(t, colorprofile.TrueColor, 40, 12)
		press(t, m, "3", "enter", "G")
		send(t, m, tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
		fresh := newSized(t, colorprofile.TrueColor, sz[0], sz[1])
		press(t, fresh, "3", "enter", "G")
		if got, want := m.View().Content, fresh.View().Content; got != want {
			t.Errorf("40x12 scrolled to the end, enlarged to %dx%d:\n%s\nwant:\n%s",
				sz[0], sz[1], xansi.Strip(got), xansi.Strip(want))
		}
	}
}

// TestFullHelpKeepsCloseAndQuit: with the full help open, the keys to close
// it and to quit must stay on screen at every supported size.
func TestFullHelpKeepsCloseAndQuit(t *testing.T) {
	for w := MinWidth; w <= 130; w++ {
		for _, h := range []int{MinHeight, 24} {
			m := newSized(t, colorprofile.NoTTY, w, h)
			press(t, m, "?")
			s := plain(m)
			for _, want := range []string{"close help", "quit"} {
				if !strings.Contains(s, want) {
					t.Errorf("%dx%d: full help lacks %q:\n%s", w, h, want, s)
				}
			}
		}
	}
}

// TestFooterKeepsHelpAndQuit: the one-line footer promises "? help" and
// "q quit" always stay (see shortHelp).
func TestFooterKeepsHelpAndQuit(t *testing.T) {
	for _, sc := range screens {
		for w := MinWidth; w <= 130; w += 3 {
			for _, h := range []int{MinHeight, 24, 40} {
				m := newSized(t, colorprofile.NoTTY, w, h)
				press(t, m, sc.keys...)
				if f := footer(m); !strings.Contains(f, "? help") || !strings.Contains(f, "q quit") {
					t.Errorf("%s %dx%d: footer %q lacks ? help / q quit", sc.name, w, h, f)
				}
			}
		}
	}
}

// TestProjectSelectionScrollsIntoView: moving the selection scrolls the
// list so the selected project is on screen, whether or not a frame was
// drawn since the list was last laid out (Bubble Tea skips frames when keys
// arrive quickly, and a resize re-wraps the list).
func TestProjectSelectionScrollsIntoView(t *testing.T) {
	title := portfolio(t).Projects[1].Title
	m := newSized(t, colorprofile.NoTTY, 40, 12)
	press(t, m, "3", "down") // no View in between
	if !markedTitle(m, strings.Fields(title)[0]) {
		t.Errorf("selected project not on screen:\n%s", plain(m))
	}
	m = newSized(t, colorprofile.NoTTY, 120, 40)
	press(t, m, "3")
	_ = m.View()
	send(t, m, tea.WindowSizeMsg{Width: 40, Height: 12})
	press(t, m, "down") // no View since the resize
	if !markedTitle(m, strings.Fields(title)[0]) {
		t.Errorf("after resize: selected project not on screen:\n%s", plain(m))
	}
}

// emptySGR is a style immediately reset: bytes that style nothing.
var emptySGR = regexp.MustCompile(`\x1b\[[0-9;]*m\x1b\[0?m`)

// TestMarkdownNoEmptyStyling: no styling is set and reset with nothing
// between: bytes on every frame that change nothing.
func TestMarkdownNoEmptyStyling(t *testing.T) {
	for _, pr := range portfolio(t).Projects {
		out := renderMarkdown(pr.Body, 78, StylesFor(colorprofile.TrueColor, theme.Dark, false))
		if n := len(emptySGR.FindAllString(out, -1)); n > 0 {
			t.Errorf("%s: %d empty style sequences in %d bytes", pr.Slug, n, len(out))
		}
	}
}

// TestMarkdownCache checks case studies are rendered once per
// width and shared between sessions (the cache itself is tested in package
// markdown).
func TestMarkdownCache(t *testing.T) {
	const w, h = 93, 30
	open := func() string {
		m := newSized(t, colorprofile.TrueColor, w, h)
		press(t, m, "3", "enter")
		return m.View().Content
	}
	a := open()
	n1 := markdown.CacheLen()
	b := open()
	if n2 := markdown.CacheLen(); n2 != n1 {
		t.Errorf("second session grew the cache %d → %d: Markdown rendered again", n1, n2)
	}
	if a != b {
		t.Error("two sessions render the same case study differently")
	}

	// A cache hit costs a small fraction of a render: render a copy of the
	// case study that no cache holds.
	body := portfolio(t).Projects[0].Body
	st := StylesFor(colorprofile.TrueColor, theme.Dark, false)
	i := 0
	cold := testing.AllocsPerRun(1, func() {
		i++
		renderMarkdown(body+strings.Repeat("\n", i), w-2, st)
	})
	warm := testing.AllocsPerRun(5, func() { renderMarkdown(body, w-2, st) })
	t.Logf("allocs: render %.0f, cached %.0f", cold, warm)
	if warm >= cold/10 {
		t.Errorf("cached Markdown allocates %.0f times, a render %.0f", warm, cold)
	}
}

func BenchmarkFirstFrame(b *testing.B) {
	pf := portfolio(b)
	b.ReportAllocs()
	for b.Loop() {
		m := New(pf, Options{Profile: colorprofile.TrueColor})
		m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
		_ = m.View()
	}
}

func BenchmarkKeyScroll(b *testing.B) {
	// 80×24: the case study is taller than the window, so every ↓/↑ moves.
	m := newSized(b, colorprofile.TrueColor, 80, 24)
	press(b, m, "3", "enter")
	// As tea.Msgs: the host delivers each key boxed once.
	var down, up tea.Msg = keyMsg(b, "down"), keyMsg(b, "up")
	_ = m.View()
	if !m.study().Scrollable() {
		b.Fatal("case study fits the window; nothing to scroll")
	}
	dir := down
	step := func() {
		// Scroll to the end and back, so every step moves.
		switch {
		case m.study().vp.AtBottom():
			dir = up
		case m.study().vp.AtTop():
			dir = down
		}
		m.Update(dir)
		_ = m.View()
	}
	b.ReportAllocs()
	for b.Loop() {
		step()
	}
}

func BenchmarkSectionSwitch(b *testing.B) {
	m := newSized(b, colorprofile.TrueColor, 120, 40)
	var tab tea.Msg = keyMsg(b, "tab") // boxed once, as the host delivers it
	_ = m.View()
	b.ReportAllocs()
	for b.Loop() {
		m.Update(tab)
		_ = m.View()
	}
}

// TestViewCachedUntilChange: messages the UI ignores reuse the last screen
// instead of rendering it again; any handled message renders anew.
func TestViewCachedUntilChange(t *testing.T) {
	m := newSized(t, colorprofile.TrueColor, 80, 24)
	first := m.View().Content
	if m.screen == "" {
		t.Fatal("View did not keep the screen")
	}
	type unknownMsg struct{}
	send(t, m, unknownMsg{})
	send(t, m, tea.FocusMsg{})
	if m.screen == "" {
		t.Error("a message the UI ignores dropped the cached screen")
	}
	press(t, m, "2")
	if m.screen != "" {
		t.Fatal("a key press kept the old screen")
	}
	if second := m.View().Content; second == first {
		t.Error("switching sections did not change the screen")
	}
}

// TestFirstScreenShared: every visitor's screen before their first key is
// rendered once per window size and colours and shared; a key press gives
// the visitor a screen of their own.
func TestFirstScreenShared(t *testing.T) {
	const w, h = 87, 29 // a size no other test uses
	a := newSized(t, colorprofile.TrueColor, w, h)
	first := a.View().Content
	b := newSized(t, colorprofile.TrueColor, w, h)
	if b.View().Content != first {
		t.Fatal("two new visitors see different first screens")
	}
	cost := testing.AllocsPerRun(5, func() {
		c := newSized(t, colorprofile.TrueColor, w, h)
		c.screen = ""
		_ = c.View()
	})
	fresh := testing.AllocsPerRun(5, func() {
		c := newSized(t, colorprofile.TrueColor, w, h)
		c.pristine = false // as if rendered for this visitor alone
		_ = c.View()
	})
	t.Logf("allocs for a new visitor: shared screen %.0f, own render %.0f", cost, fresh)
	if cost >= fresh*3/4 {
		t.Errorf("a new visitor costs %.0f allocations, with a render of their own %.0f: the first screen isn't shared", cost, fresh)
	}
	press(t, b, "2")
	if b.View().Content == first || b.pristine {
		t.Error("after a key the visitor still gets the shared first screen")
	}
	// Other sizes and colours get their own.
	if newSized(t, colorprofile.ANSI256, w, h).View().Content == first {
		t.Error("a 256-colour visitor got the truecolor first screen")
	}
}
