package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/pragyamugale/portfolio/internal/inbox"
	"github.com/pragyamugale/portfolio/internal/pgstore"
	"github.com/pragyamugale/portfolio/internal/pgtest"
	"github.com/pragyamugale/portfolio/internal/stats"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// `portfolio inbox import` moves a JSONL history into PostgreSQL once:
// running it again stores nothing twice; `inbox` and `inbox show` then
// read the database.
func TestInboxImportOnceThenList(t *testing.T) {
	url := pgtest.URL(t)
	dir := t.TempDir()
	msgs, _ := writeTestInbox(t, dir)
	out, _, err := runInbox(t, "inbox", "import", "--from-dir", dir, "--database-url", url)
	if err != nil || !strings.Contains(out, "imported 3 of 3") {
		t.Fatalf("import: %q, %v", out, err)
	}
	out, _, err = runInbox(t, "inbox", "import", "--from-dir", dir, "--database-url", url)
	if err != nil || !strings.Contains(out, "imported 0 of 3 messages (3 were already") {
		t.Fatalf("import again: %q, %v", out, err)
	}
	out, _, err = runInbox(t, "inbox", "--json", "--database-url", url)
	if err != nil {
		t.Fatal(err)
	}
	var got []inbox.Message
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if len(got) != 3 {
		t.Fatalf("listed %d messages, want 3", len(got))
	}
	for i := range got {
		if got[i].ID != msgs[i].ID || !got[i].Time.Equal(msgs[i].Time) || got[i].Checksum != msgs[i].Checksum || !got[i].Valid() {
			t.Errorf("message %d: got %+v, want %+v", i, got[i], msgs[i])
		}
	}
	out, _, err = runInbox(t, "inbox", "show", msgs[1].ID[:5], "--database-url", url)
	if err != nil || !strings.Contains(out, "Grace Hopper") || !strings.Contains(out, "Middle note") {
		t.Fatalf("show: %q, %v", out, err)
	}
	if _, _, err := runInbox(t, "inbox", "show", "zzzzzzzz", "--database-url", url); err == nil {
		t.Fatal("show of a missing id succeeded")
	}
}

// `portfolio stats --database-url` reads the counts every machine added.
func TestStatsFromDatabase(t *testing.T) {
	url := pgtest.URL(t)
	st, err := pgstore.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	today := stats.DateOf(time.Now())
	for range 2 { // two machines
		if err := st.Stats().Add(context.Background(), []*stats.Day{{Date: today, Visits: 2, ByChannel: map[string]int64{"tui": 2}}}); err != nil {
			t.Fatal(err)
		}
	}
	out, _, err := runInbox(t, "stats", "--json", "--days", "1", "--database-url", url)
	if err != nil {
		t.Fatal(err)
	}
	var r struct {
		Days []stats.Day `json:"days"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if len(r.Days) != 1 || r.Days[0].Visits != 4 || r.Days[0].ByChannel["tui"] != 4 {
		t.Fatalf("stats: %s", out)
	}
}

// The database URL is a secret: --help masks it, errors never show it.
func TestDatabaseURLStaysSecret(t *testing.T) {
	const secret = "hunter2-pw"
	url := "postgres://owner:" + secret + "@127.0.0.1:1/portfolio"
	clearEnv(t)
	t.Setenv("PORTFOLIO_DATABASE_URL", url)
	cmd := newRootCmd()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs([]string{"--help"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), secret) {
		t.Fatalf("--help shows the password:\n%s", out.String())
	}
	for _, args := range [][]string{{"inbox"}, {"stats"}, {"inbox", "import", "--from-dir", t.TempDir()}} {
		_, stderr, err := runInbox(t, append(args, "--database-url", url)...)
		if err == nil {
			t.Fatalf("%v: no error with the database at port 1", args)
		}
		if strings.Contains(err.Error()+stderr, secret) {
			t.Fatalf("%v: the error shows the password: %v", args, err)
		}
	}
}

// `portfolio inbox archive|unarchive`, `--archived` and `export` work on
// the database as on the data directory.
func TestInboxArchiveAndExportFromDatabase(t *testing.T) {
	url := pgtest.URL(t)
	dir := t.TempDir()
	msgs, _ := writeTestInbox(t, dir)
	if _, _, err := runInbox(t, "inbox", "import", "--from-dir", dir, "--database-url", url); err != nil {
		t.Fatal(err)
	}
	id := msgs[1].ID
	out, _, err := runInbox(t, "inbox", "archive", id[:5], "--database-url", url)
	if err != nil || !strings.Contains(out, id) {
		t.Fatalf("archive: %q, %v", out, err)
	}
	// Again: the database says what the data directory says.
	out, _, err = runInbox(t, "inbox", "archive", id, "--database-url", url)
	if err != nil || !strings.Contains(out, id+"  ") || !strings.HasSuffix(out, ": already archived\n") {
		t.Fatalf("archive again: %q, %v", out, err)
	}
	list := func(args ...string) []inbox.Message {
		t.Helper()
		out, _, err := runInbox(t, append([]string{"inbox", "--json", "--database-url", url}, args...)...)
		if err != nil {
			t.Fatal(err)
		}
		var got []inbox.Message
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatalf("%v: %s", err, out)
		}
		return got
	}
	if got := list(); len(got) != 2 || got[0].ID == id || got[1].ID == id {
		t.Errorf("the inbox after archiving %s: %+v", id, got)
	}
	if got := list("--archived"); len(got) != 1 || got[0].ID != id {
		t.Errorf("--archived: %+v, want only %s", got, id)
	}
	out, _, err = runInbox(t, "inbox", "export", "--format", "json", "--database-url", url)
	if err != nil {
		t.Fatal(err)
	}
	var exported []struct {
		inbox.Message
		Archived bool `json:"archived"`
	}
	if err := json.Unmarshal([]byte(out), &exported); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if len(exported) != 3 {
		t.Fatalf("exported %d messages, want 3: %s", len(exported), out)
	}
	for i, e := range exported {
		if i > 0 && e.Time.Before(exported[i-1].Time) {
			t.Errorf("export not oldest first: %v before %v", exported[i-1].Time, e.Time)
		}
		if e.Archived != (e.ID == id) {
			t.Errorf("export: %s archived=%v", e.ID, e.Archived)
		}
	}
	if _, _, err := runInbox(t, "inbox", "unarchive", id, "--database-url", url); err != nil {
		t.Fatal(err)
	}
	if got := list(); len(got) != 3 {
		t.Errorf("the inbox after unarchiving: %d messages, want 3", len(got))
	}
}

// A database a newer portfolio migrated: the owner's commands refuse it,
// naming both versions, and --allow-newer-schema (or its environment
// variable) lets them use it, with one warning line.
func TestNewerSchemaFlag(t *testing.T) {
	url := pgtest.URL(t)
	pg, err := pgstore.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	newer := pgstore.SchemaVersion() + 1
	pg.Close()
	raw, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(context.Background(), "INSERT INTO schema_migrations (version) VALUES ($1)", newer); err != nil {
		t.Fatal(err)
	}
	raw.Close(context.Background())

	_, _, err = runInbox(t, "inbox", "--database-url", url)
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("version %d, newer than this binary's version %d", newer, newer-1)) {
		t.Fatalf("inbox on a newer schema = %v; want a refusal naming both versions", err)
	}
	_, errOut, err := runInbox(t, "inbox", "--database-url", url, "--allow-newer-schema")
	if err != nil || strings.Count(errOut, "warning: ") != 1 || !strings.Contains(errOut, "newer than this binary's") {
		t.Fatalf("inbox --allow-newer-schema = %v, stderr %q", err, errOut)
	}
}
