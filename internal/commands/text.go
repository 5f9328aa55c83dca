package commands

import (
	"fmt"
	"strings"

	xansi "github.com/charmbracelet/x/ansi"

	"github.com/pragyamugale/portfolio/content"
	"github.com/pragyamugale/portfolio/internal/markdown"
)

// The plain-text portfolio: no escape codes, wrapped to a width, for pipes,
// scripts and screen readers. Each section starts with an underlined title
// so it reads well aloud and in `less`.

// heading is a title underlined with "=", both wrapped to width.
func heading(title string, width int) string {
	return underline(title, "=", width)
}

// subheading is a title underlined with "-".
func subheading(title string, width int) string {
	return underline(title, "-", width)
}

func underline(title, mark string, width int) string {
	t := wrap(title, width)
	longest := 0
	for _, l := range strings.Split(t, "\n") {
		longest = max(longest, xansi.StringWidth(l))
	}
	return t + "\n" + strings.Repeat(mark, longest) + "\n"
}

// wrap word-wraps to width with no trailing spaces.
func wrap(s string, width int) string {
	lines := strings.Split(xansi.Wrap(s, width, ""), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}

// plainMarkdown renders Markdown as plain text: "## " headings, and "-"
// bullets whose wrapped lines hang under their text.
func plainMarkdown(src string, width int) string {
	return markdown.Render(src, width, markdown.Theme{Plain: true})
}

// AboutText is the About section as plain text.
func AboutText(pf *content.Portfolio, width int) string {
	p := pf.Profile
	var b strings.Builder
	b.WriteString(heading(p.Name, width))
	b.WriteString(wrap(p.Title, width) + "\n\n")
	b.WriteString(wrap(p.Tagline, width) + "\n")
	if len(p.Focus) > 0 {
		b.WriteString("\nFocus:\n")
		for _, f := range p.Focus {
			b.WriteString(bulletText(f, width))
		}
	}
	if strings.TrimSpace(p.Body) != "" {
		b.WriteString("\n" + plainMarkdown(p.Body, width) + "\n")
	}
	if len(p.Links) > 0 {
		b.WriteString("\nLinks:\n")
		for _, l := range p.Links {
			b.WriteString(bulletText(l.Label+": "+l.URL, width))
		}
	}
	return b.String()
}

// SkillsText is the Skills section as plain text.
func SkillsText(pf *content.Portfolio, width int) string {
	var b strings.Builder
	b.WriteString(heading("Skills", width))
	b.WriteString(wrap("Areas: "+strings.Join(pf.Skills.Areas, ", "), width) + "\n")
	for _, g := range pf.Skills.Groups {
		b.WriteString("\n" + subheading(g.Name, width))
		b.WriteString(wrap(strings.Join(g.Items, ", "), width) + "\n")
	}
	return b.String()
}

// ProjectsText lists the case studies with their stack and summary.
func ProjectsText(pf *content.Portfolio, width int) string {
	var b strings.Builder
	b.WriteString(heading("Projects", width))
	for _, p := range pf.Projects {
		b.WriteString("\n" + wrap(p.Title, width) + "\n")
		b.WriteString(wrap("Stack: "+strings.Join(p.Stack, ", "), width) + "\n")
		b.WriteString(wrap(p.Summary, width) + "\n")
		b.WriteString(wrap("Read it: projects "+p.Slug, width) + "\n")
	}
	return b.String()
}

// ProjectText is one case study in full.
func ProjectText(p content.Project, width int) string {
	var b strings.Builder
	b.WriteString(heading(p.Title, width))
	b.WriteString(wrap("Stack: "+strings.Join(p.Stack, ", "), width) + "\n\n")
	b.WriteString(plainMarkdown(p.Body, width) + "\n")
	return b.String()
}

// ContactText is how to get in touch without the UI.
func ContactText(pf *content.Portfolio, width int, host string) string {
	var b strings.Builder
	b.WriteString(heading(pf.Contact.Heading, width))
	b.WriteString(plainMarkdown(pf.Contact.Body, width) + "\n")
	for _, l := range pf.Profile.Links {
		b.WriteString(bulletText(l.Label+": "+l.URL, width))
	}
	b.WriteString("\n" + wrap("Leave a message from your terminal:", width) + "\n\n")
	words := append([]string{"echo", `"Hello!"`, "|"}, strings.Fields(host)...)
	words = append(words, "contact", "--name", `"Your Name"`, "--reply-to", "you@example.com")
	b.WriteString(commandLine(width, words...))
	b.WriteString("\n" + wrap(fmt.Sprintf("or open the form in the full app: %s then press 4.", strings.Replace(host, "ssh ", "ssh -t ", 1)), width) + "\n")
	return b.String()
}

// AllText is the whole portfolio: what `ssh host` prints without a terminal.
func AllText(pf *content.Portfolio, width int, host string) string {
	parts := []string{AboutText(pf, width), SkillsText(pf, width)}
	for _, p := range pf.Projects {
		parts = append(parts, ProjectText(p, width))
	}
	parts = append(parts, ContactText(pf, width, host))
	return strings.Join(parts, "\n")
}

// commandLine shows a shell command, given word by word, indented by two
// spaces and continued with " \\" onto further lines when it doesn't fit
// the width, so it can still be copied and pasted.
func commandLine(width int, words ...string) string {
	var lines []string
	cur := " "
	for _, w := range words {
		if len(cur)+1+len(w) > width-2 && strings.TrimSpace(cur) != "" {
			lines = append(lines, cur+" \\")
			cur = "   "
		}
		cur += " " + w
	}
	lines = append(lines, cur)
	return strings.Join(lines, "\n") + "\n"
}

// bulletText is "  - text" with continuation lines indented.
func bulletText(text string, width int) string {
	lines := strings.Split(wrap(text, width-4), "\n")
	return "  - " + strings.Join(lines, "\n    ") + "\n"
}
