package stats

import (
	"strconv"
	"testing"
	"time"
)

// BenchmarkVisit is what a session costs the statistics: a visit (with
// its salted hash) and three page views, one a timed case study.
func BenchmarkVisit(b *testing.B) {
	c := &clock{t: t0}
	s := open(b, b.TempDir(), c)
	defer s.Close()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		vs := s.Visit(sshVisit("192.0.2." + strconv.Itoa(i%250)))
		vs.View("about")
		vs.View("projects")
		vs.View("projects/notelytix")
		vs.End()
	}
}

// BenchmarkFlush writes a busy day's counts to its file (read, merge,
// temporary file, fsync, rename, directory fsync): the periodic flush.
func BenchmarkFlush(b *testing.B) {
	c := &clock{t: t0}
	s := open(b, b.TempDir(), c)
	defer s.Close()
	for i := range 1000 {
		vs := s.Visit(sshVisit("192.0.2." + strconv.Itoa(i)))
		vs.View("projects/notelytix")
		c.Add(time.Second)
		vs.End()
	}
	for b.Loop() {
		s.Visit(sshVisit("192.0.2.1")).View("about")
		if err := s.Flush(); err != nil {
			b.Fatal(err)
		}
	}
}
