package ui

import (
	"bytes"
	"strings"
	"testing"

	"github.com/charmbracelet/colorprofile"

	"github.com/pragyamugale/portfolio/internal/theme"
)

// TestSixteenColourHeadingsAgree: headings drawn by the Markdown renderer
// use the same colour as every other heading, at every depth.
func TestSixteenColourHeadingsAgree(t *testing.T) {
	for _, p := range []colorprofile.Profile{colorprofile.ANSI, colorprofile.ANSI256, colorprofile.TrueColor} {
		for _, bg := range []theme.Background{theme.Dark, theme.Light, theme.Unknown} {
			st := StylesFor(p, bg, false)
			// As the visitor's terminal receives them.
			sgr := func(s string) string {
				var buf bytes.Buffer
				w := &colorprofile.Writer{Forward: &buf, Profile: p}
				w.WriteString(s)
				s = buf.String()
				return s[:strings.IndexByte(s, 'm')+1]
			}
			want := sgr(st.Heading.Render("X"))
			got := sgr(renderMarkdown("## X", 20, st))
			if got != want {
				t.Errorf("%v %v background: Markdown heading %q, other headings %q", p, bg, got, want)
			}
		}
	}
}
