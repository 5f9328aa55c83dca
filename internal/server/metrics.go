package server

import (
	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the SSH door's Prometheus metrics.
type metrics struct {
	sessionsTotal prometheus.Counter
	rejected      *prometheus.CounterVec
}

// newMetrics registers the door's metrics in reg; it reads the sessions
// in progress and the open connections from active and conns.
func newMetrics(reg prometheus.Registerer, active, conns func() float64) *metrics {
	m := &metrics{
		sessionsTotal: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "portfolio_sessions_total", Help: "Sessions started.",
		}),
		rejected: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "portfolio_rejected_connections_total", Help: "Connections and sessions refused (or, for no-session, closed), by reason.",
		}, []string{"reason"}),
	}
	reg.MustRegister(
		m.sessionsTotal, m.rejected,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "portfolio_sessions_active", Help: "Sessions in progress.",
		}, active),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "portfolio_connections_open", Help: "Open connections: SSH connections, with or without a session, and web terminals (what --max-conns counts).",
		}, conns),
	)
	// Every reason appears from the start, at zero, so dashboards and
	// alerts don't see a series appear out of nowhere.
	for _, r := range []string{"max-conns", "max-conns-per-ip", "session-rate", "extra-session", "no-session"} {
		m.rejected.WithLabelValues(r)
	}
	return m
}
