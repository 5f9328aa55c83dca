package pgstore

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pragyamugale/portfolio/internal/inbox"
	"github.com/pragyamugale/portfolio/internal/pgtest"
	"github.com/pragyamugale/portfolio/internal/stats"
)

// While the database is away, a visitor is told their message couldn't be
// sent (ErrStorage: "try again in a minute"), never "Sent"; the store
// notices, reconnects by itself when the database returns, and every
// message acknowledged before, during and after is stored exactly once.
func TestDatabaseAwayNothingAcknowledgedIsLost(t *testing.T) {
	url := pgtest.URL(t)
	a, b := open(t, url), open(t, url)
	svcs := []*inbox.Service{inbox.NewService(a, inbox.ServiceOptions{}), inbox.NewService(b, inbox.ServiceOptions{})}
	var acked []string
	refused := 0
	send := func(i int) {
		r, err := svcs[i%2].Submit(inbox.Submission{Name: "Léa", ReplyTo: "lea@example.com", Message: fmt.Sprintf("message %d ✉", i), Remote: "192.0.2.10"})
		switch {
		case err == nil:
			acked = append(acked, r.ID)
		case errors.Is(err, inbox.ErrStorage):
			refused++
		default:
			t.Fatalf("message %d: %v", i, err)
		}
	}
	for i := range 10 {
		send(i)
	}
	eventually(t, "the stores listening", func() bool { return a.Available() && b.Available() })
	back := pgtest.Away(t)
	eventually(t, "the stores to notice", func() bool { return !a.Available() && !b.Available() })
	for i := 10; i < 14; i++ {
		send(i)
	}
	if refused != 4 {
		t.Fatalf("%d of 4 messages refused while the database was away", refused)
	}
	back()
	eventually(t, "the stores to reconnect", func() bool { return a.Available() && b.Available() })
	for i := 14; i < 24; i++ {
		send(i)
	}
	if len(acked) != 20 {
		t.Fatalf("%d messages acknowledged, want 20", len(acked))
	}
	for _, id := range acked {
		if n := count(t, a, "SELECT count(*) FROM messages WHERE id = $1", id); n != 1 {
			t.Fatalf("acknowledged message %s stored %d times", id, n)
		}
	}
	if n := count(t, a, "SELECT count(*) FROM messages"); n != len(acked) {
		t.Fatalf("%d messages stored, %d acknowledged", n, len(acked))
	}
}

// A server machine starting while the database is away still starts: its
// store refuses messages until the database returns, then migrates and
// serves by itself. A database that answers with an error still fails.
func TestOpenServingWhileTheDatabaseIsAway(t *testing.T) {
	url := pgtest.URL(t)
	back := pgtest.Away(t)
	s, warning, err := OpenServing(context.Background(), url)
	if err != nil || warning == nil {
		t.Fatalf("OpenServing with the database away: warning %v, err %v", warning, err)
	}
	defer s.Close()
	if _, err := s.Append(inbox.Message{Name: "n", Message: "m", Remote: "r"}); !errors.Is(err, inbox.ErrStorage) {
		t.Fatalf("Append with the database away: %v", err)
	}
	if err := s.Stats().Add(context.Background(), []*stats.Day{{Date: "2026-11-29", Visits: 1}}); err == nil {
		t.Fatal("stats Add with the database away succeeded")
	}
	back()
	eventually(t, "the store to connect", s.Available)
	m, err := s.Append(inbox.Message{Name: "n", Message: "m", Remote: "r"})
	if err != nil {
		t.Fatal(err)
	}
	if p, err := s.Page(0, 1, ""); err != nil || p.Total != 1 || p.Messages[0].ID != m.ID {
		t.Fatalf("page: %+v, %v", p, err)
	}

	// No such database: the server answered, so it is a mistake to fix.
	bad := url[:strings.LastIndex(url, "/")] + "/no_such_database?sslmode=disable"
	if _, _, err := OpenServing(context.Background(), bad); err == nil {
		t.Fatal("OpenServing of a missing database succeeded")
	}
}

// Senders keep sending through two machines while PostgreSQL stops under
// them and comes back: every message acknowledged is stored exactly once,
// and no text is stored twice (a retry after a lost commit reply finds
// the first).
func TestStopMidRunUnderLoad(t *testing.T) {
	url := pgtest.URL(t)
	stores := []*Store{open(t, url), open(t, url)}
	var (
		mu             sync.Mutex
		acked          []string
		refused, tries int
		phase          int // 0 before the stop, 1 while away, 2 after, 3 done
	)
	var wg sync.WaitGroup
	for g := range 4 {
		svc := inbox.NewService(stores[g%2], inbox.ServiceOptions{})
		wg.Go(func() {
			for {
				mu.Lock()
				if phase == 3 || tries >= 20000 {
					mu.Unlock()
					return
				}
				tries++
				n := tries
				mu.Unlock()
				r, err := svc.Submit(inbox.Submission{Name: "Ünal", ReplyTo: "u@example.com", Message: fmt.Sprintf("n° %d 🚀", n), Remote: "192.0.2.20"})
				mu.Lock()
				switch {
				case err == nil:
					// Duplicate too: a retry after a lost commit reply
					// finds the first, and the visitor gets its id.
					acked = append(acked, r.ID)
				case errors.Is(err, inbox.ErrStorage):
					refused++
				default:
					t.Errorf("message %d: %v", n, err)
				}
				mu.Unlock()
				if err != nil {
					time.Sleep(10 * time.Millisecond) // pacing while away, not a timing check
				}
			}
		})
	}
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		eventually(t, what, func() bool {
			mu.Lock()
			defer mu.Unlock()
			return cond()
		})
	}
	waitFor("messages before the stop", func() bool { return len(acked) >= 20 })
	back := pgtest.Away(t)
	mu.Lock()
	phase, ackedBefore := 1, len(acked)
	mu.Unlock()
	waitFor("refusals while away", func() bool { return refused >= 8 })
	back()
	mu.Lock()
	phase = 2
	mu.Unlock()
	waitFor("messages after the return", func() bool { return len(acked) >= ackedBefore+20 })
	mu.Lock()
	phase = 3
	mu.Unlock()
	wg.Wait()

	for _, id := range acked {
		if n := count(t, stores[0], "SELECT count(*) FROM messages WHERE id = $1", id); n != 1 {
			t.Fatalf("acknowledged message %s stored %d times", id, n)
		}
	}
	if total, distinct := count(t, stores[0], "SELECT count(*) FROM messages"), count(t, stores[0], "SELECT count(DISTINCT message) FROM messages"); total != distinct {
		t.Fatalf("%d messages stored, %d distinct texts", total, distinct)
	}
	t.Logf("%d acknowledged, %d refused while away, %d attempts", len(acked), refused, tries)
}
