package theme

import (
	"fmt"
	"image/color"
	"math"
	"reflect"
	"testing"
)

// xterm16 is xterm's default 16-colour palette: what "ANSI colour 6" looks
// like on a terminal nobody configured (PuTTY's is close to it).
var xterm16 = [16]color.RGBA{
	{0x00, 0x00, 0x00, 0xff}, {0xcd, 0x00, 0x00, 0xff}, {0x00, 0xcd, 0x00, 0xff}, {0xcd, 0xcd, 0x00, 0xff},
	{0x00, 0x00, 0xee, 0xff}, {0xcd, 0x00, 0xcd, 0xff}, {0x00, 0xcd, 0xcd, 0xff}, {0xe5, 0xe5, 0xe5, 0xff},
	{0x7f, 0x7f, 0x7f, 0xff}, {0xff, 0x00, 0x00, 0xff}, {0x00, 0xff, 0x00, 0xff}, {0xff, 0xff, 0x00, 0xff},
	{0x5c, 0x5c, 0xff, 0xff}, {0xff, 0x00, 0xff, 0xff}, {0x00, 0xff, 0xff, 0xff}, {0xff, 0xff, 0xff, 0xff},
}

// xterm256 is the RGB of a 256-colour index as xterm (and nearly every
// terminal) defines the 6×6×6 cube and the grey ramp.
func xterm256(i int) color.RGBA {
	switch {
	case i < 16:
		return xterm16[i]
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

func hexRGB(s string) color.RGBA {
	var r, g, b uint8
	fmt.Sscanf(s, "#%02x%02x%02x", &r, &g, &b)
	return color.RGBA{r, g, b, 0xff}
}

// luminance is WCAG 2's relative luminance.
func luminance(c color.RGBA) float64 {
	ch := func(v uint8) float64 {
		x := float64(v) / 255
		if x <= 0.03928 {
			return x / 12.92
		}
		return math.Pow((x+0.055)/1.055, 2.4)
	}
	return 0.2126*ch(c.R) + 0.7152*ch(c.G) + 0.0722*ch(c.B)
}

// contrast is WCAG 2's contrast ratio, 1 to 21.
func contrast(a, b color.RGBA) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// TestPaletteContrast checks every palette colour, at every colour depth,
// against the backgrounds it is meant for: at least 4.5:1 for anything read
// as text, 3:1 for rules and separators (WCAG 2.1, 1.4.3 and 1.4.11).
// Backgrounds are the extremes and common defaults: black, VS Code's and
// One Dark's greys for dark; white and an off-white for light. A 16-colour
// terminal's palette is its own: those are checked in xterm's defaults on
// its default black or white. A tone of -1 is the terminal's own
// foreground, legible by definition.
func TestPaletteContrast(t *testing.T) {
	roles := Roles()
	// Every role of the palette is in Roles, so none goes unchecked (and
	// every one reaches the web page's stylesheets).
	if n := reflect.TypeOf(Palette).NumField(); len(roles) != n {
		t.Fatalf("Roles lists %d roles, the palette has %d", len(roles), n)
	}
	for _, r := range roles {
		if f := reflect.ValueOf(Palette).FieldByName(r.Name); !f.IsValid() || f.Interface() != any(r.Shade) {
			t.Errorf("role %s is not the palette's %s", r.Name, r.Name)
		}
	}
	darkBgs := []string{"#000000", "#1E1E1E", "#282C34"}
	lightBgs := []string{"#FFFFFF", "#F5F5F5"}
	for _, r := range roles {
		for _, dark := range []bool{true, false} {
			tone, bgs, bg16 := r.Shade.Light, lightBgs, xterm16[15]
			if dark {
				tone, bgs, bg16 = r.Shade.Dark, darkBgs, xterm16[0]
			}
			check := func(profile string, fg, bg color.RGBA, bgName string) {
				t.Helper()
				if c := contrast(fg, bg); c < r.Min {
					t.Errorf("%s %s dark=%v: %.2f:1 on %s, want ≥ %.1f", r.Name, profile, dark, c, bgName, r.Min)
				}
			}
			for _, bg := range bgs {
				check("truecolor "+tone.True, hexRGB(tone.True), hexRGB(bg), bg)
				check(fmt.Sprintf("256-colour %d", tone.ANSI256), xterm256(tone.ANSI256), hexRGB(bg), bg)
			}
			if tone.ANSI >= 0 {
				check(fmt.Sprintf("16-colour %d", tone.ANSI), xterm16[tone.ANSI], bg16, "xterm's default")
			}
		}
	}
}

// TestUnknownBackgroundContrast checks the tones used while the terminal's
// background is unknown (it hasn't answered the background query and the
// session sent no COLORFGBG): every role, at every colour depth, keeps at
// least 3:1 on every background TestPaletteContrast knows, dark and light
// alike, so text is readable whatever the background turns out to be. A
// 16-colour terminal is checked in xterm's palette on its black and white.
func TestUnknownBackgroundContrast(t *testing.T) {
	bgs := []string{"#000000", "#1E1E1E", "#282C34", "#FFFFFF", "#F5F5F5"}
	for _, r := range Roles() {
		tone := r.Shade.Unknown
		if tone == (Tone{}) {
			t.Errorf("%s has no tone for an unknown background", r.Name)
			continue
		}
		check := func(profile string, fg, bg color.RGBA, bgName string) {
			t.Helper()
			if c := contrast(fg, bg); c < RuleContrast {
				t.Errorf("%s unknown background, %s: %.2f:1 on %s, want ≥ %.1f", r.Name, profile, c, bgName, RuleContrast)
			}
		}
		for _, bg := range bgs {
			check("truecolor "+tone.True, hexRGB(tone.True), hexRGB(bg), bg)
			check(fmt.Sprintf("256-colour %d", tone.ANSI256), xterm256(tone.ANSI256), hexRGB(bg), bg)
		}
		if tone.ANSI >= 0 {
			for _, bg := range []int{0, 15} {
				check(fmt.Sprintf("16-colour %d", tone.ANSI), xterm16[tone.ANSI], xterm16[bg], fmt.Sprintf("xterm's colour %d", bg))
			}
		}
	}
}
