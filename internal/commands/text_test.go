package commands

import (
	"strings"
	"testing"

	xansi "github.com/charmbracelet/x/ansi"
)

// TestTextBulletsHang: in text mode (`ssh -T host projects notelytix`),
// a wrapped bullet's continuation lines line up under its text, not under
// the "-", at every width.
func TestTextBulletsHang(t *testing.T) {
	pf := defaultPortfolio(t)
	for _, width := range []int{40, 60, 80} {
		for _, p := range pf.Projects {
			out := ProjectText(p, width)
			inBullet, continued := false, 0
			for _, l := range strings.Split(out, "\n") {
				if w := xansi.StringWidth(l); w > width {
					t.Errorf("%s at %d: line %d wide: %q", p.Slug, width, w, l)
				}
				switch {
				case strings.HasPrefix(l, "  - "):
					inBullet = true
				case inBullet && strings.TrimSpace(l) != "" && !strings.HasPrefix(l, "#"):
					if !strings.HasPrefix(l, "    ") || strings.HasPrefix(l, "     ") {
						t.Errorf("%s at %d: continuation not under the bullet's text: %q", p.Slug, width, l)
					}
					continued++
				default:
					inBullet = false
				}
			}
			if continued == 0 {
				t.Errorf("%s at %d: no bullet wrapped; the test checks nothing", p.Slug, width)
			}
		}
	}
}
