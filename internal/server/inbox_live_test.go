package server

import (
	"strings"
	"testing"
	"time"

	"github.com/pragyamugale/portfolio/internal/inbox"
)

// TestInboxLiveOverSSH: a message sent while the owner has the Inbox open
// appears in every open owner session, list and unread count, with no key
// pressed, also in a session whose program has gone to sleep.
func TestInboxLiveOverSSH(t *testing.T) {
	t.Parallel()
	ownerAuth, ownerPub := keyAuth(t)
	dir := t.TempDir()
	storeMessage(t, dir, inbox.Message{Name: "Grace Hopper", ReplyTo: "grace@navy.example", Message: "Hello", Remote: "192.0.2.7"})
	ts := startCmdServer(t, func(c *Config) {
		c.DataDir, c.OwnerKeys = dir, writeOwnerKeys(t, ownerPub)
		c.UISleep = 100 * time.Millisecond // the owner's programs sleep between messages
	})

	var owners []*vterm
	for range 2 {
		vt := openVTerm(t, ts, ownerAuth)
		vt.send("5")
		vt.waitScreen("1 message, 1 unread", "Grace Hopper")
		owners = append(owners, vt)
	}
	if !eventually(waitTimeout, func() bool { return ts.core.Host.Programs() == 0 }) {
		t.Fatalf("the owners' programs never slept: %d running", ts.core.Host.Programs())
	}

	c, _ := dial(t, ts.addr, "visitor", noAuth())
	r := execCmd(t, c, `contact --name 山田 太郎 --reply-to yamada@example.jp`, cmdOpts{stdin: strings.NewReader("Bonjour, ça va? 🎉\n")})
	if r.code != 0 {
		t.Fatalf("contact: exit %d, stderr %q", r.code, r.stderr)
	}
	for i, vt := range owners {
		scr := vt.waitScreen("2 messages, 2 unread", "山田 太郎", "Bonjour, ça va? 🎉")
		if !strings.Contains(scr, "Inbox (2)") {
			t.Errorf("owner %d: the tab's unread count did not follow:\n%s", i, scr)
		}
	}
}
