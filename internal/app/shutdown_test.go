package app

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"charm.land/log/v2"

	"github.com/pragyamugale/portfolio/internal/stats"
)

// Today's statistics file damaged when the server starts (here garbage):
// the visits of the day are saved at shutdown in a fresh file, the
// damaged one kept aside, and the shutdown reports no error. (On main,
// every flush failed, the 8 visits were lost, and the shutdown log blamed
// sessions.)
func TestDamagedStatsLoseNoVisits(t *testing.T) {
	dataDir := t.TempDir()
	day := filepath.Join(dataDir, stats.DirName, stats.DateOf(time.Now())+".json")
	if err := os.MkdirAll(filepath.Dir(day), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(day, []byte(`{"visits": 3, "by_chan`), 0o600); err != nil {
		t.Fatal(err)
	}
	ts := startServerWith(t, func(c *Config) { withHTTP(c); c.DataDir = dataDir })
	for range 8 {
		if code, _, _ := ts.httpGet(t, "/"); code != 200 {
			t.Fatalf("GET / = %d", code)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := ts.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown = %v; want the day's counts saved in a fresh file", err)
	}
	days, err := stats.ReadFileStore(dataDir).Days(ctx, stats.DateOf(time.Now()), stats.DateOf(time.Now()))
	if err != nil || len(days) != 1 || days[0].ByChannel["web"] != 8 {
		t.Fatalf("saved = %+v, %v; want the 8 web visits", days, err)
	}
	if aside, _ := filepath.Glob(day + ".corrupt-*"); len(aside) != 1 {
		t.Errorf("damaged file not kept aside: %v", aside)
	}
}

// Statistics that can't be saved at shutdown (here the lock file turned
// into a directory while serving) are named in the shutdown log as
// statistics, not as sessions cut at the timeout.
func TestShutdownLogNamesStatistics(t *testing.T) {
	dataDir := t.TempDir()
	ts := startServerWith(t, func(c *Config) { withHTTP(c); c.DataDir = dataDir })
	lock := filepath.Join(dataDir, stats.DirName, ".lock")
	if err := os.RemoveAll(lock); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(lock, 0o700); err != nil {
		t.Fatal(err)
	}
	// A visit after the lock is gone: no flush can save it, whenever the
	// periodic one runs.
	if code, _, _ := ts.httpGet(t, "/"); code != 200 {
		t.Fatalf("GET / = %d", code)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	err := ts.Shutdown(ctx)
	if err == nil {
		t.Fatal("Shutdown = nil; want the statistics' failure")
	}
	var buf bytes.Buffer
	LogShutdown(log.New(&buf), err)
	out := buf.String()
	if !strings.Contains(out, "statistics not saved at shutdown") || strings.Contains(out, "sessions cut") || strings.Count(out, "\n") != 1 {
		t.Errorf("shutdown log = %q; want one line naming statistics, not sessions", out)
	}
}
