package ui

import (
	"strings"

	"github.com/pragyamugale/portfolio/content"
)

// renderContact is the invitation to get in touch.
func renderContact(pf *content.Portfolio, st *Styles, width int) string {
	var b strings.Builder
	b.WriteString(st.Heading.Render(wrap(pf.Contact.Heading, width)) + "\n\n")
	b.WriteString(renderMarkdown(pf.Contact.Body, width, st.Dark) + "\n")
	if len(pf.Profile.Links) > 0 {
		b.WriteString("\n")
		for _, l := range pf.Profile.Links {
			b.WriteString(bullet(st, l.Label+": "+l.URL, width) + "\n")
		}
	}
	return strings.TrimRight(b.String(), "\n")
}
