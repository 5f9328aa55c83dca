package portfolio_test

// The documentation's links: every relative link and image in README.md,
// BENCHMARKS.md and docs/*.md points at a file that exists, and every
// #anchor at a heading of its page.

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
)

func TestDocLinks(t *testing.T) {
	pages, err := filepath.Glob(filepath.Join("docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	pages = append([]string{"README.md", "BENCHMARKS.md"}, pages...)
	anchors := map[string]map[string]bool{} // page → its heading anchors
	links := map[string][]string{}          // page → its link targets
	for _, p := range pages {
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		anchors[filepath.Clean(p)], links[p] = scanMarkdown(src)
	}
	for _, p := range pages {
		for _, target := range links[p] {
			if target == "" || strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			file, anchor, _ := strings.Cut(target, "#")
			dest := filepath.Clean(p) // a bare #anchor is on this page
			if file != "" {
				dest = filepath.Join(filepath.Dir(p), file)
				if _, err := os.Stat(dest); err != nil {
					t.Errorf("%s: link to %q: %v", p, target, err)
					continue
				}
			}
			if anchor == "" || !strings.HasSuffix(dest, ".md") {
				continue
			}
			heads, ok := anchors[dest]
			if !ok {
				src, err := os.ReadFile(dest)
				if err != nil {
					t.Fatal(err)
				}
				heads, _ = scanMarkdown(src)
				anchors[dest] = heads
			}
			if !heads[anchor] {
				t.Errorf("%s: link to %q: %s has no heading with that anchor", p, target, dest)
			}
		}
	}
}

// imgSrc finds the images of raw HTML (<img src="…">).
var imgSrc = regexp.MustCompile(`<img[^>]*\ssrc="([^"]+)"`)

// scanMarkdown returns a Markdown page's heading anchors, as GitHub makes
// them, and the targets of its links and images.
func scanMarkdown(src []byte) (map[string]bool, []string) {
	anchors := map[string]bool{}
	var targets []string
	doc := goldmark.New().Parser().Parse(text.NewReader(src))
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			slug := githubSlug(string(nodeText(n, src)))
			for i := 0; ; i++ { // GitHub numbers repeated headings
				s := slug
				if i > 0 {
					s += "-" + string(rune('0'+i))
				}
				if !anchors[s] {
					anchors[s] = true
					break
				}
			}
		case *ast.Link:
			targets = append(targets, string(n.Destination))
		case *ast.Image:
			targets = append(targets, string(n.Destination))
		case *ast.HTMLBlock, *ast.RawHTML:
			var raw []byte
			if b, ok := n.(*ast.HTMLBlock); ok {
				for i := range b.Lines().Len() {
					seg := b.Lines().At(i)
					raw = append(raw, seg.Value(src)...)
				}
			} else {
				r := n.(*ast.RawHTML)
				for i := range r.Segments.Len() {
					seg := r.Segments.At(i)
					raw = append(raw, seg.Value(src)...)
				}
			}
			for _, m := range imgSrc.FindAllSubmatch(raw, -1) {
				targets = append(targets, string(m[1]))
			}
		}
		return ast.WalkContinue, nil
	})
	return anchors, targets
}

// nodeText is the text of a node's inline children (code spans included).
func nodeText(n ast.Node, src []byte) []byte {
	var b []byte
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch c := c.(type) {
		case *ast.Text:
			b = append(b, c.Segment.Value(src)...)
		case *ast.String:
			b = append(b, c.Value...)
		default:
			b = append(b, nodeText(c, src)...)
		}
	}
	return b
}

// githubSlug is the anchor GitHub gives a heading: lower case, letters,
// digits, hyphens and underscores kept, spaces made hyphens, the rest
// dropped.
func githubSlug(h string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(h)) {
		switch {
		case unicode.IsLetter(r), unicode.IsDigit(r), r == '-', r == '_':
			b.WriteRune(r)
		case r == ' ':
			b.WriteByte('-')
		}
	}
	return b.String()
}
