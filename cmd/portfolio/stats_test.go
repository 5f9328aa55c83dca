package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pragyamugale/portfolio/internal/stats"
)

// writeTestStats counts a few visits today and yesterday into dir.
func writeTestStats(t *testing.T, dir string) {
	t.Helper()
	st, err := stats.OpenFileStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC().Truncate(24 * time.Hour).Add(12 * time.Hour) // noon today: minutes later is still today
	clock := func() time.Time { return now }
	s, err := stats.New(stats.Options{Store: st, FlushEvery: -1, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	for i, ip := range []string{"192.0.2.1", "192.0.2.2", "192.0.2.2"} {
		vs := s.Visit(stats.Visit{Channel: stats.ChannelTUI, IP: ip, Software: "SSH-2.0-OpenSSH_9.6", Width: 120, Height: 40, Color: "truecolor"})
		vs.View("about")
		vs.View("projects/notelytix")
		now = now.Add(time.Duration(i+1) * time.Minute)
		vs.End()
	}
	s.Visit(stats.Visit{Channel: stats.ChannelText, IP: "192.0.2.3", Software: "SSH-2.0-PuTTY_Release_0.81"})
	s.Message()
	now = now.AddDate(0, 0, -1) // yesterday
	s.Visit(stats.Visit{Channel: stats.ChannelWeb, IP: "192.0.2.4", Software: "Mozilla/5.0"})
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestStatsText(t *testing.T) {
	dir := t.TempDir()
	writeTestStats(t, dir)
	out, errOut, err := runInbox(t, "stats", "--data-dir", dir, "--days", "7")
	if err != nil {
		t.Fatalf("stats: %v\n%s", err, errOut)
	}
	for _, want := range []string{
		"Visitors, last 7 days", "Visits    ▁▁▁▁▁▃█  5, 4 unique", "Messages  ▁▁▁▁▁▁█  1",
		"tui 3 · text 1 · web 1 · web_terminal 0",
		"projects/notelytix", "median", "Pages        about 3", "SSH clients  OpenSSH 3 · PuTTY 1",
		"Terminals    120-159x40-59 3", "Colours      truecolor 3",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	if errOut != "" {
		t.Errorf("stderr: %s", errOut)
	}
}

func TestStatsJSON(t *testing.T) {
	dir := t.TempDir()
	writeTestStats(t, dir)
	out, _, err := runInbox(t, "stats", "--data-dir", dir, "--days", "3", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var r struct {
		Days []struct {
			Date           string           `json:"date"`
			Visits         int64            `json:"visits"`
			UniqueVisitors int64            `json:"unique_visitors"`
			ByChannel      map[string]int64 `json:"by_channel"`
			Views          map[string]int64 `json:"views"`
			Messages       int64            `json:"messages"`
		} `json:"days"`
		Clients map[string]int64 `json:"clients"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	today := stats.DateOf(time.Now())
	if len(r.Days) != 3 || r.Days[2].Date != today || r.Days[0].Date >= r.Days[1].Date {
		t.Fatalf("want the last 3 days oldest first, ending %s: %s", today, out)
	}
	d := r.Days[2]
	if d.Visits != 4 || d.UniqueVisitors != 3 || d.ByChannel["tui"] != 3 || d.ByChannel["text"] != 1 ||
		d.Views["about"] != 3 || d.Views["projects/notelytix"] != 3 || d.Messages != 1 {
		t.Errorf("today: %+v", d)
	}
	if y := r.Days[1]; y.Visits != 1 || y.ByChannel["web"] != 1 {
		t.Errorf("yesterday: %+v", y)
	}
	if r.Clients["OpenSSH"] != 3 || r.Clients["PuTTY"] != 1 {
		t.Errorf("clients %v", r.Clients)
	}
}

func TestStatsEmptyAndBadDays(t *testing.T) {
	dir := t.TempDir()
	out, errOut, err := runInbox(t, "stats", "--data-dir", dir)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(errOut, "no statistics in") || !strings.Contains(out, "no visits in these days") {
		t.Errorf("empty data dir: stdout %q, stderr %q", out, errOut)
	}
	if _, _, err := runInbox(t, "stats", "--data-dir", dir, "--days", "0"); err == nil || !strings.Contains(err.Error(), "--days 0") {
		t.Errorf("--days 0: %v", err)
	}
}

func TestStatsDaysFromEnv(t *testing.T) {
	clearEnv(t)
	t.Setenv("PORTFOLIO_STATS_DAYS", "7")
	if got := newRootCmd().Flags().Lookup("stats-days").Value.String(); got != "7" {
		t.Errorf("--stats-days from the environment = %s; want 7", got)
	}
}

// One past day truncated: `portfolio stats` still exits 0 and shows every
// other day, with one warning line naming the day left out. (On main it
// exited 1 and showed nothing.)
func TestStatsDamagedDay(t *testing.T) {
	dir := t.TempDir()
	writeTestStats(t, dir)
	yesterday := stats.DateOf(time.Now().AddDate(0, 0, -1))
	bad := filepath.Join(dir, stats.DirName, yesterday+".json")
	if err := os.WriteFile(bad, []byte(`{"date":"`+yesterday+`","visits":`), 0o600); err != nil {
		t.Fatal(err)
	}
	out, errOut, err := runInbox(t, "stats", "--data-dir", dir, "--days", "7")
	if err != nil {
		t.Fatalf("stats with one damaged day: %v\n%s", err, errOut)
	}
	if !strings.Contains(out, "tui 3 · text 1 · web 0") {
		t.Errorf("today's counts not shown:\n%s", out)
	}
	if lines := strings.Split(strings.TrimSpace(errOut), "\n"); len(lines) != 1 || !strings.HasPrefix(lines[0], "warning: statistics for "+yesterday+" left out") || !strings.Contains(lines[0], bad) {
		t.Errorf("stderr = %q; want one warning line naming the day and its file", errOut)
	}
}
