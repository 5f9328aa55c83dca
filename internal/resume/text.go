package resume

import (
	"regexp"
	"strings"

	xansi "github.com/charmbracelet/x/ansi"

	"github.com/pragyamugale/portfolio/content"
	"github.com/pragyamugale/portfolio/internal/markdown"
)

// The CV as text for pasting into an application form (PlainText) or a
// README, a gist or an email that renders Markdown (MarkdownText). Both
// are wrapped at width columns, with list items' lines hanging under their
// text, so they read well pasted as they are and reflow where the
// target wraps on its own.

// DefaultWidth is the width text is wrapped at when none is given.
const DefaultWidth = 80

func clampWidth(w int) int {
	if w <= 0 {
		return DefaultWidth
	}
	return max(30, min(w, 120))
}

// wrap word-wraps s to width at spaces only: a line broken after the
// hyphen of "high-volume" would paste as "high- volume" into a form that
// reflows it. A word longer than the width keeps a line of its own.
func wrap(s string, width int) []string {
	var lines []string
	cur, curW := "", 0
	for _, w := range strings.Fields(s) {
		ww := xansi.StringWidth(w)
		switch {
		case cur == "":
			cur, curW = w, ww
		case curW+1+ww <= width:
			cur, curW = cur+" "+w, curW+1+ww
		default:
			lines = append(lines, cur)
			cur, curW = w, ww
		}
	}
	return append(lines, cur)
}

// writer builds one of the two text formats; md marks Markdown.
type writer struct {
	b     strings.Builder
	width int
	md    bool
	// inList: the last block was a list item. In Markdown a block that
	// isn't one starts after a blank line, or it would join the one before.
	inBlock, inList bool
}

// block starts a block: in Markdown after a blank line, unless it is a
// list item following another.
func (w *writer) block(listItem bool) {
	if w.md && w.inBlock && !(listItem && w.inList) {
		w.b.WriteString("\n")
	}
	w.inBlock, w.inList = true, listItem
}

// gap is a blank line between entries, and resets the block state.
func (w *writer) gap() {
	w.b.WriteString("\n")
	w.inBlock, w.inList = false, false
}

func (w *writer) para(s string) {
	w.block(false)
	w.b.WriteString(strings.Join(w.safe(wrap(s, w.width)), "\n") + "\n")
}

func (w *writer) bullet(s string) {
	w.block(true)
	lines := w.safe(wrap(s, w.width-2))
	w.b.WriteString("- " + strings.Join(lines, "\n  ") + "\n")
}

// blockStart finds what would begin a Markdown block at the start of a
// line: a list marker, a heading, a quote, a rule or a table.
var blockStart = regexp.MustCompile(`^([-+*>#=|]|\d+[.)])`)

// safe keeps wrapped lines from starting a Markdown block of their own
// (a "- " that wrapping put first would start a list): such a line's
// first character is escaped. Text is left as it is.
func (w *writer) safe(lines []string) []string {
	if !w.md {
		return lines
	}
	for i := 1; i < len(lines); i++ {
		if m := blockStart.FindStringIndex(lines[i]); m != nil {
			lines[i] = lines[i][:m[1]-1] + `\` + lines[i][m[1]-1:]
		}
	}
	return lines
}

func (w *writer) section(title string) {
	w.gap()
	if w.md {
		w.b.WriteString("## " + title + "\n\n")
	} else {
		w.b.WriteString(strings.ToUpper(title) + "\n" + strings.Repeat("-", xansi.StringWidth(title)) + "\n")
	}
	w.inBlock, w.inList = false, false
}

// item is an entry's headline, a heading in Markdown, with its dates
// after.
func (w *writer) item(headline, when string) {
	line := headline
	if w.md {
		line = "### " + mdEscape(headline)
	}
	if when != "" {
		line += " (" + when + ")"
	}
	w.para(line)
}

// mdEscape keeps the owner's text literal in Markdown.
func mdEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, "*", `\*`, "_", `\_`, "`", "\\`", "[", `\[`, "]", `\]`, "<", `\<`).Replace(s)
}

// esc is mdEscape in Markdown, s as it is in text.
func (w *writer) esc(s string) string {
	if w.md {
		return mdEscape(s)
	}
	return s
}

// PlainText is the CV as plain text wrapped at width (DefaultWidth if 0).
func PlainText(pf *content.Portfolio, width int) string {
	return write(pf, clampWidth(width), false)
}

// MarkdownText is the CV as Markdown wrapped at width (DefaultWidth if 0).
func MarkdownText(pf *content.Portfolio, width int) string {
	return write(pf, clampWidth(width), true)
}

func write(pf *content.Portfolio, width int, md bool) string {
	w := &writer{width: width, md: md}
	p := pf.Profile
	if md {
		w.para("# " + mdEscape(p.Name))
		w.para("**" + mdEscape(p.Title) + "**")
	} else {
		w.b.WriteString(strings.Join(wrap(p.Name, width), "\n") + "\n")
		w.b.WriteString(strings.Repeat("=", min(xansi.StringWidth(p.Name), width)) + "\n")
		w.para(p.Title)
	}
	if facts := headerFacts(p); len(facts) > 0 {
		w.para(w.esc(strings.Join(facts, " · ")))
	}
	if cs := contacts(p); len(cs) > 0 {
		parts := make([]string, len(cs))
		for i, c := range cs {
			if md {
				parts[i] = c.Label + ": [" + mdEscape(c.Text) + "](" + c.URL + ")"
			} else {
				parts[i] = c.Label + ": " + c.Text
			}
		}
		w.para(strings.Join(parts, " · "))
	}

	w.section(secSummary)
	for i, s := range summaryLines(p) {
		if i > 0 && !md {
			w.gap()
		}
		w.para(w.esc(s))
	}
	if body := strings.TrimSpace(p.Body); body != "" {
		w.gap()
		if md {
			w.b.WriteString(body + "\n")
		} else {
			w.b.WriteString(markdown.Render(body, width, markdown.Theme{Plain: true}) + "\n")
		}
	}

	if len(p.Experience) > 0 {
		w.section(secExperience)
		for i, j := range p.Experience {
			if i > 0 {
				w.gap()
			}
			w.item(jobHeadline(j), span(j.Start, j.End, true))
			if j.Location != "" {
				w.para(w.esc(j.Location))
			}
			if j.Summary != "" {
				w.para(w.esc(j.Summary))
			}
			for _, h := range j.Highlights {
				w.bullet(w.esc(h))
			}
		}
	}

	if len(pf.Projects) > 0 {
		w.section(secProjects)
		for i, pr := range pf.Projects {
			if i > 0 {
				w.gap()
			}
			w.item(pr.Title, "")
			w.para(w.esc(pr.Summary))
			for _, h := range pr.Highlights {
				w.bullet(w.esc(h))
			}
			if len(pr.Stack) > 0 {
				w.para(w.esc("Stack: " + strings.Join(pr.Stack, ", ")))
			}
		}
	}

	if len(pf.Skills.Groups) > 0 {
		w.section(secSkills)
		for _, g := range pf.Skills.Groups {
			name := g.Name + ":"
			if md {
				name = "**" + mdEscape(g.Name) + ":**"
			}
			w.bullet(name + " " + w.esc(strings.Join(g.Items, ", ")))
		}
	}

	if len(p.Education) > 0 {
		w.section(secEducation)
		for _, s := range p.Education {
			w.item(schoolHeadline(s), span(s.Start, s.End, false))
		}
	}
	return w.b.String()
}
