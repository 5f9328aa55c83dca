package visit

import (
	"errors"
	"fmt"
	"runtime/debug"
	"strconv"
	"sync/atomic"
	"time"

	"charm.land/log/v2"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/pragyamugale/portfolio/internal/inbox"
	"github.com/pragyamugale/portfolio/internal/invite"
	"github.com/pragyamugale/portfolio/internal/stats"
	"github.com/pragyamugale/portfolio/internal/ui"
)

// Submitter is the one way a contact message is stored, from any form:
// the SSH UI and commands, the web page, the browser's terminal. The
// inbox service validates, limits, stores and logs; the submitter counts
// the message in the metrics and the statistics, and keeps it in flight
// for a graceful shutdown.
type Submitter struct {
	service  *inbox.Service
	stats    *stats.Stats
	logger   *log.Logger
	inflight atomic.Int64
	wait     atomic.Int64 // a time.Duration; 0 is SubmitWait

	stored, storageErrors prometheus.Counter
}

// SubmitWait is how long a visitor waits for the store at most, in every
// channel: well inside the HTTP server's write timeout (the web door's is
// three times it) and any proxy's, so a slow store (a locked table, a
// stuck disk, both bounded by inbox.WriteTimeout themselves) gets a page
// saying "couldn't be saved, please try again", with the text kept, never
// an empty reply.
const SubmitWait = 4 * time.Second

// errSubmitWait is the cause when the store didn't answer in time.
var errSubmitWait = fmt.Errorf("%w: the store did not answer within the wait", inbox.ErrStorage)

// NewSubmitter registers its counters in reg.
func NewSubmitter(service *inbox.Service, st *stats.Stats, reg prometheus.Registerer, logger *log.Logger) *Submitter {
	s := &Submitter{
		service: service,
		stats:   st,
		logger:  logger,
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

// SetWait changes how long Submit waits for the store (tests shorten it);
// 0 is SubmitWait.
func (s *Submitter) SetWait(d time.Duration) { s.wait.Store(int64(d)) }

// Submit stores sub. It returns within SubmitWait: past it the visitor is
// told the message couldn't be saved, while the write goes on until the
// store's own timeout. If it lands after all, the message is stored, and
// the visitor's retry of the same text finds it (the duplicate check) and
// gets its receipt: nothing is stored twice.
func (s *Submitter) Submit(sub inbox.Submission) (inbox.Receipt, error) {
	type result struct {
		r     inbox.Receipt
		err   error
		panic any // the store's panic, raised again on the caller's goroutine
	}
	done := make(chan result, 1)
	// Counted so a shutdown waits for a message being stored.
	s.inflight.Add(1)
	go func() {
		defer s.inflight.Add(-1)
		defer func() {
			if p := recover(); p != nil {
				// Raised again on the caller's goroutine, which loses this
				// one's stack: log it here.
				if s.logger != nil {
					s.logger.Error("storing a message panicked", "panic", p, "stack", string(debug.Stack()))
				}
				done <- result{panic: p}
			}
		}()
		r, err := s.service.Submit(sub)
		switch {
		case err == nil && !r.Duplicate:
			s.stored.Inc()
			s.stats.Message()
		case errors.Is(err, inbox.ErrStorage):
			s.storageErrors.Inc()
		}
		done <- result{r: r, err: err}
	}()
	wait := time.Duration(s.wait.Load())
	if wait <= 0 {
		wait = SubmitWait
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case res := <-done:
		if res.panic != nil {
			// Where the caller handles it as before (a UI command's
			// panic ends that visit; net/http recovers a request's).
			panic(res.panic)
		}
		return res.r, res.err
	case <-t.C:
		if s.logger != nil {
			s.logger.Warn("message store slow: visitor told to try again", "wait", wait, "remote", sub.Remote)
		}
		return inbox.Receipt{}, errSubmitWait
	}
}

// For is the contact form's SubmitFunc for one visitor: it adds who is
// sending (address, SSH key fingerprint) and the way the message came.
func (s *Submitter) For(remote, fingerprint, via string) ui.SubmitFunc {
	return func(sub inbox.Submission) (inbox.Receipt, error) {
		sub.Remote, sub.Fingerprint, sub.Via = remote, fingerprint, via
		return s.Submit(sub)
	}
}

// ForInvite is For for a visit through an invitation (nil: For): the
// message carries the invitation's label (and so keeps no address or
// key), and is counted for it once stored.
func (s *Submitter) ForInvite(remote, fingerprint, via string, iv *invite.Visit) ui.SubmitFunc {
	if iv == nil {
		return s.For(remote, fingerprint, via)
	}
	label := iv.Label()
	return func(sub inbox.Submission) (inbox.Receipt, error) {
		sub.Remote, sub.Fingerprint, sub.Via, sub.Invitation = remote, fingerprint, via, label
		r, err := s.Submit(sub)
		if err == nil && !r.Duplicate {
			iv.Messaged()
		}
		return r, err
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
