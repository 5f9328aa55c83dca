package stats

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/charmbracelet/colorprofile"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/pragyamugale/portfolio/internal/stats/statstest"
	"github.com/pragyamugale/portfolio/internal/testkit"
)

// clock is a settable time source.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

var t0 = time.Date(2026, 3, 14, 12, 0, 0, 0, time.UTC)

// open starts a Stats on dir that flushes only when asked.
func open(t testing.TB, dir string, c *clock, edit ...func(*Options)) *Stats {
	t.Helper()
	st, err := OpenFileStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	o := Options{Store: st, FlushEvery: -1, Now: c.Now}
	for _, e := range edit {
		e(&o)
	}
	s, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func report(t *testing.T, s *Stats, n int) Report {
	t.Helper()
	r, err := s.Report(n)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func sshVisit(ip string) Visit {
	return Visit{Channel: ChannelTUI, IP: ip, Software: "SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13", Width: 80, Height: 24, Color: "256"}
}

func TestCountsSurviveRestart(t *testing.T) {
	dir, c := t.TempDir(), &clock{t: t0}
	s := open(t, dir, c)
	s.Visit(sshVisit("192.0.2.1")).View("about")
	s.Visit(Visit{Channel: ChannelText, IP: "192.0.2.2", Software: "SSH-2.0-PuTTY_Release_0.81"})
	s.Visit(Visit{Channel: ChannelWeb, IP: "192.0.2.3", Software: "Mozilla/5.0"})
	s.Message()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = open(t, dir, c)
	defer s.Close()
	d := report(t, s, 1).Days[0]
	if d.Date != "2026-03-14" || d.Visits != 3 || d.UniqueVisitors != 3 || d.Messages != 1 {
		t.Errorf("after restart: %+v", d)
	}
	if d.ByChannel["tui"] != 1 || d.ByChannel["text"] != 1 || d.ByChannel["web"] != 1 || d.Views["about"] != 1 {
		t.Errorf("channels %v, views %v", d.ByChannel, d.Views)
	}
	if d.Clients["OpenSSH"] != 1 || d.Clients["PuTTY"] != 1 || len(d.Clients) != 2 {
		t.Errorf("clients %v (web visits have no SSH client)", d.Clients)
	}
	if d.Terminals["80-119x24-39"] != 1 || d.Colors["256"] != 1 {
		t.Errorf("terminals %v, colours %v", d.Terminals, d.Colors)
	}
}

// A crash (no Close) loses only what came after the last flush.
func TestCrashLosesOnlyUnflushed(t *testing.T) {
	dir, c := t.TempDir(), &clock{t: t0}
	s := open(t, dir, c)
	s.Visit(sshVisit("192.0.2.1"))
	s.Message()
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	s.Visit(sshVisit("192.0.2.2")) // after the flush: lost in the crash
	s.Message()
	// The crash: s is abandoned without Close.

	s2 := open(t, dir, c)
	defer s2.Close()
	d := report(t, s2, 1).Days[0]
	if d.Visits != 1 || d.Messages != 1 {
		t.Errorf("after a crash: visits %d, messages %d; want 1, 1 (the flushed ones)", d.Visits, d.Messages)
	}
	// Reports of the running process include what isn't flushed yet.
	if d := report(t, s, 1).Days[0]; d.Visits != 2 || d.Messages != 2 {
		t.Errorf("live report: visits %d, messages %d; want 2, 2", d.Visits, d.Messages)
	}
}

// The periodic flush writes without Flush or Close being called.
func TestPeriodicFlush(t *testing.T) {
	dir := t.TempDir()
	st, _ := OpenFileStore(dir)
	s, err := New(Options{Store: st, FlushEvery: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.Visit(sshVisit("192.0.2.1"))
	today := DateOf(time.Now())
	testkit.Wait(t, 10*time.Second, "the visit to reach the file", func() bool {
		days, _ := ReadFileStore(dir).Days(context.Background(), today, today)
		return len(days) == 1 && days[0].Visits == 1
	})
}

func TestUniqueVisitorsAndSaltRotation(t *testing.T) {
	dir, c := t.TempDir(), &clock{t: time.Date(2026, 3, 14, 23, 59, 0, 0, time.UTC)}
	s := open(t, dir, c)
	defer s.Close()
	s.Visit(sshVisit("192.0.2.1"))
	s.Visit(sshVisit("192.0.2.1"))                                                               // the same visitor again
	s.Visit(Visit{Channel: ChannelTUI, IP: "192.0.2.1", Software: "SSH-2.0-PuTTY_Release_0.81"}) // same IP, other software: the same visitor
	s.Visit(sshVisit("192.0.2.2"))
	salt := s.salt

	c.Add(2 * time.Minute) // past midnight
	s.tick()               // the flush loop's tick rotates without a visit
	if s.salt == salt || s.saltDay != "2026-03-15" {
		t.Fatal("the salt did not rotate at midnight")
	}
	s.Visit(sshVisit("192.0.2.1")) // yesterday's visitor is new today

	r := report(t, s, 2)
	if d := r.Days[0]; d.Date != "2026-03-14" || d.Visits != 4 || d.UniqueVisitors != 2 {
		t.Errorf("day 1: %s visits %d unique %d; want 2026-03-14, 4, 2", d.Date, d.Visits, d.UniqueVisitors)
	}
	if d := r.Days[1]; d.Date != "2026-03-15" || d.Visits != 1 || d.UniqueVisitors != 1 {
		t.Errorf("day 2: %s visits %d unique %d; want 2026-03-15, 1, 1", d.Date, d.Visits, d.UniqueVisitors)
	}
	// Neither salt is anywhere on disk.
	for _, salt := range [][32]byte{salt, s.salt} {
		statstest.RequireAbsent(t, dir, string(salt[:]), string(hexOf(salt[:])))
	}
}

func hexOf(b []byte) []byte {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 2*len(b))
	for _, x := range b {
		out = append(out, digits[x>>4], digits[x&15])
	}
	return out
}

func TestPrivacyNothingIdentifyingOnDisk(t *testing.T) {
	dir, c := t.TempDir(), &clock{t: t0}
	s := open(t, dir, c)
	ips := []string{"203.0.113.77", "2001:db8::beef", "198.51.100.23"}
	for _, ip := range ips {
		vs := s.Visit(Visit{Channel: ChannelTUI, IP: ip, Software: "SSH-2.0-OpenSSH_9.6 Zoë-Tōkyō-客户端", Width: 120, Height: 40, Color: "truecolor"})
		vs.View("projects/notelytix")
		c.Add(time.Minute)
		vs.End()
	}
	s.Visit(Visit{Channel: ChannelWeb, IP: "192.0.2.99", Software: "Mozilla/5.0 (X11; Linux) SecretBrowser/1.0"})
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	statstest.RequireAbsent(t, dir, append(ips, "203.0.113", "db8", "198.51.100", "192.0.2", "Zoë", "客户端", "SecretBrowser", "Ubuntu")...)
}

func TestRetention(t *testing.T) {
	dir, c := t.TempDir(), &clock{t: t0}
	st, _ := OpenFileStore(dir)
	var old []*Day
	for i := range 6 { // 2026-03-09 … 2026-03-14
		d := newDay(DateOf(t0.AddDate(0, 0, -i)))
		d.Visits = 1
		old = append(old, d)
	}
	if err := st.Add(context.Background(), old); err != nil {
		t.Fatal(err)
	}
	s := open(t, dir, c, func(o *Options) { o.Days = 3 })
	dates, _ := st.dates()
	if strings.Join(dates, " ") != "2026-03-12 2026-03-13 2026-03-14" {
		t.Errorf("kept %v; want the last 3 days", dates)
	}
	// A day later, the next tick drops one more.
	c.Add(24 * time.Hour)
	s.Visit(sshVisit("192.0.2.1"))
	s.tick()
	dates, _ = st.dates()
	if strings.Join(dates, " ") != "2026-03-13 2026-03-14 2026-03-15" {
		t.Errorf("kept %v after a day", dates)
	}
	s.Close()
}

// Two processes sharing the data directory (or two flushes) add up.
func TestTwoWritersAddUp(t *testing.T) {
	dir, c := t.TempDir(), &clock{t: t0}
	a, b := open(t, dir, c), open(t, dir, c)
	for range 3 {
		a.Visit(sshVisit("192.0.2.1")).View("about")
		b.Visit(sshVisit("192.0.2.2")).View("about")
		if err := a.Flush(); err != nil {
			t.Fatal(err)
		}
		if err := b.Flush(); err != nil {
			t.Fatal(err)
		}
	}
	a.Close()
	b.Close()
	r, err := ReadReport(context.Background(), ReadFileStore(dir), t0, 1)
	if err != nil {
		t.Fatal(err)
	}
	if d := r.Days[0]; d.Visits != 6 || d.Views["about"] != 6 || d.UniqueVisitors != 2 {
		t.Errorf("visits %d, about %d, unique %d; want 6, 6, 2", d.Visits, d.Views["about"], d.UniqueVisitors)
	}
}

// A failed flush keeps its counts for the next one.
type failingStore struct {
	Store
	fail bool
}

func (f *failingStore) Add(ctx context.Context, days []*Day) error {
	if f.fail {
		return os.ErrPermission
	}
	return f.Store.Add(ctx, days)
}

func TestFailedFlushKeepsCounts(t *testing.T) {
	st, _ := OpenFileStore(t.TempDir())
	fs := &failingStore{Store: st, fail: true}
	c := &clock{t: t0}
	s, err := New(Options{Store: fs, FlushEvery: -1, Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	s.Visit(sshVisit("192.0.2.1"))
	if s.Flush() == nil {
		t.Fatal("flush to a failing store succeeded")
	}
	fs.fail = false
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if d, _ := st.read("2026-03-14"); d == nil || d.Visits != 1 {
		t.Errorf("stored %+v; want the visit from the failed flush", d)
	}
}

func TestCaseStudyTime(t *testing.T) {
	c := &clock{t: t0}
	s := open(t, t.TempDir(), c)
	defer s.Close()
	vs := s.Visit(sshVisit("192.0.2.1"))
	vs.View("projects")
	vs.View("projects/notelytix")
	vs.View("projects/notelytix") // still there: not a new view
	c.Add(100 * time.Second)
	vs.View("projects")
	vs.View("projects/other")
	c.Add(40 * time.Second)
	vs.End() // leaving counts the time on the open study
	vs.End()
	vs.View("about") // after the end: ignored

	d := report(t, s, 1).Days[0]
	if d.Views["projects"] != 2 || d.Views["projects/notelytix"] != 1 || d.Views["about"] != 0 {
		t.Errorf("views %v", d.Views)
	}
	if n := d.StudyTime["projects/notelytix"].Count(); n != 1 {
		t.Errorf("notelytix timed %d times; want 1", n)
	}
	// Samples of 100 s and 40 s: the median falls in the 30–45 s bucket.
	if m := d.MedianStudySeconds; m < 30 || m > 45 {
		t.Errorf("median %v s; want 30–45", m)
	}
	var nilSession *Session
	nilSession.View("about") // a nil session (stats off) is harmless
	nilSession.End()
}

func TestHistogramMedian(t *testing.T) {
	var h Histogram
	if h.Median() != 0 {
		t.Error("empty median not 0")
	}
	for _, s := range []int{1, 2, 3, 70, 80} {
		h.Observe(time.Duration(s) * time.Second)
	}
	// Rank 2.5 of 5: within the 0–5 s bucket (3 samples).
	if m := h.Median(); m <= 0 || m > 5 {
		t.Errorf("median %v; want within 0–5", m)
	}
	var long Histogram
	long.Observe(3 * time.Hour)
	if m := long.Median(); m != 3600 {
		t.Errorf("median in the open bucket %v; want its lower bound 3600", m)
	}
}

func TestClient(t *testing.T) {
	for version, want := range map[string]string{
		"SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13": "OpenSSH",
		"SSH-2.0-OpenSSH_for_Windows_9.5":        "OpenSSH",
		"SSH-2.0-PuTTY_Release_0.81":             "PuTTY",
		"SSH-2.0-Termius":                        "Termius",
		"SSH-2.0-Go":                             "Go",
		"SSH-2.0-libssh_0.10.6":                  "libssh",
		"SSH-2.0-libssh2_1.11.0":                 "libssh2",
		"SSH-2.0-dropbear_2022.83":               "Dropbear",
		"SSH-2.0-paramiko_3.4.0":                 "Paramiko",
		"SSH-2.0-gotty":                          "other",
		"SSH-2.0-\x1b[31mevil":                   "other",
		"":                                       "other",
		"garbage":                                "other",
	} {
		if got := Client(version); got != want {
			t.Errorf("Client(%q) = %q; want %q", version, got, want)
		}
	}
}

func TestBuckets(t *testing.T) {
	for _, c := range []struct {
		w, h int
		want string
	}{{80, 24, "80-119x24-39"}, {120, 40, "120-159x40-59"}, {30, 10, "<40x<12"}, {300, 100, "200+x60+"}, {0, 0, ""}} {
		if got := SizeBucket(c.w, c.h); got != c.want {
			t.Errorf("SizeBucket(%d, %d) = %q; want %q", c.w, c.h, got, c.want)
		}
	}
	for p, want := range map[colorprofile.Profile]string{
		colorprofile.TrueColor: "truecolor", colorprofile.ANSI256: "256", colorprofile.ANSI: "16", colorprofile.Ascii: "no-color", colorprofile.NoTTY: "no-color",
	} {
		if got := ColorBucket(p); got != want {
			t.Errorf("ColorBucket(%v) = %q; want %q", p, got, want)
		}
	}
}

func TestFileStoreRefusesLinksAndFIFOs(t *testing.T) {
	dir := t.TempDir()
	st, _ := OpenFileStore(dir)
	target := filepath.Join(dir, "elsewhere.json")
	os.WriteFile(target, []byte(`{"visits": 99}`), 0o600)
	if err := os.Symlink(target, st.path("2026-03-14")); err != nil {
		t.Skip("no symlinks here:", err)
	}
	if _, err := st.read("2026-03-14"); err == nil {
		t.Error("read followed a symbolic link")
	}
	if err := syscall.Mkfifo(st.path("2026-03-13"), 0o600); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	if _, err := st.read("2026-03-13"); err == nil {
		t.Error("read a FIFO")
	}
	// Adding to a day whose file is a link sets the link aside (its
	// target left alone, never read) and starts the day afresh: the
	// counts are saved, not retried forever.
	if err := st.Add(context.Background(), []*Day{{Date: "2026-03-14", Visits: 1}}); err != nil {
		t.Errorf("Add to a day whose file is a link = %v", err)
	}
	if d, err := st.read("2026-03-14"); err != nil || d.Visits != 1 {
		t.Errorf("the day afresh = %+v, %v", d, err)
	}
	if b, _ := os.ReadFile(target); string(b) != `{"visits": 99}` {
		t.Errorf("the link's target changed: %s", b)
	}
}

func TestReportShapeAndText(t *testing.T) {
	c := &clock{t: t0}
	s := open(t, t.TempDir(), c)
	defer s.Close()
	vs := s.Visit(sshVisit("192.0.2.1"))
	vs.View("about")
	vs.View("projects/notelytix")
	c.Add(2 * time.Minute) // one sample in the 90–120 s bucket: interpolated to its middle
	vs.End()
	s.Message()
	r := report(t, s, 3)
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var shape struct {
		Days    []map[string]json.RawMessage `json:"days"`
		Clients map[string]int64             `json:"clients"`
	}
	if err := json.Unmarshal(b, &shape); err != nil {
		t.Fatal(err)
	}
	if len(shape.Days) != 3 || string(shape.Days[0]["date"]) != `"2026-03-12"` || string(shape.Days[2]["date"]) != `"2026-03-14"` {
		t.Fatalf("days not the 3 last, oldest first: %s", b)
	}
	for _, k := range []string{"date", "visits", "unique_visitors", "by_channel", "views", "messages"} {
		if _, ok := shape.Days[0][k]; !ok {
			t.Errorf("a day lacks %q: %s", k, b)
		}
	}
	if string(shape.Days[0]["by_channel"]) != `{"text":0,"tui":0,"web":0,"web_terminal":0}` || string(shape.Days[0]["views"]) != "{}" {
		t.Errorf("an empty day: by_channel %s, views %s; want every channel at 0, {}", shape.Days[0]["by_channel"], shape.Days[0]["views"])
	}
	if shape.Clients["OpenSSH"] != 1 {
		t.Errorf("clients %v", shape.Clients)
	}
	text := r.Text(80)
	for _, want := range []string{"last 3 days", "▁▁█", "projects/notelytix", "median 1m45s", "OpenSSH 1", "80-119x24-39 1", "2026-03-14        1        1      1"} {
		if !strings.Contains(text, want) {
			t.Errorf("summary lacks %q:\n%s", want, text)
		}
	}
	for _, w := range []int{80, 38, 20} {
		for i, l := range strings.Split(r.Text(w), "\n") {
			if n := len([]rune(l)); n > w {
				t.Errorf("at %d columns, line %d is %d wide: %q", w, i, n, l)
			}
		}
	}
}

func TestSparkline(t *testing.T) {
	for _, c := range []struct {
		v     []int64
		width int
		want  string
	}{
		{[]int64{0, 1, 2, 4, 8}, 10, "▁▂▃▅█"},
		{[]int64{0, 0}, 10, "▁▁"},
		{[]int64{1, 1, 1, 1}, 2, "██"},
		{nil, 10, ""},
	} {
		if got := Sparkline(c.v, c.width); got != c.want {
			t.Errorf("Sparkline(%v, %d) = %q; want %q", c.v, c.width, got, c.want)
		}
	}
}

func TestMetrics(t *testing.T) {
	reg := prometheus.NewRegistry()
	c := &clock{t: t0}
	s := open(t, t.TempDir(), c, func(o *Options) { o.Registerer = reg })
	defer s.Close()
	s.Visit(sshVisit("192.0.2.1")).View("projects/notelytix")
	s.Visit(sshVisit("192.0.2.1"))
	if n := testutil.ToFloat64(s.metrics.visits.WithLabelValues("tui")); n != 2 {
		t.Errorf("tui visits %v; want 2", n)
	}
	if n := testutil.ToFloat64(s.metrics.uniques); n != 1 {
		t.Errorf("unique visitors %v; want 1", n)
	}
	if n := testutil.ToFloat64(s.metrics.views.WithLabelValues("projects/notelytix")); n != 1 {
		t.Errorf("views %v; want 1", n)
	}
	if n := testutil.ToFloat64(s.metrics.clients.WithLabelValues("OpenSSH")); n != 2 {
		t.Errorf("OpenSSH %v; want 2", n)
	}
}

func TestMaxUniques(t *testing.T) {
	c := &clock{t: t0}
	s := open(t, t.TempDir(), c, func(o *Options) { o.MaxUniques = 2 })
	defer s.Close()
	for _, ip := range []string{"a", "b", "c", "c"} {
		s.Visit(sshVisit(ip))
	}
	if len(s.seen) != 2 {
		t.Errorf("remembered %d visitors; want at most 2", len(s.seen))
	}
	if d := report(t, s, 1).Days[0]; d.UniqueVisitors != 4 {
		t.Errorf("unique %d; want 4 (beyond the bound, every visit counts as new)", d.UniqueVisitors)
	}
}

// Unique visitors are told apart by address only (IPv6 by /64): 5,000
// visits from one address with 5,000 User-Agents are one visitor (on
// main they were 5,000), and so are the addresses of one /64; the client
// software is only a bucket.
func TestUniqueVisitorsByAddress(t *testing.T) {
	reg := prometheus.NewRegistry()
	c := &clock{t: t0}
	s := open(t, t.TempDir(), c, func(o *Options) { o.Registerer = reg })
	defer s.Close()
	for i := range 5000 {
		s.Visit(Visit{Channel: ChannelWeb, IP: "192.0.2.7", Software: fmt.Sprintf("Mozilla/5.0 (bot %d)", i)})
	}
	s.Visit(Visit{Channel: ChannelWeb, IP: "::ffff:192.0.2.7", Software: "curl/8"}) // the same address, mapped
	for i := range 100 {
		s.Visit(Visit{Channel: ChannelWebTerminal, IP: fmt.Sprintf("2001:db8:1:2::%x", i+1), Software: fmt.Sprintf("UA %d", i)})
	}
	s.Visit(Visit{Channel: ChannelTUI, IP: "2001:db8:1:2:aaaa:bbbb:cccc:dddd", Software: "SSH-2.0-PuTTY_Release_0.81"})
	s.Visit(Visit{Channel: ChannelTUI, IP: "2001:db8:1:3::1", Software: "SSH-2.0-OpenSSH_9.6"}) // another /64
	if n := testutil.ToFloat64(s.metrics.uniques); n != 3 {
		t.Errorf("portfolio_unique_visitors_total = %v; want 3 (one IPv4 address, two IPv6 /64s)", n)
	}
	d := report(t, s, 1).Days[0]
	if d.Visits != 5103 || d.UniqueVisitors != 3 {
		t.Errorf("visits %d unique %d; want 5103, 3", d.Visits, d.UniqueVisitors)
	}
	if d.Clients["PuTTY"] != 1 || d.Clients["OpenSSH"] != 1 {
		t.Errorf("client buckets %v; want PuTTY 1, OpenSSH 1", d.Clients)
	}
	for ip, want := range map[string]string{
		"192.0.2.7": "192.0.2.7", "::ffff:192.0.2.7": "192.0.2.7", "2001:db8::1": "2001:db8::/64",
		"fe80::1%eth0": "fe80::/64", "not an address": "not an address",
	} {
		if got := VisitorAddr(ip); got != want {
			t.Errorf("VisitorAddr(%q) = %q; want %q", ip, got, want)
		}
	}
}
