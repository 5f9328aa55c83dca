package server

import (
	"path/filepath"
	"strings"
	"testing"

	gossh "golang.org/x/crypto/ssh"

	"github.com/pragyamugale/portfolio/internal/stats"
	"github.com/pragyamugale/portfolio/internal/stats/statstest"
)

// today is the live statistics of today (counted, flushed or not).
func today(t *testing.T, ts *testServer) *stats.Day {
	t.Helper()
	r, err := ts.stats.Report(1)
	if err != nil {
		t.Fatal(err)
	}
	return r.Days[0]
}

// TestStatsCountedOverSSH: visitors in the app and on the command line
// are counted by channel, with their pages, messages, client and
// terminal; the owner's sessions aren't, and the owner's Stats tab, the
// metrics and the files (after a restart) agree. Nothing identifying is
// written.
func TestStatsCountedOverSSH(t *testing.T) {
	t.Parallel()
	ownerAuth, ownerPub := keyAuth(t)
	visitorAuth, visitorPub := keyAuth(t)
	dir := t.TempDir()
	cfg := func(c *Config) {
		c.DataDir, c.OwnerKeys, c.HTTPAddr = dir, writeOwnerKeys(t, ownerPub), "127.0.0.1:0"
	}
	ts := startCmdServer(t, cfg)
	pr := testPortfolio(t).Projects[0]

	// A visitor in the app: a case study, then a message.
	vt := openVTerm(t, ts, visitorAuth)
	vt.send("3")
	vt.waitScreen(pr.Title)
	vt.send(keyEnter)
	vt.waitScreen("Projects › " + pr.Slug)
	vt.send(keyEsc)
	vt.waitScreenGone("Projects › ")
	vt.openForm()
	vt.fill("Zoë 山田", "zoe@example.com", "Secret words 秘密")
	vt.send(keyCtrlS)
	vt.waitScreen("✓ Sent: message", "enter write a message") // the form lets go of the keys
	vt.send("q")
	if err := vt.wait(waitTimeout); err != nil {
		t.Fatalf("app session: %v", err)
	}

	// On the command line: a command and a piped message.
	c, _ := dial(t, ts.addr, "ana-login", noAuth())
	if r := execCmd(t, c, "projects "+pr.Slug+" --json", cmdOpts{}); r.code != 0 {
		t.Fatalf("about: %+v", r)
	}
	if r := execCmd(t, c, "contact --name 'Ana Peña' --reply-to ana@example.com", cmdOpts{stdin: strings.NewReader("Hola 👋 from a pipe")}); r.code != 0 {
		t.Fatalf("contact: %+v", r)
	}

	// The app session's end (and its time on the case study) is counted
	// as the session winds down.
	if !eventually(waitTimeout, func() bool { return today(t, ts).StudyTime["projects/"+pr.Slug].Count() == 1 }) {
		t.Fatalf("time on the case study not counted: %+v", today(t, ts))
	}

	// The owner isn't counted and sees the numbers in the Stats tab.
	ov := openVTerm(t, ts, ownerAuth)
	ov.send("6")
	ov.waitScreen("Visitors, last 30 days", "3, 1 unique", "tui 1 · text 2", "projects/"+pr.Slug, "SSH clients  Go 3")
	ov.send("q")
	if err := ov.wait(waitTimeout); err != nil {
		t.Fatal(err)
	}

	d := today(t, ts)
	if d.Visits != 3 || d.UniqueVisitors != 1 || d.ByChannel["tui"] != 1 || d.ByChannel["text"] != 2 || d.Messages != 2 {
		t.Errorf("visits %d unique %d channels %v messages %d; want 3, 1 (one IP, one client), tui 1 text 2, 2",
			d.Visits, d.UniqueVisitors, d.ByChannel, d.Messages)
	}
	// The app showed about, projects twice, the case study and contact;
	// the commands showed the case study and contact as text.
	for page, n := range map[string]int64{"about": 1, "projects": 2, "projects/" + pr.Slug: 2, "contact": 2} {
		if d.Views[page] != n {
			t.Errorf("%d views of %s, want %d: %v", d.Views[page], page, n, d.Views)
		}
	}
	if d.Views["stats"] != 0 || d.Views["inbox"] != 0 {
		t.Errorf("the owner's pages were counted: %v", d.Views)
	}
	if d.Clients["Go"] != 3 || d.Terminals["80-119x24-39"] != 1 || d.Colors["256"] != 1 {
		t.Errorf("clients %v terminals %v colours %v", d.Clients, d.Terminals, d.Colors)
	}

	// The metrics carry the same counts.
	body := ts.metricsText(t)
	for _, want := range []string{
		`portfolio_visits_total{channel="tui"} 1`, `portfolio_visits_total{channel="text"} 2`,
		`portfolio_visits_total{channel="web"} 0`, `portfolio_unique_visitors_total 1`,
		`portfolio_page_views_total{page="projects/` + pr.Slug + `"} 2`, `portfolio_ssh_clients_total{client="Go"} 3`,
		`portfolio_messages_stored_total 2`, `portfolio_case_study_seconds_count 1`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}

	// A restart keeps the counts (Close flushes them).
	if err := ts.Close(); err != nil {
		t.Fatal(err)
	}
	ts2 := startCmdServer(t, cfg)
	if d := today(t, ts2); d.Visits != 3 || d.Messages != 2 || d.Views["projects/"+pr.Slug] != 2 {
		t.Errorf("after a restart: %+v", d)
	}

	// Nothing identifying is in the statistics files.
	statstest.RequireAbsent(t, filepath.Join(dir, stats.DirName),
		"127.0.0.1", gossh.FingerprintSHA256(visitorPub), gossh.FingerprintSHA256(ownerPub),
		strings.TrimPrefix(gossh.FingerprintSHA256(visitorPub), "SHA256:"),
		"Zoë", "山田", "Secret", "秘密", "zoe@example", "Ana", "Peña", "Hola", "ana@example", "ana-login", "SSH-2.0")
}
