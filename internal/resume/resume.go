// Package resume is the owner's CV, built from the same content as every
// other door (content.Portfolio), in the formats recruiters' tools take:
// PDF (text, not images, with its fonts embedded), JSON in the JSON Resume
// schema v1.0.0, Markdown and plain text.
//
// A section appears only when the content has its data: experience,
// education, location and availability are optional fields of profile.md,
// absent until the owner writes them. Nothing here names the owner.
//
// Every format is a pure function of the content: the same content gives
// the same bytes, so the web door can serve them with an ETag.
package resume

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"unicode"

	"github.com/pragyamugale/portfolio/content"
	"github.com/pragyamugale/portfolio/internal/cache"
)

// Format is one of the CV's formats.
type Format string

// The formats, as `resume --format` names them.
const (
	PDF      Format = "pdf"
	JSON     Format = "json"
	Markdown Format = "md"
	Text     Format = "txt"
)

// Command is the command line that saves the CV as a PDF, for help
// texts, the first screen, the farewell and the web page:
// "ssh host resume --format pdf > cv.pdf", from how visitors connect.
func Command(sshCommand string) string {
	return strings.TrimSpace(sshCommand) + " resume --format pdf > cv.pdf"
}

// Formats are the formats in the order help texts list them.
var Formats = []Format{PDF, JSON, Markdown, Text}

// ParseFormat reads a --format value ("markdown", "text" and "pdf" in any
// case are accepted too).
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "pdf":
		return PDF, nil
	case "json":
		return JSON, nil
	case "md", "markdown":
		return Markdown, nil
	case "txt", "text", "":
		return Text, nil
	}
	return "", fmt.Errorf("unknown format %q: use one of %s", s, formatList())
}

func formatList() string {
	s := make([]string, len(Formats))
	for i, f := range Formats {
		s[i] = string(f)
	}
	return strings.Join(s, ", ")
}

// Paper is the PDF's page size.
type Paper string

// The paper sizes.
const (
	A4     Paper = "a4"
	Letter Paper = "letter"
)

// ParsePaper reads a --paper value.
func ParsePaper(s string) (Paper, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "a4", "":
		return A4, nil
	case "letter", "us-letter", "usletter":
		return Letter, nil
	}
	return "", fmt.Errorf("unknown paper %q: use a4 or letter", s)
}

// ContentType is the MIME type of a format.
func (f Format) ContentType() string {
	switch f {
	case PDF:
		return "application/pdf"
	case JSON:
		return "application/json"
	case Markdown:
		return "text/markdown; charset=utf-8"
	}
	return "text/plain; charset=utf-8"
}

// FileName is a file name for the owner's CV in format f, from their
// name: "Zoë Okafor" → "Zoë-Okafor-CV.pdf".
func FileName(pf *content.Portfolio, f Format) string {
	name := strings.Join(strings.FieldsFunc(pf.Profile.Name, func(r rune) bool {
		return !(r == '-' || r == '.' || r == '\'' || isLetterOrDigit(r))
	}), "-")
	if name == "" {
		name = "resume"
	}
	return name + "-CV." + string(f)
}

// Render is the CV in format f: paper for a PDF, width (columns) for
// text and Markdown.
func Render(pf *content.Portfolio, f Format, paper Paper, width int) ([]byte, error) {
	switch f {
	case PDF:
		return PDFBytes(pf, paper)
	case JSON:
		return JSONBytes(pf)
	case Markdown:
		return []byte(MarkdownText(pf, width)), nil
	case Text:
		return []byte(PlainText(pf, width)), nil
	}
	return nil, fmt.Errorf("unknown format %q", f)
}

// pdfKey is a rendered PDF in the cache: the content is loaded once and
// never changes, so its pointer and the paper name the bytes.
type pdfKey struct {
	pf    *content.Portfolio
	paper Paper
}

type pdfResult struct {
	b   []byte
	err error
}

// pdfs keeps the PDFs rendered, so a command or a request doesn't lay
// the document out again (tens of milliseconds of font subsetting).
var pdfs = cache.New[pdfKey, pdfResult](8)

// PDFBytes is the CV as a PDF on paper.
func PDFBytes(pf *content.Portfolio, paper Paper) ([]byte, error) {
	if paper != Letter {
		paper = A4
	}
	r := pdfs.GetOrAdd(pdfKey{pf, paper}, func() pdfResult {
		b, err := renderPDF(pf, paper)
		return pdfResult{b, err}
	})
	return r.b, r.err
}

// Section titles, in the order they appear.
const (
	secSummary    = "Summary"
	secExperience = "Experience"
	secProjects   = "Projects"
	secSkills     = "Skills"
	secEducation  = "Education"
)

// contact is one way to reach the owner as a CV shows it: the address
// without "mailto:" or "https://", and where it leads.
type contact struct {
	Label, Text, URL string
}

// contacts are the profile's links as the CV's header lists them.
func contacts(p content.Profile) []contact {
	var out []contact
	for _, l := range p.Links {
		out = append(out, contact{Label: l.Label, Text: displayURL(l.URL), URL: l.URL})
	}
	return out
}

// displayURL is an address as people write it: "me@example.org",
// "github.com/me".
func displayURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	switch u.Scheme {
	case "mailto":
		return u.Opaque
	case "http", "https":
		s := strings.TrimPrefix(u.Host, "www.") + strings.TrimSuffix(u.EscapedPath(), "/")
		if u.RawQuery != "" {
			s += "?" + u.RawQuery
		}
		return s
	case "tel":
		return u.Opaque
	}
	return raw
}

// span is a job's or school's dates: "Jul 2021 – Present", "2015 – 2019",
// "2019", or "".
func span(start, end content.Date, current bool) string {
	switch {
	case start.IsZero() && end.IsZero():
		return ""
	case start.IsZero():
		return end.Human()
	case end.IsZero() && current:
		return start.Human() + " – Present"
	case end.IsZero():
		return start.Human()
	case start == end:
		return start.Human()
	}
	return start.Human() + " – " + end.Human()
}

// headline is a job's first line: "Role, Company".
func jobHeadline(j content.Job) string { return j.Role + ", " + j.Company }

// schoolHeadline is "Degree in Area, Institution", with what is given.
func schoolHeadline(s content.School) string {
	what := s.Degree
	switch {
	case what != "" && s.Area != "":
		what += " in " + s.Area
	case what == "":
		what = s.Area
	}
	if what == "" {
		return s.Institution
	}
	return what + ", " + s.Institution
}

// summaryLines are the Summary section's paragraphs: the tagline and
// the focus areas.
func summaryLines(p content.Profile) []string {
	out := []string{p.Tagline}
	if len(p.Focus) > 0 {
		out = append(out, "Focus: "+strings.Join(p.Focus, " · "))
	}
	return slices.DeleteFunc(out, func(s string) bool { return strings.TrimSpace(s) == "" })
}

// headerFacts is the line under the title: location and availability.
func headerFacts(p content.Profile) []string {
	var out []string
	if p.Location != "" {
		out = append(out, p.Location)
	}
	if p.Availability != "" {
		out = append(out, p.Availability)
	}
	return out
}

func isLetterOrDigit(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}
