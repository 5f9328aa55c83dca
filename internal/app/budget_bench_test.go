package app

// Benchmarks of issue 22's targets (figures in BENCHMARKS.md, "One budget
// for every door"). Each runs once: -benchtime 1x.

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// rssKiB is the process's resident memory now and at its peak (VmRSS,
// VmHWM), in KiB.
func rssKiB(tb testing.TB) (now, peak int) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		tb.Skip("no /proc/self/status")
	}
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Fields(l)
		if len(f) < 2 {
			continue
		}
		n, _ := strconv.Atoi(f[1])
		switch f[0] {
		case "VmRSS:":
			now = n
		case "VmHWM:":
			peak = n
		}
	}
	return now, peak
}

// BenchmarkHeaderFlood (issue 22 §2): 1,000 anonymous clients, each
// sending headers that never end (up to 1 MiB each, again and again for
// 10 s), against the web door's default caps with the per-address cap
// off (as if from 1,000 addresses). Reports the process's peak resident
// memory (server and clients: the clients hold next to nothing) and its
// growth over the idle server's. The peak is the process's: run it
// once per process (-count 1).
func BenchmarkHeaderFlood(b *testing.B) {
	ts := startServerWith(b, func(c *Config) { withHTTP(c); c.MaxHTTPConnsPerIP = 0 })
	addr := ts.HTTPAddr().String()
	before, _ := rssKiB(b)
	line := []byte("X-Flood: " + strings.Repeat("a", 1000) + "\r\n")
	chunk := bytes.Repeat(line, 16) // ~16 KiB
	const clients, perConn = 1000, 1 << 20
	var conns, bytesSent atomic.Int64
	deadline := time.Now().Add(10 * time.Second)
	var wg sync.WaitGroup
	b.ResetTimer()
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ip := fmt.Sprintf("127.0.%d.%d", 1+i/250, 2+i%250)
			for time.Now().Before(deadline) {
				c, err := from(ip).Dial("tcp", addr)
				if err != nil {
					time.Sleep(10 * time.Millisecond)
					continue
				}
				conns.Add(1)
				_ = c.SetWriteDeadline(deadline)
				_, err = c.Write([]byte("GET / HTTP/1.1\r\nHost: portfolio\r\n"))
				for sent := 0; err == nil && sent < perConn; sent += len(chunk) {
					_, err = c.Write(chunk)
					if err == nil {
						bytesSent.Add(int64(len(chunk)))
					}
				}
				c.Close()
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	_, peak := rssKiB(b)
	b.ReportMetric(float64(peak)/1024, "MB-peak-rss")
	b.ReportMetric(float64(peak-before)/1024, "MB-growth")
	b.ReportMetric(float64(conns.Load()), "conns")
	b.ReportMetric(float64(bytesSent.Load())/(1<<20), "MiB-sent")
	// The server answers again once the flood's last connections (some
	// still in the kernel's accept queue) are gone.
	if !eventually(waitTimeout, func() bool {
		r, err := httpClient.Get(ts.url("/healthz"))
		if err == nil {
			r.Body.Close()
		}
		return err == nil && r.StatusCode == http.StatusOK
	}) {
		b.Error("/healthz does not answer after the flood")
	}
}

// BenchmarkIdleFloodLatency (issue 22's targets): while 127.0.0.2 holds
// as many idle keep-alive connections as it can (every second it opens
// 48 more, 16 at a time, and keeps those the server lets it keep),
// another address's SSH first frame p99, against an idle server's, and
// /healthz p99.
func BenchmarkIdleFloodLatency(b *testing.B) {
	ts := startServerWith(b, func(c *Config) { withHTTP(c); c.SessionRate = 0 })
	sshAddr, httpAddr := ts.Addr().String(), ts.HTTPAddr().String()
	const n = 100
	measure := func() (frame, health []time.Duration) {
		for range n {
			d, err := firstFrame(sshAddr, "127.0.0.3")
			if err != nil {
				b.Fatalf("first frame: %v", err)
			}
			frame = append(frame, d)
			start := time.Now()
			resp, err := clientFrom("127.0.0.4", nil).Get("http://" + httpAddr + "/healthz")
			if err != nil {
				b.Fatalf("/healthz: %v", err)
			}
			resp.Body.Close()
			health = append(health, time.Since(start))
		}
		return frame, health
	}
	// Warm up (the first screen's cache), then the idle server.
	measure()
	idleFrame, idleHealth := measure()

	stop := make(chan struct{})
	var held atomic.Int64
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			held.Store(int64(holdIdle(b, httpAddr, "127.0.0.2", "", 48)))
			select {
			case <-stop:
				return
			case <-time.After(time.Second):
			}
		}
	}()
	if !eventually(waitTimeout, func() bool { return held.Load() > 0 }) {
		b.Fatal("the flood holds nothing")
	}
	b.ResetTimer()
	floodFrame, floodHealth := measure()
	b.StopTimer()
	close(stop)
	wg.Wait()
	p99 := func(d []time.Duration) float64 {
		slices.Sort(d)
		return float64(d[len(d)*99/100-1]) / float64(time.Millisecond)
	}
	b.ReportMetric(p99(idleFrame), "ms-frame-p99-idle")
	b.ReportMetric(p99(floodFrame), "ms-frame-p99-flood")
	b.ReportMetric(p99(floodFrame)/p99(idleFrame), "x-frame-p99")
	b.ReportMetric(p99(idleHealth), "ms-healthz-p99-idle")
	b.ReportMetric(p99(floodHealth), "ms-healthz-p99-flood")
	b.ReportMetric(float64(held.Load()), "held")
}
