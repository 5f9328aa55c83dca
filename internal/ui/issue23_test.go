package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	xansi "github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/pragyamugale/portfolio/internal/inbox"
	"github.com/pragyamugale/portfolio/internal/theme"
	"github.com/pragyamugale/portfolio/internal/webterm"
)

// Tests for issue 23: the terminal's last rough edges.

// TestBackgroundFor: COLORFGBG from the session's environment says the
// background; without it, or with nonsense in it, it is unknown (point 5).
func TestBackgroundFor(t *testing.T) {
	for _, tc := range []struct {
		env  []string
		want theme.Background
	}{
		{nil, theme.Unknown},
		{[]string{"COLORFGBG=0;15"}, theme.Light},
		{[]string{"COLORFGBG=15;0"}, theme.Dark},
		{[]string{"COLORFGBG=default;default;0"}, theme.Dark}, // rxvt with a pixmap
		{[]string{"COLORFGBG=0;default;15"}, theme.Light},
		{[]string{"COLORFGBG=0;7"}, theme.Light},
		{[]string{"COLORFGBG=7;8"}, theme.Dark},
		{[]string{"COLORFGBG=12;4"}, theme.Dark},
		{[]string{"COLORFGBG=15;0", "COLORFGBG=0;15"}, theme.Light}, // the last wins
		{[]string{"COLORFGBG=15"}, theme.Unknown},
		{[]string{"COLORFGBG=0;default"}, theme.Unknown},
		{[]string{"COLORFGBG=0;16"}, theme.Unknown},
		{[]string{"COLORFGBG=0;-1"}, theme.Unknown},
		{[]string{"COLORFGBG="}, theme.Unknown},
		{[]string{"XCOLORFGBG=0;15"}, theme.Unknown},
	} {
		if got := BackgroundFor(tc.env); got != tc.want {
			t.Errorf("%q: %v, want %v", tc.env, got, tc.want)
		}
	}
}

// TestWebTerminalEnviron: the web terminal tells the UI it is a browser
// on a dark background, as its page is (points 5, 6, 7).
func TestWebTerminalEnviron(t *testing.T) {
	env := (&webterm.Terminal{}).Environ()
	if !InBrowser(env) {
		t.Errorf("InBrowser(%q) = false", env)
	}
	if got := BackgroundFor(env); got != theme.Dark {
		t.Errorf("BackgroundFor(%q) = %v, want dark", env, got)
	}
	if InBrowser([]string{"TERM_PROGRAM=iTerm.app"}) || InBrowser(nil) {
		t.Error("an SSH client taken for a browser")
	}
}

// TestUnknownBackground: a terminal that hasn't said its background gets
// the mid-tones, then the tuned palette once it answers (point 5).
func TestUnknownBackground(t *testing.T) {
	pf := portfolio(t)
	render := func(bg theme.Background, msgs ...tea.Msg) string {
		m := New(pf, Options{Profile: colorprofile.TrueColor, Background: bg})
		send(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
		for _, msg := range msgs {
			send(t, m, msg)
		}
		return output(t, m, colorprofile.TrueColor)
	}
	unknown, dark, light := render(theme.Unknown), render(theme.Dark), render(theme.Light)
	if unknown == dark || unknown == light {
		t.Fatal("an unknown background gets the dark or the light palette")
	}
	want := theme.Palette.Accent.Spec(colorprofile.TrueColor, theme.Unknown)
	if c := hexSGR(want); !strings.Contains(unknown, c) {
		t.Errorf("the unknown background's accent %s (%q) not used", want, c)
	}
	if got := render(theme.Unknown, lightBg); got != light {
		t.Error("a light answer did not switch to the light palette")
	}
	if got := render(theme.Unknown, darkBg); got != dark {
		t.Error("a dark answer did not switch to the dark palette")
	}
	// What the session's environment said (COLORFGBG) stands: inside tmux
	// the query's answer is the multiplexer's guess.
	if got := render(theme.Light, darkBg); got != light {
		t.Error("the background query overrode COLORFGBG")
	}
}

// hexSGR is the truecolor foreground SGR parameters of "#RRGGBB".
func hexSGR(hex string) string {
	var r, g, b int
	fmt.Sscanf(hex, "#%02x%02x%02x", &r, &g, &b)
	return fmt.Sprintf("38;2;%d;%d;%dm", r, g, b)
}

// TestTabsStayPut: the tab bar is the first line and the rule the second
// on every page at every size, so nothing jumps on a section switch
// (point 1).
func TestTabsStayPut(t *testing.T) {
	for _, sz := range snapshotSizes {
		for _, sc := range []struct {
			name string
			keys []string
		}{{"about", nil}, {"skills", []string{"2"}}, {"projects", []string{"3"}}, {"casestudy", []string{"3", "enter"}}, {"contact", []string{"4"}}, {"help", []string{"2", "?"}}} {
			m := newSized(t, colorprofile.NoTTY, sz[0], sz[1])
			press(t, m, sc.keys...)
			lines := strings.Split(plain(m), "\n")
			if !strings.Contains(lines[0], "[") || !strings.Contains(lines[1], "────") {
				t.Errorf("%dx%d %s: the tabs are not on the first line, the rule on the second:\n%s", sz[0], sz[1], sc.name, strings.Join(lines[:3], "\n"))
			}
		}
	}
}

// TestKeysPanelCloses: Esc closes the Keys panel as ? does, and a section
// switch closes it: it lists the keys of the page it was opened on
// (point 3).
func TestKeysPanelCloses(t *testing.T) {
	for _, tc := range []struct {
		name string
		keys []string
		want Section
	}{
		{"esc", []string{"esc"}, SectionSkills},
		{"?", []string{"?"}, SectionSkills},
		{"number", []string{"3"}, SectionProjects},
		{"tab", []string{"tab"}, SectionProjects},
		{"shift+tab", []string{"shift+tab"}, SectionAbout},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := newSized(t, colorprofile.NoTTY, 80, 24)
			press(t, m, "2", "?")
			if !strings.Contains(plain(m), "╭─ Keys") {
				t.Fatalf("? did not open the Keys panel:\n%s", plain(m))
			}
			press(t, m, tc.keys...)
			if m.showHelp || strings.Contains(plain(m), "╭─ Keys") {
				t.Errorf("%s left the Keys panel open:\n%s", tc.name, plain(m))
			}
			if m.section != tc.want {
				t.Errorf("%s: section %v, want %v", tc.name, m.section, tc.want)
			}
			fresh := newSized(t, colorprofile.NoTTY, 80, 24)
			press(t, fresh, fmt.Sprint(int(tc.want)+1))
			if plain(m) != plain(fresh) {
				t.Errorf("%s: the screen after closing the panel is not the page's:\n%s\nwant:\n%s", tc.name, plain(m), plain(fresh))
			}
		})
	}
}

// TestThemeKeyWhereItWorks: t is offered, and works, only where it can
// change something: not without colour (NO_COLOR, TERM=dumb), nor in the
// web terminal, whose page stays dark (point 6).
func TestThemeKeyWhereItWorks(t *testing.T) {
	for _, tc := range []struct {
		name    string
		p       colorprofile.Profile
		browser bool
		offered bool
	}{
		{"truecolor", colorprofile.TrueColor, false, true},
		{"16 colours", colorprofile.ANSI, false, true},
		{"NO_COLOR", colorprofile.Ascii, false, false},
		{"TERM=dumb", colorprofile.NoTTY, false, false},
		{"web terminal", colorprofile.TrueColor, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, sz := range [][2]int{{40, 12}, {80, 24}} {
				m := New(portfolio(t), Options{Profile: tc.p, Background: theme.Dark, Browser: tc.browser})
				send(t, m, tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
				before := output(t, m, tc.p)
				if got := strings.Contains(xansi.Strip(before), "light/dark"); got != tc.offered {
					t.Errorf("%v: footer offers t: %v, want %v:\n%s", sz, got, tc.offered, xansi.Strip(before))
				}
				press(t, m, "?")
				if got := strings.Contains(plain(m), "light/dark"); got != tc.offered {
					t.Errorf("%v: Keys panel offers t: %v, want %v:\n%s", sz, got, tc.offered, plain(m))
				}
				press(t, m, "esc", "t")
				if changed := output(t, m, tc.p) != before; changed != tc.offered {
					t.Errorf("%v: t changed the screen: %v, want %v", sz, changed, tc.offered)
				}
			}
		})
	}
	// A ColorProfileMsg that takes the colour away takes the key too.
	m := newSized(t, colorprofile.TrueColor, 80, 24)
	send(t, m, tea.ColorProfileMsg{Profile: colorprofile.Ascii})
	if strings.Contains(plain(m), "light/dark") {
		t.Error("t still offered after the profile lost its colour")
	}
}

// TestWebTerminalForm: in the web terminal the form claims no SSH key
// fingerprint (a browser has none) and says how to send with the keys a
// phone has (Tab to Send, Enter), not ctrl+s (point 7). Ctrl+S still
// sends, for a browser with a keyboard. Regenerate with
//
//	go test ./ui -run TestWebTerminalForm -update
func TestWebTerminalForm(t *testing.T) {
	for _, sz := range [][2]int{{40, 12}, {80, 24}} {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			f := &fakeInbox{receipt: testReceipt}
			m := New(portfolio(t), Options{Profile: colorprofile.NoTTY, Background: theme.Dark, Browser: true, Submit: f.submit})
			send(t, m, tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
			press(t, m, "4", "enter")
			var seen strings.Builder
			for range fieldCount { // every field on screen once
				seen.WriteString(plain(m))
				press(t, m, "tab")
			}
			for _, bad := range []string{"fingerprint", "SSH key", "ctrl+s"} {
				if strings.Contains(seen.String(), bad) {
					t.Errorf("the web terminal's form says %q:\n%s", bad, seen.String())
				}
			}
			for _, want := range []string{"Your IP address is stored", "Enter there sends"} {
				if !strings.Contains(strings.Join(strings.Fields(seen.String()), " "), want) {
					t.Errorf("the web terminal's form lacks %q:\n%s", want, seen.String())
				}
			}
			out := output(t, m, colorprofile.NoTTY)
			checkFits(t, out, sz[0], sz[1], true)
			golden.RequireEqual(t, []byte(out))
			typeText(t, m, "Jane\tjane@example.com\tHello")
			if res := send(t, m, ctrlS); res == nil {
				t.Error("ctrl+s no longer sends in the web terminal")
			}
		})
	}
}

// TestInboxNewAbove: a message arriving while the owner's Inbox is open
// lands above the visible part of the list (the selection stays on its
// message); the header says so until the owner scrolls up to it
// (point 7). Regenerate with
//
//	go test ./ui -run TestInboxNewAbove -update
func TestInboxNewAbove(t *testing.T) {
	for _, sz := range [][2]int{{40, 12}, {80, 24}} {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			msgs := manyMessages(30)
			for i := range msgs {
				msgs[i].Time = time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC).Add(-time.Duration(i) * time.Minute)
			}
			src := newFake(t, msgs...)
			m := New(portfolio(t), Options{Profile: colorprofile.ANSI256, Background: theme.Dark, Inbox: src})
			runCmds(t, m, src, m.Init())
			runCmds(t, m, src, send(t, m, tea.WindowSizeMsg{Width: sz[0], Height: sz[1]}))
			act(t, m, src, "5")
			if strings.Contains(plain(m), "new") {
				t.Fatalf("a sign before anything arrived:\n%s", plain(m))
			}
			for i, name := range []string{"Ann", "Ben"} {
				arrived := msg(fmt.Sprintf("new%d", i), name, 0)
				arrived.Time = msgs[0].Time.Add(time.Duration(i+1) * time.Minute)
				msgs = append([]inbox.Message{arrived}, msgs...)
				src.set(msgs...)
				runCmds(t, m, src, send(t, m, InboxChangedMsg{}))
				requireText(t, m, fmt.Sprintf("↑ %d new", i+1))
			}
			requireText(t, m, "▌ ● Visitor 0") // the selection stayed
			if strings.Contains(plain(m), "Ben") {
				t.Fatalf("the new message is on screen; the test wants it above:\n%s", plain(m))
			}
			out := output(t, m, colorprofile.ANSI256)
			checkFits(t, out, sz[0], sz[1], true)
			golden.RequireEqual(t, []byte(out))
			act(t, m, src, "up")
			requireText(t, m, "↑ 1 new")
			act(t, m, src, "up")
			requireText(t, m, "Ben")
			if strings.Contains(plain(m), "new") {
				t.Errorf("the sign stayed with the new messages on screen:\n%s", plain(m))
			}
		})
	}
}

// TestCaseStudyKeepsHeadings: in a case study a heading is never the last
// line on screen with its text below it, whether the visitor scrolls by
// line or by page; and paging from the top shows every heading (point 7).
func TestCaseStudyKeepsHeadings(t *testing.T) {
	for _, sz := range [][2]int{{40, 12}, {80, 24}, {120, 40}} {
		for p := range portfolio(t).Projects {
			m := newSized(t, colorprofile.NoTTY, sz[0], sz[1])
			press(t, m, "3")
			for range p {
				press(t, m, "down")
			}
			press(t, m, "enter")
			body := func() []string {
				lines := strings.Split(plain(m), "\n")
				return lines[2 : len(lines)-2] // under the tabs and rule, above the blank and footer
			}
			// (The page renders lazily: the screen first, then the viewport.)
			atBottom := func() bool { _ = plain(m); return m.study().vp.AtBottom() }
			check := func(how string) {
				t.Helper()
				b := body()
				last := b[len(b)-1]
				if strings.HasPrefix(strings.TrimSpace(last), "▍") && !atBottom() {
					t.Errorf("%dx%d project %d %s: a heading is the last line:\n%s", sz[0], sz[1], p, how, strings.Join(b, "\n"))
				}
			}
			// Line by line, to the end.
			for i := 0; i < 200 && !atBottom(); i++ {
				check(fmt.Sprintf("after %d lines", i))
				press(t, m, "down")
			}
			// Page by page, from the top: every heading shows.
			press(t, m, "home")
			seen := map[string]bool{}
			for i := 0; i < 50; i++ {
				check(fmt.Sprintf("after %d pages", i))
				for _, l := range body() {
					if h := strings.TrimSpace(l); strings.HasPrefix(h, "▍") {
						seen[h] = true
					}
				}
				if atBottom() {
					break
				}
				press(t, m, "pgdown")
			}
			md := portfolio(t).Projects[p].Body
			if want := strings.Count(md, "\n#") + boolInt(strings.HasPrefix(md, "#")); len(seen) < want {
				t.Errorf("%dx%d project %d: paging showed %d headings, want %d: %v", sz[0], sz[1], p, len(seen), want, seen)
			}
		}
	}
}
