package ui

import (
	"image/color"
	"sync"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/textarea"
	"charm.land/bubbles/v2/textinput"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/pragyamugale/portfolio/internal/theme"
)

// Styles holds every lipgloss style the UI uses, built for one colour
// profile and background from the palette (package theme). Pages take what they need from here rather than
// creating styles of their own, so a theme is changed in one place.
type Styles struct {
	// Background is the background the colours are for: dark, light, or
	// unknown (mid-tones readable on both).
	Background theme.Background
	Profile    colorprofile.Profile
	Palette    theme.Set // the content's colours (content.Portfolio.Colors)
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
	palette    theme.Set
	profile    colorprofile.Profile
	bg         theme.Background
	hyperlinks bool
}

// stylesCache shares one immutable Styles per (profile, background) across
// all sessions: styles are built once, not per visitor or per frame.
var stylesCache sync.Map // stylesKey → *Styles

// StylesFor returns the styles of the built-in palette for a colour
// profile and background, with or without clickable links.
func StylesFor(profile colorprofile.Profile, bg theme.Background, hyperlinks bool) *Styles {
	return StylesIn(theme.Palette, profile, bg, hyperlinks)
}

// StylesIn is StylesFor in a palette of the content's own (theme.yaml).
func StylesIn(p theme.Set, profile colorprofile.Profile, bg theme.Background, hyperlinks bool) *Styles {
	k := stylesKey{p, profile, bg, hyperlinks}
	if s, ok := stylesCache.Load(k); ok {
		return s.(*Styles)
	}
	s, _ := stylesCache.LoadOrStore(k, newStyles(p, profile, bg, hyperlinks))
	return s.(*Styles)
}

func newStyles(p theme.Set, profile colorprofile.Profile, bg theme.Background, hyperlinks bool) *Styles {
	c := func(s theme.Shade) color.Color { return s.Color(profile, bg) }
	dark := bg != theme.Light
	accent, accent2 := c(p.Accent), c(p.Accent2)
	muted, subtle := c(p.Muted), c(p.Subtle)
	base := lipgloss.NewStyle()

	s := &Styles{Background: bg, Profile: profile, Palette: p, Hyperlinks: hyperlinks}
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
	s.Warn = base.Bold(true).Foreground(c(p.Warn))
	s.Status = base.Foreground(muted)

	s.Label = base.Bold(true)
	s.Error = base.Foreground(c(p.Error))
	s.Success = base.Bold(true).Foreground(c(p.Success))
	s.Button = base.Foreground(muted)
	s.ButtonOn = base.Bold(true).Reverse(true).Foreground(accent)

	// Form fields: the focused field's prompt bar takes the accent colour.
	// The cursor doesn't blink: a blinking cursor repaints every half
	// second for every visitor, for nothing. It is drawn in reverse video
	// of the accent, which keeps its contrast on the background (the
	// bubbles default, light grey, all but vanishes on white); without
	// colour, in plain reverse video.
	s.Input = textinput.DefaultStyles(dark)
	s.Input.Focused.Prompt = base.Foreground(accent)
	s.Input.Blurred.Prompt = base.Foreground(subtle)
	s.Input.Focused.Placeholder = base.Foreground(muted)
	s.Input.Blurred.Placeholder = base.Foreground(muted)
	s.Input.Blurred.Text = base
	s.Input.Cursor.Blink = false
	s.Input.Cursor.Color = accent
	s.Area = textarea.DefaultStyles(dark)
	s.Area.Focused.Prompt = base.Foreground(accent)
	s.Area.Blurred.Prompt = base.Foreground(subtle)
	s.Area.Focused.CursorLine = base
	s.Area.Focused.Placeholder = base.Foreground(muted)
	s.Area.Blurred.Placeholder = base.Foreground(muted)
	s.Area.Blurred.Text = base
	s.Area.Blurred.CursorLine = base
	s.Area.Cursor.Blink = false
	s.Area.Cursor.Color = accent

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
