package server

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestNotificationsOverSSH: a message piped over SSH reaches an ntfy
// stand-in as a readable notification, and a webhook that refuses it is
// counted in /metrics, with no URL in the log.
func TestNotificationsOverSSH(t *testing.T) {
	t.Parallel()
	var (
		mu          sync.Mutex
		title, body string
	)
	got := make(chan struct{}, 1)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	recv := &httptest.Server{Listener: ln, Config: &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/reject" {
			w.WriteHeader(http.StatusForbidden)
			return
		}
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		title, body = r.Header.Get("Title"), string(b)
		mu.Unlock()
		_, _ = io.WriteString(w, `{"id":"1","event":"message"}`)
		select {
		case got <- struct{}{}:
		default:
		}
	})}}
	recv.Start()
	t.Cleanup(recv.Close)
	addr := ln.Addr().String()
	ts := startServerWith(t, func(c *Config) {
		withHTTP(c)
		c.NotifyURL = "ntfy://" + addr + "/owner-topic?scheme=http,http://" + addr + "/reject?token=s3cr3t"
	})

	if _, stderr, err := pipedContact(t, ts.addr, "Hello from Lyon, Ça va?\n"); err != nil {
		t.Fatalf("piped contact: %v %s", err, stderr)
	}
	select {
	case <-got:
	case <-time.After(waitTimeout):
		t.Fatal("no notification reached the ntfy stand-in")
	}
	mu.Lock()
	if title != "New message from Jane" || body != "Hello from Lyon, Ça va?\n\nReply to: jane@example.com" {
		t.Errorf("ntfy got title %q, body %q", title, body)
	}
	mu.Unlock()
	ts.waitMetric(t, "portfolio_notifications_failed_total", func(v float64) bool { return v == 1 }, "service", "webhook")
	// Counted once the service has answered: the stand-in's reply may still
	// be on its way back when the request reaches the test.
	ts.waitMetric(t, "portfolio_notifications_sent_total", func(v float64) bool { return v == 1 }, "service", "ntfy")
	if logs := ts.logs.String(); strings.Contains(logs, "s3cr3t") || strings.Contains(logs, "owner-topic") {
		t.Errorf("the log holds a notify URL:\n%s", logs)
	}
}
