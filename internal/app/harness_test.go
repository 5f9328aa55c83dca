package app

import (
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"charm.land/log/v2"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/pragyamugale/portfolio/content"
	"github.com/pragyamugale/portfolio/internal/admit"
	"github.com/pragyamugale/portfolio/internal/config"
	"github.com/pragyamugale/portfolio/internal/stats"
	"github.com/pragyamugale/portfolio/internal/testkit"
)

// waitTimeout bounds every wait on the app; pollInterval is how often
// a condition is checked.
const (
	waitTimeout  = 10 * time.Second
	pollInterval = 10 * time.Millisecond
)

// eventually polls cond until it is true or timeout passes.
func eventually(timeout time.Duration, cond func() bool) bool {
	return testkit.Eventually(timeout, pollInterval, cond)
}

var (
	portfolioOnce sync.Once
	portfolio     *content.Portfolio
	portfolioErr  error
)

// testPortfolio is the embedded portfolio, loaded once.
func testPortfolio(t testing.TB) *content.Portfolio {
	t.Helper()
	portfolioOnce.Do(func() { portfolio, portfolioErr = content.Default() })
	if portfolioErr != nil {
		t.Fatalf("content.Default: %v", portfolioErr)
	}
	return portfolio
}

// testServer is the app serving both doors on loopback ports, with
// scratch directories.
type testServer struct {
	*App
	admission *admit.Admission
	stats     *stats.Stats
}

// startServerWith starts the app for a test with edit applied to the
// config (withHTTP turns the web door on); it is closed when the test
// ends.
func startServerWith(t testing.TB, edit func(*Config)) *testServer {
	t.Helper()
	cfg := config.Default()
	cfg.HTTPAddr = "" // off unless withHTTP
	cfg.Addr, cfg.HostKeyDir, cfg.DataDir = "127.0.0.1:0", t.TempDir(), t.TempDir()
	cfg.MetricsAddr = "127.0.0.1:0"
	if edit != nil {
		edit(&cfg)
	}
	a, err := New(cfg, testPortfolio(t), log.New(io.Discard))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if err := a.Listen(); err != nil {
		t.Fatalf("Listen: %v", err)
	}
	served := make(chan error, 1)
	go func() { served <- a.Serve() }()
	t.Cleanup(func() {
		_ = a.Close()
		select {
		case err := <-served:
			if err != nil {
				t.Errorf("Serve: %v", err)
			}
		case <-time.After(waitTimeout):
			t.Errorf("Serve did not return within %s of Close", waitTimeout)
		}
	})
	ts := &testServer{App: a, admission: a.core.Admission, stats: a.core.Stats}
	if a.HTTPAddr() != nil && !eventually(waitTimeout, func() bool {
		r, err := httpClient.Get(ts.url("/healthz"))
		if err == nil {
			r.Body.Close()
		}
		return err == nil && r.StatusCode == http.StatusOK
	}) {
		t.Fatal("the app never became healthy")
	}
	return ts
}

func withHTTP(c *Config) { c.HTTPAddr = "127.0.0.1:0" }

// stop starts a shutdown (see core.Stop).
func (ts *testServer) stop() { ts.core.Stop(ts.doors()...) }

// httpClient never reuses connections, so a server shutting down can't be
// hidden behind a kept-alive one.
var httpClient = &http.Client{
	Timeout:   5 * time.Second,
	Transport: &http.Transport{DisableKeepAlives: true},
}

func (ts *testServer) url(path string) string {
	return "http://" + ts.HTTPAddr().String() + path
}

// httpGet returns the status, headers and body of GET path.
func (ts *testServer) httpGet(t testing.TB, path string) (int, http.Header, string) {
	t.Helper()
	resp, err := httpClient.Get(ts.url(path))
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: reading body: %v", path, err)
	}
	return resp.StatusCode, resp.Header, string(b)
}

// scrape parses /metrics, from the metrics address, in the Prometheus
// text format.
func (ts *testServer) scrape(t *testing.T) map[string]*dto.MetricFamily {
	t.Helper()
	resp, err := httpClient.Get("http://" + ts.MetricsAddr().String() + "/metrics")
	if err != nil {
		t.Fatalf("GET /metrics: %v", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	code, body := resp.StatusCode, string(b)
	if code != http.StatusOK {
		t.Fatalf("GET /metrics = %d:\n%s", code, body)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		t.Fatalf("/metrics does not parse: %v\n%s", err, body)
	}
	return fams
}

// metricValue is the value of the family's series with the given label
// pairs (name, value, …). ok is false when there is no such series.
func metricValue(fams map[string]*dto.MetricFamily, name string, labels ...string) (float64, bool) {
	f := fams[name]
	if f == nil {
		return 0, false
	}
next:
	for _, m := range f.GetMetric() {
		for i := 0; i+1 < len(labels); i += 2 {
			found := false
			for _, lp := range m.GetLabel() {
				if lp.GetName() == labels[i] && lp.GetValue() == labels[i+1] {
					found = true
				}
			}
			if !found {
				continue next
			}
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue(), true
		case m.Gauge != nil:
			return m.Gauge.GetValue(), true
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount()), true
		}
	}
	return 0, false
}

func mustMetric(t *testing.T, fams map[string]*dto.MetricFamily, name string, labels ...string) float64 {
	t.Helper()
	v, ok := metricValue(fams, name, labels...)
	if !ok {
		t.Fatalf("/metrics has no %s%v", name, labels)
	}
	return v
}

// waitMetric polls /metrics until name's value satisfies cond.
func (ts *testServer) waitMetric(t *testing.T, name string, cond func(float64) bool, labels ...string) float64 {
	t.Helper()
	var v float64
	var ok bool
	if !eventually(waitTimeout, func() bool {
		v, ok = metricValue(ts.scrape(t), name, labels...)
		return ok && cond(v)
	}) {
		t.Fatalf("%s%v = %v (present %v) after %s, not what was expected", name, labels, v, ok, waitTimeout)
	}
	return v
}

// today is today's visitor statistics.
func today(t *testing.T, ts *testServer) *stats.Day {
	t.Helper()
	r, err := ts.stats.Report(1)
	if err != nil {
		t.Fatal(err)
	}
	return r.Days[0]
}
