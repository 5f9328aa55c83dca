package inbox

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"charm.land/log/v2"
)

const (
	notifyQueue       = 256
	notifyTimeout     = 10 * time.Second
	notifyMaxAttempts = 8
	notifyMaxBackoff  = time.Minute
)

// Notifier POSTs each stored message, as JSON, to a webhook URL from one
// background goroutine. Send never blocks; deliveries are retried with
// exponential backoff on network errors, 5xx and 429. The message text is
// never logged, and neither is the URL (it often holds a secret token).
//
// A nil *Notifier is a valid no-op.
type Notifier struct {
	url     string
	log     *log.Logger
	client  *http.Client
	backoff time.Duration // first retry delay; doubles each attempt
	queue   chan Message

	mu      sync.Mutex
	closing bool
	stop    chan struct{} // closed by Close: drain the queue and exit
	ctx     context.Context
	cancel  context.CancelFunc // aborts in-flight work when Close gives up
	done    chan struct{}
}

// NewNotifier starts a notifier for url. An empty url returns nil, a
// notifier that does nothing. A nil logger discards logs.
func NewNotifier(url string, logger *log.Logger) *Notifier {
	return newNotifier(url, logger, time.Second)
}

func newNotifier(url string, logger *log.Logger, backoff time.Duration) *Notifier {
	if url == "" {
		return nil
	}
	if logger == nil {
		logger = log.New(io.Discard)
	}
	ctx, cancel := context.WithCancel(context.Background())
	n := &Notifier{
		url:     url,
		log:     logger,
		client:  &http.Client{Timeout: notifyTimeout},
		backoff: backoff,
		queue:   make(chan Message, notifyQueue),
		stop:    make(chan struct{}),
		ctx:     ctx,
		cancel:  cancel,
		done:    make(chan struct{}),
	}
	go n.run()
	return n
}

// Send queues m for delivery and returns at once. If the queue is full,
// or the notifier is closed, m is dropped with a warning.
func (n *Notifier) Send(m Message) {
	if n == nil {
		return
	}
	n.mu.Lock()
	closing := n.closing
	n.mu.Unlock()
	if closing {
		n.log.Warn("notifier closed; notification dropped", "id", m.ID)
		return
	}
	select {
	case n.queue <- m:
	default:
		n.log.Warn("notification queue full; notification dropped", "id", m.ID)
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
	select {
	case <-n.done:
	case <-ctx.Done():
		n.cancel()
		<-n.done
	}
	n.cancel()
}

func (n *Notifier) run() {
	defer close(n.done)
	for {
		select {
		case m := <-n.queue:
			n.deliver(m)
		case <-n.stop:
			n.drain()
			return
		}
	}
}

// drain delivers what is queued until Close gives up, then drops the
// rest with one warning.
func (n *Notifier) drain() {
	dropped := 0
	for {
		select {
		case m := <-n.queue:
			if n.ctx.Err() != nil {
				dropped++
				continue
			}
			n.deliver(m)
		default:
			if dropped > 0 {
				n.log.Warn("notifier stopped; notifications dropped", "count", dropped)
			}
			return
		}
	}
}

// deliver POSTs m, retrying transient failures.
func (n *Notifier) deliver(m Message) {
	body, err := json.Marshal(m)
	if err != nil {
		n.log.Error("notification: encoding failed", "id", m.ID, "err", err)
		return
	}
	wait := n.backoff
	for attempt := 1; ; attempt++ {
		retry, after, err := n.post(body)
		if err == nil {
			n.log.Debug("notification sent", "id", m.ID, "attempt", attempt)
			return
		}
		if !retry || attempt == notifyMaxAttempts || n.ctx.Err() != nil {
			n.log.Error("notification failed", "id", m.ID, "attempt", attempt, "err", err)
			return
		}
		if after > wait {
			wait = after
		}
		wait = min(wait, notifyMaxBackoff)
		n.log.Warn("notification failed; retrying", "id", m.ID, "attempt", attempt, "in", wait, "err", err)
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-n.ctx.Done():
			t.Stop()
			n.log.Error("notifier stopped; notification abandoned", "id", m.ID)
			return
		}
		wait *= 2
	}
}

type statusError int

func (e statusError) Error() string {
	return "HTTP " + strconv.Itoa(int(e)) + " " + http.StatusText(int(e))
}

// post makes one attempt. retry says whether a failure is worth retrying;
// after is the server's Retry-After, if any.
func (n *Notifier) post(body []byte) (retry bool, after time.Duration, err error) {
	req, err := http.NewRequestWithContext(n.ctx, http.MethodPost, n.url, bytes.NewReader(body))
	if err != nil {
		return false, 0, redactURL(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := n.client.Do(req)
	if err != nil {
		return true, 0, redactURL(err)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
	switch c := resp.StatusCode; {
	case c >= 200 && c < 300:
		return false, 0, nil
	case c == http.StatusTooManyRequests || c >= 500:
		if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s > 0 {
			after = time.Duration(s) * time.Second
		}
		return true, after, statusError(c)
	default:
		return false, 0, statusError(c)
	}
}

// redactURL strips the webhook URL (often a secret) from an error.
func redactURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return errors.New(ue.Op + ": " + ue.Err.Error())
	}
	return err
}
