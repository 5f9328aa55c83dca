package web

import (
	"bytes"
	"html/template"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// markdownHTML renders the portfolio's Markdown (the same source glamour
// draws in the terminal) as HTML. Raw HTML in the source is dropped and
// dangerous link schemes (javascript:, …) are removed: goldmark does both
// unless told otherwise. Headings move down by shift levels, so a case
// study's "## Goal" sits under the heading of the article holding it.
func markdownHTML(src string, shift int) (template.HTML, error) {
	md := goldmark.New(
		goldmark.WithExtensions(extension.GFM),
		goldmark.WithParserOptions(parser.WithASTTransformers(
			util.Prioritized(headingShift(shift), 100),
		)),
	)
	var buf bytes.Buffer
	if err := md.Convert([]byte(src), &buf); err != nil {
		return "", err
	}
	return template.HTML(buf.String()), nil // #nosec: goldmark escaped it (no WithUnsafe)
}

// headingShift moves every heading down by its value (at most to h6).
type headingShift int

func (s headingShift) Transform(doc *ast.Document, _ text.Reader, _ parser.Context) {
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if h, ok := n.(*ast.Heading); ok && entering {
			h.Level = min(h.Level+int(s), 6)
		}
		return ast.WalkContinue, nil
	})
}
