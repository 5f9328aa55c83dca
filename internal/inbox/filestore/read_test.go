package filestore

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pragyamugale/portfolio/internal/inbox"
)

// rawLine encodes m as a log line with a valid checksum, bypassing Append.
func rawLine(t *testing.T, m inbox.Message) string {
	t.Helper()
	m.Checksum = m.Sum()
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return string(b) + "\n"
}

func writeLog(t *testing.T, dir string, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, FileName), []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestReadAllMissing(t *testing.T) {
	msgs, rep, err := ReadAll(filepath.Join(t.TempDir(), "nope"))
	if err != nil || len(msgs) != 0 || rep != (inbox.ReadReport{}) {
		t.Fatalf("ReadAll = %v, %+v, %v; want empty", msgs, rep, err)
	}
}

func TestReadAllNewestFirst(t *testing.T) {
	dir := t.TempDir()
	s := openTestStore(t, dir)
	base := time.Date(2025, 1, 1, 10, 0, 0, 0, time.UTC)
	offsets := []time.Duration{2 * time.Hour, 0, time.Hour, time.Hour, 3 * time.Hour}
	var ids []string
	for i, off := range offsets {
		m := testMessage(i)
		m.Time = base.Add(off)
		got, err := s.Append(m)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, got.ID)
	}
	msgs, rep, err := ReadAll(dir)
	if err != nil || rep != (inbox.ReadReport{}) {
		t.Fatalf("ReadAll: %+v, %v", rep, err)
	}
	// By time descending; the two at +1h in reverse file order.
	want := []string{ids[4], ids[0], ids[3], ids[2], ids[1]}
	var got []string
	for _, m := range msgs {
		got = append(got, m.ID)
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("order %v, want %v", got, want)
	}
}

func TestReadAllSkipsBadLines(t *testing.T) {
	dir := t.TempDir()
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	m1, m2, m3 := testMessage(1), testMessage(2), testMessage(3)
	m1.ID, m1.Time = "aaaaaaaa", t0
	m2.ID, m2.Time = "bbbbbbbb", t0.Add(time.Minute)
	m3.ID, m3.Time = "cccccccc", t0.Add(2*time.Minute)
	bad := m2
	bad.Checksum = m2.Sum()
	bad.Message = "tampered"
	badLine, _ := json.Marshal(bad)
	log := rawLine(t, m1) +
		"{not json\n" +
		string(badLine) + "\n" +
		`{"id":"` + strings.Repeat("x", maxLine) + `"}` + "\n" + // too long
		"\n" +
		rawLine(t, m2) +
		rawLine(t, m3) +
		`{"id":"dddddddd","na` // torn
	writeLog(t, dir, log)
	msgs, rep, err := ReadAll(dir)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Corrupt != 4 || !rep.Torn {
		t.Errorf("report %+v, want Corrupt 4, Torn", rep)
	}
	if len(msgs) != 3 || msgs[0].ID != m3.ID || msgs[1].ID != m2.ID || msgs[2].ID != m1.ID {
		t.Errorf("got %+v, want m3, m2, m1", msgs)
	}
	for _, m := range msgs {
		if !m.Valid() {
			t.Errorf("%s not valid", m.ID)
		}
	}
}

func TestReadAllSanitises(t *testing.T) {
	dir := t.TempDir()
	evil := inbox.Message{
		ID:          "eeeeeeee",
		Time:        time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC),
		Name:        "\x1b]0;owned\x07Mallory\u202e",
		ReplyTo:     "\x1b[2J@mallory",
		Message:     "hi\x1b]52;c;ZXZpbA==\x07\r\n\u009b31mthere\u200b",
		Fingerprint: "SHA256:\x1b[1m",
		Remote:      "198.51.100.7\x07",
	}
	writeLog(t, dir, rawLine(t, evil))
	msgs, rep, err := ReadAll(dir)
	if err != nil || len(msgs) != 1 || rep.Corrupt != 0 {
		t.Fatalf("ReadAll = %d msgs, %+v, %v", len(msgs), rep, err)
	}
	m := msgs[0]
	for _, f := range []string{m.ID, m.Name, m.ReplyTo, m.Message, m.Fingerprint, m.Remote, m.Checksum} {
		if strings.ContainsAny(f, "\x1b\x07\u009b\u202e\u200b\r") {
			t.Errorf("unsafe text survived: %q", f)
		}
	}
	if m.Name != "Mallory" || m.ReplyTo != "@mallory" || m.Message != "hi\nthere" {
		t.Errorf("got %q %q %q", m.Name, m.ReplyTo, m.Message)
	}
}

// ReadAll takes no lock and works while appends are in progress.
func TestReadAllWhileWriting(t *testing.T) {
	dir := t.TempDir()
	s := openTestStore(t, dir)
	if err := s.lock.Lock(); err != nil { // as if a writer held the lock
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if _, _, err := ReadAll(dir); err != nil {
			t.Error(err)
		}
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("ReadAll blocked on the writer's lock")
	}
	s.lock.Unlock()

	var wg sync.WaitGroup
	wg.Go(func() {
		for i := range 20 {
			if _, err := s.Append(testMessage(i)); err != nil {
				t.Error(err)
			}
		}
	})
	for range 20 {
		if _, rep, err := ReadAll(dir); err != nil || rep.Corrupt != 0 {
			t.Fatalf("ReadAll during appends: %+v, %v", rep, err)
		}
	}
	wg.Wait()
}

func TestFind(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	for i, id := range []string{"abcdefgh", "abcdxyzw", "qrstuvwx"} {
		m := testMessage(i)
		m.ID, m.Time = id, time.Date(2025, 1, 1, 0, 0, i, 0, time.UTC)
		b.WriteString(rawLine(t, m))
	}
	writeLog(t, dir, b.String())
	l, err := ReadListing(dir)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		id     string
		want   string
		wantOK bool
	}{
		{"abcdefgh", "abcdefgh", true},
		{"ABCDEFGH", "abcdefgh", true},
		{"qrst", "qrstuvwx", true},
		{"abcde", "abcdefgh", true},
		{"abcd", "", false},     // ambiguous
		{"q", "qrstuvwx", true}, // a prefix of any length
		{"zzzz", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, ok, err := l.Find(tt.id)
		if err != nil || ok != tt.wantOK || got.ID != tt.want {
			t.Errorf("Find(%q) = %q, %v; want %q, %v", tt.id, got.ID, ok, tt.want, tt.wantOK)
		}
	}

	// Lookup says why: no match, or the candidates of an ambiguous prefix.
	if _, err := l.Lookup("zzzz"); !errors.Is(err, ErrNoMessage) {
		t.Errorf("Lookup(zzzz) = %v, want ErrNoMessage", err)
	}
	_, err = l.Lookup("ab")
	var amb *AmbiguousError
	if !errors.As(err, &amb) || !slices.Equal(amb.Candidates, []string{"abcdxyzw", "abcdefgh"}) {
		t.Fatalf("Lookup(ab) = %v, want both candidates", err)
	}
	if !strings.Contains(err.Error(), "abcdxyzw, abcdefgh") {
		t.Errorf("error %q doesn't list the candidates", err)
	}
}
