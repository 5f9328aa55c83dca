package resume

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"
	"github.com/go-fonts/liberation/liberationsansbold"
	"github.com/go-fonts/liberation/liberationsansitalic"
	"github.com/go-fonts/liberation/liberationsansregular"

	"github.com/pragyamugale/portfolio/content"
	"github.com/pragyamugale/portfolio/internal/markdown"
	"github.com/pragyamugale/portfolio/internal/theme"
)

// The PDF is text set in Liberation Sans (SIL Open Font License 1.1, from
// the go-fonts/liberation module), embedded as a subset: selectable, and
// read by applicant-tracking systems through each font's ToUnicode map.
// Liberation Sans covers Latin with Vietnamese, Greek (with polytonic)
// and Cyrillic; the Go fonts (golang.org/x/image/font/gofont) lack
// Vietnamese's letters (ễ, ơ, ư…), so a name such as "Nguyễn" could not
// be set with them (TestFontsCoverNames).

// epoch is the PDF's creation and modification date: fixed, so the same
// content gives the same bytes (a date of "now" would change them on
// every render and defeat the ETag).
var epoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// font is the family name the fonts are registered under.
const font = "sans"

// layout is one attempt's type sizes (points) and spacing (mm); a CV that
// doesn't fit two pages is set again a size smaller.
type layout struct {
	body, small, head, name float64
}

var layouts = []layout{
	{body: 10, small: 9, head: 11.5, name: 22},
	{body: 9.5, small: 8.5, head: 11, name: 21},
	{body: 9, small: 8, head: 10.5, name: 20},
	{body: 8.5, small: 7.5, head: 10, name: 19},
}

// maxPages is the longest a CV should be.
const maxPages = 2

func renderPDF(pf *content.Portfolio, paper Paper) ([]byte, error) {
	var b []byte
	for _, l := range layouts {
		out, pages, err := setPDF(pf, paper, l)
		if err != nil {
			return nil, err
		}
		b = out
		if pages <= maxPages {
			break
		}
	}
	return b, nil
}

// rgb reads "#RRGGBB".
func rgb(hex string) (int, int, int) {
	v, err := strconv.ParseUint(strings.TrimPrefix(hex, "#"), 16, 32)
	if err != nil {
		return 0, 0, 0
	}
	return int(v >> 16 & 0xff), int(v >> 8 & 0xff), int(v & 0xff)
}

// pdfDoc is one rendering.
type pdfDoc struct {
	*fpdf.Fpdf
	l                 layout
	left, right, text float64 // margins and text width, mm
	accent, muted     [3]int
}

func (d *pdfDoc) color(c [3]int) { d.SetTextColor(c[0], c[1], c[2]) }
func (d *pdfDoc) ink()           { d.SetTextColor(25, 25, 25) }

// lh is the line height in mm for a type size in points.
func lh(pt float64) float64 { return pt * 0.3528 * 1.35 }

func setPDF(pf *content.Portfolio, paper Paper, l layout) ([]byte, int, error) {
	size := "A4"
	if paper == Letter {
		size = "Letter"
	}
	f := fpdf.NewCustom(&fpdf.InitType{OrientationStr: "P", UnitStr: "mm", SizeStr: size})
	f.SetCreationDate(epoch)
	f.SetModificationDate(epoch)
	f.SetCatalogSort(true)
	p := pf.Profile
	f.SetTitle(p.Name+" – CV", true)
	f.SetAuthor(p.Name, true)
	f.SetSubject(p.Title, true)
	f.SetCreator("portfolio", true)
	f.SetProducer("portfolio", true)
	f.AddUTF8FontFromBytes(font, "", liberationsansregular.TTF)
	f.AddUTF8FontFromBytes(font, "B", liberationsansbold.TTF)
	f.AddUTF8FontFromBytes(font, "I", liberationsansitalic.TTF)
	const margin = 18.0
	f.SetMargins(margin, 16, margin)
	f.SetAutoPageBreak(true, 16)
	pw, _ := f.GetPageSize()
	d := &pdfDoc{Fpdf: f, l: l, left: margin, right: pw - margin, text: pw - 2*margin}
	r, g, b := rgb(theme.Palette.Accent.Light.True)
	d.accent = [3]int{r, g, b}
	r, g, b = rgb(theme.Palette.Muted.Light.True)
	d.muted = [3]int{r, g, b}
	f.AliasNbPages("{nb}")
	f.SetFooterFunc(func() {
		f.SetY(-11)
		f.SetFont(font, "", l.small)
		d.color(d.muted)
		f.CellFormat(0, 4, fmt.Sprintf("%s · %d/{nb}", p.Name, f.PageNo()), "", 0, "R", false, 0, "")
	})
	f.AddPage()
	d.header(p)
	d.summary(p)
	d.experience(p.Experience)
	d.projects(pf.Projects)
	d.skills(pf.Skills.Groups)
	d.education(p.Education)
	if err := f.Error(); err != nil {
		return nil, 0, err
	}
	var buf bytes.Buffer
	if err := f.Output(&buf); err != nil {
		return nil, 0, err
	}
	return buf.Bytes(), f.PageCount(), nil
}

func (d *pdfDoc) header(p content.Profile) {
	d.SetFont(font, "B", d.l.name)
	d.color(d.accent)
	d.MultiCell(d.text, lh(d.l.name)*0.9, p.Name, "", "L", false)
	d.SetFont(font, "", d.l.head)
	d.ink()
	d.MultiCell(d.text, lh(d.l.head), p.Title, "", "L", false)
	d.Ln(0.8)
	if facts := headerFacts(p); len(facts) > 0 {
		d.SetFont(font, "", d.l.body)
		d.color(d.muted)
		d.MultiCell(d.text, lh(d.l.body), strings.Join(facts, " · "), "", "L", false)
	}
	if cs := contacts(p); len(cs) > 0 {
		d.SetFont(font, "", d.l.body)
		h := lh(d.l.body)
		for i, c := range cs {
			if i > 0 {
				d.color(d.muted)
				d.Write(h, "  ·  ")
			}
			d.color(d.muted)
			d.Write(h, c.Label+": ")
			d.color(d.accent)
			d.WriteLinkString(h, c.Text, c.URL)
		}
		d.Ln(h)
	}
}

// section starts a section: its title in the accent colour over a rule.
// The title and the first lines of the section stay on one page.
func (d *pdfDoc) section(title string, need float64) {
	_, ph := d.GetPageSize()
	_, _, _, bottom := d.GetMargins()
	if d.GetY()+lh(d.l.head)+need > ph-bottom-10 {
		d.AddPage()
	} else {
		d.Ln(3.2)
	}
	d.SetFont(font, "B", d.l.head)
	d.color(d.accent)
	d.CellFormat(d.text, lh(d.l.head), title, "", 1, "L", false, 0, "")
	r, g, b := rgb(theme.Palette.Subtle.Light.True)
	d.SetDrawColor(r, g, b)
	d.SetLineWidth(0.25)
	y := d.GetY() + 0.4
	d.Line(d.left, y, d.right, y)
	d.SetY(y + 1.6)
}

func (d *pdfDoc) para(s string) {
	d.SetFont(font, "", d.l.body)
	d.ink()
	d.SetX(d.left)
	d.MultiCell(d.text, lh(d.l.body), s, "", "L", false)
}

// bullet is a list item whose lines hang under its text.
func (d *pdfDoc) bullet(s string) {
	const indent = 4.5
	d.SetFont(font, "", d.l.body)
	d.ink()
	d.SetX(d.left + 1)
	d.CellFormat(indent-1, lh(d.l.body), "•", "", 0, "L", false, 0, "")
	d.MultiCell(d.text-indent, lh(d.l.body), s, "", "L", false)
}

// entry is an entry's headline in bold, then its dates and place in
// the muted colour on a line of their own: one column, so text extraction
// (an applicant-tracking system's) reads them in order with the entry.
func (d *pdfDoc) entry(headline string, facts ...string) {
	d.SetFont(font, "B", d.l.body+0.5)
	d.ink()
	d.SetX(d.left)
	d.MultiCell(d.text, lh(d.l.body+0.5), headline, "", "L", false)
	var fs []string
	for _, f := range facts {
		if f != "" {
			fs = append(fs, f)
		}
	}
	if len(fs) > 0 {
		d.muted1(strings.Join(fs, " · "))
	}
}

func (d *pdfDoc) muted1(s string) {
	d.SetFont(font, "I", d.l.small)
	d.color(d.muted)
	d.SetX(d.left)
	d.MultiCell(d.text, lh(d.l.small), s, "", "L", false)
}

func (d *pdfDoc) summary(p content.Profile) {
	d.section(secSummary, 2*lh(d.l.body))
	d.SetFont(font, "", d.l.body)
	for _, s := range summaryLines(p) {
		d.para(s)
	}
	if body := strings.TrimSpace(p.Body); body != "" {
		d.Ln(1)
		// The Markdown as plain text, one paragraph per block: the
		// PDF wraps it to its own measure.
		for _, para := range strings.Split(markdown.Render(body, 10000, markdown.Theme{Plain: true}), "\n") {
			if strings.TrimSpace(para) == "" {
				d.Ln(1.5)
				continue
			}
			d.para(para)
		}
	}
}

func (d *pdfDoc) experience(jobs []content.Job) {
	if len(jobs) == 0 {
		return
	}
	d.section(secExperience, 3*lh(d.l.body))
	for i, j := range jobs {
		if i > 0 {
			d.Ln(2)
		}
		d.entry(jobHeadline(j), span(j.Start, j.End, true), j.Location)
		if j.Summary != "" {
			d.para(j.Summary)
		}
		for _, h := range j.Highlights {
			d.bullet(h)
		}
	}
}

func (d *pdfDoc) projects(ps []content.Project) {
	if len(ps) == 0 {
		return
	}
	d.section(secProjects, 3*lh(d.l.body))
	for i, pr := range ps {
		if i > 0 {
			d.Ln(2)
		}
		d.entry(pr.Title)
		d.para(pr.Summary)
		for _, h := range pr.Highlights {
			d.bullet(h)
		}
		if len(pr.Stack) > 0 {
			d.muted1("Stack: " + strings.Join(pr.Stack, ", "))
		}
	}
}

func (d *pdfDoc) skills(groups []content.SkillGroup) {
	if len(groups) == 0 {
		return
	}
	d.section(secSkills, 2*lh(d.l.body))
	h := lh(d.l.body)
	for _, g := range groups {
		d.SetX(d.left)
		d.SetFont(font, "B", d.l.body)
		d.ink()
		d.Write(h, g.Name+": ")
		d.SetFont(font, "", d.l.body)
		d.Write(h, strings.Join(g.Items, ", "))
		d.Ln(h + 0.6)
	}
}

func (d *pdfDoc) education(schools []content.School) {
	if len(schools) == 0 {
		return
	}
	d.section(secEducation, 2*lh(d.l.body))
	for i, s := range schools {
		if i > 0 {
			d.Ln(1)
		}
		d.entry(schoolHeadline(s), span(s.Start, s.End, false))
	}
}
