// Package markdown renders the portfolio's Markdown for terminals and for
// plain text, once per (source, width, theme), shared by every session.
package markdown

import (
	"regexp"
	"strings"
	"sync"

	"charm.land/glamour/v2"
	gansi "charm.land/glamour/v2/ansi"
	"charm.land/glamour/v2/styles"
	xansi "github.com/charmbracelet/x/ansi"

	"github.com/pragyamugale/portfolio/internal/cache"
)

// Markdown is rendered with glamour once per (source, width, theme) and
// shared by every session: glamour costs milliseconds and a megabyte of
// garbage per render, far too much for a keypress or a new visitor. Colours
// are emitted in truecolor and reduced to each visitor's colour profile by
// Bubble Tea's renderer on the way out.
var mdCache = cache.New[mdKey, *mdEntry](mdCacheMax)

// mdCacheMax bounds the cache: a visitor resizing through every width can't
// grow it without limit. It holds every width of every page many times over.
const mdCacheMax = 2048

type mdKey struct {
	src   string
	width int
	theme Theme
}

// Theme selects the rendering: colours for a dark or light background with
// headings in Accent (#RRGGBB), or Plain text with no escape codes at all.
type Theme struct {
	Plain  bool
	Dark   bool
	Accent string
}

type mdEntry struct {
	once sync.Once
	out  string
}

// Render returns src rendered for a text width and theme.
func Render(src string, width int, theme Theme) string {
	e := mdCache.GetOrAdd(mdKey{src, width, theme}, func() *mdEntry { return &mdEntry{} })
	// Concurrent sessions asking for the same entry wait for one render.
	e.once.Do(func() { e.out = glamourRender(src, width, theme) })
	return e.out
}

// CacheLen is the number of cached renderings, for tests.
func CacheLen() int { return mdCache.Len() }

func glamourRender(src string, width int, theme Theme) string {
	r, err := glamour.NewTermRenderer(
		glamour.WithStyles(glamourStyle(theme)),
		glamour.WithWordWrap(width),
	)
	var out string
	if err == nil {
		out, err = r.Render(src)
	}
	if err != nil {
		// Content is validated at start-up, so this is unexpected; plain
		// wrapped text is still better than an error on a visitor's screen.
		return xansi.Wrap(src, width, "")
	}
	out = trimBlankLines(out)
	if theme.Plain {
		out = xansi.Strip(out) // belt and braces: plain means no escapes
	}
	return out
}

// glamourStyle adapts glamour's standard styles to the portfolio: no
// document margin (the layout owns margins) and headings in the accent
// colour with a marker that stays visible without colour. Plain text keeps
// Markdown's "## " headings and drops the ** and _ around emphasis.
func glamourStyle(theme Theme) gansi.StyleConfig {
	var cfg gansi.StyleConfig
	switch {
	case theme.Plain:
		cfg = styles.ASCIIStyleConfig
		cfg.Strong.BlockPrefix, cfg.Strong.BlockSuffix = "", ""
		cfg.Emph.BlockPrefix, cfg.Emph.BlockSuffix = "", ""
	case theme.Dark:
		cfg = styles.DarkStyleConfig
	default:
		cfg = styles.LightStyleConfig
	}
	zero := uint(0)
	cfg.Document.Margin = &zero
	cfg.Document.BlockPrefix = ""
	cfg.Document.BlockSuffix = ""
	if !theme.Plain {
		accent := theme.Accent
		cfg.Heading.Color = &accent
		cfg.H2.Prefix = "▍"
		cfg.H3.Prefix = "▍"
	}
	return cfg
}

// trimBlankLines drops leading and trailing blank lines and the padding
// glamour adds at the end of each line, which only costs bytes on the wire.
func trimBlankLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = trimRightSpaceANSI(l)
	}
	for len(lines) > 0 && xansi.Strip(lines[0]) == "" {
		lines = lines[1:]
	}
	for len(lines) > 0 && xansi.Strip(lines[len(lines)-1]) == "" {
		lines = lines[:len(lines)-1]
	}
	return strings.Join(lines, "\n")
}

// trimRightSpaceANSI removes trailing spaces from a styled line, keeping the
// styling sequences that follow them so attributes are still reset.
func trimRightSpaceANSI(l string) string {
	w := xansi.StringWidth(l)
	plain := xansi.Strip(l)
	keep := len(strings.TrimRight(plain, " "))
	if keep == len(plain) {
		return l
	}
	// Width of the kept plain prefix in cells; truncate the styled line to it.
	kw := xansi.StringWidth(plain[:keep])
	if kw >= w {
		return l
	}
	return noopSGR.ReplaceAllString(xansi.Truncate(l, kw, "")+"\x1b[m", "\x1b[m")
}

// noopSGR matches styling that is set and reset with no text between: it
// changes nothing on screen but costs bytes on every frame.
var noopSGR = regexp.MustCompile(`(\x1b\[[0-9;]*m)+\x1b\[0?m`)
