package notify

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// webhook POSTs the note's JSON to a plain http(s) URL: the format of
// earlier versions, kept for the owners who use it. shoutrrr's generic
// service posts a message and a title, not this payload, so it is ours.
type webhook struct {
	url     string
	secrets []string
	client  *http.Client
}

func newWebhook(raw string) *webhook {
	return &webhook{url: raw, secrets: secretsOf(raw), client: &http.Client{}}
}

func (w *webhook) Name() string { return "webhook" }

// Send makes one attempt. 429 and 5xx answers are worth retrying (after
// the receiver's Retry-After, if any); other non-2xx answers are not.
func (w *webhook) Send(ctx context.Context, n Note) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.url, bytes.NewReader(n.JSON))
	if err != nil {
		return permanentError{w.scrub(err)}
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := w.client.Do(req)
	if err != nil {
		return w.scrub(err)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
	switch c := resp.StatusCode; {
	case c >= 200 && c < 300:
		return nil
	case c == http.StatusTooManyRequests || c >= 500:
		var after time.Duration
		if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s > 0 {
			after = time.Duration(s) * time.Second
		}
		return retryAfterError{statusError(c), after}
	default:
		return permanentError{statusError(c)}
	}
}

// scrub drops the URL (often holding a token) from a client error.
func (w *webhook) scrub(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = errors.New(ue.Op + ": " + ue.Err.Error())
	}
	return scrub(err, w.secrets)
}

type statusError int

func (e statusError) Error() string {
	return "HTTP " + strconv.Itoa(int(e)) + " " + http.StatusText(int(e))
}
