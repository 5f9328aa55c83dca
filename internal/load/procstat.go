package load

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// clkTck is sysconf(_SC_CLK_TCK): the unit of utime and stime in
// /proc/PID/stat, 100 on Linux.
const clkTck = 100

const sampleEvery = 100 * time.Millisecond

type procSample struct {
	at     time.Time
	ticks  int64 // utime + stime
	rssKiB int64 // VmRSS
}

func (s procSample) cpuMs(since procSample) float64 {
	return float64(s.ticks-since.ticks) * 1000 / clkTck
}

// readProc reads a process's CPU time and resident set size.
func readProc(pid int) (procSample, error) {
	now := time.Now()
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return procSample{}, err
	}
	// The command name (field 2) is in parentheses and may hold spaces or
	// parentheses: the fields after the last ')' start at field 3, state.
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return procSample{}, fmt.Errorf("/proc/%d/stat: no command name", pid)
	}
	f := bytes.Fields(stat[i+1:])
	if len(f) < 13 {
		return procSample{}, fmt.Errorf("/proc/%d/stat: %d fields", pid, len(f)+2)
	}
	utime, err1 := strconv.ParseInt(string(f[11]), 10, 64) // field 14
	stime, err2 := strconv.ParseInt(string(f[12]), 10, 64) // field 15
	if err1 != nil || err2 != nil {
		return procSample{}, fmt.Errorf("/proc/%d/stat: bad utime/stime", pid)
	}
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return procSample{}, err
	}
	var rss int64 = -1
	for line := range bytes.SplitSeq(status, []byte("\n")) {
		if v, ok := bytes.CutPrefix(line, []byte("VmRSS:")); ok {
			v = bytes.TrimSpace(bytes.TrimSuffix(bytes.TrimSpace(v), []byte("kB")))
			rss, err = strconv.ParseInt(string(v), 10, 64)
			if err != nil {
				return procSample{}, fmt.Errorf("/proc/%d/status: bad VmRSS %q", pid, v)
			}
			break
		}
	}
	if rss < 0 {
		return procSample{}, fmt.Errorf("/proc/%d/status: no VmRSS (a zombie?)", pid)
	}
	return procSample{at: now, ticks: utime + stime, rssKiB: rss}, nil
}

// gauges count a phase's sessions by state, for the monitor.
type gauges struct {
	inflight atomic.Int64 // started and not finished
	held     atomic.Int64 // in their hold
	mid      atomic.Int64 // in the middle half of a hold of ≥ 2 s
	maxHeld  atomic.Int64
}

func (g *gauges) hold(delta int64) {
	n := g.held.Add(delta)
	for {
		m := g.maxHeld.Load()
		if n <= m || g.maxHeld.CompareAndSwap(m, n) {
			return
		}
	}
}

// monitor samples the server process every 100 ms during the target run.
type monitor struct {
	pid  int
	g    *gauges
	stop chan struct{}
	done chan struct{}
	once sync.Once

	// Written by the sampling goroutine; read after done.
	baseline     procSample
	last         procSample
	peakRSS      int64 // while sessions were held
	settledRSS   int64 // the last sample with every session held
	peakAny      int64
	idleMs       float64 // server CPU over the idle intervals
	idleSessSec  float64 // Σ idle sessions × seconds over those intervals
	idleWall     time.Duration
	err          error
	heldSampled  bool
	samplesTaken int
}

func startMonitor(pid int, g *gauges) (*monitor, error) {
	base, err := readProc(pid)
	if err != nil {
		return nil, configErr("--pid %d: %v", pid, err)
	}
	m := &monitor{pid: pid, g: g, stop: make(chan struct{}), done: make(chan struct{}),
		baseline: base, last: base, peakAny: base.rssKiB}
	go m.loop()
	return m, nil
}

func (m *monitor) loop() {
	defer close(m.done)
	t := time.NewTicker(sampleEvery)
	defer t.Stop()
	prev := m.baseline
	prevIn, prevMid := m.g.inflight.Load(), m.g.mid.Load()
	for {
		select {
		case <-m.stop:
			if s, err := readProc(m.pid); err == nil {
				m.last = s
			} else if m.err == nil {
				m.err = err
			}
			return
		case <-t.C:
		}
		// Read the gauges before the process so a sample never credits a
		// session state that began after it.
		in, mid, held := m.g.inflight.Load(), m.g.mid.Load(), m.g.held.Load()
		s, err := readProc(m.pid)
		if err != nil {
			m.err = err
			return // the server is gone: keep what was measured
		}
		m.samplesTaken++
		m.last = s
		m.peakAny = max(m.peakAny, s.rssKiB)
		if held > 0 {
			m.heldSampled = true
			m.peakRSS = max(m.peakRSS, s.rssKiB)
			if held == m.g.maxHeld.Load() {
				m.settledRSS = s.rssKiB
			}
		}
		// An idle interval: at both ends every session in flight was in
		// the middle of its hold, and the same ones (entering or leaving the
		// middle takes ≥ 500 ms, far longer than an interval).
		if mid > 0 && in == mid && prevIn == prevMid && prevMid == mid {
			dt := s.at.Sub(prev.at)
			m.idleMs += s.cpuMs(prev)
			m.idleSessSec += float64(mid) * dt.Seconds()
			m.idleWall += dt
		}
		prev, prevIn, prevMid = s, in, mid
	}
}

func (m *monitor) finish() {
	m.once.Do(func() { close(m.stop) })
	<-m.done
}
