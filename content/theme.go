package content

import (
	"errors"
	"io/fs"
	"strings"

	"github.com/pragyamugale/portfolio/internal/theme"
)

// themePath is the optional theme: the owner's own accent colours.
const themePath = "theme.yaml"

type (
	themeYAML struct {
		Accent  *shadeYAML `yaml:"accent"`
		Accent2 *shadeYAML `yaml:"accent2"`
	}
	shadeYAML struct {
		Dark  string `yaml:"dark"`
		Light string `yaml:"light"`
	}
)

// Colors is the palette the portfolio is shown in: the built-in one, with
// the accents of the content's theme.yaml when it has one.
func (p *Portfolio) Colors() theme.Set {
	if p == nil || p.Palette == (theme.Set{}) {
		return theme.Palette
	}
	return p.Palette
}

// theme reads theme.yaml, if there is one: each colour given replaces the
// built-in one for its background, its 256- and 16-colour fallbacks
// derived (the nearest that keep the contrast); a colour that keeps too
// little contrast is a problem naming the colour, the background and the
// ratio, by the rules the built-in palette is tested by.
func (l *loader) theme() theme.Set {
	set := theme.Palette
	if _, err := fs.Stat(l.fsys, themePath); errors.Is(err, fs.ErrNotExist) {
		return set
	}
	const file = themePath
	text, ok := l.read(file)
	if !ok {
		return set
	}
	var raw themeYAML
	if !l.decode(file, "", text, &raw) {
		return set
	}
	apply := func(key string, s *shadeYAML, shade *theme.Shade, min float64) {
		if s == nil {
			return
		}
		for _, side := range []struct {
			name string
			hex  string
			dark bool
			tone *theme.Tone
		}{{"dark", s.Dark, true, &shade.Dark}, {"light", s.Light, false, &shade.Light}} {
			hex := strings.TrimSpace(side.hex)
			if hex == "" {
				continue // the built-in colour stays
			}
			line := l.at(file, key+"."+side.name)
			if _, ok := theme.ParseHex(hex); !ok {
				l.problemAt(file, line, "%s %s: %q is not a colour; write it as \"#RRGGBB\", e.g. \"#B794F6\"", key, side.name, sanitizeOneLine(hex))
				continue
			}
			tone, fails := theme.Derive(hex, side.dark, min)
			if len(fails) > 0 {
				worst := fails[0]
				for _, f := range fails {
					if f.Ratio < worst.Ratio {
						worst = f
					}
				}
				bg := "dark"
				if !side.dark {
					bg = "light"
				}
				l.problemAt(file, line, "%s %s: colour %s has contrast %.2f:1 on the %s background %s; it needs at least %.1f:1 (WCAG 2.1)",
					key, side.name, hex, worst.Ratio, bg, worst.Background, worst.Min)
				continue
			}
			*side.tone = tone
		}
	}
	apply("accent", raw.Accent, &set.Accent, theme.TextContrast)
	apply("accent2", raw.Accent2, &set.Accent2, theme.TextContrast)
	return set
}

// sanitizeOneLine keeps a value from the owner's file safe to print.
func sanitizeOneLine(s string) string {
	if controlProblem(s, false) != "" {
		return strings.Map(func(r rune) rune {
			if controlProblem(string(r), false) != "" {
				return '?'
			}
			return r
		}, s)
	}
	return s
}
