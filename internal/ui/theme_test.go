package ui

import (
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/pragyamugale/portfolio/content"
	"github.com/pragyamugale/portfolio/internal/theme"
)

// themedPortfolio is the embedded content with a theme.yaml of its own.
func themedPortfolio(tb testing.TB) *content.Portfolio {
	tb.Helper()
	fsys := fstest.MapFS{}
	err := fs.WalkDir(content.Embedded(), ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(content.Embedded(), name)
		fsys[name] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	fsys["theme.yaml"] = &fstest.MapFile{Data: []byte("accent:\n  dark: \"#FF8800\"\n  light: \"#A03000\"\n")}
	pf, err := content.Load(fsys)
	if err != nil {
		tb.Fatal(err)
	}
	return pf
}

// TestThemeGolden: the owner's accent (theme.yaml) is the one the app
// wears, at every colour depth: truecolor as given, 256 and 16 colours
// the nearest that keep the contrast; the built-in accent is gone.
func TestThemeGolden(t *testing.T) {
	pf := themedPortfolio(t)
	for _, v := range []struct {
		variant
		accent, builtin string // the accent's SGR foreground parameters
	}{
		{variant{"truecolor-dark", colorprofile.TrueColor, theme.Dark}, "38;2;255;136;0", "38;2;183;148;246"},
		{variant{"truecolor-light", colorprofile.TrueColor, theme.Light}, "38;2;160;48;0", "38;2;107;50;200"},
		{variant{"256-dark", colorprofile.ANSI256, theme.Dark}, "38;5;208", "38;5;141"},
		{variant{"16-dark", colorprofile.ANSI, theme.Dark}, "91", "95"},
	} {
		t.Run(v.name, func(t *testing.T) {
			m := New(pf, Options{Profile: v.p, Background: v.bg})
			send(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
			out := output(t, m, v.p)
			checkFits(t, out, 80, 24, true)
			if v.accent != "" && !strings.Contains(out, v.accent) {
				t.Errorf("the owner's accent (%s) is not on screen", v.accent)
			}
			if strings.Contains(out, v.builtin+"m") {
				t.Errorf("the built-in accent (%s) is still on screen", v.builtin)
			}
			golden.RequireEqual(t, []byte(out))
		})
	}
}
