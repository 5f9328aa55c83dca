package stats

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// lines collects warnings, one line each.
type lines struct {
	mu sync.Mutex
	l  []string
}

func (w *lines) add(s string) { w.mu.Lock(); w.l = append(w.l, s); w.mu.Unlock() }

func (w *lines) get() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.l...)
}

// Today's file garbage, cut short, a symlink or over its cap: the flush
// still succeeds (no "statistics not saved; retrying" every 5 s, nothing
// lost at shutdown), the file is set aside with one warning, and the day
// starts afresh with the counts in memory. A symlink's target is never
// touched.
func TestFileStoreDamagedToday(t *testing.T) {
	today := DateOf(t0)
	for _, tc := range []struct {
		name, why string
		make      func(t *testing.T, path string)
	}{
		{"garbage", "corrupt", func(t *testing.T, path string) { write(t, path, "\x00\x01 not json") }},
		{"truncated", "corrupt", func(t *testing.T, path string) { write(t, path, `{"date":"`+today+`","visits":4`) }},
		{"symlink", "corrupt", func(t *testing.T, path string) {
			target := filepath.Join(t.TempDir(), "elsewhere.json")
			write(t, target, `{"visits":1000}`)
			if err := os.Symlink(target, path); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				if b, _ := os.ReadFile(target); string(b) != `{"visits":1000}` {
					t.Errorf("the symlink's target was changed: %q", b)
				}
			})
		}},
		{"oversize", "oversize", func(t *testing.T, path string) {
			write(t, path, "")
			if err := os.Truncate(path, 2<<30); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, DirName, today+".json")
			st, err := OpenFileStore(dir)
			if err != nil {
				t.Fatal(err)
			}
			var warned lines
			st.WarnTo(warned.add)
			tc.make(t, path)
			c := &clock{t: t0}
			s, err := New(Options{Store: st, FlushEvery: -1, Now: c.Now})
			if err != nil {
				t.Fatal(err)
			}
			for range 8 {
				s.Visit(sshVisit("192.0.2.1")).End()
			}
			if err := s.Close(); err != nil {
				t.Fatalf("Close with a damaged day's file = %v; want the counts saved in a fresh file", err)
			}
			days, err := ReadFileStore(dir).Days(context.Background(), today, today)
			if err != nil || len(days) != 1 || days[0].Visits != 8 {
				t.Fatalf("today after the flush = %+v, %v; want the 8 visits", days, err)
			}
			aside, _ := filepath.Glob(path + "." + tc.why + "-*")
			if len(aside) != 1 {
				t.Errorf("damaged file not kept aside as .%s-<time>: %v", tc.why, aside)
			}
			if w := warned.get(); len(w) != 1 || !strings.Contains(w[0], "set aside") || !strings.Contains(w[0], path) {
				t.Errorf("warnings = %q; want one line naming the file", w)
			}
		})
	}
}

// Any one past day truncated or garbage: the other days are all shown,
// with one warning line naming the day left out; the reader (`portfolio
// stats`) changes nothing on disk.
func TestFileStoreDamagedPastDay(t *testing.T) {
	dir := t.TempDir()
	c := &clock{t: t0}
	s := open(t, dir, c)
	for range 3 {
		s.Visit(sshVisit("192.0.2.1")).End()
		if err := s.Flush(); err != nil {
			t.Fatal(err)
		}
		c.Add(-24 * time.Hour)
	}
	s.Close()
	bad := filepath.Join(dir, DirName, DateOf(t0.AddDate(0, 0, -1))+".json")
	write(t, bad, `{"date":"2026-03-13","visits":`)

	var warned lines
	days, err := ReadFileStore(dir).WarnTo(warned.add).Days(context.Background(), "2026-01-01", DateOf(t0))
	if err != nil || len(days) != 2 || days[0].Date != DateOf(t0.AddDate(0, 0, -2)) || days[1].Date != DateOf(t0) {
		t.Fatalf("Days with one damaged day = %+v, %v; want the other two", days, err)
	}
	if w := warned.get(); len(w) != 1 || !strings.Contains(w[0], "2026-03-13") || strings.Contains(w[0], "\n") {
		t.Errorf("warnings = %q; want one line naming the day", w)
	}
	if _, err := os.Stat(bad); err != nil {
		t.Errorf("the reader moved the damaged file: %v", err)
	}
	r, err := ReadReport(context.Background(), ReadFileStore(dir), t0, 7)
	if err != nil || r.Total().Visits != 2 {
		t.Errorf("ReadReport = %+v, %v; want the 2 visits of the other days", r.Total(), err)
	}

	// The server's own store sets it aside once, so the next report is
	// silent.
	st, _ := OpenFileStore(dir)
	var serverWarned lines
	st.WarnTo(serverWarned.add)
	for range 2 {
		if days, err := st.Days(context.Background(), "2026-01-01", DateOf(t0)); err != nil || len(days) != 2 {
			t.Fatalf("server's Days = %+v, %v", days, err)
		}
	}
	if w := serverWarned.get(); len(w) != 1 {
		t.Errorf("server warnings = %q; want one", w)
	}
	if aside, _ := filepath.Glob(bad + ".corrupt-*"); len(aside) != 1 {
		t.Errorf("server didn't set the damaged day aside: %v", aside)
	}
}

func write(t *testing.T, path, s string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
}
