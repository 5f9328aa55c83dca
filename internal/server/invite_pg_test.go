package server

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/pragyamugale/portfolio/internal/invite"
	"github.com/pragyamugale/portfolio/internal/pgtest"
)

// TestInvitationFirstOpenOnceAcrossMachines: two servers (two machines)
// on one PostgreSQL database, both telling the same webhook: visits
// through one invitation land on both at once, and the owner hears of
// the first open once, not once per machine; every visit is counted.
func TestInvitationFirstOpenOnceAcrossMachines(t *testing.T) {
	url := pgtest.URL(t)
	hook, hookURL := newHookRecorder(t)
	start := func() *testServer {
		return startCmdServer(t, func(c *Config) { c.DatabaseURL, c.NotifyURL = url, hookURL })
	}
	a, b := start(), start()
	inv, err := invite.New("Acme — Staff Backend", "", a.core.Invites.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := a.core.Store().Invitations().Create(context.Background(), inv); err != nil {
		t.Fatal(err)
	}

	const each = 4
	var wg sync.WaitGroup
	for _, ts := range []*testServer{a, b, a, b} {
		for range each / 2 {
			wg.Go(func() {
				c, _ := dial(t, ts.addr, inv.Code, noAuth())
				if r := execCmd(t, c, "about", cmdOpts{}); r.code != 0 {
					t.Errorf("about through the invitation: exit %d", r.code)
				}
			})
		}
	}
	wg.Wait()
	a.core.Invites.Wait()
	b.core.Invites.Wait()
	v := showInvitation(t, b, inv.Code)
	if v.Visits != 4*each/2 || v.FirstOpened == nil || v.FirstChannel != invite.ChannelSSH {
		t.Errorf("after the visits: %+v", v.Invitation)
	}
	// Both notifiers have had their chance: the one that was told first
	// queued its note before Wait returned; deliver what is queued.
	a.core.Notifier.Close(context.Background())
	b.core.Notifier.Close(context.Background())
	if n := hook.count("invitation_opened"); n != 1 {
		t.Errorf("%d notifications of the first open across two machines, want 1: %q", n, strings.Join(hook.bodies, "\n"))
	}
}
