package load

import (
	"bytes"
	"context"
	"encoding/json"
	"math/rand/v2"
	"net"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
)

func startTestFloor(t *testing.T) string {
	t.Helper()
	addr, stop, err := StartFloor()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	return addr
}

func checkOrdered(t *testing.T, name string, d Dist, wantN int) {
	t.Helper()
	if d.N != wantN {
		t.Errorf("%s: n = %d, want %d", name, d.N, wantN)
	}
	if !(0 < d.P50 && d.P50 <= d.P90 && d.P90 <= d.P99 && d.P99 <= d.Max) {
		t.Errorf("%s: percentiles not ordered or not positive: %+v", name, d)
	}
}

func TestRunAgainstFloor(t *testing.T) {
	t.Parallel()
	addr := startTestFloor(t)
	rep, err := Run(context.Background(), Config{
		Addr: addr, Sessions: 50, Concurrency: 10, Keys: 2, // keys every 100ms
		NoFloor: true, Timeout: 10 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	p := rep.Target
	if rep.Floor != nil {
		t.Error("NoFloor run has a floor")
	}
	if p.OK != 50 || p.Failed != 0 || p.NotStarted != 0 {
		t.Fatalf("ok/failed/not started = %d/%d/%d, want 50/0/0; errors %v %v", p.OK, p.Failed, p.NotStarted, p.Errors, p.ErrorSamples)
	}
	checkOrdered(t, "handshake", p.Handshake, 50)
	checkOrdered(t, "first frame", p.FirstFrame, 50)
	checkOrdered(t, "key update", p.KeyUpdate, 100)
	if p.Handshake.P50 > p.FirstFrame.Max {
		t.Errorf("handshake p50 %v after the slowest first frame %v", p.Handshake.P50, p.FirstFrame.Max)
	}
	if p.KeysSent != 100 || p.KeysAnswered != 100 {
		t.Errorf("keys answered/sent = %d/%d, want 100/100", p.KeysAnswered, p.KeysSent)
	}
	if want := int64(len("floor quit\r\n")); p.FirstFrameBytesP50 != want {
		t.Errorf("first-frame bytes p50 = %d, want %d", p.FirstFrameBytesP50, want)
	}
	if want := int64(len(floorReply)); p.KeyBytesP50 != want || p.KeyBytesMean != float64(want) {
		t.Errorf("bytes/key p50 %d mean %v, want %d", p.KeyBytesP50, p.KeyBytesMean, want)
	}
	if p.SessionsPerSec <= 0 || p.DialPhaseMs <= 0 || p.DialPhaseMs > p.WallMs {
		t.Errorf("sessions/s %v over dial phase %v ms of wall %v ms", p.SessionsPerSec, p.DialPhaseMs, p.WallMs)
	}

	var text bytes.Buffer
	rep.WriteText(&text)
	for _, want := range []string{"sessions ok            50", "handshake p99 (ms)", "key update max (ms)", "bytes/key mean"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text report lacks %q:\n%s", want, text.String())
		}
	}
	if _, err := json.Marshal(rep); err != nil {
		t.Error(err)
	}
}

// TestRunWithFloor is the default shape: floor first, then the target (here
// another floor), side by side with ratios.
func TestRunWithFloor(t *testing.T) {
	t.Parallel()
	addr := startTestFloor(t)
	rep, err := Run(context.Background(), Config{
		Addr: addr, Sessions: 10, Concurrency: 5, Keys: 1,
		KeyInterval: 10 * time.Millisecond, Timeout: 10 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Floor == nil || rep.Floor.OK != 10 || rep.Target.OK != 10 {
		t.Fatalf("floor %+v target %+v", rep.Floor, rep.Target)
	}
	if rep.Floor.Addr == rep.Target.Addr {
		t.Error("the floor ran against the target")
	}
	var text bytes.Buffer
	rep.WriteText(&text)
	if !strings.Contains(text.String(), "target/floor") || !strings.Contains(text.String(), "x\n") {
		t.Errorf("no ratios:\n%s", text.String())
	}
}

// TestServerStats samples this very process as "the server": CPU, RSS per
// held session and idle CPU over the middle of a 2 s hold.
func TestServerStats(t *testing.T) {
	t.Parallel()
	addr := startTestFloor(t)
	rep, err := Run(context.Background(), Config{
		Addr: addr, Sessions: 8, Concurrency: 8, Hold: 2 * time.Second,
		NoFloor: true, Timeout: 10 * time.Second, PID: os.Getpid(),
	})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Target.OK != 8 {
		t.Fatalf("ok = %d: %v", rep.Target.OK, rep.Target.ErrorSamples)
	}
	s := rep.Server
	if s == nil || s.PID != os.Getpid() || s.BaselineRSSKiB <= 0 || s.PeakRSSKiB <= 0 {
		t.Fatalf("server report %+v", s)
	}
	if s.SessionsHeld != 8 || s.RSSPerSessionKiB == nil {
		t.Errorf("sessions held %d, RSS/session %v", s.SessionsHeld, s.RSSPerSessionKiB)
	}
	if s.SettledRSSKiB <= 0 || s.SettledRSSPerSessionKiB == nil || s.SettledRSSKiB > s.PeakRSSKiB {
		t.Errorf("settled RSS %d (peak %d), per session %v", s.SettledRSSKiB, s.PeakRSSKiB, s.SettledRSSPerSessionKiB)
	}
	if s.IdleCPUMsPerSessionSec == nil || s.IdleWindowMs < 500 {
		t.Errorf("idle CPU %v over %v ms; notes %v", s.IdleCPUMsPerSessionSec, s.IdleWindowMs, s.Notes)
	}
	var text bytes.Buffer
	rep.WriteText(&text)
	if !strings.Contains(text.String(), "RSS settled") {
		t.Errorf("no settled RSS line:\n%s", text.String())
	}
	if !strings.Contains(text.String(), "per session per second") {
		t.Errorf("no idle CPU line:\n%s", text.String())
	}
}

func TestReadProc(t *testing.T) {
	s, err := readProc(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if s.ticks < 0 || s.rssKiB <= 0 {
		t.Errorf("sample %+v", s)
	}
	if _, err := Run(context.Background(), Config{Addr: "127.0.0.1:1", PID: 1 << 30}); !IsConfigError(err) {
		t.Errorf("Run with a missing --pid: %v, want a ConfigError", err)
	}
}

func TestCheckAddr(t *testing.T) {
	for _, tc := range []struct {
		addr   string
		remote bool
		ok     bool
	}{
		{"example.com:22", false, false},
		{"example.com:22", true, true},
		{"10.0.0.1:22", false, false},
		{"10.0.0.1:22", true, true},
		{"0.0.0.0:22", false, false},
		{"[::]:22", false, false},
		{"[2001:db8::1]:22", false, false},
		{"localhost.example.com:22", false, false},
		{"[::1]:22", false, true},
		{"[::ffff:127.0.0.1]:22", false, true},
		{"127.0.0.1:22", false, true},
		{"127.8.9.10:22", false, true},
		{"localhost:22", false, true},
		{"LOCALHOST.:22", false, true},
		{":22", false, false},
		{"127.0.0.1", false, false},
		{"127.0.0.1:", false, false},
	} {
		err := CheckAddr(tc.addr, tc.remote)
		if (err == nil) != tc.ok {
			t.Errorf("CheckAddr(%q, remote=%v) = %v, want ok=%v", tc.addr, tc.remote, err, tc.ok)
		}
		if err != nil && !IsConfigError(err) {
			t.Errorf("CheckAddr(%q): %T is not a ConfigError", tc.addr, err)
		}
	}
	// Run refuses before any network activity.
	start := time.Now()
	_, err := Run(context.Background(), Config{Addr: "example.com:22"})
	if !IsConfigError(err) || !strings.Contains(err.Error(), "--allow-remote") {
		t.Errorf("Run(example.com:22) = %v", err)
	}
	if time.Since(start) > 100*time.Millisecond {
		t.Errorf("refusal took %s", time.Since(start))
	}
	// The dialer's check, for names (localhost) that resolve at dial time.
	d := newClient(Config{}, "", nil, &gauges{}).dialer
	if d.Control == nil || d.Control("tcp4", "10.0.0.1:22", nil) == nil {
		t.Error("the dialer would connect to 10.0.0.1")
	}
	if err := d.Control("tcp6", "[::1]:22", nil); err != nil {
		t.Errorf("the dialer refuses ::1: %v", err)
	}
	if d := newClient(Config{AllowRemote: true}, "", nil, &gauges{}).dialer; d.Control != nil {
		t.Error("--allow-remote still checks addresses")
	}
}

// silentListener accepts connections and never says a word.
func silentListener(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
	})
	return ln.Addr().String()
}

func TestTimeoutHonoured(t *testing.T) {
	t.Parallel()
	addr := silentListener(t)
	start := time.Now()
	rep, err := Run(context.Background(), Config{
		Addr: addr, Sessions: 40, Concurrency: 10, NoFloor: true, Timeout: 300 * time.Millisecond,
	})
	elapsed := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	if elapsed > time.Second {
		t.Errorf("Run took %s with a 300ms timeout", elapsed)
	}
	p := rep.Target
	if !p.TimedOut || p.OK != 0 || p.Errors[KindTimeout] != 10 || p.NotStarted != 30 || p.Failed != 10 {
		t.Errorf("timed out %v, ok %d, failed %d, not started %d, errors %v", p.TimedOut, p.OK, p.Failed, p.NotStarted, p.Errors)
	}
	if !strings.Contains(p.ErrorSamples[KindTimeout], "--timeout") {
		t.Errorf("timeout error sample %q doesn't name --timeout", p.ErrorSamples[KindTimeout])
	}
}

// TestTimeoutCutsFloor: the floor gets at most half the time limit.
func TestTimeoutCutsFloor(t *testing.T) {
	t.Parallel()
	start := time.Now()
	rep, err := Run(context.Background(), Config{
		Addr: silentListener(t), Sessions: 4, Concurrency: 4, Hold: time.Minute, Timeout: 400 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	if time.Since(start) > 1200*time.Millisecond {
		t.Errorf("Run took %s", time.Since(start))
	}
	if !rep.Floor.TimedOut || rep.Floor.Errors[KindTimeout] != 4 || rep.Floor.FirstFrame.N != 4 {
		t.Errorf("floor %+v", rep.Floor)
	}
	if !rep.Target.TimedOut || rep.Target.Errors[KindTimeout] != 4 {
		t.Errorf("target %+v", rep.Target)
	}
}

func TestSessionDeadline(t *testing.T) {
	t.Parallel()
	start := time.Now()
	rep, err := Run(context.Background(), Config{
		Addr: silentListener(t), Sessions: 4, Concurrency: 4, NoFloor: true,
		SessionTimeout: 200 * time.Millisecond, Timeout: 10 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	if time.Since(start) > time.Second {
		t.Errorf("Run took %s with a 200ms session timeout", time.Since(start))
	}
	if p := rep.Target; p.TimedOut || p.Errors[KindTimeout] != 4 {
		t.Errorf("timed out %v, errors %v %v", p.TimedOut, p.Errors, p.ErrorSamples)
	}
}

func TestErrorKinds(t *testing.T) {
	t.Parallel()
	// Nothing listens on a port just closed.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()
	rep, err := Run(context.Background(), Config{Addr: closed, Sessions: 3, NoFloor: true, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Target.Errors[KindDial] != 3 {
		t.Errorf("closed port: errors %v", rep.Target.Errors)
	}

	// A marker the floor never prints, with a short session deadline.
	rep, err = Run(context.Background(), Config{
		Addr: startTestFloor(t), Sessions: 3, NoFloor: true, Marker: "never printed",
		SessionTimeout: 300 * time.Millisecond, Timeout: 5 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	if p := rep.Target; p.Errors[KindMarker] != 3 || p.Handshake.N != 3 {
		t.Errorf("missing marker: errors %v, handshakes %d", p.Errors, p.Handshake.N)
	}
}

// feedAll feeds chunks and returns the index of the chunk that completed
// the marker, or -1.
func feedAll(marker string, chunks []string) int {
	m := newMarkerMatcher(marker)
	for i, c := range chunks {
		if m.Write([]byte(c)) {
			return i
		}
	}
	return -1
}

func TestMarkerMatcher(t *testing.T) {
	for _, tc := range []struct {
		name   string
		marker string
		chunks []string
		want   int
	}{
		{"one chunk", "quit", []string{"help · q quit\r\n"}, 0},
		{"styled and split", "q quit", []string{"\x1b[1mq\x1b[0m \x1b[2mqu", "\x1b[", "2", "2mi", "t\x1b[0m"}, 4},
		{"escape split mid-parameters", "quit", []string{"q\x1b[38;2;1", "00;200;2", "55mu", "i\x1b", "[0mt"}, 4},
		{"CSI between letters", "quit", []string{"qu\x1b[38;2;1;2;3mit"}, 0},
		{"only inside OSC", "quit", []string{"\x1b]0;q", "uit\x07", "bye"}, -1},
		{"OSC ended by ST, then text", "quit", []string{"\x1b]2;quit\x1b", "\\", "q", "uit"}, 3},
		{"only inside DCS", "quit", []string{"\x1bPq", "uit\x1b\\"}, -1},
		{"UTF-8 split", "→ quit", []string{"x \xe2", "\x86", "\x92 q", "uit"}, 3},
		{"absent", "quit", []string{"j/k scroll", " 1-4 sections"}, -1},
		{"empty chunks", "quit", []string{"", "qu", "", "it"}, 3},
	} {
		if got := feedAll(tc.marker, tc.chunks); got != tc.want {
			t.Errorf("%s: marker completed at chunk %d, want %d", tc.name, got, tc.want)
		}
	}

	// Random splits of a styled frame agree with ansi.Strip on the whole
	// prefix at every chunk boundary.
	frame := strings.Repeat("\x1b[38;2;100;110;120m│ some text ✓ \x1b[0m\x1b]8;;https://example.com/quit\x1b\\link\x1b]8;;\x1b\\\r\n", 20) +
		"\x1b[2m j/k scroll · 1–4 sections · \x1b[1mq\x1b[22m \x1b[2mquit\x1b[0m\x1b[K"
	rng := rand.New(rand.NewPCG(1, 2))
	for range 300 {
		var chunks []string
		for rest := frame; rest != ""; {
			n := min(1+rng.IntN(40), len(rest))
			chunks = append(chunks, rest[:n])
			rest = rest[n:]
		}
		want, prefix := -1, ""
		for i, c := range chunks {
			prefix += c
			if strings.Contains(ansi.Strip(prefix), "quit") {
				want = i
				break
			}
		}
		if want < 0 {
			t.Fatal("reference never saw the marker")
		}
		if got := feedAll("quit", chunks); got != want {
			t.Fatalf("split %q: completed at chunk %d, want %d", chunks, got, want)
		}
	}
}

func TestPercentile(t *testing.T) {
	seq := func(n int) []float64 {
		v := make([]float64, n)
		for i := range v {
			v[i] = float64(i + 1)
		}
		return v
	}
	for _, tc := range []struct {
		vals []float64
		p    float64
		want float64
	}{
		{nil, 50, 0},
		{[]float64{7}, 50, 7},
		{[]float64{7}, 99, 7},
		{[]float64{1, 2}, 50, 1},
		{[]float64{1, 2}, 90, 2},
		{seq(10), 50, 5},
		{seq(10), 90, 9},
		{seq(10), 99, 10},
		{seq(10), 100, 10},
		{seq(10), 0, 1},
		{seq(100), 50, 50},
		{seq(100), 90, 90},
		{seq(100), 99, 99},
		{seq(100), 100, 100},
		{seq(1000), 99, 990},
		{[]float64{1, 1, 1, 50}, 90, 50},
	} {
		if got := percentile(tc.vals, tc.p); got != tc.want {
			t.Errorf("percentile(%v…[%d], %v) = %v, want %v", tc.vals[:min(len(tc.vals), 4)], len(tc.vals), tc.p, got, tc.want)
		}
	}
	d := dist([]time.Duration{3 * time.Millisecond, time.Millisecond, 2 * time.Millisecond, 1234567 * time.Nanosecond})
	if d != (Dist{N: 4, P50: 1.23, P90: 3, P99: 3, Max: 3}) {
		t.Errorf("dist = %+v", d)
	}
}

func TestConfig(t *testing.T) {
	keys, err := ParseKeySequence("j, k,down,comma,Enter")
	if err != nil || strings.Join(keys, "|") != "j|k|down|comma|Enter" {
		t.Fatalf("ParseKeySequence = %q, %v", keys, err)
	}
	if _, err := ParseKeySequence("j,,k"); !IsConfigError(err) {
		t.Errorf("empty key: %v", err)
	}
	for k, want := range map[string]string{"j": "j", "down": "\x1b[B", "Enter": "\r", "comma": ",", "1": "1"} {
		if got := string(keyBytes(k)); got != want {
			t.Errorf("keyBytes(%q) = %q, want %q", k, got, want)
		}
	}
	for _, c := range []Config{
		{Addr: "127.0.0.1:1", Sessions: MaxSessions + 1},
		{Addr: "127.0.0.1:1", Concurrency: MaxConcurrency + 1},
		{Addr: "127.0.0.1:1", Keys: -1},
		{Addr: "127.0.0.1:1", Hold: -time.Second},
		{Addr: "127.0.0.1:1", Width: -1},
	} {
		if _, err := Run(context.Background(), c); !IsConfigError(err) {
			t.Errorf("Run(%+v) = %v, want a ConfigError", c, err)
		}
	}
	c, _, err := Config{Addr: "127.0.0.1:1", Sessions: 5, Concurrency: 50}.normalize()
	if err != nil || c.Concurrency != 5 || c.Marker != "quit" || c.Timeout != 2*time.Minute {
		t.Errorf("normalize = %+v, %v", c, err)
	}
}

// TestKeyGap: key gaps are spread over ½–1½ of the interval, so keys meet
// the server's frame clock at every phase, unless --key-even asks for a
// fixed interval.
func TestKeyGap(t *testing.T) {
	cfg := Config{KeyInterval: 50 * time.Millisecond}
	lo, hi := time.Hour, time.Duration(0)
	for range 2000 {
		g := keyGap(cfg)
		lo, hi = min(lo, g), max(hi, g)
	}
	if lo < 25*time.Millisecond || hi > 75*time.Millisecond || hi-lo < 40*time.Millisecond {
		t.Errorf("gaps span %s–%s, want most of 25ms–75ms", lo, hi)
	}
	cfg.KeyEven = true
	if g := keyGap(cfg); g != cfg.KeyInterval {
		t.Errorf("even gap %s, want %s", g, cfg.KeyInterval)
	}
}
