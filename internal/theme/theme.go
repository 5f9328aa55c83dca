// Package theme is the portfolio's palette: the colours of the terminal
// app and of the web page, chosen in one place, with the contrast each
// role must keep. The terminal (package ui) picks a tone per colour depth
// and background; the web page (package web) fills its stylesheets with
// the truecolor tones. Nothing else names a colour.
package theme

import (
	"image/color"
	"strconv"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"
)

// Palette holds each role's colours. Each role has a colour for dark and
// light backgrounds, and one for a background not known (yet), at each
// colour depth, so 16-colour terminals get hand-picked ANSI colours
// instead of a lossy approximation.
//
// Only accents are coloured: body text everywhere keeps the terminal's own
// foreground. Every colour meant to be read has a contrast of at least
// 4.5:1 on its background, rules 3:1 (see Roles and TestPaletteContrast).
// Until the background is known the terminal gets the Unknown tones:
// mid-tones with at least 3:1 on black, white and the common dark and
// light defaults alike (TestUnknownBackgroundContrast), so a terminal that
// doesn't say its background is readable whatever it is. In 16 colours no
// grey or green is readable on white, so those roles use the terminal's
// own foreground there.
//
// To re-skin the portfolio, change these values; an owner can also give
// accents of their own in the content (theme.yaml), checked by the same
// rules (CheckTone) with their 256- and 16-colour fallbacks derived
// (Derive).
var Palette = Set{
	// Accent: the name, the active tab, headings, the selection marker.
	Accent: Shade{
		Dark:    Tone{ANSI: 13, ANSI256: 141, True: "#B794F6"},
		Light:   Tone{ANSI: 5, ANSI256: 55, True: "#6B32C8"},
		Unknown: Tone{ANSI: 5, ANSI256: 134, True: "#9E64D8"},
	},
	// Accent2: technology tags and skill items.
	Accent2: Shade{
		Dark:    Tone{ANSI: 14, ANSI256: 80, True: "#5FD7D7"},
		Light:   Tone{ANSI: 4, ANSI256: 23, True: "#0B7285"},
		Unknown: Tone{ANSI: 12, ANSI256: 31, True: "#00919E"},
	},
	// Muted: secondary text such as summaries, hints and the help footer.
	Muted: Shade{
		Dark:    Tone{ANSI: 7, ANSI256: 249, True: "#A8A8B3"},
		Light:   Tone{ANSI: Foreground, ANSI256: 241, True: "#5F5F6B"},
		Unknown: Tone{ANSI: Foreground, ANSI256: 244, True: "#80808E"},
	},
	// Subtle: rules and separators; quiet but still visible.
	Subtle: Shade{
		Dark:    Tone{ANSI: 8, ANSI256: 243, True: "#7A7A88"},
		Light:   Tone{ANSI: 8, ANSI256: 245, True: "#8A8A96"},
		Unknown: Tone{ANSI: 8, ANSI256: 245, True: "#868692"},
	},
	// Warn: the "terminal too small" notice.
	Warn: Shade{
		Dark:    Tone{ANSI: 11, ANSI256: 221, True: "#F2C94C"},
		Light:   Tone{ANSI: 1, ANSI256: 94, True: "#A15C00"},
		Unknown: Tone{ANSI: Foreground, ANSI256: 166, True: "#C76A00"},
	},
	// Error: rejected form fields and failed sends.
	Error: Shade{
		Dark:    Tone{ANSI: 9, ANSI256: 210, True: "#FF7A85"},
		Light:   Tone{ANSI: 1, ANSI256: 160, True: "#C62828"},
		Unknown: Tone{ANSI: 9, ANSI256: 197, True: "#E04D66"},
	},
	// Success: the confirmation of a sent message.
	Success: Shade{
		Dark:    Tone{ANSI: 10, ANSI256: 114, True: "#7EE0A1"},
		Light:   Tone{ANSI: Foreground, ANSI256: 22, True: "#1B7F3B"},
		Unknown: Tone{ANSI: Foreground, ANSI256: 64, True: "#109347"},
	},
}

// Contrast is the least WCAG 2 contrast a role keeps on its background.
const (
	// TextContrast is for anything read as text (WCAG 2.1, 1.4.3).
	TextContrast = 4.5
	// RuleContrast is for rules and separators (WCAG 2.1, 1.4.11).
	RuleContrast = 3.0
)

// Role is one palette role by name, with the contrast it must keep.
type Role struct {
	Name  string // as the web page's stylesheets name it: {{.Accent.Dark}}
	Shade Shade
	Min   float64 // the least contrast on its background
}

// Set is a palette: a shade for each role.
type Set struct {
	Accent, Accent2, Muted, Subtle, Warn, Error, Success Shade
}

// Roles lists every role of the built-in palette: what the stylesheets are
// filled with and what the contrast test checks.
func Roles() []Role { return Palette.Roles() }

// Roles lists every role of the set, with the contrast it must keep.
func (p Set) Roles() []Role {
	return []Role{
		{"Accent", p.Accent, TextContrast},
		{"Accent2", p.Accent2, TextContrast},
		{"Muted", p.Muted, TextContrast},
		{"Subtle", p.Subtle, RuleContrast},
		{"Warn", p.Warn, TextContrast},
		{"Error", p.Error, TextContrast},
		{"Success", p.Success, TextContrast},
	}
}

// Shade is one palette role: a tone for dark and one for light
// backgrounds, and one for a background not known.
type Shade struct{ Dark, Light, Unknown Tone }

// Background is what the terminal's background is known to be.
type Background int

// The backgrounds: Unknown until the terminal answers the background query
// or the session's COLORFGBG says.
const (
	Unknown Background = iota
	Dark
	Light
)

// BackgroundOf is Dark or Light.
func BackgroundOf(dark bool) Background {
	if dark {
		return Dark
	}
	return Light
}

// String names the background.
func (b Background) String() string {
	switch b {
	case Dark:
		return "dark"
	case Light:
		return "light"
	}
	return "unknown"
}

// Tone is one colour given at each colour depth a terminal may support.
type Tone struct {
	ANSI    int    // 0–15, or Foreground
	ANSI256 int    // 0–255
	True    string // #RRGGBB
}

// Foreground as a Tone's ANSI colour means the terminal's own text colour.
const Foreground = -1

// Tone is the shade's tone for a background.
func (s Shade) Tone(dark bool) Tone {
	if dark {
		return s.Dark
	}
	return s.Light
}

// On is the shade's tone for a background.
func (s Shade) On(bg Background) Tone {
	switch bg {
	case Dark:
		return s.Dark
	case Light:
		return s.Light
	}
	return s.Unknown
}

// Spec is the colour as lipgloss.Color reads it ("#RRGGBB" or an index),
// for the Markdown renderer, or "" for the terminal's own colour.
func (s Shade) Spec(profile colorprofile.Profile, bg Background) string {
	t := s.On(bg)
	switch {
	case profile >= colorprofile.TrueColor:
		return t.True
	case profile == colorprofile.ANSI256:
		return strconv.Itoa(t.ANSI256)
	case profile == colorprofile.ANSI && t.ANSI != Foreground:
		return strconv.Itoa(t.ANSI)
	}
	return ""
}

// Color picks the tone for the background and the colour for the profile.
// Without colour support it returns lipgloss.NoColor, so text keeps the
// visitor's own foreground.
func (s Shade) Color(profile colorprofile.Profile, bg Background) color.Color {
	t := s.On(bg)
	if t.ANSI == Foreground && profile == colorprofile.ANSI {
		return lipgloss.NoColor{}
	}
	return lipgloss.Complete(profile)(
		lipgloss.ANSIColor(t.ANSI),
		lipgloss.ANSIColor(t.ANSI256),
		lipgloss.Color(t.True),
	)
}
