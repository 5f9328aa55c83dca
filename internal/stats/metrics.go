package stats

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics carry the same counts to Prometheus. Their labels come from
// fixed sets (channels, client names) or the content's own page names,
// never from what a visitor sends.
type metrics struct {
	visits    *prometheus.CounterVec
	uniques   prometheus.Counter
	views     *prometheus.CounterVec
	clients   *prometheus.CounterVec
	studyTime prometheus.Histogram
}

// newMetrics registers the counters on reg; nil means no metrics.
func newMetrics(reg prometheus.Registerer) *metrics {
	if reg == nil {
		return nil
	}
	m := &metrics{
		visits: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "portfolio_visits_total", Help: "Visits, by channel (tui, text, web, web_terminal).",
		}, []string{"channel"}),
		uniques: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "portfolio_unique_visitors_total", Help: "Visits from a visitor not seen before on the same UTC day.",
		}),
		views: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "portfolio_page_views_total", Help: "Pages viewed, in the app or as a command's text, by page (about, skills, projects, contact, projects/<slug>).",
		}, []string{"page"}),
		clients: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "portfolio_ssh_clients_total", Help: "SSH visits, by client software.",
		}, []string{"client"}),
		studyTime: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "portfolio_case_study_seconds", Help: "Time visitors spent on a case study.",
			Buckets: HistogramBounds[:],
		}),
	}
	reg.MustRegister(m.visits, m.uniques, m.views, m.clients, m.studyTime)
	for _, c := range Channels {
		m.visits.WithLabelValues(string(c)) // every channel from the start, at zero
	}
	return m
}

func (m *metrics) visit(ch Channel, client string, unique bool) {
	if m == nil {
		return
	}
	m.visits.WithLabelValues(string(ch)).Inc()
	if unique {
		m.uniques.Inc()
	}
	if client != "" {
		m.clients.WithLabelValues(client).Inc()
	}
}

func (m *metrics) view(page string) {
	if m != nil {
		m.views.WithLabelValues(page).Inc()
	}
}

func (m *metrics) study(d time.Duration) {
	if m != nil {
		m.studyTime.Observe(d.Seconds())
	}
}
