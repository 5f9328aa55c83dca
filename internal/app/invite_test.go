package app

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	xansi "github.com/charmbracelet/x/ansi"
	"github.com/coder/websocket"

	"github.com/pragyamugale/portfolio/internal/invite"
)

// TestWebTerminalInvitation: the live terminal under an invitation's path
// (/i/CODE/terminal/ws) is a visit through it: the greeting and the
// personal line on the first screen, the visit counted on the
// web-terminal channel. The plain /terminal/ws is an ordinary visit.
func TestWebTerminalInvitation(t *testing.T) {
	ts := startServerWith(t, func(c *Config) { withHTTP(c); c.SessionRate = 0 })
	inv, err := invite.New("Acme — Staff Backend", "Hello Acme team", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := ts.core.Store().Invitations().Create(context.Background(), inv); err != nil {
		t.Fatal(err)
	}
	screen := func(path string) func() string {
		c := dialTerminalAt(t, ts, path)
		var mu sync.Mutex
		var out strings.Builder
		go func() {
			for {
				_, b, err := c.Read(context.Background())
				if err != nil {
					return
				}
				mu.Lock()
				out.Write(b)
				mu.Unlock()
			}
		}()
		return func() string {
			mu.Lock()
			defer mu.Unlock()
			// The text drawn, escapes aside (the first frame comes before
			// the size, so an emulator of one size can't replay it).
			return xansi.Strip(out.String())
		}
	}
	invited := screen("/i/" + inv.Code + "/terminal/ws")
	if !eventually(waitTimeout, func() bool {
		s := invited()
		return strings.Contains(s, "Hello Acme team") && strings.Contains(s, "This link is personal")
	}) {
		t.Fatalf("the invitation's terminal:\n%s", invited())
	}
	plain := screen("/terminal/ws")
	if !eventually(waitTimeout, func() bool { return strings.Contains(plain(), "4 Contact") }) {
		t.Fatalf("the ordinary terminal:\n%s", plain())
	}
	if s := plain(); strings.Contains(s, "Hello Acme team") || strings.Contains(s, "personal") {
		t.Errorf("the ordinary terminal shows the invitation:\n%s", s)
	}
	ts.core.Invites.Wait()
	got, _, err := ts.core.Store().Invitations().Lookup(context.Background(), inv.Code)
	if err != nil || got.Visits != 1 || got.FirstChannel != invite.ChannelWebTerminal {
		t.Errorf("after the visit: %+v %v", got, err)
	}
}

// dialTerminalAt is dialTerminal at another socket path.
func dialTerminalAt(t *testing.T, ts *testServer, path string) *websocket.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	origin := "http://" + ts.HTTPAddr().String()
	c, _, err := websocket.Dial(ctx, "ws://"+ts.HTTPAddr().String()+path, &websocket.DialOptions{
		HTTPHeader: map[string][]string{"Origin": {origin}},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.CloseNow() })
	if err := c.Write(ctx, websocket.MessageText, []byte(`{"cols":100,"rows":30}`)); err != nil {
		t.Fatal(err)
	}
	return c
}
