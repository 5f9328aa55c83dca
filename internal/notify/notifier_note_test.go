package notify

import (
	"context"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/pragyamugale/portfolio/internal/testkit"
)

func TestNoteIsReadableOnALockScreen(t *testing.T) {
	m := notifyMsg
	m.Name = "山田 太郎"
	m.ReplyTo = "taro@example.jp"
	m.Message = "こんにちは!\nI read the notelytix case study.\nCould we talk about a role?\nline four\nline five is cut"
	m.Checksum = "sha256:0123456789abcdef"
	n, err := noteFor(m)
	if err != nil {
		t.Fatal(err)
	}
	if n.Title != "New message from 山田 太郎" {
		t.Errorf("title %q", n.Title)
	}
	want := "こんにちは!\nI read the notelytix case study.\nCould we talk about a role?\nline four…\n\nReply to: taro@example.jp"
	if n.Body != want {
		t.Errorf("body %q, want %q", n.Body, want)
	}
	for _, bad := range []string{"sha256", "{", "192.0.2.1", m.ID} {
		if strings.Contains(n.Title+n.Body, bad) {
			t.Errorf("note shows %q: %q %q", bad, n.Title, n.Body)
		}
	}
	if !strings.Contains(string(n.JSON), m.Checksum) {
		t.Error("the webhook's JSON is not the whole message")
	}

	// Long text is cut to a lock screen's worth; hostile text is plain.
	m.Name = strings.Repeat("Ñ", 60)
	m.Message = strings.Repeat("word ", 100) + "\x1b]0;title\x07"
	n, _ = noteFor(m)
	if r := []rune(n.Title); len(r) > len("New message from ")+noteMaxName+1 || !strings.HasSuffix(n.Title, "…") {
		t.Errorf("long name not cut: %q", n.Title)
	}
	first, _, _ := strings.Cut(n.Body, "\n")
	if len([]rune(first)) > noteMaxRunes+1 || !strings.HasSuffix(first, "…") || strings.ContainsRune(n.Body, 0x1b) {
		t.Errorf("long message not cut or not clean: %q", first)
	}
}

// TestNotifierFailureCountedAndLoggedOnce: with one working and one
// broken service, the working one gets the note, the broken one counts
// one failure and logs one error line, without the URL's token.
func TestNotifierFailureCountedAndLoggedOnce(t *testing.T) {
	srv, got := recordingServer(t, func(int) int { return http.StatusOK })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := ln.Addr().String()
	ln.Close()
	logger, logs := testLogger()
	n := newNotifier(srv.URL+"/hook,ntfy://user:s3cr3t@"+dead+"/topic?scheme=http", logger, time.Millisecond)
	reg := prometheus.NewRegistry()
	reg.MustRegister(n.Collectors()...)
	n.Send(notifyMsg)
	closeNotifier(t, n)

	if d := got(); len(d) != 1 {
		t.Errorf("webhook got %d deliveries, want 1", len(d))
	}
	if v := testutil.ToFloat64(n.failed.WithLabelValues("ntfy")); v != 1 {
		t.Errorf("failed{ntfy} = %v, want 1", v)
	}
	if v := testutil.ToFloat64(n.sent.WithLabelValues("webhook")); v != 1 {
		t.Errorf("sent{webhook} = %v, want 1", v)
	}
	out := logs.String()
	errorLines := 0
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, "ERRO") {
			errorLines++
		}
	}
	if errorLines != 1 || !strings.Contains(out, "notification failed") {
		t.Errorf("want exactly one error line, got:\n%s", out)
	}
	for _, secret := range []string{"s3cr3t", "secret words", dead} {
		if strings.Contains(out, secret) {
			t.Errorf("logs hold %q:\n%s", secret, out)
		}
	}
	if c, err := testutil.GatherAndCount(reg, "portfolio_notifications_failed_total"); err != nil || c != 2 {
		t.Errorf("registry has %d failed_total series (%v), want one per service", c, err)
	}
}

// TestNotifierSlowServiceDelaysNoOther: each service has its own queue, so
// one that never answers doesn't hold up the others.
func TestNotifierSlowServiceDelaysNoOther(t *testing.T) {
	release := make(chan struct{})
	hung := localServer(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	defer close(release) // before the servers' cleanup waits for handlers
	fast, got := recordingServer(t, func(int) int { return http.StatusOK })
	n := newNotifier(hung.URL+"/hang,"+fast.URL+"/hook", nil, time.Millisecond)
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		n.Close(ctx)
	}()
	for range 3 {
		n.Send(notifyMsg)
	}
	testkit.Wait(t, 10*time.Second, "the fast service to get 3 notes while the other hung", func() bool { return len(got()) >= 3 })
}
