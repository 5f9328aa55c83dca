package theme

import (
	"fmt"
	"image/color"
	"math"
	"regexp"

	"github.com/lucasb-eyer/go-colorful"
)

// The backgrounds every colour is checked on: the extremes and common
// defaults — black, VS Code's and One Dark's greys for dark; white and an
// off-white for light. A 16-colour terminal's palette is its own: those
// colours are checked in xterm's defaults on its default black or white.
var (
	DarkBackgrounds  = []string{"#000000", "#1E1E1E", "#282C34"}
	LightBackgrounds = []string{"#FFFFFF", "#F5F5F5"}
)

// XTerm16 is xterm's default 16-colour palette: what "ANSI colour 6" looks
// like on a terminal nobody configured (PuTTY's is close to it).
var XTerm16 = [16]color.RGBA{
	{0x00, 0x00, 0x00, 0xff}, {0xcd, 0x00, 0x00, 0xff}, {0x00, 0xcd, 0x00, 0xff}, {0xcd, 0xcd, 0x00, 0xff},
	{0x00, 0x00, 0xee, 0xff}, {0xcd, 0x00, 0xcd, 0xff}, {0x00, 0xcd, 0xcd, 0xff}, {0xe5, 0xe5, 0xe5, 0xff},
	{0x7f, 0x7f, 0x7f, 0xff}, {0xff, 0x00, 0x00, 0xff}, {0x00, 0xff, 0x00, 0xff}, {0xff, 0xff, 0x00, 0xff},
	{0x5c, 0x5c, 0xff, 0xff}, {0xff, 0x00, 0xff, 0xff}, {0x00, 0xff, 0xff, 0xff}, {0xff, 0xff, 0xff, 0xff},
}

// XTerm256 is the RGB of a 256-colour index as xterm (and nearly every
// terminal) defines the 6×6×6 cube and the grey ramp.
func XTerm256(i int) color.RGBA {
	switch {
	case i < 16:
		return XTerm16[i]
	case i < 232:
		i -= 16
		lvl := func(v int) uint8 {
			if v == 0 {
				return 0
			}
			return uint8(55 + v*40)
		}
		return color.RGBA{lvl(i / 36), lvl(i / 6 % 6), lvl(i % 6), 0xff}
	default:
		g := uint8(8 + (i-232)*10)
		return color.RGBA{g, g, g, 0xff}
	}
}

var hexPattern = regexp.MustCompile(`^#[0-9A-Fa-f]{6}$`)

// ParseHex reads "#RRGGBB".
func ParseHex(s string) (color.RGBA, bool) {
	if !hexPattern.MatchString(s) {
		return color.RGBA{}, false
	}
	var r, g, b uint8
	fmt.Sscanf(s, "#%02x%02x%02x", &r, &g, &b)
	return color.RGBA{r, g, b, 0xff}, true
}

func mustHex(s string) color.RGBA {
	c, ok := ParseHex(s)
	if !ok {
		panic("theme: bad colour " + s)
	}
	return c
}

// Luminance is WCAG 2's relative luminance.
func Luminance(c color.RGBA) float64 {
	ch := func(v uint8) float64 {
		x := float64(v) / 255
		if x <= 0.03928 {
			return x / 12.92
		}
		return math.Pow((x+0.055)/1.055, 2.4)
	}
	return 0.2126*ch(c.R) + 0.7152*ch(c.G) + 0.0722*ch(c.B)
}

// Contrast is WCAG 2's contrast ratio, 1 to 21.
func Contrast(a, b color.RGBA) float64 {
	la, lb := Luminance(a), Luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// Failure is one colour, at one colour depth, that keeps too little
// contrast on one background.
type Failure struct {
	Depth      string // "truecolor", "256-colour" or "16-colour"
	Colour     string // "#RRGGBB", or the palette index
	Background string // "#RRGGBB", or "xterm's default black/white"
	Ratio, Min float64
}

func (f Failure) String() string {
	return fmt.Sprintf("%s %s has contrast %.2f:1 on background %s; it needs at least %.1f:1",
		f.Depth, f.Colour, f.Ratio, f.Background, f.Min)
}

// CheckTone checks a tone at every colour depth against the backgrounds it
// is meant for (dark or light), and returns every failure, worst first
// within each depth. A 16-colour tone of Foreground is the terminal's own
// text colour, legible by definition.
func CheckTone(t Tone, dark bool, min float64) []Failure {
	bgs, bg16, bg16Name := LightBackgrounds, XTerm16[15], "xterm's default white"
	if dark {
		bgs, bg16, bg16Name = DarkBackgrounds, XTerm16[0], "xterm's default black"
	}
	var out []Failure
	check := func(depth, name string, fg color.RGBA, bg color.RGBA, bgName string) {
		if c := Contrast(fg, bg); c < min {
			out = append(out, Failure{depth, name, bgName, c, min})
		}
	}
	for _, bg := range bgs {
		if fg, ok := ParseHex(t.True); ok {
			check("truecolor", t.True, fg, mustHex(bg), bg)
		} else {
			out = append(out, Failure{"truecolor", t.True, bg, 0, min})
		}
	}
	for _, bg := range bgs {
		if t.ANSI256 >= 0 && t.ANSI256 < 256 {
			check("256-colour", fmt.Sprint(t.ANSI256), XTerm256(t.ANSI256), mustHex(bg), bg)
		}
	}
	if t.ANSI >= 0 && t.ANSI < 16 {
		check("16-colour", fmt.Sprint(t.ANSI), XTerm16[t.ANSI], bg16, bg16Name)
	}
	return out
}

// passes reports whether fg keeps min on every background in bgs.
func passes(fg color.RGBA, bgs []color.RGBA, min float64) bool {
	for _, bg := range bgs {
		if Contrast(fg, bg) < min {
			return false
		}
	}
	return true
}

// Derive makes a tone from a truecolor "#RRGGBB" for dark or light
// backgrounds: the 256-colour and 16-colour fallbacks are the nearest
// palette entries (by CIE L*a*b* distance) that keep min on those
// backgrounds. The 256-colour fallback is taken from the cube and the grey
// ramp (16–255), whose colours every terminal agrees on. It returns the
// truecolor tone's failures, if any; the fallbacks always pass.
func Derive(hex string, dark bool, min float64) (Tone, []Failure) {
	t := Tone{True: hex, ANSI256: -1, ANSI: -1}
	want, ok := ParseHex(hex)
	if !ok {
		return t, []Failure{{Depth: "truecolor", Colour: hex, Background: "any", Min: min}}
	}
	bgNames, bg16 := LightBackgrounds, XTerm16[15]
	if dark {
		bgNames, bg16 = DarkBackgrounds, XTerm16[0]
	}
	bgs := make([]color.RGBA, len(bgNames))
	for i, b := range bgNames {
		bgs[i] = mustHex(b)
	}
	target, _ := colorful.MakeColor(want)
	nearest := func(from, to int, rgb func(int) color.RGBA, bgs []color.RGBA) int {
		best, bestD := -1, math.Inf(1)
		for i := from; i < to; i++ {
			c := rgb(i)
			if !passes(c, bgs, min) {
				continue
			}
			cc, _ := colorful.MakeColor(c)
			if d := target.DistanceLab(cc); d < bestD {
				best, bestD = i, d
			}
		}
		return best
	}
	t.ANSI256 = nearest(16, 256, XTerm256, bgs)
	// 16 colours: never the background's own colour (0 on dark, 15 on
	// light is only the extreme; the nearest passing one is chosen).
	t.ANSI = nearest(0, 16, func(i int) color.RGBA { return XTerm16[i] }, []color.RGBA{bg16})
	if t.ANSI < 0 {
		t.ANSI = Foreground
	}
	return t, CheckTone(Tone{True: hex, ANSI256: -1, ANSI: -1}, dark, min)
}
