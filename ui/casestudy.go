package ui

import (
	"strings"

	"github.com/pragyamugale/portfolio/content"
)

// newCaseStudy is the full case study of one project: title, stack and the
// Markdown body rendered with glamour, scrollable.
func newCaseStudy(pr content.Project, st func() *Styles) document {
	return newDocument(func(width int) string {
		s := st()
		var b strings.Builder
		b.WriteString(s.Name.Render(wrap(pr.Title, width)) + "\n")
		b.WriteString(tags(s, pr.Stack, width) + "\n\n")
		b.WriteString(renderMarkdown(pr.Body, width, s.Dark))
		return b.String()
	})
}
