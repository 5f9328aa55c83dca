package content

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	xansi "github.com/charmbracelet/x/ansi"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"

	"github.com/pragyamugale/portfolio/internal/markdown"
)

// Report is what Check found: Errors the server refuses to start with,
// Warnings a visitor would miss. Its JSON shape is stable (docs/owner.md):
//
//	{"errors": [{"file": "…", "line": 3, "message": "…"}], "warnings": […]}
//
// with "line" left out when the finding is about a whole file.
type Report struct {
	Errors   []Finding `json:"errors"`
	Warnings []Finding `json:"warnings"`
	// Portfolio is the loaded content when there are no errors.
	Portfolio *Portfolio `json:"-"`
}

// MarshalJSON writes empty lists as [], never null, so readers need no
// special case.
func (r Report) MarshalJSON() ([]byte, error) {
	type plain Report
	if r.Errors == nil {
		r.Errors = []Finding{}
	}
	if r.Warnings == nil {
		r.Warnings = []Finding{}
	}
	return json.Marshal(plain(r))
}

// OK reports whether the content can be served (warnings allowed).
func (r Report) OK() bool { return len(r.Errors) == 0 }

// Err is the errors joined, each "file:line: message", or nil.
func (r Report) Err() error {
	if r.OK() {
		return nil
	}
	errs := make([]error, len(r.Errors))
	for i, f := range r.Errors {
		errs[i] = errors.New(f.String())
	}
	return errors.Join(errs...)
}

// The screen a check measures against: the smallest common terminal.
const (
	CheckWidth  = 80
	CheckHeight = 24
	// checkText is the text width of a page at CheckWidth (the frame's
	// one-column margins), checkRows the rows a page shows at CheckHeight
	// under the name line, tabs and rule, above the blank line and footer.
	checkText = CheckWidth - 2
	checkRows = CheckHeight - 5
)

// Check loads the content in dir (the embedded content when dir is "")
// and reports everything the server would refuse and everything a
// visitor would miss, each at its file and line. The server calls it at
// start; `portfolio check` prints it.
func Check(dir string) Report {
	if dir == "" {
		return checkContent(Embedded(), func(name string) string { return name })
	}
	info, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return Report{Errors: []Finding{{File: dir, Message: "content directory does not exist"}}}
	case err != nil:
		return Report{Errors: []Finding{{File: dir, Message: err.Error()}}}
	case !info.IsDir():
		return Report{Errors: []Finding{{File: dir, Message: "content directory is not a directory"}}}
	}
	return checkContent(os.DirFS(dir), func(name string) string {
		return filepath.Join(dir, filepath.FromSlash(name))
	})
}

// CheckFS is Check for content in fsys; files are named as in fsys.
func CheckFS(fsys fs.FS) Report {
	return checkContent(fsys, func(name string) string { return name })
}

func checkContent(fsys fs.FS, display func(string) string) Report {
	p, l := loadAll(fsys, display)
	if len(l.findings) > 0 {
		return Report{Errors: l.findings}
	}
	w := &warner{l: l}
	w.links(p)
	for _, pr := range p.Projects {
		w.summary(pr)
		w.highlights(pr)
		w.body(pr.Source, checkRows)
	}
	w.body(profilePath, checkRows+1) // About has no name line
	w.body(contactPath, checkRows)
	w.examples()
	return Report{Warnings: w.found, Portfolio: p}
}

// warner collects what a visitor would miss.
type warner struct {
	l     *loader
	found []Finding
}

func (w *warner) warn(file string, line int, format string, args ...any) {
	w.found = append(w.found, Finding{File: w.l.display(file), Line: line, Message: fmt.Sprintf(format, args...)})
}

// links: with none, a visitor's only way back to the owner is the form.
func (w *warner) links(p *Portfolio) {
	if len(p.Profile.Links) == 0 {
		w.warn(profilePath, w.l.at(profilePath, "links"),
			`no links: visitors can't find your email or profiles; add them under "links:" (label and url)`)
	}
}

// summary: the About page lists each case study with the first line of
// its summary; more is cut with "…".
func (w *warner) summary(pr Project) {
	// As ui's About page: the summary is indented by 4 and wrapped one
	// column short, then cut after its first line.
	room := checkText - 4 - 1
	if n := xansi.StringWidth(pr.Summary); n > room {
		w.warn(pr.Source, w.l.at(pr.Source, "summary"),
			"summary is %d columns: at %d columns the About page shows one line of %d and cuts the rest with …; shorten it to one line",
			n, CheckWidth, room)
	}
}

// figure is a number as a highlight states it: "10", "99.9%".
var figure = regexp.MustCompile(`[0-9][0-9.,]*%?`)

// figures are the numbers in s, without a trailing "." or ",".
func figures(s string) []string {
	var out []string
	for _, f := range figure.FindAllString(s, -1) {
		out = append(out, strings.TrimRight(f, ".,"))
	}
	return out
}

// highlights: every figure on the first screen must be backed by the
// case study, so no number is read that the visitor can't find.
func (w *warner) highlights(pr Project) {
	for i, h := range pr.Highlights {
		for _, f := range figures(h) {
			if !strings.Contains(pr.Body, f) {
				w.warn(pr.Source, w.l.itemLine(pr.Source, "highlights", i),
					"highlight %d (%q) says %q, which its case study doesn't: state it below or drop it", i+1, h, f)
			}
		}
	}
}

var mdParser = goldmark.New().Parser()

// tableRow is a line of a Markdown (GFM) table.
var tableRow = regexp.MustCompile(`^\s*\|.*\|\s*$`)

// body renders file's Markdown with the terminal's layout at CheckWidth
// and reports what won't fit: lines wider than the page, code lines the
// layout has to break, blocks taller than a screen, and tables, which
// the terminal shows as running text.
func (w *warner) body(file string, rows int) {
	doc, ok := w.l.docs[file]
	if !ok || strings.TrimSpace(doc.body) == "" {
		return
	}
	src := []byte(doc.body)
	lineOf := func(offset int) int {
		return doc.bodyLine + strings.Count(doc.body[:min(offset, len(doc.body))], "\n")
	}
	root := mdParser.Parse(text.NewReader(src))
	_ = ast.Walk(root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.FencedCodeBlock, *ast.CodeBlock:
			segs := n.Lines()
			if segs.Len() == 0 {
				return ast.WalkSkipChildren, nil
			}
			room := checkText - 2 // code is indented by two
			for i := range segs.Len() {
				seg := segs.At(i)
				l := strings.TrimRight(string(seg.Value(src)), "\n")
				if cw := xansi.StringWidth(strings.ReplaceAll(l, "\t", "    ")); cw > room {
					w.warn(file, lineOf(seg.Start), "code line is %d columns: at %d columns it breaks after %d; keep code lines under %d",
						cw, CheckWidth, room, room+1)
				}
			}
			if h := segs.Len(); h > rows {
				w.warn(file, lineOf(segs.At(0).Start), "code block is %d lines: at %d×%d a screen shows %d; split it", h, CheckWidth, CheckHeight, rows)
			}
			return ast.WalkSkipChildren, nil
		case *ast.Paragraph:
			segs := n.Lines()
			first := segs.At(0)
			if segs.Len() > 1 && tableRow.MatchString(string(first.Value(src))) {
				w.warn(file, lineOf(segs.At(0).Start),
					"a table: the terminal app shows tables as running text, and at %d columns no table of more than a few short cells fits; use a list", CheckWidth)
			}
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	// Whatever else the layout can't fit: measured as the app renders it.
	out := markdown.Render(strings.TrimSpace(doc.body), checkText, markdown.Theme{})
	for i, l := range strings.Split(out, "\n") {
		if cw := xansi.StringWidth(l); cw > checkText {
			w.warn(file, doc.bodyLine, "rendered line %d is %d columns, wider than the %d of an %d-column terminal", i+1, cw, checkText, CheckWidth)
		}
	}
}

// exampleMark is how Init marks its example lines.
// ("value" # EXAMPLE at the end of a YAML line, <!-- EXAMPLE: … --> on a
// line of Markdown of its own).
var exampleMark = regexp.MustCompile(`#\s*EXAMPLE\s*$|^\s*<!--\s*EXAMPLE\b`)

// examples: text from Init's skeleton still marked as an example, once
// per file, at its first line.
func (w *warner) examples() {
	files := make([]string, 0, len(w.l.texts))
	for f := range w.l.texts {
		files = append(files, f)
	}
	slices.Sort(files)
	for _, f := range files {
		first, n := 0, 0
		for i, line := range strings.Split(w.l.texts[f], "\n") {
			if exampleMark.MatchString(line) {
				if n == 0 {
					first = i + 1
				}
				n++
			}
		}
		switch {
		case n == 1:
			w.warn(f, first, "this line still holds an example from portfolio init (marked EXAMPLE): replace it and delete the mark")
		case n > 1:
			w.warn(f, first, "%d lines still hold examples from portfolio init (marked EXAMPLE), the first here: replace them and delete the marks", n)
		}
	}
}
