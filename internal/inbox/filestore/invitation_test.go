package filestore

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pragyamugale/portfolio/internal/inbox"
)

// A message through an invitation carries its label, covered by the
// checksum, and keeps no address or key; older records (no field) stay
// valid (TestViaOldRecordsStayValid holds for both omitted fields).
func TestInvitationStoredWithoutAddress(t *testing.T) {
	e := newServiceEnv(t, 5)
	sub := validSub()
	sub.Invitation = "Acme — Staff Backend"
	sub.Fingerprint = "SHA256:abc"
	if _, err := e.svc.Submit(sub); err != nil {
		t.Fatalf("Submit: %v", err)
	}
	msgs := e.stored(t)
	if len(msgs) != 1 || msgs[0].Invitation != sub.Invitation || msgs[0].Remote != "" || msgs[0].Fingerprint != "" || !msgs[0].Valid() {
		t.Fatalf("stored %+v", msgs)
	}
	raw, err := os.ReadFile(filepath.Join(e.dir, FileName))
	if err != nil || !strings.Contains(string(raw), `"invitation":"Acme — Staff Backend"`) || strings.Contains(string(raw), sub.Remote) {
		t.Fatalf("log: %s %v", raw, err)
	}
	tampered := msgs[0]
	tampered.Invitation = ""
	if tampered.Valid() {
		t.Error("checksum does not cover the invitation")
	}
	plain := inbox.Message{Name: "x"}
	if b := plain.Sum(); b == "" || strings.Contains(mustJSON(t, plain), "invitation") {
		t.Error("an ordinary message's record names an invitation")
	}
}

func mustJSON(t *testing.T, m inbox.Message) string {
	t.Helper()
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
