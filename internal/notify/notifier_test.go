package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"charm.land/log/v2"

	"github.com/pragyamugale/portfolio/internal/inbox"
	"github.com/pragyamugale/portfolio/internal/inbox/filestore"
)

// syncBuffer is a bytes.Buffer safe for a logger and a test to share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func testLogger() (*log.Logger, *syncBuffer) {
	buf := &syncBuffer{}
	l := log.NewWithOptions(buf, log.Options{Level: log.DebugLevel})
	return l, buf
}

type delivery struct {
	contentType string
	body        []byte
}

func recordingServer(t *testing.T, status func(n int) int) (*httptest.Server, func() []delivery) {
	var (
		mu  sync.Mutex
		got []delivery
	)
	srv := localServer(t, func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, delivery{r.Header.Get("Content-Type"), body})
		n := len(got)
		mu.Unlock()
		if r.Method != http.MethodPost {
			w.WriteHeader(http.StatusMethodNotAllowed)
			return
		}
		w.WriteHeader(status(n))
	})
	return srv, func() []delivery {
		mu.Lock()
		defer mu.Unlock()
		return append([]delivery(nil), got...)
	}
}

func closeNotifier(t *testing.T, n *Notifier) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	n.Close(ctx)
}

var notifyMsg = inbox.Message{
	ID: "abcdefgh", Time: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC),
	Name: "Jane", ReplyTo: "jane@example.com", Message: "secret words", Remote: "192.0.2.1",
}

func TestNotifierDelivers(t *testing.T) {
	srv, got := recordingServer(t, func(int) int { return http.StatusNoContent })
	n := newNotifier(srv.URL+"/hook", nil, time.Millisecond)
	n.Send(notifyMsg)
	closeNotifier(t, n) // delivers what is queued
	d := got()
	if len(d) != 1 {
		t.Fatalf("%d deliveries, want exactly 1", len(d))
	}
	if d[0].contentType != "application/json" {
		t.Errorf("Content-Type %q", d[0].contentType)
	}
	var m inbox.Message
	if err := json.Unmarshal(d[0].body, &m); err != nil {
		t.Fatalf("body %q: %v", d[0].body, err)
	}
	if m != notifyMsg {
		t.Errorf("delivered %+v, want %+v", m, notifyMsg)
	}
}

func TestNotifierRetries(t *testing.T) {
	srv, got := recordingServer(t, func(n int) int {
		if n == 1 {
			return http.StatusInternalServerError
		}
		return http.StatusOK
	})
	logger, logs := testLogger()
	n := newNotifier(srv.URL+"/hook?token=s3cr3t", logger, time.Millisecond)
	n.Send(notifyMsg)
	closeNotifier(t, n)
	d := got()
	if len(d) != 2 {
		t.Fatalf("%d attempts, want 2 (a 500, then success)", len(d))
	}
	if !bytes.Equal(d[0].body, d[1].body) {
		t.Error("retry sent a different body")
	}
	if out := logs.String(); !strings.Contains(out, "retrying") || strings.Contains(out, "secret words") || strings.Contains(out, "s3cr3t") {
		t.Errorf("logs: %s", out)
	}
}

func TestNotifierGivesUp(t *testing.T) {
	t.Run("4xx not retried", func(t *testing.T) {
		srv, got := recordingServer(t, func(int) int { return http.StatusBadRequest })
		logger, logs := testLogger()
		n := newNotifier(srv.URL, logger, time.Millisecond)
		n.Send(notifyMsg)
		closeNotifier(t, n)
		if d := got(); len(d) != 1 {
			t.Fatalf("%d attempts, want 1", len(d))
		}
		if out := logs.String(); !strings.Contains(out, "notification failed") || strings.Contains(out, "secret words") {
			t.Errorf("logs: %s", out)
		}
	})
	t.Run("5xx retried at most 8 times", func(t *testing.T) {
		srv, got := recordingServer(t, func(int) int { return http.StatusServiceUnavailable })
		n := newNotifier(srv.URL, nil, time.Millisecond)
		n.Send(notifyMsg)
		closeNotifier(t, n)
		if d := got(); len(d) != notifyMaxAttempts {
			t.Fatalf("%d attempts, want %d", len(d), notifyMaxAttempts)
		}
	})
	t.Run("network error retried", func(t *testing.T) {
		var calls atomic.Int32
		srv := localServer(t, func(w http.ResponseWriter, r *http.Request) {
			if calls.Add(1) == 1 { // drop the connection
				conn, _, _ := w.(http.Hijacker).Hijack()
				conn.Close()
				return
			}
		})
		n := newNotifier(srv.URL, nil, time.Millisecond)
		n.Send(notifyMsg)
		closeNotifier(t, n)
		if c := calls.Load(); c != 2 {
			t.Fatalf("%d attempts, want 2", c)
		}
	})
}

func TestNotifierSendNeverBlocks(t *testing.T) {
	release := make(chan struct{})
	srv := localServer(t, func(w http.ResponseWriter, r *http.Request) {
		select { // hang
		case <-release:
		case <-r.Context().Done():
		}
	})
	defer close(release) // before srv.Close (cleanup) waits for handlers
	logger, logs := testLogger()
	n := newNotifier(srv.URL, logger, time.Millisecond)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 3 * notifyQueue {
			n.Send(notifyMsg)
		}
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Send blocked with a full queue and a hanging server")
	}
	// Close gives up when its context ends, aborting the hung request.
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	closed := make(chan struct{})
	go func() { n.Close(ctx); close(closed) }()
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		t.Fatal("Close didn't return after its context ended")
	}
	if !strings.Contains(logs.String(), "queue full") {
		t.Error("no warning logged for dropped notifications")
	}
	n.Send(notifyMsg) // after Close: dropped, no panic
}

func TestNotifierNil(t *testing.T) {
	n := NewNotifier("", nil)
	if n != nil {
		t.Fatalf("NewNotifier(\"\") = %v, want nil", n)
	}
	n.Send(notifyMsg)
	n.Close(context.Background())
}

// The contact form's Service tells the notifier of each message it stores,
// once: a duplicate is not notified again.
func TestServiceNotifies(t *testing.T) {
	srv, got := recordingServer(t, func(int) int { return http.StatusOK })
	n := newNotifier(srv.URL, nil, time.Millisecond)
	store, err := filestore.OpenStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	svc := inbox.NewService(store, inbox.ServiceOptions{PerHour: 5, Notifier: n})
	sub := inbox.Submission{Name: "Jane Doe", ReplyTo: "jane@example.com", Message: "Hello!\n\nLoved the portfolio.", Remote: "192.0.2.1", Fingerprint: "SHA256:abc"}
	r, err := svc.Submit(sub)
	if err != nil {
		t.Fatal(err)
	}
	svc.Submit(sub) // duplicate: not notified again
	closeNotifier(t, n)
	d := got()
	if len(d) != 1 || !strings.Contains(string(d[0].body), r.ID) {
		t.Fatalf("deliveries %+v, want one for %s", d, r.ID)
	}
}
