package stats

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	xansi "github.com/charmbracelet/x/ansi"
)

// Report is a range of days, oldest first, every day present (zero when
// nobody came), with the SSH clients of the whole range. Its JSON shape is
// stable: fields may be added, never renamed.
type Report struct {
	Days    []*Day           `json:"days"`
	Clients map[string]int64 `json:"clients"`
	// StudyTimeBounds are the upper bounds, in seconds, of the buckets of
	// each day's case_study_time histograms (the last bucket is open).
	StudyTimeBounds []float64 `json:"case_study_time_bounds"`
}

// ReadReport reads the n days ending today from a store: for readers that
// don't count, such as `portfolio stats`.
func ReadReport(ctx context.Context, st Store, now time.Time, n int) (Report, error) {
	days, err := st.Days(ctx, firstKept(now, n), DateOf(now))
	if err != nil {
		return Report{}, err
	}
	return NewReport(days, now, n), nil
}

// NewReport arranges days (in any order, a date possibly more than once)
// into the report of the n days ending on now's date.
func NewReport(days []*Day, now time.Time, n int) Report {
	n = max(n, 1)
	byDate := map[string]*Day{}
	for _, d := range days {
		if sum := byDate[d.Date]; sum != nil {
			sum.Add(d)
		} else {
			byDate[d.Date] = d.clone()
		}
	}
	r := Report{Clients: map[string]int64{}, StudyTimeBounds: HistogramBounds[:]}
	first := now.UTC().AddDate(0, 0, -(n - 1))
	for i := range n {
		date := DateOf(first.AddDate(0, 0, i))
		d := byDate[date]
		if d == nil {
			d = newDay(date)
		}
		d.MedianStudySeconds = math.Round(d.studyTime().Median())
		for _, c := range Channels {
			d.ByChannel[string(c)] += 0 // every channel present, at zero
		}
		for k, v := range d.Clients {
			r.Clients[k] += v
		}
		r.Days = append(r.Days, d)
	}
	return r
}

// Total is all of the report's days added up.
func (r Report) Total() *Day {
	t := newDay("")
	for _, d := range r.Days {
		t.Add(d)
	}
	t.MedianStudySeconds = math.Round(t.studyTime().Median())
	return t
}

// Count is one name's count, for ranked lists.
type Count struct {
	Name  string
	N     int64
	Extra string // e.g. a median time
}

// ranked orders a map's entries by count, then name.
func ranked(m map[string]int64) []Count {
	var cs []Count
	for k, v := range m {
		if v > 0 {
			cs = append(cs, Count{Name: k, N: v})
		}
	}
	slices.SortFunc(cs, func(a, b Count) int {
		return cmp.Or(cmp.Compare(b.N, a.N), cmp.Compare(a.Name, b.Name))
	})
	return cs
}

// TopCaseStudies lists the case studies by views, with their median time.
func (r Report) TopCaseStudies(t *Day, n int) []Count {
	var cs []Count
	for _, c := range ranked(t.Views) {
		if IsCaseStudy(c.Name) {
			if h, ok := t.StudyTime[c.Name]; ok && h.Count() > 0 {
				c.Extra = "median " + Seconds(h.Median())
			}
			cs = append(cs, c)
		}
	}
	return cs[:min(n, len(cs))]
}

// Seconds formats a duration in seconds as "45s" or "2m10s".
func Seconds(s float64) string {
	d := int(math.Round(s))
	if d < 60 {
		return fmt.Sprintf("%ds", d)
	}
	return fmt.Sprintf("%dm%02ds", d/60, d%60)
}

// sparks are the levels of a sparkline, lowest first.
var sparks = []rune("▁▂▃▄▅▆▇█")

// Sparkline draws values as one block character each, scaled to the
// largest; zero is the lowest block, anything above zero at least the
// second. More values than width are summed into width bins.
func Sparkline(values []int64, width int) string {
	if width <= 0 || len(values) == 0 {
		return ""
	}
	if len(values) > width {
		bins := make([]int64, width)
		for i, v := range values {
			bins[i*width/len(values)] += v
		}
		values = bins
	}
	top := slices.Max(values)
	var b strings.Builder
	for _, v := range values {
		level := 0
		if v > 0 {
			level = 1 + int(float64(v)/float64(top)*(float64(len(sparks)-1)-1e-9))
		}
		b.WriteRune(sparks[min(level, len(sparks)-1)])
	}
	return b.String()
}

// series is one number per day.
func (r Report) series(f func(*Day) int64) []int64 {
	out := make([]int64, len(r.Days))
	for i, d := range r.Days {
		out[i] = f(d)
	}
	return out
}

// joinCounts writes "a 3 · b 2" in the order given, or "none".
func joinCounts(cs []Count) string {
	if len(cs) == 0 {
		return "none"
	}
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = fmt.Sprintf("%s %d", c.Name, c.N)
	}
	return strings.Join(parts, " · ")
}

// maxDayRows bounds the per-day table of the text summary, which lists the
// days with visits or messages, newest first.
const maxDayRows = 14

// Text is the readable summary, for width columns (at least 20): totals
// with sparklines per day, the top case studies, pages, clients, terminal
// buckets and a table of the latest days with visits. Plain text, no escape codes.
func (r Report) Text(width int) string {
	width = max(width, 20)
	if len(r.Days) == 0 {
		return "No statistics."
	}
	t := r.Total()
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	first, last := r.Days[0].Date, r.Days[len(r.Days)-1].Date
	line("Visitors, last %d %s (%s to %s, UTC)", len(r.Days), plural(len(r.Days), "day"), first, last)
	line("")
	sw := min(len(r.Days), max(width-30, 5))
	line("%-9s %s  %d, %d unique", "Visits", Sparkline(r.series(func(d *Day) int64 { return d.Visits }), sw), t.Visits, t.UniqueVisitors)
	line("%-9s %s  %d", "Messages", Sparkline(r.series(func(d *Day) int64 { return d.Messages }), sw), t.Messages)
	var chans []Count
	for _, c := range Channels {
		chans = append(chans, Count{Name: string(c), N: t.ByChannel[string(c)]})
	}
	line("%-9s %s", "Channels", joinCounts(chans))
	line("")
	line("Top case studies")
	top := r.TopCaseStudies(t, 5)
	if len(top) == 0 {
		line("  none read yet")
	}
	nameW := max(min(28, width-24), 8)
	for _, c := range top {
		line("  %-*s %6d  %s", nameW, clipText(c.Name, nameW), c.N, c.Extra)
	}
	if t.MedianStudySeconds > 0 {
		line("  median time on a case study: %s", Seconds(t.MedianStudySeconds))
	}
	line("")
	var pages []Count
	for _, c := range ranked(t.Views) {
		if !IsCaseStudy(c.Name) {
			pages = append(pages, c)
		}
	}
	line("%-12s %s", "Pages", joinCounts(pages))
	line("%-12s %s", "SSH clients", joinCounts(ranked(r.Clients)))
	line("%-12s %s", "Terminals", joinCounts(ranked(t.Terminals)))
	line("%-12s %s", "Colours", joinCounts(ranked(t.Colors)))
	line("")
	line("%-10s  %7s  %7s  %5s", "Day", "Visits", "Unique", "Msgs")
	shown := 0
	for _, d := range slices.Backward(r.Days) {
		if d.Visits == 0 && d.Messages == 0 {
			continue
		}
		if shown == maxDayRows {
			line("… and older days (--json has them all)")
			break
		}
		line("%-10s  %7d  %7d  %5d", d.Date, d.Visits, d.UniqueVisitors, d.Messages)
		shown++
	}
	if shown == 0 {
		line("no visits in these days")
	}
	return wrapLines(strings.TrimRight(b.String(), "\n"), width)
}

// wrapLines wraps lines longer than width at spaces, breaking words only
// if they don't fit a line of their own.
func wrapLines(s string, width int) string {
	return xansi.Wrap(s, width, "")
}

func clipText(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}
