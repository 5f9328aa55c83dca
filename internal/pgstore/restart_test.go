package pgstore

import (
	"fmt"
	"testing"
	"time"

	"github.com/pragyamugale/portfolio/internal/inbox"
	"github.com/pragyamugale/portfolio/internal/pgtest"
)

// TestFirstSendAfterRestartOnIdleServer: two servers on one PostgreSQL;
// it restarts (pg_ctl -w: ready when it returns); the first message
// through the server that was idle all along, whose pooled connections
// died with the old database, is stored, at once, and so is the next.
// (It used to be refused: the dead connection's error was the server's
// "terminating connection due to administrator command", which Append
// took for an answer rather than a dead connection.)
func TestFirstSendAfterRestartOnIdleServer(t *testing.T) {
	url := pgtest.URL(t)
	busy, idle := open(t, url), open(t, url)
	svcs := map[string]*inbox.Service{
		"busy": inbox.NewService(busy, inbox.ServiceOptions{}),
		"idle": inbox.NewService(idle, inbox.ServiceOptions{}),
	}
	n := 0
	send := func(which string) error {
		n++
		_, err := svcs[which].Submit(inbox.Submission{Name: "Zoë", ReplyTo: "zoe@example.com",
			Message: fmt.Sprintf("after the restart, n° %d 🐘", n), Remote: fmt.Sprintf("192.0.2.%d", n)})
		return err
	}
	// Both have pooled connections.
	for _, which := range []string{"busy", "idle", "busy", "idle"} {
		if err := send(which); err != nil {
			t.Fatal(err)
		}
	}
	eventually(t, "the stores listening", func() bool { return busy.Available() && idle.Available() })
	for round := range 3 {
		pgtest.Away(t)() // pg_ctl stop -m fast, then pg_ctl start -w
		if err := send("busy"); err != nil {
			t.Errorf("round %d: the first send through the busy server: %v", round, err)
		}
		start := time.Now()
		if err := send("idle"); err != nil {
			t.Errorf("round %d: the first send through the idle server, %s after the restart: %v", round, time.Since(start).Round(time.Millisecond), err)
		}
		if err := send("idle"); err != nil {
			t.Errorf("round %d: the second send through the idle server: %v", round, err)
		}
	}
	if got := count(t, idle, "SELECT count(*) FROM messages"); got != n && !t.Failed() {
		t.Errorf("%d messages stored of %d acknowledged", got, n)
	}
}
