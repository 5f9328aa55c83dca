// Package notify delivers a short notification to the services an owner
// already uses, named by URLs in the shoutrrr format (ntfy://, slack://,
// discord://, telegram://, smtp://, generic://, pushover://, gotify://…),
// plus plain http:// and https:// URLs, which receive the raw JSON webhook
// of earlier versions unchanged.
//
// Delivery to the shoutrrr services is github.com/nicholas-fedor/shoutrrr
// (the maintained fork). This package adds only what it lacks: the JSON
// webhook, a deadline on every send (some of its services use
// http.DefaultClient, which has none), and errors and names free of the
// secrets that the URLs carry.
package notify

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"time"
)

// Note is one notification. Title and Body are plain text meant for a
// phone's lock screen; JSON is the payload of the generic webhook.
type Note struct {
	Title string
	Body  string
	JSON  []byte
}

// Service is one place notifications go.
type Service interface {
	// Send delivers n, giving up when ctx ends. Its errors never hold
	// the secrets of the service's URL.
	Send(ctx context.Context, n Note) error
	// Name identifies the service in logs and metrics without a secret,
	// e.g. "ntfy" or "webhook".
	Name() string
}

// Parse returns the services of a --notify-url value: URLs separated by
// commas (see SplitURLs). Errors name a URL by its scheme and host only.
func Parse(urls string) ([]Service, error) {
	var (
		services []Service
		errs     []error
	)
	for _, raw := range SplitURLs(urls) {
		s, err := parseOne(raw)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", Redacted(raw), err))
			continue
		}
		services = append(services, s)
	}
	return services, errors.Join(errs...)
}

func parseOne(raw string) (Service, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, errors.New("not a URL")
	}
	switch u.Scheme {
	case "http", "https":
		if u.Host == "" {
			return nil, errors.New("no host")
		}
		return newWebhook(raw), nil
	case "":
		return nil, errors.New("no scheme: want a service URL such as ntfy://ntfy.sh/topic or https://…")
	}
	return newShoutrrr(raw, u)
}

// schemeStart matches the start of a URL: a scheme and "://".
var schemeStart = regexp.MustCompile(`^\s*[a-zA-Z][a-zA-Z0-9+.-]*://`)

// SplitURLs splits a comma-separated list of URLs. A comma starts a new
// URL only when what follows it starts with a scheme ("ntfy://…"), so
// commas inside a URL's query (ntfy's tags=a,b, telegram's chats=@a,@b)
// stay where they are.
func SplitURLs(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if len(out) > 0 && !schemeStart.MatchString(part) {
			out[len(out)-1] += "," + part
			continue
		}
		out = append(out, part)
	}
	urls := out[:0]
	for _, u := range out {
		if u = strings.Trim(u, " \t\n,"); u != "" {
			urls = append(urls, u)
		}
	}
	return urls
}

// Redacted names a URL for logs and error messages without its secrets:
// an http(s) URL by its scheme and host, with "/…" when it has more (a
// path, user or query: where tokens live); a service URL by its scheme
// only, as its host may be a token (discord://TOKEN@ID).
func Redacted(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" {
		return "(unreadable URL)"
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return u.Scheme + "://…"
	}
	s := u.Scheme + "://" + u.Host
	if u.User != nil || strings.Trim(u.Path, "/") != "" || u.RawQuery != "" || u.Fragment != "" {
		s += "/…"
	}
	return s
}

// secretsOf lists the parts of a URL that may be secret (user, password,
// host, every path segment, every query value), longest first, in plain
// and escaped forms, for scrubbing error texts.
func secretsOf(raw string) []string {
	set := map[string]bool{raw: true}
	add := func(s string) {
		if len(s) >= 3 {
			set[s] = true
			set[url.PathEscape(s)] = true
			set[url.QueryEscape(s)] = true
		}
	}
	if u, err := url.Parse(raw); err == nil {
		if u.User != nil {
			add(u.User.Username())
			p, _ := u.User.Password()
			add(p)
		}
		add(u.Host)
		for _, seg := range strings.Split(u.Path, "/") {
			add(seg)
		}
		for _, vs := range u.Query() {
			for _, v := range vs {
				add(v)
			}
		}
	}
	out := make([]string, 0, len(set))
	for s := range set {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	return out
}

// scrubbed is an error whose text had a URL's secrets replaced by "***".
// It keeps the original for errors.Is/As.
type scrubbed struct {
	msg string
	err error
}

func (e *scrubbed) Error() string { return e.msg }
func (e *scrubbed) Unwrap() error { return e.err }

// scrub returns err with every secret of the URL removed from its text.
func scrub(err error, secrets []string) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	for _, s := range secrets {
		msg = strings.ReplaceAll(msg, s, "***")
	}
	return &scrubbed{msg: msg, err: err}
}

// permanentError is a failure that retrying won't fix, such as a 4xx.
type permanentError struct{ error }

func (e permanentError) Unwrap() error { return e.error }

// IsPermanent reports whether retrying err is pointless.
func IsPermanent(err error) bool {
	var p permanentError
	return errors.As(err, &p)
}

// retryAfterError carries a receiver's Retry-After.
type retryAfterError struct {
	error
	after time.Duration
}

func (e retryAfterError) Unwrap() error { return e.error }

// RetryAfter is how long the receiver asked to wait before a retry, or 0.
func RetryAfter(err error) time.Duration {
	var r retryAfterError
	if errors.As(err, &r) {
		return r.after
	}
	return 0
}

// Flag is a command-line flag (a pflag.Value) for --notify-url that may
// be repeated: its first use replaces the default (from the environment),
// later uses add URLs, kept comma-separated in *URLs. Shown in help, the
// URLs are redacted.
type Flag struct {
	URLs *string
	set  bool
}

// String is the redacted list.
func (f *Flag) String() string {
	if f == nil || f.URLs == nil {
		return ""
	}
	urls := SplitURLs(*f.URLs)
	for i, u := range urls {
		urls[i] = Redacted(u)
	}
	return strings.Join(urls, ",")
}

// Set adds the URLs of one use of the flag.
func (f *Flag) Set(s string) error {
	if !f.set || *f.URLs == "" {
		*f.URLs = s
	} else {
		*f.URLs += "," + s
	}
	f.set = true
	return nil
}

// Type names the flag's value in help.
func (f *Flag) Type() string { return "urls" }
