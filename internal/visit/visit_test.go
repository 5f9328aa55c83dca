package visit

import (
	"context"
	"io"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/log/v2"

	"github.com/pragyamugale/portfolio/internal/inbox"
	"github.com/pragyamugale/portfolio/internal/inbox/filestore"
	"github.com/pragyamugale/portfolio/internal/ui"
)

// TestWatchInbox: every message stored reaches an owner's UI as
// ui.InboxChangedMsg, with no key pressed, until the session ends.
func TestWatchInbox(t *testing.T) {
	t.Parallel()
	store, err := filestore.OpenStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	service := inbox.NewService(store, inbox.ServiceOptions{Logger: log.New(io.Discard)})
	r := New(Config{Subscribe: store.Subscribe})
	ctx, cancel := context.WithCancel(context.Background())
	got := make(chan tea.Msg, 10)
	done := make(chan struct{})
	go func() {
		defer close(done)
		r.watchInbox(ctx, func(m tea.Msg) { got <- m })
	}()
	// Subscribed once watchInbox runs: store until a change arrives.
	sub := inbox.Submission{Name: "Zoë 語", ReplyTo: "@zoe", Message: "live 🎉", Remote: "192.0.2.9"}
	deadline := time.After(10 * time.Second)
	for arrived := false; !arrived; {
		sub.Message += "!"
		if _, err := service.Submit(sub); err != nil {
			t.Fatal(err)
		}
		select {
		case m := <-got:
			if _, ok := m.(ui.InboxChangedMsg); !ok {
				t.Fatalf("sent %T, want ui.InboxChangedMsg", m)
			}
			arrived = true
		case <-time.After(50 * time.Millisecond):
		case <-deadline:
			t.Fatal("no InboxChangedMsg after storing a message")
		}
	}
	cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("watchInbox did not end with its context")
	}
}

// TestEventBudgetsPerAddress: the UI sessions of one address share one
// event budget (opening more sessions buys no more Updates); another
// address has its own, and a budget goes with its last session.
func TestEventBudgetsPerAddress(t *testing.T) {
	var b eventBudgets
	one, again, other := b.acquire("192.0.2.1"), b.acquire("192.0.2.1"), b.acquire("2001:db8::/64")
	if one != again || one == other {
		t.Fatal("sessions of one address don't share a budget, or two addresses do")
	}
	b.release("192.0.2.1")
	b.release("192.0.2.1")
	b.release("2001:db8::/64")
	if len(b.m) != 0 {
		t.Errorf("%d budgets kept after every session ended", len(b.m))
	}
	if b.acquire("192.0.2.1") == one {
		t.Error("a returning address got its old budget back")
	}
}
