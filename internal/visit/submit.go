package visit

import (
	"errors"
	"strconv"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/pragyamugale/portfolio/inbox"
	"github.com/pragyamugale/portfolio/stats"
	"github.com/pragyamugale/portfolio/ui"
)

// Submitter is the one way a contact message is stored, from any form:
// the SSH UI and commands, the web page, the browser's terminal. The
// inbox service validates, limits, stores and logs; the submitter counts
// the message in the metrics and the statistics, and keeps it in flight
// for a graceful shutdown.
type Submitter struct {
	service  *inbox.Service
	stats    *stats.Stats
	inflight atomic.Int64

	stored, storageErrors prometheus.Counter
}

// NewSubmitter registers its counters in reg.
func NewSubmitter(service *inbox.Service, st *stats.Stats, reg prometheus.Registerer) *Submitter {
	s := &Submitter{
		service: service,
		stats:   st,
		stored: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "portfolio_messages_stored_total", Help: "Contact messages stored.",
		}),
		storageErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "portfolio_storage_errors_total", Help: "Contact messages that could not be stored.",
		}),
	}
	reg.MustRegister(s.stored, s.storageErrors)
	return s
}

// Submit stores sub.
func (s *Submitter) Submit(sub inbox.Submission) (inbox.Receipt, error) {
	// Counted so a shutdown waits for a message being stored.
	s.inflight.Add(1)
	defer s.inflight.Add(-1)
	r, err := s.service.Submit(sub)
	switch {
	case err == nil && !r.Duplicate:
		s.stored.Inc()
		s.stats.Message()
	case errors.Is(err, inbox.ErrStorage):
		s.storageErrors.Inc()
	}
	return r, err
}

// For is the contact form's SubmitFunc for one visitor: it adds who is
// sending (address, SSH key fingerprint) and the way the message came.
func (s *Submitter) For(remote, fingerprint, via string) ui.SubmitFunc {
	return func(sub inbox.Submission) (inbox.Receipt, error) {
		sub.Remote, sub.Fingerprint, sub.Via = remote, fingerprint, via
		return s.Submit(sub)
	}
}

// InFlight is the number of messages being stored.
func (s *Submitter) InFlight() int64 { return s.inflight.Load() }

// Quote makes a visitor-supplied string safe for the log: control, format
// and other non-printing characters (ESC, bidi overrides…) are escaped.
func Quote(s string) string {
	if len(s) > 256 {
		s = s[:256]
	}
	q := strconv.Quote(s)
	return q[1 : len(q)-1]
}
