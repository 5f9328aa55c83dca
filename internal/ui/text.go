package ui

import (
	"strings"

	"charm.land/lipgloss/v2"
	xansi "github.com/charmbracelet/x/ansi"

	"github.com/pragyamugale/portfolio/internal/markdown"
)

// renderMarkdown renders Markdown in the styles' colours, through the
// shared cache: headings in the accent of the visitor's colour depth, so
// they match every other heading, and body text in their own foreground.
func renderMarkdown(src string, width int, st *Styles) string {
	return markdown.Render(src, width, markdown.Theme{
		Accent:     st.Palette.Accent.Spec(st.Profile, st.Background),
		Hyperlinks: st.Hyperlinks,
	})
}

// wrap word-wraps plain text to width, breaking words only when a single
// word is longer than the line.
func wrap(s string, width int) string {
	return xansi.Wrap(s, max(width, 1), "")
}

// bullet renders "  • text" with continuation lines indented under the text.
func bullet(st *Styles, text string, width int) string {
	return bulletIn(st, st.Text, text, width)
}

// bulletIn is bullet with the text in style.
func bulletIn(st *Styles, style lipgloss.Style, text string, width int) string {
	const indent = "    " // the width of "  • "
	lines := strings.Split(wrap(text, width-len(indent)), "\n")
	var b strings.Builder
	for i, l := range lines {
		if i == 0 {
			b.WriteString("  " + st.Marker.Render("•") + " ")
		} else {
			b.WriteString("\n" + indent)
		}
		b.WriteString(style.Render(l))
	}
	return b.String()
}

// flow lays out items left to right with sep between them, starting a new
// line when the next item would not fit. Items are never split unless one
// is wider than the whole line, so "REST APIs" stays together.
func flow(items []string, sep string, width int) []string {
	var lines []string
	var cur strings.Builder
	curW := 0
	sepW := lipgloss.Width(sep)
	for _, it := range items {
		w := lipgloss.Width(it)
		if w > width {
			it = xansi.Truncate(it, width-1, "…")
			w = lipgloss.Width(it)
		}
		switch {
		case curW == 0:
		case curW+sepW+w <= width:
			cur.WriteString(sep)
			curW += sepW
		default:
			lines = append(lines, cur.String())
			cur.Reset()
			curW = 0
		}
		cur.WriteString(it)
		curW += w
	}
	if curW > 0 {
		lines = append(lines, cur.String())
	}
	return lines
}

// tags renders technology tags separated by dots, flowed to width.
func tags(st *Styles, items []string, width int) string {
	styled := make([]string, len(items))
	for i, it := range items {
		styled[i] = st.Tag.Render(it)
	}
	return strings.Join(flow(styled, st.TagSep.Render(" · "), width), "\n")
}

// truncate cuts a possibly styled string to width cells, with "…".
func truncate(s string, width int) string {
	return xansi.Truncate(s, max(width, 1), "…")
}
