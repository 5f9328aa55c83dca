package filestore

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"charm.land/log/v2"

	"github.com/pragyamugale/portfolio/internal/inbox"
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
	return log.NewWithOptions(buf, log.Options{Level: log.DebugLevel}), buf
}

type serviceEnv struct {
	svc   *inbox.Service
	store *Store
	dir   string
	clock *fakeClock
	logs  *syncBuffer
}

func newServiceEnv(t *testing.T, perHour int) *serviceEnv {
	t.Helper()
	dir := t.TempDir()
	store := openTestStore(t, dir)
	clk := newFakeClock()
	logger, logs := testLogger()
	svc := inbox.NewService(store, inbox.ServiceOptions{PerHour: perHour, Logger: logger, Now: clk.Now})
	return &serviceEnv{svc: svc, store: store, dir: dir, clock: clk, logs: logs}
}

func (e *serviceEnv) stored(t *testing.T) []inbox.Message {
	t.Helper()
	msgs, rep, err := ReadAll(e.dir)
	if err != nil || rep != (inbox.ReadReport{}) {
		t.Fatalf("ReadAll: %+v, %v", rep, err)
	}
	return msgs
}

func TestServiceSubmit(t *testing.T) {
	e := newServiceEnv(t, 5)
	sub := validSub()
	sub.Name = "Jane\x1b[2J  Doe"
	r, err := e.svc.Submit(sub)
	if err != nil {
		t.Fatalf("Submit: %v", err)
	}
	if r.ID == "" || r.Duplicate || !r.Time.Equal(e.clock.Now()) {
		t.Errorf("receipt %+v", r)
	}
	msgs := e.stored(t)
	if len(msgs) != 1 {
		t.Fatalf("%d stored, want 1", len(msgs))
	}
	m := msgs[0]
	if m.ID != r.ID || m.Name != "Jane Doe" || m.ReplyTo != sub.ReplyTo || m.Message != sub.Message ||
		m.Remote != sub.Remote || m.Fingerprint != sub.Fingerprint || !m.Valid() {
		t.Errorf("stored %+v", m)
	}
	if strings.Contains(e.logs.String(), "Loved the portfolio") {
		t.Error("message text logged")
	}
}

func TestServiceValidation(t *testing.T) {
	e := newServiceEnv(t, 5)
	_, err := e.svc.Submit(inbox.Submission{Remote: "192.0.2.1"})
	var ve inbox.ValidationError
	if !errors.As(err, &ve) || len(ve) != 3 {
		t.Fatalf("Submit = %v, want 3 field errors", err)
	}
	if len(e.stored(t)) != 0 {
		t.Error("invalid submission stored")
	}
}

func TestServiceDuplicate(t *testing.T) {
	e := newServiceEnv(t, 5)
	sub := validSub()
	first, err := e.svc.Submit(sub)
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(30 * time.Second)
	// Same text, same key from another IP; text differing only in what
	// sanitising removes.
	again := sub
	again.Remote = "198.51.100.9"
	again.Message = sub.Message + "\n\n\u200b"
	dup, err := e.svc.Submit(again)
	if err != nil {
		t.Fatal(err)
	}
	if !dup.Duplicate || dup.ID != first.ID || !dup.Time.Equal(first.Time) {
		t.Errorf("duplicate receipt %+v, want first %+v marked Duplicate", dup, first)
	}
	if n := len(e.stored(t)); n != 1 {
		t.Fatalf("%d stored, want 1", n)
	}

	// A different sender with the same text is not a duplicate.
	other := sub
	other.Remote, other.Fingerprint = "203.0.113.5", ""
	if r, err := e.svc.Submit(other); err != nil || r.Duplicate {
		t.Fatalf("other sender: %+v, %v", r, err)
	}

	// Duplicates consumed no limit: 5 per hour, 2 stored so far.
	for i := range 3 {
		s := sub
		s.Message = fmt.Sprintf("follow-up %d", i)
		if _, err := e.svc.Submit(s); err != nil {
			t.Fatalf("follow-up %d: %v", i, err)
		}
	}

	// After a minute the same text is stored again.
	e2 := newServiceEnv(t, 5)
	a, _ := e2.svc.Submit(sub)
	e2.clock.Advance(time.Minute)
	b, err := e2.svc.Submit(sub)
	if err != nil || b.Duplicate || b.ID == a.ID {
		t.Fatalf("after a minute: %+v, %v", b, err)
	}
	if n := len(e2.stored(t)); n != 2 {
		t.Fatalf("%d stored, want 2", n)
	}
}

func TestServiceConcurrentDuplicates(t *testing.T) {
	e := newServiceEnv(t, 100)
	var wg sync.WaitGroup
	ids := make(chan string, 20)
	for range 20 {
		wg.Go(func() {
			r, err := e.svc.Submit(validSub())
			if err != nil {
				t.Error(err)
				return
			}
			ids <- r.ID
		})
	}
	wg.Wait()
	close(ids)
	first := <-ids
	for id := range ids {
		if id != first {
			t.Errorf("ids differ: %s, %s", first, id)
		}
	}
	if n := len(e.stored(t)); n != 1 {
		t.Fatalf("%d stored, want 1", n)
	}
}

func TestServiceRateLimit(t *testing.T) {
	e := newServiceEnv(t, 2)
	sub := validSub()
	for i := range 2 {
		sub.Message = fmt.Sprintf("message %d", i)
		if _, err := e.svc.Submit(sub); err != nil {
			t.Fatal(err)
		}
		e.clock.Advance(10 * time.Minute)
	}
	sub.Message = "one too many"
	_, err := e.svc.Submit(sub)
	var rl *inbox.RateLimitError
	if !errors.As(err, &rl) {
		t.Fatalf("Submit = %v, want *RateLimitError", err)
	}
	if rl.RetryAfter != 40*time.Minute {
		t.Errorf("RetryAfter = %v, want 40m", rl.RetryAfter)
	}
	if n := len(e.stored(t)); n != 2 {
		t.Fatalf("%d stored, want 2", n)
	}
	e.clock.Advance(rl.RetryAfter)
	if _, err := e.svc.Submit(sub); err != nil {
		t.Fatalf("after RetryAfter: %v", err)
	}
}

func TestServiceStorageFailure(t *testing.T) {
	e := newServiceEnv(t, 1)
	ff := injectFault(e.store)
	ff.writeErr = syscall.ENOSPC
	sub := validSub()
	for i := range 3 {
		sub.Message = fmt.Sprintf("attempt %d with private text", i)
		r, err := e.svc.Submit(sub)
		if !errors.Is(err, inbox.ErrStorage) {
			t.Fatalf("Submit = %+v, %v; want ErrStorage", r, err)
		}
	}
	if n := len(e.stored(t)); n != 0 {
		t.Fatalf("%d stored, want 0", n)
	}
	logs := e.logs.String()
	if !strings.Contains(logs, "no space left on device") {
		t.Errorf("cause not logged: %s", logs)
	}
	if strings.Contains(logs, "private text") {
		t.Errorf("message text logged: %s", logs)
	}

	// Nothing was counted against the limit (1 per hour), and a failed
	// message isn't remembered as a duplicate.
	*ff = faultFile{file: ff.file}
	r, err := e.svc.Submit(sub)
	if err != nil || r.Duplicate {
		t.Fatalf("after the fault cleared: %+v, %v", r, err)
	}
	sub.Message = "another"
	if _, err := e.svc.Submit(sub); !errors.As(err, new(*inbox.RateLimitError)) {
		t.Fatalf("second message = %v, want the limit to apply now", err)
	}
}

// sentNotes records what the Service hands its notifier.
type sentNotes struct {
	mu   sync.Mutex
	msgs []inbox.Message
}

func (n *sentNotes) Send(m inbox.Message) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.msgs = append(n.msgs, m)
}

func TestServiceNotifiesOnce(t *testing.T) {
	n := &sentNotes{}
	dir := t.TempDir()
	store := openTestStore(t, dir)
	svc := inbox.NewService(store, inbox.ServiceOptions{PerHour: 5, Notifier: n})
	r, err := svc.Submit(validSub())
	if err != nil {
		t.Fatal(err)
	}
	svc.Submit(validSub()) // duplicate: not notified again
	if len(n.msgs) != 1 || n.msgs[0].ID != r.ID || n.msgs[0].Message != validSub().Message {
		t.Fatalf("notified %+v, want one for %s", n.msgs, r.ID)
	}
}

func TestServiceBusy(t *testing.T) {
	dir := t.TempDir()
	clk := newFakeClock()
	logger, _ := testLogger()
	svc := inbox.NewService(openTestStore(t, dir), inbox.ServiceOptions{
		PerHour: 1, TotalPerHour: 2, Logger: logger, Now: clk.Now,
		Elsewhere: []string{"GitHub (https://github.com/example)", "owner@example.com"},
	})
	sub := validSub()
	sub.Fingerprint = "" // counted by address alone
	for i, ip := range []string{"192.0.2.1", "192.0.2.2"} {
		sub.Remote, sub.Message = ip, fmt.Sprintf("message %d", i)
		if _, err := svc.Submit(sub); err != nil {
			t.Fatal(err)
		}
	}
	// A sender over their own limit hears about their own limit.
	sub.Message = "again from the first"
	sub.Remote = "192.0.2.1"
	var rl *inbox.RateLimitError
	if _, err := svc.Submit(sub); !errors.As(err, &rl) {
		t.Errorf("own limit: Submit = %v, want *RateLimitError", err)
	}
	// A newcomer hears the inbox is busy, and where else to go; no counts,
	// no time.
	sub.Remote, sub.Message = "198.51.100.9", "Bonjour, 你好 👋"
	_, err := svc.Submit(sub)
	var busy *inbox.BusyError
	if !errors.As(err, &busy) {
		t.Fatalf("newcomer: Submit = %v, want *BusyError", err)
	}
	const want = "The inbox is busy, please try again later or use GitHub (https://github.com/example), owner@example.com."
	if got := busy.Sentence(); got != want {
		t.Errorf("Sentence() = %q, want %q", got, want)
	}
	if msgs, _, err := ReadAll(dir); err != nil || len(msgs) != 2 {
		t.Errorf("%d stored (%v), want 2", len(msgs), err)
	}
}
