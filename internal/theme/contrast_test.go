package theme

import (
	"fmt"
	"image/color"
	"reflect"
	"testing"
)

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
	for _, r := range roles {
		for _, dark := range []bool{true, false} {
			for _, f := range CheckTone(r.Shade.Tone(dark), dark, r.Min) {
				t.Errorf("%s dark=%v: %s", r.Name, dark, f)
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
			if c := Contrast(fg, bg); c < RuleContrast {
				t.Errorf("%s unknown background, %s: %.2f:1 on %s, want ≥ %.1f", r.Name, profile, c, bgName, RuleContrast)
			}
		}
		for _, bg := range bgs {
			check("truecolor "+tone.True, mustHex(tone.True), mustHex(bg), bg)
			check(fmt.Sprintf("256-colour %d", tone.ANSI256), XTerm256(tone.ANSI256), mustHex(bg), bg)
		}
		if tone.ANSI >= 0 {
			for _, bg := range []int{0, 15} {
				check(fmt.Sprintf("16-colour %d", tone.ANSI), XTerm16[tone.ANSI], XTerm16[bg], fmt.Sprintf("xterm's colour %d", bg))
			}
		}
	}
}

// TestDerive: the fallbacks of an owner's colour are the nearest palette
// entries that pass, and a colour that fails is reported with its
// background and ratio.
func TestDerive(t *testing.T) {
	tone, fails := Derive("#FF8800", true, TextContrast)
	if len(fails) != 0 {
		t.Fatalf("orange on dark fails: %v", fails)
	}
	if got := CheckTone(tone, true, TextContrast); len(got) != 0 {
		t.Errorf("derived tone %+v fails: %v", tone, got)
	}
	if tone.ANSI256 != 208 { // #ff8700, the cube's orange
		t.Errorf("256-colour fallback of #FF8800 = %d, want 208", tone.ANSI256)
	}
	if tone.ANSI != 11 && tone.ANSI != 9 {
		t.Errorf("16-colour fallback of #FF8800 = %d, want bright yellow or red", tone.ANSI)
	}
	_, fails = Derive("#333333", true, TextContrast)
	if len(fails) == 0 || fails[0].Background != "#000000" || fails[0].Ratio > 2 {
		t.Fatalf("#333333 on dark: %v, want a failure on #000000 below 2:1", fails)
	}
	if s := fails[0].String(); s != "truecolor #333333 has contrast 1.66:1 on background #000000; it needs at least 4.5:1" {
		t.Errorf("failure reads %q", s)
	}
}
