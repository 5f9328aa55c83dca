package core

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// hostMetrics feeds the UI host's work to the metrics.
type hostMetrics struct {
	firstFrame         prometheus.Histogram
	uiSleeps, uiStarts prometheus.Counter
}

// newHostMetrics registers the host's metrics in reg; programs reads the
// UI programs running.
func newHostMetrics(reg prometheus.Registerer, programs func() float64) hostMetrics {
	m := hostMetrics{
		firstFrame: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "portfolio_first_frame_seconds",
			Help:    "Time from a session's start to the UI's first output.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}),
		uiSleeps: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "portfolio_ui_sleeps_total", Help: "Idle visitors' UI programs put to sleep to free their memory.",
		}),
		uiStarts: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "portfolio_ui_starts_total", Help: "UI programs started: for new visitors, and to wake asleep ones.",
		}),
	}
	reg.MustRegister(m.firstFrame, m.uiSleeps, m.uiStarts,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "portfolio_ui_programs", Help: "UI programs running (visitors' UIs that are not asleep).",
		}, programs))
	return m
}

func (h hostMetrics) FirstOutput(d time.Duration) { h.firstFrame.Observe(d.Seconds()) }
func (h hostMetrics) ProgramStarted()             { h.uiStarts.Inc() }
func (h hostMetrics) ProgramSlept()               { h.uiSleeps.Inc() }
