package stats

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Visit is what a channel tells about one visit. IP is only hashed into
// the day's unique-visitor count, never stored; Software only counted in
// a bucket (the SSH client's name).
type Visit struct {
	Channel Channel
	// IP is the visitor's address, without the port.
	IP string
	// Software is the client's self-description: the SSH version string
	// ("SSH-2.0-OpenSSH_9.6") or the browser's User-Agent. SSH visits are
	// counted by client (see Client). It plays no part in telling
	// visitors apart: a client can say anything, and one address sending
	// 5,000 User-Agents is one visitor, not 5,000.
	Software string
	// Width and Height are the terminal's size, 0 without a terminal.
	Width, Height int
	// Color is the colour-profile bucket (see ColorBucket), "" without a
	// terminal.
	Color string
}

// Logger is where failed flushes are reported (charm's log.Logger fits).
type Logger interface {
	Warn(msg any, keyvals ...any)
}

// Options configure a Stats.
type Options struct {
	// Store keeps the days; required.
	Store Store
	// Days is how many days are kept, today included (default 400).
	Days int
	// FlushEvery is how often counts are written to the store (default
	// 5s): a crash loses at most that much. Negative: only on Flush and
	// Close.
	FlushEvery time.Duration
	// Now is the clock (default time.Now); tests move it.
	Now func() time.Time
	// Logger reports failed flushes; nil = silent.
	Logger Logger
	// Registerer, if set, gets the Prometheus counters.
	Registerer prometheus.Registerer
	// MaxUniques bounds the visitors remembered per day to tell repeat
	// visits from new ones (8 bytes each; default 1<<18). Beyond it, every
	// new-looking visit counts as a new visitor.
	MaxUniques int
}

// DefaultDays is how many days of statistics are kept by default.
const DefaultDays = 400

// DefaultFlushEvery is how often counts reach the store by default.
const DefaultFlushEvery = 5 * time.Second

// Stats counts visits in memory and writes them to its store every few
// seconds. It is safe for concurrent use; every method of a nil *Stats
// does nothing.
type Stats struct {
	opts    Options
	metrics *metrics

	mu      sync.Mutex
	pending map[string]*Day // counts not yet in the store, by date
	salt    [32]byte        // today's; in memory only
	saltDay string
	seen    map[uint64]struct{} // today's visitors, as salted hashes

	flushMu  sync.Mutex // one flush at a time; reports wait for it
	pruned   string     // the day the store was last pruned
	stop     chan struct{}
	done     chan struct{}
	stopOnce sync.Once
}

// New starts counting into opts.Store. It drops days past the kept number
// and flushes every FlushEvery until Close.
func New(opts Options) (*Stats, error) {
	if opts.Store == nil {
		return nil, errors.New("stats: no store")
	}
	if opts.Days <= 0 {
		opts.Days = DefaultDays
	}
	if opts.FlushEvery == 0 {
		opts.FlushEvery = DefaultFlushEvery
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.MaxUniques <= 0 {
		opts.MaxUniques = 1 << 18
	}
	s := &Stats{
		opts:    opts,
		metrics: newMetrics(opts.Registerer),
		pending: map[string]*Day{},
		stop:    make(chan struct{}),
		done:    make(chan struct{}),
	}
	if err := s.prune(); err != nil {
		return nil, err
	}
	if opts.FlushEvery > 0 {
		go s.loop()
	} else {
		close(s.done)
	}
	return s, nil
}

// loop flushes on every tick until Close.
func (s *Stats) loop() {
	defer close(s.done)
	t := time.NewTicker(s.opts.FlushEvery)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			s.tick()
		}
	}
}

// tick rotates the salt at midnight even without visits, so yesterday's
// never outlives its day, then flushes and prunes once a day.
func (s *Stats) tick() {
	s.mu.Lock()
	s.rotate(DateOf(s.opts.Now()))
	s.mu.Unlock()
	if err := s.Flush(); err != nil && s.opts.Logger != nil {
		s.opts.Logger.Warn("statistics not saved; retrying", "err", err)
	}
	if err := s.prune(); err != nil && s.opts.Logger != nil {
		s.opts.Logger.Warn("old statistics not deleted", "err", err)
	}
}

// rotate starts a new day's salt and forgets the visitors seen under the
// old one. The caller holds s.mu.
func (s *Stats) rotate(today string) {
	if s.saltDay == today {
		return
	}
	if _, err := rand.Read(s.salt[:]); err != nil {
		panic("stats: no randomness: " + err.Error()) // crypto/rand never fails on supported systems
	}
	s.saltDay = today
	s.seen = make(map[uint64]struct{})
}

// visitorKey is the salted hash standing for a visitor today: their
// address (see VisitorAddr), nothing they say about themselves.
func (s *Stats) visitorKey(ip string) uint64 {
	mac := hmac.New(sha256.New, s.salt[:])
	mac.Write([]byte(VisitorAddr(ip)))
	return binary.BigEndian.Uint64(mac.Sum(nil))
}

// VisitorAddr is what tells one visitor from another: an IPv4 address as
// it is (an IPv4-mapped IPv6 one too), an IPv6 address by its /64, which
// one household or machine commonly holds whole and could otherwise walk
// through to count as thousands. Anything that isn't an address is used
// as given.
func VisitorAddr(ip string) string {
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	addr = addr.Unmap().WithZone("")
	if addr.Is4() {
		return addr.String()
	}
	p, _ := addr.Prefix(64)
	return p.String()
}

// day is the pending counts for date. The caller holds s.mu.
func (s *Stats) day(date string) *Day {
	d := s.pending[date]
	if d == nil {
		d = newDay(date)
		s.pending[date] = d
	}
	return d
}

// Visit counts a visit and returns its session, which counts the pages
// the visitor views; End it when the visit ends.
func (s *Stats) Visit(v Visit) *Session {
	if s == nil {
		return nil
	}
	now := s.opts.Now()
	today := DateOf(now)
	client := ""
	if v.Channel == ChannelTUI || v.Channel == ChannelText {
		client = Client(v.Software)
	}
	size := SizeBucket(v.Width, v.Height)

	s.mu.Lock()
	s.rotate(today)
	key := s.visitorKey(v.IP)
	_, seen := s.seen[key]
	if !seen && len(s.seen) < s.opts.MaxUniques {
		s.seen[key] = struct{}{}
	}
	d := s.day(today)
	d.Visits++
	d.ByChannel[string(v.Channel)]++
	if !seen {
		d.UniqueVisitors++
	}
	if client != "" {
		d.Clients[client]++
	}
	if size != "" {
		d.Terminals[size]++
	}
	if v.Color != "" {
		d.Colors[v.Color]++
	}
	s.mu.Unlock()

	s.metrics.visit(v.Channel, client, !seen)
	return &Session{stats: s}
}

// Message counts a message stored from a visitor.
func (s *Stats) Message() {
	if s == nil {
		return
	}
	s.mu.Lock()
	s.day(DateOf(s.opts.Now())).Messages++
	s.mu.Unlock()
}

// maxPages bounds the distinct pages counted per day.
const maxPages = 512

// view counts a page view, and the time spent on a case study.
func (s *Stats) view(page string, spent time.Duration, isView bool) {
	s.mu.Lock()
	d := s.day(DateOf(s.opts.Now()))
	_, known := d.Views[page]
	_, timed := d.StudyTime[page]
	if !known && !timed && len(d.Views)+len(d.StudyTime) >= maxPages {
		page = "other"
	}
	if isView {
		d.Views[page]++
	} else {
		h := d.StudyTime[page]
		h.Observe(spent)
		d.StudyTime[page] = h
	}
	s.mu.Unlock()
	if isView {
		s.metrics.view(page)
	} else {
		s.metrics.study(spent)
	}
}

// CountView counts a page shown outside the app, such as the text of a
// command, whose reading time isn't known.
func (s *Stats) CountView(page string) {
	if s != nil && page != "" {
		s.view(page, 0, true)
	}
}

// Flush writes the counts gathered since the last flush to the store. On
// failure they are kept for the next one.
func (s *Stats) Flush() error {
	if s == nil {
		return nil
	}
	s.flushMu.Lock()
	defer s.flushMu.Unlock()
	s.mu.Lock()
	days := make([]*Day, 0, len(s.pending))
	for _, d := range s.pending {
		days = append(days, d)
	}
	s.pending = map[string]*Day{}
	s.mu.Unlock()
	if len(days) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := s.opts.Store.Add(ctx, days)
	if err != nil {
		s.mu.Lock()
		for _, d := range days {
			s.day(d.Date).Add(d)
		}
		s.mu.Unlock()
	}
	return err
}

// prune deletes days past the kept number, once a day.
func (s *Stats) prune() error {
	today := DateOf(s.opts.Now())
	s.flushMu.Lock()
	defer s.flushMu.Unlock()
	if s.pruned == today {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.opts.Store.Prune(ctx, firstKept(s.opts.Now(), s.opts.Days)); err != nil {
		return err
	}
	s.pruned = today
	return nil
}

// firstKept is the oldest date of the n days ending on now's.
func firstKept(now time.Time, n int) string {
	return DateOf(now.UTC().AddDate(0, 0, -(n - 1)))
}

// Close stops the periodic flush and writes what is left.
func (s *Stats) Close() error {
	if s == nil {
		return nil
	}
	s.stopOnce.Do(func() { close(s.stop) })
	<-s.done
	return s.Flush()
}

// Report returns the last n days (today included), flushed or not.
func (s *Stats) Report(n int) (Report, error) {
	s.flushMu.Lock()
	defer s.flushMu.Unlock()
	now := s.opts.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	stored, err := s.opts.Store.Days(ctx, firstKept(now, n), DateOf(now))
	if err != nil {
		return Report{}, err
	}
	s.mu.Lock()
	for _, d := range s.pending {
		stored = append(stored, d.clone())
	}
	s.mu.Unlock()
	return NewReport(stored, now, n), nil
}

// Session follows one visit's page views. Every method of a nil *Session
// does nothing.
type Session struct {
	stats *Stats
	mu    sync.Mutex
	page  string    // on screen now
	since time.Time // when it came on screen
	ended bool
}

// View records that page is now on screen: about, skills, projects,
// contact, or projects/<slug> for a case study. The time spent on a case
// study is counted when the visitor moves on or leaves. A repeat of the
// page on screen is not a new view.
func (vs *Session) View(page string) {
	if vs == nil || page == "" {
		return
	}
	if len(page) > 128 {
		page = page[:128]
	}
	now := vs.stats.opts.Now()
	vs.mu.Lock()
	defer vs.mu.Unlock()
	if vs.ended || page == vs.page {
		return
	}
	vs.leave(now)
	vs.page, vs.since = page, now
	vs.stats.view(page, 0, true)
}

// End ends the visit, counting the time on the case study on screen.
func (vs *Session) End() {
	if vs == nil {
		return
	}
	vs.mu.Lock()
	defer vs.mu.Unlock()
	if !vs.ended {
		vs.leave(vs.stats.opts.Now())
		vs.ended = true
	}
}

// leave counts the time on the page on screen if it is a case study. The
// caller holds vs.mu.
func (vs *Session) leave(now time.Time) {
	if IsCaseStudy(vs.page) {
		vs.stats.view(vs.page, now.Sub(vs.since), false)
	}
	vs.page = ""
}

// IsCaseStudy reports whether a page name is a case study's.
func IsCaseStudy(page string) bool {
	return strings.HasPrefix(page, "projects/")
}
