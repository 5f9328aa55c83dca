package pgstore

import (
	"errors"
	"fmt"
	"testing"

	"github.com/pragyamugale/portfolio/inbox"
	"github.com/pragyamugale/portfolio/internal/pgtest"
)

// While the database is away, a visitor is told their message couldn't be
// sent (ErrStorage: "try again in a minute"), never "Sent"; the store
// notices, reconnects by itself when the database returns, and every
// message acknowledged before, during and after is stored exactly once.
func TestDatabaseAwayNothingAcknowledgedIsLost(t *testing.T) {
	srv := pgtest.Shared(t)
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
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	restarted := false
	t.Cleanup(func() {
		if !restarted {
			_ = srv.Restart()
		}
	})
	eventually(t, "the stores to notice", func() bool { return !a.Available() && !b.Available() })
	for i := 10; i < 14; i++ {
		send(i)
	}
	if refused != 4 {
		t.Fatalf("%d of 4 messages refused while the database was away", refused)
	}
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	restarted = true
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
