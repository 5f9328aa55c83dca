package notify

import (
	"context"
	"encoding/json"
	"io"
	"strings"
	"sync"
	"time"

	"charm.land/log/v2"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/pragyamugale/portfolio/internal/inbox"
)

const (
	notifyQueue       = 256
	notifyTimeout     = 30 * time.Second // one attempt, SMTP included
	notifyMaxAttempts = 8
	notifyMaxBackoff  = time.Minute

	// What a phone's lock screen shows of a message.
	noteMaxLines = 4
	noteMaxRunes = 280
	noteMaxName  = 40
)

// Notifier tells the owner about each stored message, in every service of
// --notify-url (see package notify), from one background goroutine per
// service so a slow one never holds up the others. Send never blocks;
// failed attempts are retried with exponential backoff; a delivery that
// fails for good is logged once and counted in
// portfolio_notifications_failed_total. Neither the message text nor the
// URLs (they hold tokens) are ever logged.
//
// A nil *Notifier is a valid no-op.
type Notifier struct {
	log     *log.Logger
	backoff time.Duration // first retry delay; doubles each attempt
	workers []*notifyWorker
	sent    *prometheus.CounterVec
	failed  *prometheus.CounterVec

	mu      sync.Mutex
	closing bool
	stop    chan struct{} // closed by Close: drain the queues and exit
	ctx     context.Context
	cancel  context.CancelFunc // aborts in-flight work when Close gives up
	wg      sync.WaitGroup
}

// notifyWorker delivers to one service, in order.
type notifyWorker struct {
	svc   Service
	queue chan queued
}

// queued is one notification waiting: a message's, or a note of its own
// (an invitation opened). id names it in the logs.
type queued struct {
	id   string
	note func() (Note, error)
}

// NewNotifier starts a notifier for urls, a --notify-url value (service
// URLs separated by commas). An empty value returns nil, a notifier that
// does nothing. URLs that don't parse are logged (without their secrets)
// and skipped; the server's configuration check rejects them first. A nil
// logger discards logs.
func NewNotifier(urls string, logger *log.Logger) *Notifier {
	return newNotifier(urls, logger, time.Second)
}

func newNotifier(urls string, logger *log.Logger, backoff time.Duration) *Notifier {
	if logger == nil {
		logger = log.New(io.Discard)
	}
	services, err := Parse(urls)
	if err != nil {
		logger.Error("notifications: some --notify-url values are unusable", "err", err)
	}
	if len(services) == 0 {
		return nil
	}
	ctx, cancel := context.WithCancel(context.Background())
	n := &Notifier{
		log:     logger,
		backoff: backoff,
		sent: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "portfolio_notifications_sent_total", Help: "Notifications of new messages delivered, by service.",
		}, []string{"service"}),
		failed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "portfolio_notifications_failed_total", Help: "Notifications of new messages that failed for good (after retries), by service.",
		}, []string{"service"}),
		stop:   make(chan struct{}),
		ctx:    ctx,
		cancel: cancel,
	}
	for _, s := range services {
		w := &notifyWorker{svc: s, queue: make(chan queued, notifyQueue)}
		n.workers = append(n.workers, w)
		n.sent.WithLabelValues(s.Name())
		n.failed.WithLabelValues(s.Name())
		n.wg.Add(1)
		go n.run(w)
	}
	return n
}

// Collectors are the notifier's metrics, for the server's registry; none
// for a nil notifier.
func (n *Notifier) Collectors() []prometheus.Collector {
	if n == nil {
		return nil
	}
	return []prometheus.Collector{n.sent, n.failed}
}

// Send queues m for delivery to every service and returns at once. If a
// queue is full, or the notifier is closed, m is dropped with a warning.
func (n *Notifier) Send(m inbox.Message) {
	if n == nil {
		return
	}
	n.enqueue(queued{id: m.ID, note: func() (Note, error) { return noteFor(m) }})
}

// SendWith is Send with a line added to the note's body (what an
// invitation's visitor read before writing).
func (n *Notifier) SendWith(m inbox.Message, extra string) {
	if n == nil {
		return
	}
	n.enqueue(queued{id: m.ID, note: func() (Note, error) {
		note, err := noteFor(m)
		if extra != "" && err == nil {
			extra = inbox.Sanitize(extra, false)
			note.Body += "\n\n" + extra
			// The webhook's JSON: the message, and "read".
			note.JSON, err = json.Marshal(struct {
				inbox.Message
				Read string `json:"read"`
			}{m, extra})
		}
		return note, err
	}})
}

// SendNote queues a note of the owner's own (not a message: an
// invitation first opened) as Send does. The webhook gets its JSON:
// {"event": event, "title": …, "body": …}.
func (n *Notifier) SendNote(event, title, body string) {
	if n == nil {
		return
	}
	raw, err := json.Marshal(struct {
		Event string `json:"event"`
		Title string `json:"title"`
		Body  string `json:"body"`
	}{event, title, body})
	note := Note{Title: inbox.Sanitize(title, false), Body: inbox.Sanitize(body, true), JSON: raw}
	n.enqueue(queued{id: event, note: func() (Note, error) { return note, err }})
}

func (n *Notifier) enqueue(m queued) {
	n.mu.Lock()
	closing := n.closing
	n.mu.Unlock()
	if closing {
		n.log.Warn("notifier closed; notification dropped", "id", m.id)
		return
	}
	for _, w := range n.workers {
		select {
		case w.queue <- m:
		default:
			n.failed.WithLabelValues(w.svc.Name()).Inc()
			n.log.Warn("notification queue full; notification dropped", "service", w.svc.Name(), "id", m.id)
		}
	}
}

// Close stops the notifier. It delivers what is queued and waits for it
// until ctx is done, then abandons the rest.
func (n *Notifier) Close(ctx context.Context) {
	if n == nil {
		return
	}
	n.mu.Lock()
	if !n.closing {
		n.closing = true
		close(n.stop)
	}
	n.mu.Unlock()
	done := make(chan struct{})
	go func() { n.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		n.cancel()
		<-done
	}
	n.cancel()
}

func (n *Notifier) run(w *notifyWorker) {
	defer n.wg.Done()
	for {
		select {
		case m := <-w.queue:
			n.deliver(w.svc, m)
		case <-n.stop:
			n.drain(w)
			return
		}
	}
}

// drain delivers what is queued until Close gives up, then drops the
// rest with one warning.
func (n *Notifier) drain(w *notifyWorker) {
	dropped := 0
	for {
		select {
		case m := <-w.queue:
			if n.ctx.Err() != nil {
				dropped++
				continue
			}
			n.deliver(w.svc, m)
		default:
			if dropped > 0 {
				n.failed.WithLabelValues(w.svc.Name()).Add(float64(dropped))
				n.log.Warn("notifier stopped; notifications dropped", "service", w.svc.Name(), "count", dropped)
			}
			return
		}
	}
}

// deliver sends m to svc, retrying failures that may pass, and logs a
// final failure once.
func (n *Notifier) deliver(svc Service, m queued) {
	note, err := m.note()
	if err != nil {
		n.failed.WithLabelValues(svc.Name()).Inc()
		n.log.Error("notification: encoding failed", "id", m.id, "err", err)
		return
	}
	wait := n.backoff
	for attempt := 1; ; attempt++ {
		ctx, cancel := context.WithTimeout(n.ctx, notifyTimeout)
		err := svc.Send(ctx, note)
		cancel()
		if err == nil {
			n.sent.WithLabelValues(svc.Name()).Inc()
			n.log.Debug("notification sent", "service", svc.Name(), "id", m.id, "attempt", attempt)
			return
		}
		if IsPermanent(err) || attempt == notifyMaxAttempts || n.ctx.Err() != nil {
			n.failed.WithLabelValues(svc.Name()).Inc()
			n.log.Error("notification failed", "service", svc.Name(), "id", m.id, "attempts", attempt, "err", err)
			return
		}
		wait = min(max(wait, RetryAfter(err)), notifyMaxBackoff)
		n.log.Debug("notification failed; retrying", "service", svc.Name(), "id", m.id, "attempt", attempt, "in", wait, "err", err)
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-n.ctx.Done():
			t.Stop()
			n.failed.WithLabelValues(svc.Name()).Inc()
			n.log.Error("notifier stopped; notification abandoned", "service", svc.Name(), "id", m.id)
			return
		}
		wait *= 2
	}
}

// noteFor is what the owner's phone shows for m: who wrote, the first
// lines of the message and where to reply. Never the checksum; the raw
// JSON only for the generic webhook.
func noteFor(m inbox.Message) (Note, error) {
	raw, err := json.Marshal(m)
	if err != nil {
		return Note{}, err
	}
	name := inbox.Sanitize(m.Name, false)
	if name == "" {
		name = "a visitor"
	} else if t := inbox.Truncate(name, noteMaxName); t != name {
		name = t + "…"
	}
	title := "New message from " + name
	if m.Invitation != "" {
		title += " · " + inbox.Sanitize(m.Invitation, false)
	}
	return Note{
		Title: title,
		Body:  firstLines(inbox.Sanitize(m.Message, true)) + "\n\nReply to: " + inbox.Sanitize(m.ReplyTo, false),
		JSON:  raw,
	}, nil
}

// firstLines keeps the start of a message: at most noteMaxLines lines and
// noteMaxRunes characters, with "…" where it was cut.
func firstLines(s string) string {
	lines := strings.Split(s, "\n")
	cut := len(lines) > noteMaxLines
	if cut {
		lines = lines[:noteMaxLines]
	}
	out := strings.TrimRight(strings.Join(lines, "\n"), "\n ")
	if t := inbox.Truncate(out, noteMaxRunes); t != out {
		out, cut = strings.TrimRight(t, "\n "), true
	}
	if cut {
		out += "…"
	}
	return out
}
