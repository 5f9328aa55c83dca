package resume

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	xansi "github.com/charmbracelet/x/ansi"
	"github.com/go-fonts/liberation/liberationsansbold"
	"github.com/go-fonts/liberation/liberationsansitalic"
	"github.com/go-fonts/liberation/liberationsansregular"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/text/unicode/norm"

	"github.com/pragyamugale/portfolio/content"
)

// The three portfolios the tests read: the shipped one (no experience,
// education, location or availability), another owner's, and one with
// every optional field and names in Vietnamese, Greek and Cyrillic.

func shipped(t *testing.T) *content.Portfolio {
	t.Helper()
	pf, err := content.Default()
	if err != nil {
		t.Fatal(err)
	}
	return pf
}

func load(t *testing.T, dir string) *content.Portfolio {
	t.Helper()
	pf, err := content.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	return pf
}

func otherOwner(t *testing.T) *content.Portfolio {
	return load(t, filepath.Join("..", "..", "content", "testdata", "other-owner"))
}

func full(t *testing.T) *content.Portfolio { return load(t, filepath.Join("testdata", "full")) }

// tool is the path of a poppler tool; without it the test is skipped,
// except under CI=true, where .ci/run installs poppler-utils.
func tool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s not found (poppler-utils): .ci/run installs it", name)
		}
		t.Skipf("%s not found (apt-get install poppler-utils)", name)
	}
	return p
}

// pdfText is the PDF's text as pdftotext extracts it, NFC-normalised
// with its white space folded to single spaces.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "cv.pdf")
	if err := os.WriteFile(f, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tool(t, "pdftotext"), "-enc", "UTF-8", f, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return fold(string(out))
}

func fold(s string) string { return strings.Join(strings.Fields(norm.NFC.String(s)), " ") }

// pdfInfo is pdfinfo's "Key: value" lines.
func pdfInfo(t *testing.T, pdf []byte) map[string]string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "cv.pdf")
	if err := os.WriteFile(f, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tool(t, "pdfinfo"), f).Output()
	if err != nil {
		t.Fatalf("pdfinfo: %v", err)
	}
	m := map[string]string{}
	for _, l := range strings.Split(string(out), "\n") {
		if k, v, ok := strings.Cut(l, ":"); ok {
			m[k] = strings.TrimSpace(v)
		}
	}
	return m
}

// facts are every piece of the content a CV must carry: the sections it
// has data for, each project with its summary, highlights (the figures)
// and stack, every skill, and the optional CV fields when given.
func facts(pf *content.Portfolio) (sections, strs []string) {
	p := pf.Profile
	sections = []string{secSummary, secProjects, secSkills}
	strs = append(strs, p.Name, p.Title, p.Tagline)
	strs = append(strs, p.Focus...)
	for _, l := range p.Links {
		strs = append(strs, l.Label, displayURL(l.URL))
	}
	if p.Location != "" {
		strs = append(strs, p.Location)
	}
	if p.Availability != "" {
		strs = append(strs, p.Availability)
	}
	if len(p.Experience) > 0 {
		sections = append(sections, secExperience)
	}
	for _, j := range p.Experience {
		strs = append(strs, j.Role, j.Company, j.Start.Human())
		if !j.End.IsZero() {
			strs = append(strs, j.End.Human())
		}
		if j.Location != "" {
			strs = append(strs, j.Location)
		}
		if j.Summary != "" {
			strs = append(strs, j.Summary)
		}
		strs = append(strs, j.Highlights...)
	}
	if len(p.Education) > 0 {
		sections = append(sections, secEducation)
	}
	for _, s := range p.Education {
		strs = append(strs, s.Institution, s.Degree, s.Area, s.Start.Human(), s.End.Human())
	}
	for _, pr := range pf.Projects {
		strs = append(strs, pr.Title, pr.Summary)
		strs = append(strs, pr.Highlights...)
		strs = append(strs, pr.Stack...)
	}
	for _, g := range pf.Skills.Groups {
		strs = append(strs, g.Name)
		strs = append(strs, g.Items...)
	}
	return sections, strs
}

// figures are the numbers the content states ("99.9%", "Sub-10 ms").
var figure = regexp.MustCompile(`\d[\d.,]*\s?(%|ms|h|min)?`)

func checkHas(t *testing.T, what, text string, pf *content.Portfolio, sectionHeading func(string) string) {
	t.Helper()
	sections, strs := facts(pf)
	for _, s := range sections {
		if !strings.Contains(text, sectionHeading(s)) {
			t.Errorf("%s: no section %q", what, s)
		}
	}
	for _, s := range strs {
		if s = fold(s); s != "" && !strings.Contains(text, s) {
			t.Errorf("%s: %q is missing", what, s)
		}
		for _, f := range figure.FindAllString(s, -1) {
			if !strings.Contains(text, f) {
				t.Errorf("%s: the figure %q (of %q) is missing", what, f, s)
			}
		}
	}
	for _, s := range []string{secExperience, secEducation} {
		if !contains(sections, s) && strings.Contains(text, sectionHeading(s)) {
			t.Errorf("%s: section %q appears with no data for it", what, s)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestPDFCarriesTheContent: every section, project, figure and skill of
// the content comes back out of the PDF as text (what an applicant-
// tracking system reads), for the shipped content and for one with
// every optional field; a section appears only with its data.
func TestPDFCarriesTheContent(t *testing.T) {
	for name, pf := range map[string]*content.Portfolio{"shipped": shipped(t), "full": full(t)} {
		for _, paper := range []Paper{A4, Letter} {
			b, err := PDFBytes(pf, paper)
			if err != nil {
				t.Fatal(err)
			}
			what := name + "/" + string(paper)
			// A heading is on a line of its own: " Experience " between
			// folded lines.
			text := " " + pdfText(t, b) + " "
			checkHas(t, what, text, pf, func(s string) string { return " " + s + " " })
			info := pdfInfo(t, b)
			if pages := info["Pages"]; pages != "1" && pages != "2" {
				t.Errorf("%s: %s pages, want one or two", what, pages)
			}
			wantSize := map[Paper]string{A4: "(A4)", Letter: "(letter)"}[paper]
			if !strings.Contains(info["Page size"], wantSize) {
				t.Errorf("%s: page size %q, want %s", what, info["Page size"], wantSize)
			}
			if info["Title"] != pf.Profile.Name+" – CV" || info["Author"] != pf.Profile.Name {
				t.Errorf("%s: title %q, author %q", what, info["Title"], info["Author"])
			}
		}
	}
}

// TestPDFOtherOwner: a re-skinned owner's content makes their CV, with
// no trace of the original owner's in its text, metadata or bytes.
func TestPDFOtherOwner(t *testing.T) {
	pf := otherOwner(t)
	b, err := PDFBytes(pf, A4)
	if err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, b)
	if !strings.Contains(text, "Zoë Okafor") || !strings.Contains(text, "Lighthouse") {
		t.Errorf("the other owner's CV lacks their name or project:\n%s", text)
	}
	original := shipped(t)
	traces := []string{"Pragya", "Mugale", "Convin"}
	for _, p := range original.Projects {
		traces = append(traces, p.Title)
	}
	js, _ := JSONBytes(pf)
	for _, s := range traces {
		for what, out := range map[string]string{"pdf text": text, "pdf bytes": string(b), "json": string(js),
			"md": MarkdownText(pf, 80), "txt": PlainText(pf, 80), "pdfinfo": strings.Join(mapValues(pdfInfo(t, b)), "\n")} {
			if strings.Contains(out, s) {
				t.Errorf("%s of the other owner's CV contains %q", what, s)
			}
		}
	}
}

func mapValues(m map[string]string) []string {
	var out []string
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// names are owners' names in the scripts the PDF's fonts must cover.
var names = map[string]string{
	"Vietnamese": "Nguyễn Thị Ánh Tuyết",
	"Greek":      "Ελευθερία Παπαδοπούλου",
	"Polytonic":  "Ἀθηνᾶ Ῥήτωρ",
	"Cyrillic":   "Ёлена Фёдорова-Щукина",
	"Latin":      "Zoë Ødegård-Łukasiewicz",
}

// TestNamesRoundTrip: the owner's name in each script comes back out of
// the PDF as the same text, in its body and its metadata.
func TestNamesRoundTrip(t *testing.T) {
	base := shipped(t)
	for script, name := range names {
		pf := *base
		pf.Profile.Name = name
		b, err := PDFBytes(&pf, A4)
		if err != nil {
			t.Fatal(err)
		}
		if text := pdfText(t, b); !strings.HasPrefix(text, fold(name)+" ") {
			t.Errorf("%s: the PDF's text starts %q, want the name %q", script, text[:min(len(text), 60)], name)
		}
		if got := pdfInfo(t, b)["Author"]; got != name {
			t.Errorf("%s: author %q, want %q", script, got, name)
		}
	}
}

// TestFontsCoverNames: every embedded face has a glyph for every letter
// of the names (a missing one would print as a box, or nothing).
func TestFontsCoverNames(t *testing.T) {
	for face, ttf := range map[string][]byte{"regular": liberationsansregular.TTF, "bold": liberationsansbold.TTF, "italic": liberationsansitalic.TTF} {
		f, err := sfnt.Parse(ttf)
		if err != nil {
			t.Fatal(err)
		}
		var buf sfnt.Buffer
		for script, name := range names {
			for _, r := range name + "•·–«»" {
				if i, err := f.GlyphIndex(&buf, r); err != nil || i == 0 {
					t.Errorf("%s face: no glyph for %q (%U) of the %s name", face, r, r, script)
				}
			}
		}
	}
}

// TestPDFDeterministic: the same content gives the same bytes (so the web
// door's ETag holds), laid out afresh each time, not only from the cache.
func TestPDFDeterministic(t *testing.T) {
	for _, pf := range []*content.Portfolio{shipped(t), full(t)} {
		first, _, err := setPDF(pf, A4, layouts[0])
		if err != nil {
			t.Fatal(err)
		}
		for range 3 {
			again, _, err := setPDF(pf, A4, layouts[0])
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(first, again) {
				t.Fatalf("two renders of the same content differ (%d and %d bytes)", len(first), len(again))
			}
		}
		// Not "now": a render a second later would differ.
		if bytes.Count(first, []byte("(D:20000101000000)")) != 2 { // creation and modification
			t.Error("the PDF's creation date is not the fixed one")
		}
		letter, _ := PDFBytes(pf, Letter)
		if bytes.Equal(first, letter) {
			t.Error("A4 and Letter give the same bytes")
		}
	}
}

// TestPDFFitsTwoPages: a long CV is set smaller until it fits two pages.
func TestPDFFitsTwoPages(t *testing.T) {
	pf := *full(t)
	jobs := pf.Profile.Experience
	for len(pf.Profile.Experience) < 18 {
		pf.Profile.Experience = append(pf.Profile.Experience, jobs...)
	}
	b, err := PDFBytes(&pf, Letter)
	if err != nil {
		t.Fatal(err)
	}
	if _, pages, _ := setPDF(&pf, Letter, layouts[0]); pages <= 2 {
		t.Fatalf("the test CV fits two pages at the first size (%d): make it longer", pages)
	}
	if pages := pdfInfo(t, b)["Pages"]; pages != "2" {
		t.Errorf("%s pages, want 2", pages)
	}
}

// TestJSONResumeSchema: the JSON validates against the published JSON
// Resume schema v1.0.0 (resume-schema 1.0.0 on npm) and the current one
// (@jsonresume/schema 1.3.1), both vendored in testdata with their
// licences, with formats (email, uri) asserted.
func TestJSONResumeSchema(t *testing.T) {
	schemas := map[string]*jsonschema.Schema{}
	for _, dir := range []string{"jsonresume-v1.0.0", "jsonresume-schema-1.3.1"} {
		c := jsonschema.NewCompiler()
		c.AssertFormat()
		path := filepath.Join("testdata", dir, "schema.json")
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := jsonschema.UnmarshalJSON(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if err := c.AddResource(dir+".json", doc); err != nil {
			t.Fatal(err)
		}
		s, err := c.Compile(dir + ".json")
		if err != nil {
			t.Fatal(err)
		}
		schemas[dir] = s
	}
	validate := func(name string, b []byte) error {
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			return err
		}
		for dir, s := range schemas {
			if err := s.Validate(doc); err != nil {
				return &schemaError{dir, err}
			}
		}
		return nil
	}
	// The validator itself: it rejects a date the schema doesn't take.
	if validate("bad", []byte(`{"basics":{"name":"x"},"work":[{"name":"c","startDate":"July 2021"}]}`)) == nil {
		t.Fatal("the validator accepts a work startDate of \"July 2021\"")
	}
	for name, pf := range map[string]*content.Portfolio{"shipped": shipped(t), "other owner": otherOwner(t), "full": full(t)} {
		b, err := JSONBytes(pf)
		if err != nil {
			t.Fatal(err)
		}
		if err := validate(name, b); err != nil {
			t.Errorf("%s: %v\n%s", name, err, b)
		}
		var r jsonResume
		if err := json.Unmarshal(b, &r); err != nil {
			t.Fatal(err)
		}
		if r.Basics.Name != pf.Profile.Name || len(r.Projects) != len(pf.Projects) || len(r.Skills) != len(pf.Skills.Groups) ||
			len(r.Work) != len(pf.Profile.Experience) || len(r.Education) != len(pf.Profile.Education) {
			t.Errorf("%s: the JSON doesn't carry the content: %+v", name, r)
		}
		// JSON's own text holds every fact too.
		var flat strings.Builder
		var walk func(any)
		walk = func(v any) {
			switch v := v.(type) {
			case map[string]any:
				for _, x := range v {
					walk(x)
				}
			case []any:
				for _, x := range v {
					walk(x)
				}
			case string:
				flat.WriteString(" " + v + " ")
			}
		}
		var generic any
		_ = json.Unmarshal(b, &generic)
		walk(generic)
		text := flat.String()
		_, strs := facts(pf)
		for _, s := range strs {
			if s != "" && !strings.Contains(text, s) && !isDate(pf, s) && !isDisplayURL(pf, s) && !isLinkLabelMail(pf, s) {
				t.Errorf("%s: the JSON lacks %q", name, s)
			}
		}
	}
	full := full(t)
	b, _ := JSONBytes(full)
	var r jsonResume
	_ = json.Unmarshal(b, &r)
	if r.Basics.Email != "tuyet@example.org" || r.Basics.URL != "https://tuyet.example.org" || r.Basics.Location == nil ||
		r.Work[0].StartDate != "2022-03" || r.Work[0].EndDate != "" || r.Work[1].EndDate != "2022-02" || r.Education[1].StudyType != "B.Eng." {
		t.Errorf("the full CV's JSON: %s", b)
	}
}

type schemaError struct {
	schema string
	err    error
}

func (e *schemaError) Error() string { return e.schema + ": " + e.err.Error() }

// The JSON writes dates as ISO ("2022-03") where the CV's facts have
// them as people read them ("Mar 2022"), and a mail link as
// basics.email: those facts are checked by field instead.
func isDate(pf *content.Portfolio, s string) bool {
	for _, j := range pf.Profile.Experience {
		if s == j.Start.Human() || s == j.End.Human() {
			return true
		}
	}
	for _, e := range pf.Profile.Education {
		if s == e.Start.Human() || s == e.End.Human() {
			return true
		}
	}
	return false
}

func isDisplayURL(pf *content.Portfolio, s string) bool {
	for _, l := range pf.Profile.Links {
		if s == displayURL(l.URL) && s != l.URL {
			return true
		}
	}
	return false
}

func isLinkLabelMail(pf *content.Portfolio, s string) bool {
	for _, l := range pf.Profile.Links {
		if s == l.Label && strings.HasPrefix(l.URL, "mailto:") {
			return true
		}
	}
	return false
}

// TestTextFormats: Markdown and plain text carry every fact, have their
// sections only with data, and keep to the width.
func TestTextFormats(t *testing.T) {
	for name, pf := range map[string]*content.Portfolio{"shipped": shipped(t), "full": full(t), "other owner": otherOwner(t)} {
		for _, width := range []int{40, 80} {
			txt := PlainText(pf, width)
			md := MarkdownText(pf, width)
			for _, out := range []string{txt, md} {
				for i, l := range strings.Split(out, "\n") {
					if w := xansi.StringWidth(l); w > width && !strings.Contains(l, "](") && !strings.Contains(l, "://") {
						t.Errorf("%s at %d: line %d is %d wide: %q", name, width, i+1, w, l)
					}
				}
			}
			checkHas(t, name+" txt", " "+fold(txt)+" ", pf, func(s string) string { return strings.ToUpper(s) })
			checkHas(t, name+" md", " "+fold(unescapeMD(md))+" ", pf, func(s string) string { return "## " + s })
		}
	}
}

// unescapeMD drops Markdown's backslash escapes, for comparing text.
func unescapeMD(s string) string {
	return regexp.MustCompile(`\\([\\*_`+"`"+`\[\]<>#+\-=|.)])`).ReplaceAllString(s, "$1")
}

// TestMarkdownWrapStartsNoBlock: a wrapped line that would begin with
// "- " (a list item in Markdown) is escaped.
func TestMarkdownWrapStartsNoBlock(t *testing.T) {
	pf := *shipped(t)
	pf.Profile.Tagline = "Aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk - llll 1. mmmm"
	md := MarkdownText(&pf, 55)
	for _, l := range strings.Split(md, "\n") {
		if strings.HasPrefix(l, "- llll") || strings.HasPrefix(l, "1. mmmm") {
			t.Errorf("a wrapped line starts a Markdown block: %q in\n%s", l, md)
		}
	}
	if !strings.Contains(md, `\- llll`) {
		t.Errorf("the wrapped dash isn't escaped:\n%s", md)
	}
}

func TestParse(t *testing.T) {
	for in, want := range map[string]Format{"pdf": PDF, "PDF": PDF, "json": JSON, "md": Markdown, "markdown": Markdown, "txt": Text, "text": Text, "": Text} {
		if got, err := ParseFormat(in); err != nil || got != want {
			t.Errorf("ParseFormat(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := ParseFormat("docx"); err == nil || !strings.Contains(err.Error(), "pdf, json, md, txt") {
		t.Errorf("ParseFormat(docx): %v", err)
	}
	if _, err := ParsePaper("a5"); err == nil {
		t.Error("ParsePaper(a5) accepted")
	}
	if got := FileName(full(t), PDF); got != "Nguyễn-Thị-Ánh-Tuyết-CV.pdf" {
		t.Errorf("FileName = %q", got)
	}
}

// BenchmarkPDF is one layout of the CV from scratch (the cache left
// out): what the first `resume --format pdf` or the web door's start
// costs.
func BenchmarkPDF(b *testing.B) {
	pf, err := content.Default()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := renderPDF(pf, A4); err != nil {
			b.Fatal(err)
		}
	}
}
