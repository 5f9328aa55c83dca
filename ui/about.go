package ui

import (
	"strings"

	"github.com/pragyamugale/portfolio/content"
)

// renderAbout is the About page: who, what, focus and how to get in touch.
func renderAbout(pf *content.Portfolio, st *Styles, width int) string {
	p := pf.Profile
	var b strings.Builder
	b.WriteString(st.Name.Render(wrap(p.Name, width)) + "\n")
	b.WriteString(st.Title.Render(wrap(p.Title, width)) + "\n\n")
	b.WriteString(st.Tagline.Render(wrap(p.Tagline, width)) + "\n\n")

	if len(p.Focus) > 0 {
		b.WriteString(st.Heading.Render("Focus") + "\n")
		for _, f := range p.Focus {
			b.WriteString(bullet(st, f, width) + "\n")
		}
		b.WriteString("\n")
	}
	if strings.TrimSpace(p.Body) != "" {
		b.WriteString(renderMarkdown(p.Body, width, st.Dark) + "\n\n")
	}

	b.WriteString(st.Heading.Render("Get in touch") + "\n")
	for _, l := range p.Links {
		b.WriteString(bullet(st, l.Label+": "+l.URL, width) + "\n")
	}
	b.WriteString(st.Muted.Render(wrap("Press 4 for Contact, 3 to read the project case studies, 2 for skills.", width)))
	return b.String()
}
