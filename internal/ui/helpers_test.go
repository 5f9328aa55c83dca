package ui

import (
	"bytes"
	"strings"
	"sync"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	xansi "github.com/charmbracelet/x/ansi"

	"github.com/pragyamugale/portfolio/content"
)

// testPortfolio is the embedded content, loaded once for all tests.
var testPortfolio = sync.OnceValues(content.Default)

func portfolio(tb testing.TB) *content.Portfolio {
	tb.Helper()
	pf, err := testPortfolio()
	if err != nil {
		tb.Fatalf("content.Default: %v", err)
	}
	return pf
}

// newSized returns a model for profile p that has received a window size.
func newSized(tb testing.TB, p colorprofile.Profile, w, h int) *Model {
	tb.Helper()
	m := New(portfolio(tb), Options{Profile: p})
	send(tb, m, darkBg) // the terminal answers the background query
	send(tb, m, tea.WindowSizeMsg{Width: w, Height: h})
	return m
}

// update sends msg to m and checks the model returned is m itself.
func send(tb testing.TB, m *Model, msg tea.Msg) tea.Cmd {
	tb.Helper()
	got, cmd := m.Update(msg)
	if got != tea.Model(m) {
		tb.Fatalf("Update(%T) returned a different model %T", msg, got)
	}
	return cmd
}

// press sends the named keys to m, in order, and returns the last command.
func press(tb testing.TB, m *Model, keys ...string) tea.Cmd {
	tb.Helper()
	var cmd tea.Cmd
	for _, k := range keys {
		cmd = send(tb, m, keyMsg(tb, k))
	}
	return cmd
}

var specialKeys = map[string]tea.KeyPressMsg{
	"enter":        {Code: tea.KeyEnter},
	"tab":          {Code: tea.KeyTab},
	"shift+tab":    {Code: tea.KeyTab, Mod: tea.ModShift},
	"esc":          {Code: tea.KeyEscape},
	"backspace":    {Code: tea.KeyBackspace},
	"up":           {Code: tea.KeyUp},
	"down":         {Code: tea.KeyDown},
	"left":         {Code: tea.KeyLeft},
	"right":        {Code: tea.KeyRight},
	"pgup":         {Code: tea.KeyPgUp},
	"pgdown":       {Code: tea.KeyPgDown},
	"home":         {Code: tea.KeyHome},
	"end":          {Code: tea.KeyEnd},
	"space":        {Code: tea.KeySpace, Text: " "},
	"ctrl+c":       {Code: 'c', Mod: tea.ModCtrl},
	"ctrl+z":       {Code: 'z', Mod: tea.ModCtrl},
	"ctrl+v":       {Code: 'v', Mod: tea.ModCtrl},
	"ctrl+shift+c": {Code: 'c', Mod: tea.ModCtrl | tea.ModShift},
}

// keyMsg builds the key press a terminal would send for k: a name from
// specialKeys or a single printable character.
func keyMsg(tb testing.TB, k string) tea.KeyPressMsg {
	tb.Helper()
	msg, ok := specialKeys[k]
	if !ok {
		r := []rune(k)
		if len(r) != 1 {
			tb.Fatalf("unknown key %q", k)
		}
		msg = tea.KeyPressMsg{Code: r[0], Text: k}
	}
	if msg.String() != k {
		tb.Fatalf("key %q builds a message whose String() is %q", k, msg.String())
	}
	return msg
}

// output is what a visitor's terminal receives for the current frame: the
// view's content reduced to the profile the way Bubble Tea's renderer does.
func output(tb testing.TB, m *Model, p colorprofile.Profile) string {
	tb.Helper()
	var buf bytes.Buffer
	w := &colorprofile.Writer{Forward: &buf, Profile: p}
	if _, err := w.WriteString(m.View().Content); err != nil {
		tb.Fatalf("colorprofile writer: %v", err)
	}
	return buf.String()
}

// plain is the current frame without any escape sequences.
func plain(m *Model) string {
	return xansi.Strip(m.View().Content)
}

// checkFits asserts a frame is exactly w×h cells at most: no line wider than
// the window and, for a full (alt-screen) frame, exactly h lines.
func checkFits(tb testing.TB, out string, w, h int, exactHeight bool) {
	tb.Helper()
	lines := strings.Split(out, "\n")
	if exactHeight && len(lines) != h {
		tb.Errorf("%d lines, want %d (window %d×%d)\n%s", len(lines), h, w, h, xansi.Strip(out))
	}
	if !exactHeight && len(lines) > h {
		tb.Errorf("%d lines, want at most %d (window %d×%d)\n%s", len(lines), h, w, h, xansi.Strip(out))
	}
	for i, l := range lines {
		if lw := xansi.StringWidth(l); lw > w {
			tb.Errorf("line %d is %d cells wide, window is %d: %q", i+1, lw, w, xansi.Strip(l))
		}
	}
}

// screens are the pages the snapshot and size tests cover, each reached
// from a fresh model by pressing keys.
var screens = []struct {
	name string
	keys []string
}{
	{"about", nil},
	{"skills", []string{"2"}},
	{"projects", []string{"3"}},
	{"contact", []string{"4"}},
	{"casestudy", []string{"3", "enter"}},
}

// footer is the footer line of the frame, plain: the last line that isn't
// blank (on a tall terminal the footer follows the content).
func footer(m *Model) string {
	lines := strings.Split(strings.TrimRight(plain(m), " \n"), "\n")
	return lines[len(lines)-1]
}

// formActive reports whether the contact form has the keyboard.
func (m *Model) formActive() bool {
	return m.section == SectionContact && m.contact.Focused()
}

// scrollable reports whether the page on screen is taller than the window.
func (m *Model) scrollable() bool {
	return m.page().Status() != ""
}
