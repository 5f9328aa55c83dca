package pgstore

import (
	"context"
	"testing"
	"time"

	"github.com/pragyamugale/portfolio/internal/inbox"
	"github.com/pragyamugale/portfolio/internal/invite"
	"github.com/pragyamugale/portfolio/internal/pgtest"
)

// A message keeps the way it came and the invitation's label in the
// database too, its checksum valid when read back (before, via was lost
// and the checksum no longer matched).
func TestMessageKeepsViaAndInvitation(t *testing.T) {
	s, err := Open(context.Background(), pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	m, err := s.Append(inbox.Message{Name: "Ana", ReplyTo: "ana@example.com", Message: "Hi", Via: inbox.ViaWeb, Invitation: "Acme — Staff Backend"})
	if err != nil {
		t.Fatal(err)
	}
	got, ok, err := s.Find(context.Background(), m.ID)
	if err != nil || !ok || got.Via != inbox.ViaWeb || got.Invitation != "Acme — Staff Backend" || !got.Valid() {
		t.Fatalf("read back %+v (%v, %v), valid %v", got, ok, err, got.Valid())
	}
}

// The invitations' part: create, look up, count visits (the first once),
// reads (bounded), messages, revoke (then nothing counts).
func TestInvitations(t *testing.T) {
	s, err := Open(context.Background(), pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	st := s.Invitations()
	inv, _ := invite.New("Acme", "Hello", time.Now())
	if err := st.Create(ctx, inv); err != nil {
		t.Fatal(err)
	}
	if err := st.Create(ctx, inv); err != invite.ErrExists {
		t.Errorf("second Create: %v", err)
	}
	at := time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC)
	for i, want := range []bool{true, false} {
		if first, err := st.Opened(ctx, inv.Code, invite.ChannelWeb, at.Add(time.Duration(i)*time.Hour)); first != want || err != nil {
			t.Errorf("Opened #%d: %v %v", i, first, err)
		}
	}
	_ = st.Read(ctx, inv.Code, "projects/notelytix", 90*time.Second)
	_ = st.Read(ctx, inv.Code, "projects/notelytix", 90*time.Second)
	_ = st.Messaged(ctx, inv.Code)
	if _, err := st.Revoke(ctx, inv.Code, at); err != nil {
		t.Fatal(err)
	}
	if first, err := st.Opened(ctx, inv.Code, invite.ChannelSSH, at); first || err != nil {
		t.Errorf("Opened after revoking: %v %v", first, err)
	}
	all, err := st.List(ctx)
	if err != nil || len(all) != 1 {
		t.Fatalf("List: %+v %v", all, err)
	}
	got := all[0]
	if got.Visits != 2 || got.Messages != 1 || !got.FirstOpened.Equal(at) || got.FirstChannel != invite.ChannelWeb ||
		len(got.Reads) != 1 || got.Reads[0].Seconds != 180 || got.Reads[0].Views != 2 || got.Active() {
		t.Errorf("List: %+v", got)
	}
	if _, ok, _ := st.Lookup(ctx, invite.NewCode()); ok {
		t.Error("Lookup found an unknown code")
	}
}
