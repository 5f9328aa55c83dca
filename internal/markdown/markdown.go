// Package markdown renders the portfolio's Markdown for terminals and for
// plain text, once per (source, width, theme), shared by every session.
//
// goldmark parses; the layout is the portfolio's own, because a terminal
// page needs what general renderers don't do: wrapped list items hang
// under their text rather than under the bullet, headings sit close to the
// text they introduce, body text keeps the terminal's own foreground colour
// (only headings are coloured, in the visitor's palette), and emphasis
// never relies on italics, which some terminals show as reverse video.
package markdown

import (
	"bytes"
	"strconv"
	"strings"
	"sync"

	"charm.land/lipgloss/v2"
	xansi "github.com/charmbracelet/x/ansi"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"

	"github.com/pragyamugale/portfolio/internal/cache"
)

// Markdown is rendered once per (source, width, theme) and shared by every
// session: a new visitor or a keypress never parses Markdown again.
var mdCache = cache.New[mdKey, *mdEntry](mdCacheMax)

// mdCacheMax bounds the cache: a visitor resizing through every width can't
// grow it without limit. It holds every width of every page many times over.
const mdCacheMax = 2048

type mdKey struct {
	src   string
	width int
	theme Theme
}

// Theme selects the rendering. Plain is text with no escape codes at all
// ("## " headings, "-" bullets). Otherwise headings are bold in Accent (a
// colour as lipgloss.Color reads it: "#RRGGBB", an ANSI index "0"–"255", or
// "" for the terminal's own colour), bold is bold, and links are underlined,
// and clickable (OSC 8) when Hyperlinks is set.
type Theme struct {
	Plain      bool
	Accent     string
	Hyperlinks bool
}

type mdEntry struct {
	once sync.Once
	out  string
}

// Render returns src rendered for a text width and theme.
func Render(src string, width int, theme Theme) string {
	e := mdCache.GetOrAdd(mdKey{src, width, theme}, func() *mdEntry { return &mdEntry{} })
	// Concurrent sessions asking for the same entry wait for one render.
	e.once.Do(func() { e.out = render(src, max(width, 8), theme) })
	return e.out
}

// CacheLen is the number of cached renderings, for tests.
func CacheLen() int { return mdCache.Len() }

var parser = goldmark.New().Parser()

// renderer lays out one document.
type renderer struct {
	src   []byte
	theme Theme
	head  lipgloss.Style
	bold  lipgloss.Style
	link  lipgloss.Style
	out   []string // lines so far
	// gap is whether the next block wants a blank line before it: every
	// block does except the one right under a heading.
	gap bool
}

func render(src string, width int, theme Theme) string {
	r := &renderer{src: []byte(src), theme: theme}
	if !theme.Plain {
		base := lipgloss.NewStyle()
		r.head = base.Bold(true)
		if theme.Accent != "" {
			r.head = r.head.Foreground(lipgloss.Color(theme.Accent))
		}
		r.bold = base.Bold(true)
		r.link = base.Underline(true)
	}
	doc := parser.Parse(text.NewReader(r.src))
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		r.block(n, width, "")
	}
	return strings.Join(r.out, "\n")
}

// add appends a block's lines, with a blank line before it if wanted.
func (r *renderer) add(lines []string, gapAfter bool) {
	if len(r.out) > 0 && r.gap {
		r.out = append(r.out, "")
	}
	r.out = append(r.out, lines...)
	r.gap = gapAfter
}

// block renders a block node at width, every line starting with indent.
func (r *renderer) block(n ast.Node, width int, indent string) {
	switch n := n.(type) {
	case *ast.Heading:
		title := r.flow(r.inlines(n), width-2)
		for i, l := range title {
			switch {
			case r.theme.Plain && i == 0:
				title[i] = strings.Repeat("#", n.Level) + " " + l
			case r.theme.Plain:
				title[i] = strings.Repeat(" ", n.Level+1) + l
			case i == 0:
				title[i] = r.head.Render(headingMark + l)
			default:
				title[i] = r.head.Render(" " + l)
			}
		}
		// A heading belongs to what follows: space above, none below.
		if len(r.out) > 0 {
			r.gap = true
		}
		r.add(prefix(title, indent, indent), false)
	case *ast.List:
		r.list(n, width, indent)
	case *ast.FencedCodeBlock, *ast.CodeBlock:
		var lines []string
		segs := n.Lines()
		for i := range segs.Len() {
			seg := segs.At(i)
			l := strings.TrimRight(string(seg.Value(r.src)), "\n")
			lines = append(lines, strings.Split(xansi.Hardwrap(l, max(width-2, 1), true), "\n")...)
		}
		r.add(prefix(lines, indent+"  ", indent+"  "), true)
	case *ast.Blockquote:
		sub := &renderer{src: r.src, theme: r.theme, head: r.head, bold: r.bold, link: r.link}
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			sub.block(c, width-2, "")
		}
		r.add(prefix(sub.out, indent+"│ ", indent+"│ "), true)
	case *ast.ThematicBreak:
		r.add([]string{indent + strings.Repeat("─", max(width, 1))}, true)
	case *ast.HTMLBlock:
		// Raw HTML means nothing in a terminal.
	default: // paragraphs and anything else with inline text
		r.add(prefix(r.flow(r.inlines(n), width), indent, indent), true)
	}
}

// list renders each item as a bullet (or number) with its wrapped lines
// hanging under the item's text.
func (r *renderer) list(l *ast.List, width int, indent string) {
	num := l.Start
	for item := l.FirstChild(); item != nil; item = item.NextSibling() {
		marker := "•"
		if r.theme.Plain {
			marker = "-"
		}
		if l.IsOrdered() {
			marker = strconv.Itoa(num) + "."
			num++
		}
		first := indent + "  " + marker + " "
		hang := indent + strings.Repeat(" ", xansi.StringWidth(marker)+3)
		inner := width - (xansi.StringWidth(first) - len(indent))
		started := false
		for c := item.FirstChild(); c != nil; c = c.NextSibling() {
			if sub, ok := c.(*ast.List); ok {
				save := r.gap
				r.gap = false
				r.list(sub, width-(len(hang)-len(indent)), hang)
				r.gap = save
				continue
			}
			lines := r.flow(r.inlines(c), inner)
			if !started {
				r.gap = r.gap && item == l.FirstChild()
				r.add(prefix(lines, first, hang), false)
				started = true
			} else {
				r.gap = !l.IsTight
				r.add(prefix(lines, hang, hang), false)
			}
		}
		r.gap = !l.IsTight
	}
	r.gap = true
}

// prefix puts first before the first line and rest before the others.
func prefix(lines []string, first, rest string) []string {
	for i, l := range lines {
		p := rest
		if i == 0 {
			p = first
		}
		lines[i] = strings.TrimRight(p+l, " ")
	}
	return lines
}

// word is a run of text without spaces, with how it is shown.
type word struct {
	text  string
	bold  bool
	link  string // URL, if part of a link
	space bool   // whitespace before it
	br    bool   // a hard line break, not a word
}

// inlines flattens a block's inline content into words.
func (r *renderer) inlines(n ast.Node) []word {
	var ws []word
	space := false
	emit := func(s string, bold bool, link string) {
		if s == "" {
			return
		}
		if strings.IndexFunc(s[:1], isSpace) == 0 {
			space = true
		}
		fields := strings.Fields(s)
		for i, f := range fields {
			ws = append(ws, word{text: f, bold: bold, link: link, space: space || i > 0})
			space = false
		}
		if strings.LastIndexFunc(s, isSpace) == len(s)-1 {
			space = true
		}
	}
	var walk func(n ast.Node, bold bool, link string)
	walk = func(n ast.Node, bold bool, link string) {
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			switch c := c.(type) {
			case *ast.Text:
				emit(string(c.Value(r.src)), bold, link)
				switch {
				case c.HardLineBreak():
					ws = append(ws, word{br: true})
					space = false
				case c.SoftLineBreak():
					space = true
				}
			case *ast.String:
				emit(string(c.Value), bold, link)
			case *ast.CodeSpan:
				var b bytes.Buffer
				for t := c.FirstChild(); t != nil; t = t.NextSibling() {
					if s, ok := t.(*ast.Text); ok {
						b.Write(s.Value(r.src))
					}
				}
				emit(b.String(), bold, link)
			case *ast.Emphasis:
				walk(c, bold || c.Level >= 2, link)
			case *ast.Link:
				url := string(c.Destination)
				before := len(ws)
				walk(c, bold, url)
				if !r.theme.Hyperlinks && linkText(ws[before:]) != url {
					emit(" ("+url+")", bold, "")
				}
			case *ast.AutoLink:
				emit(string(c.URL(r.src)), bold, string(c.URL(r.src)))
			case *ast.Image:
				walk(c, bold, link) // its alt text
			case *ast.RawHTML:
			default:
				walk(c, bold, link)
			}
		}
	}
	walk(n, false, "")
	return ws
}

func isSpace(r rune) bool { return r == ' ' || r == '\t' || r == '\n' }

func linkText(ws []word) string {
	parts := make([]string, len(ws))
	for i, w := range ws {
		parts[i] = w.text
	}
	return strings.Join(parts, " ")
}

// flow fills lines of at most width cells with words, breaking a word only
// when it is longer than a whole line, and styles each line.
func (r *renderer) flow(ws []word, width int) []string {
	width = max(width, 1)
	var lines [][]word
	var cur []word
	curW := 0
	for _, w := range ws {
		if w.br {
			lines, cur, curW = append(lines, cur), nil, 0
			continue
		}
		ww := xansi.StringWidth(w.text)
		if ww > width { // longer than a line: split it
			for _, part := range strings.Split(xansi.Hardwrap(w.text, width, false), "\n") {
				if curW > 0 {
					lines, cur, curW = append(lines, cur), nil, 0
				}
				p := w
				p.text, p.space = part, false
				cur, curW = append(cur, p), xansi.StringWidth(part)
			}
			continue
		}
		gap := 0
		if curW > 0 && w.space {
			gap = 1
		}
		if curW > 0 && curW+gap+ww > width {
			lines, cur, curW, gap = append(lines, cur), nil, 0, 0
		}
		cur = append(cur, w)
		curW += gap + ww
	}
	if len(cur) > 0 || len(lines) == 0 {
		lines = append(lines, cur)
	}
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = r.line(l)
	}
	return out
}

// line renders one line of words, styling runs of the same kind together.
func (r *renderer) line(ws []word) string {
	var b strings.Builder
	for i := 0; i < len(ws); {
		j := i + 1
		for j < len(ws) && ws[j].bold == ws[i].bold && ws[j].link == ws[i].link {
			j++
		}
		var run strings.Builder
		for k := i; k < j; k++ {
			if k > i && ws[k].space {
				run.WriteByte(' ')
			}
			run.WriteString(ws[k].text)
		}
		if i > 0 && ws[i].space {
			b.WriteByte(' ')
		}
		b.WriteString(r.style(ws[i]).Render(run.String()))
		i = j
	}
	return b.String()
}

func (r *renderer) style(w word) lipgloss.Style {
	if r.theme.Plain {
		return lipgloss.Style{}
	}
	st := lipgloss.NewStyle()
	if w.bold {
		st = r.bold
	}
	if w.link != "" {
		st = st.Inherit(r.link)
		if r.theme.Hyperlinks {
			st = st.Hyperlink(w.link)
		}
	}
	return st
}

// headingMark starts a heading's first line (but in Plain, where it is
// "#"s).
const headingMark = "▍"

// IsHeading reports whether a line of Render's output (ANSI styles and
// all, indented or not) is the first line of a heading.
func IsHeading(line string) bool {
	return strings.HasPrefix(strings.TrimLeft(xansi.Strip(line), " "), headingMark)
}
