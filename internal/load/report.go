package load

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// Report is a run's result. Latencies are milliseconds, sizes bytes.
type Report struct {
	Config ReportConfig  `json:"config"`
	Floor  *PhaseReport  `json:"floor,omitempty"`
	Target *PhaseReport  `json:"target"`
	Server *ServerReport `json:"server,omitempty"` // the target server, with --pid
	WallMs float64       `json:"wall_ms"`          // the whole run, floor included
}

// ReportConfig is the workload, as run (defaults applied).
type ReportConfig struct {
	Addr          string   `json:"addr"`
	Sessions      int      `json:"sessions"`
	Concurrency   int      `json:"concurrency"`
	Width         int      `json:"width"`
	Height        int      `json:"height"`
	HoldMs        float64  `json:"hold_ms"`
	Keys          int      `json:"keys"`
	KeyIntervalMs float64  `json:"key_interval_ms"`
	KeyEven       bool     `json:"key_even"`
	KeySequence   []string `json:"key_sequence"`
	Marker        string   `json:"marker"`
	TimeoutMs     float64  `json:"timeout_ms"`
	PID           int      `json:"pid,omitempty"`
}

func reportConfig(c Config) ReportConfig {
	return ReportConfig{
		Addr: c.Addr, Sessions: c.Sessions, Concurrency: c.Concurrency,
		Width: c.Width, Height: c.Height, HoldMs: ms(c.Hold), Keys: c.Keys,
		KeyIntervalMs: ms(c.KeyInterval), KeyEven: c.KeyEven, KeySequence: c.KeySequence,
		Marker: c.Marker, TimeoutMs: ms(c.Timeout), PID: c.PID,
	}
}

// PhaseReport is the workload's result against one server.
type PhaseReport struct {
	Addr       string `json:"addr"`
	Sessions   int    `json:"sessions"`
	OK         int    `json:"ok"`
	Failed     int    `json:"failed"`
	NotStarted int    `json:"not_started"` // cut by --timeout before they began
	// Errors counts failed sessions by kind (ErrorKinds); ErrorSamples
	// holds the first error of each kind seen.
	Errors       map[string]int    `json:"errors"`
	ErrorSamples map[string]string `json:"error_samples,omitempty"`
	TimedOut     bool              `json:"timed_out"` // the run's time limit ended this phase

	WallMs float64 `json:"wall_ms"`
	// DialPhaseMs runs from the phase's start to the last session's first
	// frame (or failure before it); SessionsPerSec is OK ÷ that.
	DialPhaseMs    float64 `json:"dial_phase_ms"`
	SessionsPerSec float64 `json:"sessions_per_sec"`

	// Latencies from each session's connect start; KeyUpdate from each
	// key's send to the first byte after it.
	Connect    Dist `json:"connect_ms"`
	Handshake  Dist `json:"handshake_ms"`
	Shell      Dist `json:"shell_ms"`
	FirstFrame Dist `json:"first_frame_ms"`
	KeyUpdate  Dist `json:"key_update_ms"`

	FirstFrameBytesP50 int64   `json:"first_frame_bytes_p50"`
	KeysSent           int     `json:"keys_sent"`
	KeysAnswered       int     `json:"keys_answered"`
	KeyBytesP50        int64   `json:"key_bytes_p50"`
	KeyBytesMean       float64 `json:"key_bytes_mean"`
}

// Dist is a latency distribution in milliseconds.
type Dist struct {
	N   int     `json:"n"`
	P50 float64 `json:"p50"`
	P90 float64 `json:"p90"`
	P99 float64 `json:"p99"`
	Max float64 `json:"max"`
}

// ServerReport is the target server's cost, from /proc/PID.
type ServerReport struct {
	PID             int     `json:"pid"`
	CPUMs           float64 `json:"cpu_ms"` // utime+stime over the target run
	CPUMsPerSession float64 `json:"cpu_ms_per_session"`
	BaselineRSSKiB  int64   `json:"baseline_rss_kib"`
	// With --hold: the peak VmRSS sampled while sessions were held, the
	// most sessions held at once, and (peak − baseline) ÷ that.
	PeakRSSKiB       int64    `json:"peak_rss_kib,omitempty"`
	SessionsHeld     int64    `json:"sessions_held,omitempty"`
	RSSPerSessionKiB *float64 `json:"rss_per_session_kib,omitempty"`
	// With --hold: VmRSS at the end of the hold (the last sample with every
	// session still held), when idle sessions have settled, and
	// (that − baseline) ÷ sessions held.
	SettledRSSKiB           int64    `json:"settled_rss_kib,omitempty"`
	SettledRSSPerSessionKiB *float64 `json:"settled_rss_per_session_kib,omitempty"`
	// With --hold ≥ 2s: server CPU per idle session per second of hold,
	// measured over intervals when every session in flight was in the
	// middle half of its hold.
	IdleCPUMsPerSessionSec *float64 `json:"idle_cpu_ms_per_session_sec,omitempty"`
	IdleWindowMs           float64  `json:"idle_window_ms,omitempty"`
	Notes                  []string `json:"notes,omitempty"`
}

func ms(d time.Duration) float64 { return round2(float64(d) / float64(time.Millisecond)) }

func round2(x float64) float64 { return math.Round(x*100) / 100 }

// percentile is the nearest-rank p-th percentile (0 < p ≤ 100) of sorted
// values; 0 for none.
func percentile(sorted []float64, p float64) float64 {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	rank := int(math.Ceil(p * float64(n) / 100))
	rank = min(max(rank, 1), n)
	return sorted[rank-1]
}

func dist(ds []time.Duration) Dist {
	v := make([]float64, len(ds))
	for i, d := range ds {
		v[i] = float64(d) / float64(time.Millisecond)
	}
	slices.Sort(v)
	return Dist{
		N:   len(v),
		P50: round2(percentile(v, 50)),
		P90: round2(percentile(v, 90)),
		P99: round2(percentile(v, 99)),
		Max: round2(percentile(v, 100)),
	}
}

func summarize(addr string, results []sessionResult, start time.Time, wall time.Duration, timedOut bool) *PhaseReport {
	p := &PhaseReport{
		Addr: addr, Sessions: len(results), Errors: map[string]int{},
		TimedOut: timedOut, WallMs: ms(wall),
	}
	for _, k := range ErrorKinds {
		p.Errors[k] = 0
	}
	var conn, hs, shell, ff, key []time.Duration
	var ffBytes, keyBytes []float64
	var lastReady time.Time
	var keyBytesSum int64
	for _, r := range results {
		if !r.started {
			p.NotStarted++
			continue
		}
		if r.ok {
			p.OK++
		} else {
			p.Failed++
			p.Errors[r.kind]++
			if _, ok := p.ErrorSamples[r.kind]; !ok && r.err != nil {
				if p.ErrorSamples == nil {
					p.ErrorSamples = map[string]string{}
				}
				p.ErrorSamples[r.kind] = r.err.Error()
			}
		}
		if r.ready.After(lastReady) {
			lastReady = r.ready
		}
		if r.connect > 0 {
			conn = append(conn, r.connect)
		}
		if r.handshake > 0 {
			hs = append(hs, r.handshake)
		}
		if r.shell > 0 {
			shell = append(shell, r.shell)
		}
		if r.firstFrame > 0 {
			ff = append(ff, r.firstFrame)
			ffBytes = append(ffBytes, float64(r.ffBytes))
		}
		for _, k := range r.keys[:r.sent] {
			p.KeysSent++
			if k.answered {
				p.KeysAnswered++
				key = append(key, k.latency)
			}
			keyBytes = append(keyBytes, float64(k.bytes))
			keyBytesSum += k.bytes
		}
	}
	if !lastReady.IsZero() {
		dial := lastReady.Sub(start)
		p.DialPhaseMs = ms(dial)
		if dial > 0 {
			p.SessionsPerSec = round2(float64(p.OK) / dial.Seconds())
		}
	}
	p.Connect, p.Handshake, p.Shell, p.FirstFrame, p.KeyUpdate = dist(conn), dist(hs), dist(shell), dist(ff), dist(key)
	slices.Sort(ffBytes)
	p.FirstFrameBytesP50 = int64(percentile(ffBytes, 50))
	slices.Sort(keyBytes)
	p.KeyBytesP50 = int64(percentile(keyBytes, 50))
	if len(keyBytes) > 0 {
		p.KeyBytesMean = round2(float64(keyBytesSum) / float64(len(keyBytes)))
	}
	return p
}

// report turns the monitor's samples into the server's cost.
func (m *monitor) report(cfg Config, results []sessionResult, g *gauges) *ServerReport {
	started := 0
	for _, r := range results {
		if r.started {
			started++
		}
	}
	s := &ServerReport{PID: m.pid, BaselineRSSKiB: m.baseline.rssKiB}
	s.CPUMs = round2(m.last.cpuMs(m.baseline))
	if started > 0 {
		s.CPUMsPerSession = round2(s.CPUMs / float64(started))
	}
	if m.err != nil {
		s.Notes = append(s.Notes, fmt.Sprintf("sampling stopped early: %v", m.err))
	}
	if cfg.Hold > 0 {
		s.SessionsHeld = g.maxHeld.Load()
		s.PeakRSSKiB = m.peakRSS
		if !m.heldSampled {
			s.PeakRSSKiB = m.peakAny
			s.Notes = append(s.Notes, "no sample fell inside a hold; peak RSS is over the whole run")
		}
		if s.SessionsHeld > 0 {
			v := round2(float64(s.PeakRSSKiB-s.BaselineRSSKiB) / float64(s.SessionsHeld))
			s.RSSPerSessionKiB = &v
			if m.settledRSS > 0 {
				s.SettledRSSKiB = m.settledRSS
				v := round2(float64(s.SettledRSSKiB-s.BaselineRSSKiB) / float64(s.SessionsHeld))
				s.SettledRSSPerSessionKiB = &v
			}
		}
	}
	if cfg.Hold >= 2*time.Second {
		if m.idleSessSec > 0 {
			v := math.Round(m.idleMs/m.idleSessSec*1000) / 1000
			s.IdleCPUMsPerSessionSec = &v
			s.IdleWindowMs = ms(m.idleWall)
		} else {
			s.Notes = append(s.Notes, "idle CPU: no 100 ms interval had every session in flight in the middle of its hold (try -c equal to -n)")
		}
	}
	return s
}

// WriteText writes the report for people: the target (and floor) side by
// side with the ratio target/floor, then the server's cost.
func (r *Report) WriteText(w io.Writer) {
	c := r.Config
	keys := "no keys"
	if c.Keys > 0 {
		every := "every ~"
		if c.KeyEven {
			every = "every "
		}
		keys = fmt.Sprintf("%d keys (%s) %s%s", c.Keys, strings.Join(c.KeySequence, ","), every, fmtDur(c.KeyIntervalMs))
	}
	fmt.Fprintf(w, "portfolio-load: %d sessions, %d in flight, pty %dx%d, %s, hold %s, marker %q\n",
		c.Sessions, c.Concurrency, c.Width, c.Height, keys, fmtDur(c.HoldMs), c.Marker)
	t, f := r.Target, r.Floor
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	if f != nil {
		fmt.Fprintf(tw, "\ttarget %s\tfloor %s\ttarget/floor\n", t.Addr, f.Addr)
	} else {
		fmt.Fprintf(tw, "\ttarget %s\n", t.Addr)
	}
	row := func(label string, tv, fv string, ratio string) {
		if f == nil {
			fmt.Fprintf(tw, "%s\t%s\n", label, tv)
			return
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", label, tv, fv, ratio)
	}
	num := func(get func(*PhaseReport) float64, withRatio bool) (string, string, string) {
		tv := fmt.Sprintf("%.2f", get(t))
		if f == nil {
			return tv, "", ""
		}
		fv := fmt.Sprintf("%.2f", get(f))
		ratio := ""
		if withRatio {
			ratio = "–"
			if d := get(f); d > 0 {
				ratio = fmt.Sprintf("%.2fx", get(t)/d)
			}
		}
		return tv, fv, ratio
	}
	intRow := func(label string, get func(*PhaseReport) string) {
		fv := ""
		if f != nil {
			fv = get(f)
		}
		row(label, get(t), fv, "")
	}
	intRow("sessions ok", func(p *PhaseReport) string { return fmt.Sprint(p.OK) })
	intRow("sessions failed", func(p *PhaseReport) string { return fmt.Sprint(p.Failed) })
	for _, k := range ErrorKinds {
		intRow("  "+k, func(p *PhaseReport) string { return fmt.Sprint(p.Errors[k]) })
	}
	if t.NotStarted > 0 || (f != nil && f.NotStarted > 0) {
		intRow("not started (timeout)", func(p *PhaseReport) string { return fmt.Sprint(p.NotStarted) })
	}
	tv, fv, _ := num(func(p *PhaseReport) float64 { return p.WallMs / 1000 }, false)
	row("wall time (s)", tv, fv, "")
	tv, fv, ratio := num(func(p *PhaseReport) float64 { return p.SessionsPerSec }, true)
	row("sessions/s", tv, fv, ratio)
	dists := []struct {
		name string
		get  func(*PhaseReport) Dist
	}{
		{"connect", func(p *PhaseReport) Dist { return p.Connect }},
		{"handshake", func(p *PhaseReport) Dist { return p.Handshake }},
		{"shell", func(p *PhaseReport) Dist { return p.Shell }},
		{"first frame", func(p *PhaseReport) Dist { return p.FirstFrame }},
		{"key update", func(p *PhaseReport) Dist { return p.KeyUpdate }},
	}
	for _, d := range dists {
		if d.name == "key update" && c.Keys == 0 {
			continue
		}
		pcts := []struct {
			name string
			get  func(Dist) float64
		}{
			{"p50", func(x Dist) float64 { return x.P50 }},
			{"p90", func(x Dist) float64 { return x.P90 }},
			{"p99", func(x Dist) float64 { return x.P99 }},
			{"max", func(x Dist) float64 { return x.Max }},
		}
		for _, pc := range pcts {
			tv, fv, ratio := num(func(p *PhaseReport) float64 { return pc.get(d.get(p)) }, true)
			if d.get(t).N == 0 {
				tv, ratio = "–", "–"
			}
			if f != nil && d.get(f).N == 0 {
				fv, ratio = "–", "–"
			}
			row(fmt.Sprintf("%s %s (ms)", d.name, pc.name), tv, fv, ratio)
		}
	}
	intRow("first-frame bytes p50", func(p *PhaseReport) string { return fmt.Sprint(p.FirstFrameBytesP50) })
	if c.Keys > 0 {
		intRow("keys answered/sent", func(p *PhaseReport) string { return fmt.Sprintf("%d/%d", p.KeysAnswered, p.KeysSent) })
		intRow("bytes/key p50", func(p *PhaseReport) string { return fmt.Sprint(p.KeyBytesP50) })
		tv, fv, _ := num(func(p *PhaseReport) float64 { return p.KeyBytesMean }, false)
		row("bytes/key mean", tv, fv, "")
	}
	tw.Flush()

	for _, ph := range []struct {
		name string
		p    *PhaseReport
	}{{"floor", f}, {"target", t}} {
		if ph.p == nil {
			continue
		}
		if ph.p.TimedOut {
			fmt.Fprintf(w, "%s: cut short by the time limit\n", ph.name)
		}
		for _, k := range ErrorKinds {
			if s, ok := ph.p.ErrorSamples[k]; ok {
				fmt.Fprintf(w, "%s %s error, e.g.: %s\n", ph.name, k, s)
			}
		}
	}
	if s := r.Server; s != nil {
		fmt.Fprintf(w, "server pid %d (target only):\n", s.PID)
		fmt.Fprintf(w, "  CPU            %.2f ms in all, %.2f ms per session\n", s.CPUMs, s.CPUMsPerSession)
		fmt.Fprintf(w, "  RSS baseline   %s\n", kib(float64(s.BaselineRSSKiB)))
		switch {
		case c.HoldMs == 0:
			fmt.Fprintf(w, "  RSS/session    needs --hold\n")
		case s.RSSPerSessionKiB != nil:
			fmt.Fprintf(w, "  RSS peak       %s with %d sessions held: %s per session\n",
				kib(float64(s.PeakRSSKiB)), s.SessionsHeld, kib(*s.RSSPerSessionKiB))
			if s.SettledRSSPerSessionKiB != nil {
				fmt.Fprintf(w, "  RSS settled    %s at the end of the hold: %s per session\n",
					kib(float64(s.SettledRSSKiB)), kib(*s.SettledRSSPerSessionKiB))
			}
		default:
			fmt.Fprintf(w, "  RSS peak       %s (no session was held)\n", kib(float64(s.PeakRSSKiB)))
		}
		switch {
		case c.HoldMs < 2000:
			fmt.Fprintf(w, "  idle CPU       needs --hold ≥ 2s\n")
		case s.IdleCPUMsPerSessionSec != nil:
			fmt.Fprintf(w, "  idle CPU       %.3f ms per session per second (over %.1f s of mid-hold)\n",
				*s.IdleCPUMsPerSessionSec, s.IdleWindowMs/1000)
		}
		for _, n := range s.Notes {
			fmt.Fprintf(w, "  note: %s\n", n)
		}
	}
	fmt.Fprintf(w, "total wall time %.2f s; sessions/s = ok sessions ÷ dial phase (start → last first frame)\n", r.WallMs/1000)
}

func fmtDur(msv float64) string {
	return time.Duration(msv * float64(time.Millisecond)).String()
}

func kib(v float64) string {
	if math.Abs(v) >= 10*1024 {
		return fmt.Sprintf("%.1f MiB", v/1024)
	}
	return fmt.Sprintf("%.1f KiB", v)
}
