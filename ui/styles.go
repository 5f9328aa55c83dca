package ui

import (
	"image/color"
	"sync"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/textarea"
	"charm.land/bubbles/v2/textinput"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"
)

// Palette is the one place the portfolio's colours are chosen. Each role has
// a colour for dark and light backgrounds, at each colour depth, so 16-colour
// terminals get hand-picked ANSI colours instead of a lossy approximation.
//
// To re-skin the portfolio, change these values; nothing else names a colour.
var Palette = struct {
	Accent, Accent2, Muted, Subtle, Warn, Error, Success Shade
}{
	// Accent: the name, the active tab, headings, the selection marker.
	Accent: Shade{
		Dark:  Tone{ANSI: 13, ANSI256: 141, True: "#B794F6"},
		Light: Tone{ANSI: 5, ANSI256: 55, True: "#6B32C8"},
	},
	// Accent2: technology tags and skill items.
	Accent2: Shade{
		Dark:  Tone{ANSI: 14, ANSI256: 80, True: "#5FD7D7"},
		Light: Tone{ANSI: 6, ANSI256: 30, True: "#0B7285"},
	},
	// Muted: secondary text such as summaries, hints and the help footer.
	Muted: Shade{
		Dark:  Tone{ANSI: 7, ANSI256: 249, True: "#A8A8B3"},
		Light: Tone{ANSI: 8, ANSI256: 241, True: "#5F5F6B"},
	},
	// Subtle: rules and separators; quiet but still visible.
	Subtle: Shade{
		Dark:  Tone{ANSI: 8, ANSI256: 240, True: "#4E4E5A"},
		Light: Tone{ANSI: 7, ANSI256: 250, True: "#BDBDC7"},
	},
	// Warn: the "terminal too small" notice.
	Warn: Shade{
		Dark:  Tone{ANSI: 11, ANSI256: 221, True: "#F2C94C"},
		Light: Tone{ANSI: 3, ANSI256: 130, True: "#A15C00"},
	},
	// Error: rejected form fields and failed sends.
	Error: Shade{
		Dark:  Tone{ANSI: 9, ANSI256: 210, True: "#FF7A85"},
		Light: Tone{ANSI: 1, ANSI256: 160, True: "#C62828"},
	},
	// Success: the confirmation of a sent message.
	Success: Shade{
		Dark:  Tone{ANSI: 10, ANSI256: 114, True: "#7EE0A1"},
		Light: Tone{ANSI: 2, ANSI256: 28, True: "#1B7F3B"},
	},
}

// Shade is one palette role: a tone for dark and one for light backgrounds.
type Shade struct{ Dark, Light Tone }

// Tone is one colour given at each colour depth a terminal may support.
type Tone struct {
	ANSI    int    // 0–15
	ANSI256 int    // 0–255
	True    string // #RRGGBB
}

// color picks the tone for the background and the colour for the profile.
// Without colour support it returns lipgloss.NoColor, so text keeps the
// visitor's own foreground.
func (s Shade) color(profile colorprofile.Profile, dark bool) color.Color {
	t := s.Light
	if dark {
		t = s.Dark
	}
	return lipgloss.Complete(profile)(
		lipgloss.ANSIColor(t.ANSI),
		lipgloss.ANSIColor(t.ANSI256),
		lipgloss.Color(t.True),
	)
}

// Styles holds every lipgloss style the UI uses, built for one colour
// profile and background. Pages take what they need from here rather than
// creating styles of their own, so a theme is changed in one place.
type Styles struct {
	Dark    bool
	Profile colorprofile.Profile

	Name      lipgloss.Style // owner's name in the header and on About
	Title     lipgloss.Style // job title
	Tagline   lipgloss.Style
	Heading   lipgloss.Style // section headings inside a page
	Text      lipgloss.Style
	Muted     lipgloss.Style
	Tag       lipgloss.Style // technology tags, skill items
	TagSep    lipgloss.Style // the dot between tags
	Rule      lipgloss.Style // horizontal rules
	TabActive lipgloss.Style
	Tab       lipgloss.Style
	Marker    lipgloss.Style // selection bar in lists
	Selected  lipgloss.Style // the selected list item's title
	Item      lipgloss.Style // an unselected list item's title
	Filter    lipgloss.Style // the active skills filter
	Warn      lipgloss.Style
	Status    lipgloss.Style // scroll position and similar status text
	Label     lipgloss.Style // form field labels
	Error     lipgloss.Style
	Success   lipgloss.Style
	Button    lipgloss.Style // the Send button, unfocused
	ButtonOn  lipgloss.Style // the Send button, focused

	Help  help.Styles
	Input textinput.Styles
	Area  textarea.Styles
}

type stylesKey struct {
	profile colorprofile.Profile
	dark    bool
}

// stylesCache shares one immutable Styles per (profile, background) across
// all sessions: styles are built once, not per visitor or per frame.
var stylesCache sync.Map // stylesKey → *Styles

// StylesFor returns the styles for a colour profile and background.
func StylesFor(profile colorprofile.Profile, dark bool) *Styles {
	k := stylesKey{profile, dark}
	if s, ok := stylesCache.Load(k); ok {
		return s.(*Styles)
	}
	s, _ := stylesCache.LoadOrStore(k, newStyles(profile, dark))
	return s.(*Styles)
}

func newStyles(profile colorprofile.Profile, dark bool) *Styles {
	c := func(s Shade) color.Color { return s.color(profile, dark) }
	accent, accent2 := c(Palette.Accent), c(Palette.Accent2)
	muted, subtle := c(Palette.Muted), c(Palette.Subtle)
	base := lipgloss.NewStyle()

	s := &Styles{Dark: dark, Profile: profile}
	s.Name = base.Bold(true).Foreground(accent)
	s.Title = base.Bold(true)
	s.Tagline = base.Italic(true)
	s.Heading = base.Bold(true).Foreground(accent)
	s.Text = base
	s.Muted = base.Foreground(muted)
	s.Tag = base.Foreground(accent2)
	s.TagSep = base.Foreground(subtle)
	s.Rule = base.Foreground(subtle)
	// The active tab is bold and underlined as well as coloured, so it
	// stands out with no colour at all.
	s.TabActive = base.Bold(true).Underline(true).Foreground(accent)
	s.Tab = base.Foreground(muted)
	s.Marker = base.Foreground(accent).Bold(true)
	s.Selected = base.Bold(true).Foreground(accent)
	s.Item = base.Bold(true)
	s.Filter = base.Bold(true).Underline(true).Foreground(accent2)
	s.Warn = base.Bold(true).Foreground(c(Palette.Warn))
	s.Status = base.Foreground(muted)

	s.Label = base.Bold(true)
	s.Error = base.Foreground(c(Palette.Error))
	s.Success = base.Bold(true).Foreground(c(Palette.Success))
	s.Button = base.Foreground(muted)
	s.ButtonOn = base.Bold(true).Reverse(true).Foreground(accent)

	// Form fields: the focused field's prompt bar takes the accent colour.
	// The cursor doesn't blink: a blinking cursor repaints every half
	// second for every visitor, for nothing.
	s.Input = textinput.DefaultStyles(dark)
	s.Input.Focused.Prompt = base.Foreground(accent)
	s.Input.Blurred.Prompt = base.Foreground(subtle)
	s.Input.Focused.Placeholder = base.Foreground(muted)
	s.Input.Blurred.Placeholder = base.Foreground(muted)
	s.Input.Blurred.Text = base
	s.Input.Cursor.Blink = false
	s.Area = textarea.DefaultStyles(dark)
	s.Area.Focused.Prompt = base.Foreground(accent)
	s.Area.Blurred.Prompt = base.Foreground(subtle)
	s.Area.Focused.CursorLine = base
	s.Area.Focused.Placeholder = base.Foreground(muted)
	s.Area.Blurred.Placeholder = base.Foreground(muted)
	s.Area.Blurred.Text = base
	s.Area.Blurred.CursorLine = base
	s.Area.Cursor.Blink = false

	s.Help = help.Styles{
		ShortKey:       base.Foreground(accent2),
		ShortDesc:      base.Foreground(muted),
		ShortSeparator: base.Foreground(subtle),
		Ellipsis:       base.Foreground(subtle),
		FullKey:        base.Foreground(accent2),
		FullDesc:       base.Foreground(muted),
		FullSeparator:  base.Foreground(subtle),
	}
	return s
}
