// Package inboxtest writes message logs for tests and benchmarks.
package inboxtest

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pragyamugale/portfolio/internal/inbox"
	"github.com/pragyamugale/portfolio/internal/inbox/filestore"
)

// T0 is the time of the first message WriteLog writes.
var T0 = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// Message is the i-th message WriteLog writes: a second after the one
// before, about 700 bytes as JSON, with accents, CJK and emoji.
func Message(i int) inbox.Message {
	m := inbox.Message{
		ID:          fmt.Sprintf("m%07d", i),
		Time:        T0.Add(time.Duration(i) * time.Second),
		Name:        fmt.Sprintf("Visitor %d Nguyễn 語", i),
		ReplyTo:     fmt.Sprintf("v%d@example.com", i),
		Message:     fmt.Sprintf("Message %d 🎉\n", i) + strings.TrimSpace(strings.Repeat("Hello, I enjoyed the case studies. ", 14)),
		Fingerprint: "SHA256:Ab3dEfGhIjKlMnOpQrStUvWxYz0123456789abcdefg",
		Remote:      "192.0.2.1",
	}
	m.Checksum = m.Sum()
	return m
}

// WriteLog writes n messages to dir's log as Append would, oldest first,
// and returns the log's path.
func WriteLog(tb testing.TB, dir string, n int) string {
	tb.Helper()
	path := filepath.Join(dir, filestore.FileName)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	for i := range n {
		b, err := json.Marshal(Message(i))
		if err != nil {
			tb.Fatal(err)
		}
		w.Write(b)
		w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	return path
}
