package ui

import (
	"strings"

	"github.com/pragyamugale/portfolio/content"
	"github.com/pragyamugale/portfolio/internal/markdown"
)

// newCaseStudy is the full case study of one project: title, stack and the
// Markdown body, scrollable, ending with where to go next (the next case
// study, or back to the list). next is pr itself when it is the only one.
func newCaseStudy(c *common, pr, next content.Project) document {
	d := newDocument(c, func(width int) string {
		s := c.st()
		var b strings.Builder
		b.WriteString(s.Name.Render(wrap(pr.Title, width)) + "\n")
		b.WriteString(tags(s, pr.Stack, width) + "\n\n")
		b.WriteString(renderMarkdown(pr.Body, width, s) + "\n\n")
		b.WriteString(s.Rule.Render(strings.Repeat("─", min(width, 24))) + "\n")
		if next.Slug != pr.Slug {
			b.WriteString(keyHint(s, "n", "next: "+next.Title, width) + "\n")
		}
		b.WriteString(keyHint(s, "← esc", "back to all projects", width))
		return b.String()
	})
	d.heading = markdown.IsHeading
	return d
}

// keyHint is "key  what it does", the key in the key colour, wrapped with
// the description hanging under itself.
func keyHint(st *Styles, k, what string, width int) string {
	pad := len([]rune(k)) + 2
	lines := strings.Split(wrap(what, max(width-pad, 8)), "\n")
	for i := range lines {
		if i > 0 {
			lines[i] = strings.Repeat(" ", pad) + lines[i]
		}
	}
	return st.Help.ShortKey.Render(k) + "  " + strings.Join(lines, "\n")
}
