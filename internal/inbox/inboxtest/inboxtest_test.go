package inboxtest

import (
	"os"
	"strconv"
	"testing"

	"github.com/pragyamugale/portfolio/internal/inbox"
	"github.com/pragyamugale/portfolio/internal/inbox/filestore"
)

// TestWriteLog checks the generated log reads back whole. With
// INBOX_GEN_DIR set it writes INBOX_GEN_N messages (default 100,000)
// there instead, for measuring the binaries by hand (see BENCHMARKS.md).
func TestWriteLog(t *testing.T) {
	dir, n := t.TempDir(), 50
	if d := os.Getenv("INBOX_GEN_DIR"); d != "" {
		dir, n = d, 100_000
		if v, err := strconv.Atoi(os.Getenv("INBOX_GEN_N")); err == nil {
			n = v
		}
		if err := os.MkdirAll(dir, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	WriteLog(t, dir, n)
	l, err := filestore.ReadListing(dir)
	if err != nil || l.Len() != n || l.Report != (inbox.ReadReport{}) {
		t.Fatalf("ReadListing = %d, %+v, %v; want %d clean", l.Len(), l.Report, err, n)
	}
	msgs, err := l.Messages(0, 1)
	if err != nil || msgs[0].ID != Message(n-1).ID || !msgs[0].Valid() {
		t.Fatalf("newest = %+v, %v", msgs, err)
	}
}
