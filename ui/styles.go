package ui

import (
	"image/color"
	"strconv"
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
// Only accents are coloured: body text everywhere keeps the terminal's own
// foreground, so a wrong guess of the background changes accents, never
// legibility. Every colour meant to be read has a contrast of at least
// 4.5:1 on its background, rules 3:1 (TestPaletteContrast). In 16 colours
// no grey or green is readable on white, so those roles use the terminal's
// own foreground there.
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
		Light: Tone{ANSI: 4, ANSI256: 23, True: "#0B7285"},
	},
	// Muted: secondary text such as summaries, hints and the help footer.
	Muted: Shade{
		Dark:  Tone{ANSI: 7, ANSI256: 249, True: "#A8A8B3"},
		Light: Tone{ANSI: Foreground, ANSI256: 241, True: "#5F5F6B"},
	},
	// Subtle: rules and separators; quiet but still visible.
	Subtle: Shade{
		Dark:  Tone{ANSI: 8, ANSI256: 243, True: "#7A7A88"},
		Light: Tone{ANSI: 8, ANSI256: 245, True: "#8A8A96"},
	},
	// Warn: the "terminal too small" notice.
	Warn: Shade{
		Dark:  Tone{ANSI: 11, ANSI256: 221, True: "#F2C94C"},
		Light: Tone{ANSI: 1, ANSI256: 94, True: "#A15C00"},
	},
	// Error: rejected form fields and failed sends.
	Error: Shade{
		Dark:  Tone{ANSI: 9, ANSI256: 210, True: "#FF7A85"},
		Light: Tone{ANSI: 1, ANSI256: 160, True: "#C62828"},
	},
	// Success: the confirmation of a sent message.
	Success: Shade{
		Dark:  Tone{ANSI: 10, ANSI256: 114, True: "#7EE0A1"},
		Light: Tone{ANSI: Foreground, ANSI256: 22, True: "#1B7F3B"},
	},
}

// Shade is one palette role: a tone for dark and one for light backgrounds.
type Shade struct{ Dark, Light Tone }

// Tone is one colour given at each colour depth a terminal may support.
type Tone struct {
	ANSI    int    // 0–15, or Foreground
	ANSI256 int    // 0–255
	True    string // #RRGGBB
}

// Foreground as a Tone's ANSI colour means the terminal's own text colour.
const Foreground = -1

// tone is the shade's tone for a background.
func (s Shade) tone(dark bool) Tone {
	if dark {
		return s.Dark
	}
	return s.Light
}

// spec is the colour as lipgloss.Color reads it ("#RRGGBB" or an index),
// for the Markdown renderer, or "" for the terminal's own colour.
func (s Shade) spec(profile colorprofile.Profile, dark bool) string {
	t := s.tone(dark)
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

// color picks the tone for the background and the colour for the profile.
// Without colour support it returns lipgloss.NoColor, so text keeps the
// visitor's own foreground.
func (s Shade) color(profile colorprofile.Profile, dark bool) color.Color {
	t := s.tone(dark)
	if t.ANSI == Foreground && profile == colorprofile.ANSI {
		return lipgloss.NoColor{}
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
	// Hyperlinks makes links clickable (OSC 8); set for terminals known to
	// support them, elsewhere links are plain text.
	Hyperlinks bool

	Name      lipgloss.Style // owner's name in the header and on About
	Title     lipgloss.Style // job title
	Tagline   lipgloss.Style
	Heading   lipgloss.Style // section headings inside a page
	Text      lipgloss.Style
	Muted     lipgloss.Style
	Link      lipgloss.Style // the owner's links
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
	profile          colorprofile.Profile
	dark, hyperlinks bool
}

// stylesCache shares one immutable Styles per (profile, background) across
// all sessions: styles are built once, not per visitor or per frame.
var stylesCache sync.Map // stylesKey → *Styles

// StylesFor returns the styles for a colour profile and background, with
// or without clickable links.
func StylesFor(profile colorprofile.Profile, dark, hyperlinks bool) *Styles {
	k := stylesKey{profile, dark, hyperlinks}
	if s, ok := stylesCache.Load(k); ok {
		return s.(*Styles)
	}
	s, _ := stylesCache.LoadOrStore(k, newStyles(profile, dark, hyperlinks))
	return s.(*Styles)
}

func newStyles(profile colorprofile.Profile, dark, hyperlinks bool) *Styles {
	c := func(s Shade) color.Color { return s.color(profile, dark) }
	accent, accent2 := c(Palette.Accent), c(Palette.Accent2)
	muted, subtle := c(Palette.Muted), c(Palette.Subtle)
	base := lipgloss.NewStyle()

	s := &Styles{Dark: dark, Profile: profile, Hyperlinks: hyperlinks}
	s.Name = base.Bold(true).Foreground(accent)
	s.Title = base.Bold(true)
	// No italics anywhere: GNU screen and others show them as reverse video.
	s.Tagline = base
	s.Heading = base.Bold(true).Foreground(accent)
	s.Text = base
	s.Muted = base.Foreground(muted)
	s.Link = base.Underline(true)
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
