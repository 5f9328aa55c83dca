package content

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/parser"
)

// The optional facts a CV needs that the rest of the portfolio doesn't:
// where the owner is, when they are available, where they worked and what
// they studied. All live in profile.md's front matter; each is optional,
// and each section of the CV appears only when its data exists.

// Job is one position in the owner's work history.
type Job struct {
	Role     string // e.g. "Backend Engineer"
	Company  string // e.g. "Example Corp"
	Location string // optional, e.g. "Remote"
	Start    Date
	End      Date   // zero: the owner still works there
	Summary  string // optional, one or two sentences
	// Highlights are results in a sentence each, optional.
	Highlights []string
}

// School is one entry of the owner's education.
type School struct {
	Institution string // e.g. "University of Somewhere"
	Degree      string // optional, e.g. "B.Tech"
	Area        string // optional, e.g. "Computer Science"
	Start, End  Date   // optional
}

// Date is a year, a month or a day, as precise as the owner wrote it:
// "2021", "2021-07" or "2021-07-15".
type Date struct {
	Year, Month, Day int // Month and Day are 0 when not given
}

// IsZero reports whether the date was left out.
func (d Date) IsZero() bool { return d.Year == 0 }

// ISO is the date as written: "2021", "2021-07" or "2021-07-15" (the form
// JSON Resume's dates take), or "" for none.
func (d Date) ISO() string {
	switch {
	case d.Year == 0:
		return ""
	case d.Month == 0:
		return fmt.Sprintf("%04d", d.Year)
	case d.Day == 0:
		return fmt.Sprintf("%04d-%02d", d.Year, d.Month)
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// Human is the date for reading: "2021", "Jul 2021" or "15 Jul 2021".
func (d Date) Human() string {
	switch {
	case d.Year == 0:
		return ""
	case d.Month == 0:
		return strconv.Itoa(d.Year)
	}
	m := time.Month(d.Month).String()[:3]
	if d.Day == 0 {
		return fmt.Sprintf("%s %d", m, d.Year)
	}
	return fmt.Sprintf("%d %s %d", d.Day, m, d.Year)
}

// before reports whether d is earlier than e at the precision both have.
func (d Date) before(e Date) bool {
	a := [3]int{d.Year, d.Month, d.Day}
	b := [3]int{e.Year, e.Month, e.Day}
	for i := range a {
		if a[i] == 0 || b[i] == 0 {
			return false
		}
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return false
}

// parseDate reads "YYYY", "YYYY-MM" or "YYYY-MM-DD".
func parseDate(s string) (Date, bool) {
	layouts := []struct {
		layout string
		parts  int
	}{{"2006", 1}, {"2006-01", 2}, {"2006-01-02", 3}}
	for _, l := range layouts {
		if len(s) != len(l.layout) {
			continue
		}
		t, err := time.Parse(l.layout, s)
		if err != nil || t.Year() < 1900 || t.Year() > 2999 {
			return Date{}, false
		}
		d := Date{Year: t.Year()}
		if l.parts > 1 {
			d.Month = int(t.Month())
		}
		if l.parts > 2 {
			d.Day = t.Day()
		}
		return d, true
	}
	return Date{}, false
}

// The YAML of the CV's fields in profile.md.
type (
	jobYAML struct {
		Role       string   `yaml:"role"`
		Company    string   `yaml:"company"`
		Location   string   `yaml:"location"`
		Start      string   `yaml:"start"`
		End        string   `yaml:"end"`
		Summary    string   `yaml:"summary"`
		Highlights []string `yaml:"highlights"`
	}
	schoolYAML struct {
		Institution string `yaml:"institution"`
		Degree      string `yaml:"degree"`
		Area        string `yaml:"area"`
		Start       string `yaml:"start"`
		End         string `yaml:"end"`
	}
)

// at is "line N, column M: " for the value at a YAML path of src (as
// "$.experience[0].start"), so a problem names where to look like the
// loader's YAML errors do; "" if the path isn't found.
func at(src, path string) string {
	f, err := parser.ParseBytes([]byte(src), 0)
	if err != nil {
		return ""
	}
	p, err := yaml.PathString(path)
	if err != nil {
		return ""
	}
	n, err := p.FilterFile(f)
	if err != nil || n == nil || n.GetToken() == nil {
		return ""
	}
	pos := n.GetToken().Position
	return fmt.Sprintf("line %d, column %d: ", pos.Line, pos.Column)
}

// date reads an optional date field of a list item; src is the front
// matter and path the item's YAML path, for the position of a problem.
func (l *loader) date(file, src, path, ctx, key, s string) Date {
	s = strings.TrimSpace(s)
	if s == "" {
		return Date{}
	}
	d, ok := parseDate(s)
	if !ok {
		l.problem(file, "%s%sfield %q: %q is not a date; write YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2021-07",
			at(src, path+"."+key), ctx, key, s)
	}
	return d
}

// span checks that an item's end is not before its start.
func (l *loader) span(file, src, path, ctx string, start, end Date) {
	if end.before(start) {
		l.problem(file, "%s%s\"end\" (%s) is before \"start\" (%s)", at(src, path+".end"), ctx, end.ISO(), start.ISO())
	}
}

func (l *loader) experience(file, src string, raw []jobYAML) []Job {
	var out []Job
	for i, r := range raw {
		ctx := fmt.Sprintf("experience item %d: ", i+1)
		path := fmt.Sprintf("$.experience[%d]", i)
		j := Job{
			Role:       l.text(file, ctx, "role", r.Role, true),
			Company:    l.text(file, ctx, "company", r.Company, true),
			Location:   l.text(file, ctx, "location", r.Location, false),
			Summary:    l.text(file, ctx, "summary", r.Summary, false),
			Highlights: l.list(file, ctx, "highlights", r.Highlights, false),
		}
		if strings.TrimSpace(r.Start) == "" {
			l.problem(file, "%s%smissing required field %q (when it began: YYYY, YYYY-MM or YYYY-MM-DD)", at(src, path), ctx, "start")
		}
		j.Start = l.date(file, src, path, ctx, "start", r.Start)
		j.End = l.date(file, src, path, ctx, "end", r.End)
		l.span(file, src, path, ctx, j.Start, j.End)
		out = append(out, j)
	}
	return out
}

func (l *loader) education(file, src string, raw []schoolYAML) []School {
	var out []School
	for i, r := range raw {
		ctx := fmt.Sprintf("education item %d: ", i+1)
		path := fmt.Sprintf("$.education[%d]", i)
		s := School{
			Institution: l.text(file, ctx, "institution", r.Institution, true),
			Degree:      l.text(file, ctx, "degree", r.Degree, false),
			Area:        l.text(file, ctx, "area", r.Area, false),
		}
		s.Start = l.date(file, src, path, ctx, "start", r.Start)
		s.End = l.date(file, src, path, ctx, "end", r.End)
		l.span(file, src, path, ctx, s.Start, s.End)
		out = append(out, s)
	}
	return out
}
