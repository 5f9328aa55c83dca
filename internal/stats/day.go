// Package stats counts visitors privately: per day (UTC) it keeps counts
// only — visits by channel, unique visitors, page views, time on case
// studies, messages, SSH client software, terminal sizes and colour
// profiles. No IP address, key fingerprint or anything a visitor typed is
// ever stored: a unique visitor is an HMAC of their address (an IPv6 one
// by its /64; client software plays no part) under a salt that lives in
// memory only and is replaced every day.
package stats

import (
	"maps"
	"time"
)

// Channel is how a visit reached the portfolio.
type Channel string

// The channels a visit can come through.
const (
	ChannelTUI         Channel = "tui"          // the full-screen app over SSH
	ChannelText        Channel = "text"         // commands and ssh -T over SSH
	ChannelWeb         Channel = "web"          // the HTML page
	ChannelWebTerminal Channel = "web_terminal" // the terminal in a browser
)

// Channels lists every channel, in display order.
var Channels = []Channel{ChannelTUI, ChannelText, ChannelWeb, ChannelWebTerminal}

// DateLayout is how days are named: YYYY-MM-DD, in UTC.
const DateLayout = "2006-01-02"

// DateOf is the UTC day of t.
func DateOf(t time.Time) string { return t.UTC().Format(DateLayout) }

// Day holds one UTC day's counts. Days add up: merging two Days of the
// same date (two flushes, two machines) gives the counts of both.
type Day struct {
	Date           string           `json:"date"`
	Visits         int64            `json:"visits"`
	UniqueVisitors int64            `json:"unique_visitors"`
	ByChannel      map[string]int64 `json:"by_channel"`
	// Views counts pages shown: about, skills, projects, contact and
	// projects/<slug> for each case study.
	Views    map[string]int64 `json:"views"`
	Messages int64            `json:"messages"`
	// Clients counts SSH visits by client software (OpenSSH, PuTTY…).
	Clients map[string]int64 `json:"clients"`
	// Terminals counts full-screen visits by size bucket ("80-119x24-39").
	Terminals map[string]int64 `json:"terminal_sizes"`
	// Colors counts full-screen visits by colour profile bucket.
	Colors map[string]int64 `json:"color_profiles"`
	// StudyTime is, per case study page, a histogram of the time visitors
	// spent on it (see HistogramBounds).
	StudyTime map[string]Histogram `json:"case_study_time"`
	// MedianStudySeconds is the median time on a case study this day,
	// estimated from StudyTime; 0 when nobody read one. Filled in reports.
	MedianStudySeconds float64 `json:"median_case_study_seconds"`
}

// newDay returns an empty day with its maps made.
func newDay(date string) *Day {
	d := &Day{Date: date}
	d.init()
	return d
}

// init makes the maps a decoded or zero Day may lack, so JSON output has
// {} rather than null.
func (d *Day) init() {
	for _, m := range []*map[string]int64{&d.ByChannel, &d.Views, &d.Clients, &d.Terminals, &d.Colors} {
		if *m == nil {
			*m = map[string]int64{}
		}
	}
	if d.StudyTime == nil {
		d.StudyTime = map[string]Histogram{}
	}
}

// Add adds o's counts to d.
func (d *Day) Add(o *Day) {
	d.init()
	d.Visits += o.Visits
	d.UniqueVisitors += o.UniqueVisitors
	d.Messages += o.Messages
	for _, p := range []struct{ dst, src map[string]int64 }{
		{d.ByChannel, o.ByChannel}, {d.Views, o.Views}, {d.Clients, o.Clients},
		{d.Terminals, o.Terminals}, {d.Colors, o.Colors},
	} {
		for k, v := range p.src {
			p.dst[k] += v
		}
	}
	for k, h := range o.StudyTime {
		sum := d.StudyTime[k]
		sum.Add(h)
		d.StudyTime[k] = sum
	}
}

// clone returns a deep copy of d.
func (d *Day) clone() *Day {
	c := *d
	c.ByChannel, c.Views, c.Clients = maps.Clone(d.ByChannel), maps.Clone(d.Views), maps.Clone(d.Clients)
	c.Terminals, c.Colors, c.StudyTime = maps.Clone(d.Terminals), maps.Clone(d.Colors), maps.Clone(d.StudyTime)
	c.init()
	return &c
}

// studyTime is all of the day's case-study time histograms added up.
func (d *Day) studyTime() Histogram {
	var h Histogram
	for _, x := range d.StudyTime {
		h.Add(x)
	}
	return h
}
