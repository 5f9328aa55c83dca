package ui

import (
	"strings"

	"charm.land/lipgloss/v2"
	xansi "github.com/charmbracelet/x/ansi"

	"github.com/pragyamugale/portfolio/content"
)

// renderAbout is the first screen, built to make a visitor stay: the name
// as a wordmark, the title and pitch, the results the case studies
// report, the projects in one line each and how to reach the owner, and
// how to save the CV (cv, if the door gives one); an invitation's greeting
// first. Every other word comes from the content files.
func renderAbout(pf *content.Portfolio, st *Styles, width int, cv, greeting string) string {
	p := pf.Profile
	var b strings.Builder
	if greeting != "" {
		// An invitation's greeting, above everything.
		b.WriteString(st.Heading.Render(wrap(greeting, width)) + "\n\n")
	}
	b.WriteString(wordmark(st, p.Name, width) + "\n")
	b.WriteString(st.Marker.Render("▌") + " " + st.Title.Render(truncate(p.Title, width-2)) + "\n")
	// The owner's links in one row under the name (clickable where the
	// terminal allows); with none, no row at all.
	if row := linksRow(st, p.Links, width); row != "" {
		b.WriteString(row + "\n")
	}
	b.WriteString("\n")
	b.WriteString(st.Tagline.Render(wrap(p.Tagline, width)) + "\n")
	if len(p.Focus) > 0 {
		b.WriteString(tags(st, p.Focus, width) + "\n")
	}

	var highlights []string
	for _, pr := range pf.Projects {
		highlights = append(highlights, pr.Highlights...)
	}
	if len(highlights) > 0 {
		b.WriteString("\n" + st.Heading.Render("Highlights") + "\n")
		for _, h := range highlights {
			b.WriteString(bullet(st, h, width) + "\n")
		}
	}

	b.WriteString("\n" + st.Heading.Render("Projects") + st.Muted.Render("  3 to read the case studies") + "\n")
	for _, pr := range pf.Projects {
		b.WriteString(bulletIn(st, st.Item, pr.Title, width) + "\n")
		b.WriteString("    " + st.Text.Render(firstLine(pr.Summary, width-4)) + "\n")
	}

	if strings.TrimSpace(p.Body) != "" {
		b.WriteString("\n" + renderMarkdown(p.Body, width, st) + "\n")
	}

	// The CV's command beside the heading when it fits, as the projects'
	// hint is: the first screen at 80×24 keeps every line it had.
	const touch = "Get in touch"
	cvLine := ""
	if cv != "" {
		if hint := "  CV: " + cv; xansi.StringWidth(touch+hint) <= width {
			b.WriteString("\n" + st.Heading.Render(touch) + st.Muted.Render(hint) + "\n")
		} else {
			b.WriteString("\n" + st.Heading.Render(touch) + "\n")
			cvLine = "\n" + st.Muted.Render(wrap("CV: "+cv, width))
		}
	} else {
		b.WriteString("\n" + st.Heading.Render(touch) + "\n")
	}
	for _, l := range p.Links {
		b.WriteString(bulletIn(st, linkStyle(st, l.URL), l.Label+": "+l.URL, width) + "\n")
	}
	b.WriteString(st.Muted.Render(wrap("Press 4 to leave "+p.FirstName()+" a message from right here.", width)))
	b.WriteString(cvLine)
	return b.String()
}

// linksRow is the profile's links as one row of their labels (wrapped if
// the window is narrower), each a link to its address where the terminal
// supports hyperlinks; "" when there are none.
func linksRow(st *Styles, links []content.Link, width int) string {
	if len(links) == 0 {
		return ""
	}
	items := make([]string, len(links))
	for i, l := range links {
		items[i] = linkStyle(st, l.URL).Render(l.Label)
	}
	return strings.Join(flow(items, st.TagSep.Render(" · "), width), "\n")
}

// wordmark is the owner's name after an accent bar, in bold: the
// strongest line on the first screen.
func wordmark(st *Styles, name string, width int) string {
	return st.Marker.Render("▌") + " " + st.Name.Render(truncate(name, width-2))
}

// linkStyle is the style of a link to url: underlined, and clickable where
// the terminal supports hyperlinks.
func linkStyle(st *Styles, url string) lipgloss.Style {
	if st.Hyperlinks {
		return st.Link.Hyperlink(url)
	}
	return st.Link
}

// firstLine is the first line of s wrapped to width, with "…" if more
// was cut: one line that ends on a whole word.
func firstLine(s string, width int) string {
	lines := strings.SplitN(wrap(s, max(width-1, 1)), "\n", 2)
	if len(lines) == 1 {
		return lines[0]
	}
	return strings.TrimRight(lines[0], " ,;:") + "…"
}
