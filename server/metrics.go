package server

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// metrics are the server's Prometheus metrics, on a registry of its own so
// two servers in one process (as in tests) don't collide.
type metrics struct {
	registry      *prometheus.Registry
	sessionsTotal prometheus.Counter
	firstFrame    prometheus.Histogram
	rejected      *prometheus.CounterVec
	uiPrograms    prometheus.GaugeFunc
	uiSleeps      prometheus.Counter
	uiStarts      prometheus.Counter
}

// newMetrics reads the sessions in progress, the UI programs running and
// the open connections from active, programs and conns.
func newMetrics(active, programs, conns func() float64) *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		sessionsTotal: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "portfolio_sessions_total", Help: "Sessions started.",
		}),
		firstFrame: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "portfolio_first_frame_seconds",
			Help:    "Time from a session's start to the UI's first output.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}),
		rejected: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "portfolio_rejected_connections_total", Help: "Connections and sessions refused (or, for no-session, closed), by reason.",
		}, []string{"reason"}),
		uiPrograms: prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "portfolio_ui_programs", Help: "UI programs running (visitors' UIs that are not asleep).",
		}, programs),
		uiSleeps: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "portfolio_ui_sleeps_total", Help: "Idle visitors' UI programs put to sleep to free their memory.",
		}),
		uiStarts: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "portfolio_ui_starts_total", Help: "UI programs started: for new visitors, and to wake asleep ones.",
		}),
	}
	m.registry.MustRegister(
		m.sessionsTotal, m.firstFrame, m.rejected, m.uiPrograms, m.uiSleeps, m.uiStarts,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "portfolio_sessions_active", Help: "Sessions in progress.",
		}, active),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "portfolio_connections_open", Help: "Open SSH connections, with or without a session (what --max-conns counts).",
		}, conns),
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	// Every reason appears from the start, at zero, so dashboards and
	// alerts don't see a series appear out of nowhere.
	for _, r := range []string{"max-conns", "max-conns-per-ip", "session-rate", "extra-session", "no-session"} {
		m.rejected.WithLabelValues(r)
	}
	return m
}
