package filestore

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pragyamugale/portfolio/internal/inbox"
)

// A record written before the via field existed keeps a valid checksum:
// the field is omitted when empty, so old lines hash as they always did.
func TestViaOldRecordsStayValid(t *testing.T) {
	dir := t.TempDir()
	// Written by the release before "via": every field, checksum over them.
	old := inbox.Message{ID: "6dj7abcd", Time: time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC),
		Name: "Jane", ReplyTo: "jane@example.com", Message: "Hello", Remote: "192.0.2.1"}
	old.Checksum = old.Sum()
	line := `{"id":"6dj7abcd","time":"2026-11-01T09:00:00Z","name":"Jane","reply_to":"jane@example.com","message":"Hello","fingerprint":"","remote":"192.0.2.1","checksum":"` + old.Checksum + `"}` + "\n"
	if err := os.WriteFile(filepath.Join(dir, FileName), []byte(line), 0o600); err != nil {
		t.Fatal(err)
	}
	msgs, rep, err := ReadAll(dir)
	if err != nil || rep != (inbox.ReadReport{}) || len(msgs) != 1 || msgs[0].Via != "" || !msgs[0].Valid() {
		t.Fatalf("old record: %+v %+v %v", msgs, rep, err)
	}
}

// A message from the web form says so in its record, covered by the
// checksum.
func TestViaStoredAndChecked(t *testing.T) {
	e := newServiceEnv(t, 5)
	sub := validSub()
	sub.Via = inbox.ViaWeb
	if _, err := e.svc.Submit(sub); err != nil {
		t.Fatalf("Submit: %v", err)
	}
	msgs := e.stored(t)
	if len(msgs) != 1 || msgs[0].Via != inbox.ViaWeb || !msgs[0].Valid() {
		t.Fatalf("stored %+v", msgs)
	}
	raw, err := os.ReadFile(filepath.Join(e.dir, FileName))
	if err != nil || !strings.Contains(string(raw), `"via":"web"`) {
		t.Fatalf("log lacks via: %s %v", raw, err)
	}
	tampered := msgs[0]
	tampered.Via = ""
	if tampered.Valid() {
		t.Error("checksum does not cover via")
	}
}
