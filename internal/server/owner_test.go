package server

import (
	"strings"
	"testing"

	"github.com/pragyamugale/portfolio/content"
	"github.com/pragyamugale/portfolio/internal/commands"
)

// TestOtherOwnerOverSSH serves another owner's content and checks that
// nothing a visitor sees (commands, the UI, its window title) or the log
// holds mentions the embedded owner.
func TestOtherOwnerOverSSH(t *testing.T) {
	t.Parallel()
	pf, err := content.LoadDir("../../content/testdata/other-owner")
	if err != nil {
		t.Fatal(err)
	}
	ts := newTestServerWith(t, pf, func(c *Config) { c.SessionRate = 0 }, nil)
	ts.waitServing(t)
	c, _ := dial(t, ts.addr, "visitor", noAuth())
	var seen strings.Builder
	for _, cmd := range []string{"", "help", "about", "projects lighthouse", "contact", "nope"} {
		r := execCmd(t, c, cmd, cmdOpts{shell: cmd == ""})
		seen.WriteString(r.stdout + r.stderr)
	}
	if help := execCmd(t, c, "help", cmdOpts{}).stdout; help != commands.HelpText(pf, ts.sshCommand()) || !strings.Contains(help, "Zoë Okafor") {
		t.Errorf("help is not the other owner's:\n%s", help)
	}

	// An unusual size: the first-frame cache of server/screen.go is keyed
	// without the portfolio, so at 80×24 another test's server (the
	// embedded owner) may have cached the first frame this one would
	// show. That key belongs to the visit runtime; see the report.
	tm := openTerm(t, c, 81, 23)
	tm.waitFor(0, waitTimeout, "Zoë Okafor", "Site Reliability Engineer")
	if !strings.Contains(tm.out.String(), "Zoë Okafor · portfolio") {
		t.Errorf("window title does not name Zoë Okafor")
	}
	tm.quit()
	seen.WriteString(tm.out.String())
	seen.WriteString(ts.logs.String())

	for _, word := range strings.Fields(testPortfolio(t).Profile.Name) {
		if strings.Contains(seen.String(), word) {
			t.Errorf("output or log mentions the embedded owner's %q", word)
		}
	}
}

// TestPipedContactTwoWordNameOverSSH: `echo hi | ssh host contact --name
// "Jane Doe" …` reaches the server as "contact --name Jane Doe …" (the
// client joins the words with spaces); the name is both words.
func TestPipedContactTwoWordNameOverSSH(t *testing.T) {
	t.Parallel()
	ts := startCmdServer(t, nil)
	c, _ := dial(t, ts.addr, "visitor", noAuth())
	for _, tc := range []struct{ cmd, name, replyTo string }{
		{"contact --name Jane Doe --reply-to j@x.y", "Jane Doe", "j@x.y"},
		{"contact --name 山田 太郎 --reply-to taro@example.jp", "山田 太郎", "taro@example.jp"},
		{"contact --reply-to jose@example.es --name José Álvarez García", "José Álvarez García", "jose@example.es"},
	} {
		r := execCmd(t, c, tc.cmd, cmdOpts{stdin: strings.NewReader("hi from " + tc.name + "\n")})
		if r.code != 0 {
			t.Errorf("%q: exit %d, stderr %q", tc.cmd, r.code, r.stderr)
			continue
		}
		found := false
		for _, m := range storedMessages(t, ts) {
			if m.Message == "hi from "+tc.name {
				found = m.Name == tc.name && m.ReplyTo == tc.replyTo
			}
		}
		if !found {
			t.Errorf("%q: no message stored with name %q and reply-to %q: %+v", tc.cmd, tc.name, tc.replyTo, storedMessages(t, ts))
		}
	}
}

// TestEndToEndTwoWordName runs the real OpenSSH client as a shell would
// after `--name "Đặng Thị Ánh"`: one argument, which ssh joins with the
// others into one command line.
func TestEndToEndTwoWordName(t *testing.T) {
	requireTools(t, "ssh")
	t.Parallel()
	ts := startServer(t, t.TempDir())
	_, port, _ := strings.Cut(ts.addr, "127.0.0.1:")
	knownHosts := t.TempDir() + "/known_hosts"
	for _, name := range []string{"Đặng Thị Ánh", "王 小明"} {
		_, stderr, code := runOpenSSH(t, port, knownHosts, strings.NewReader("hello from "+name+"\n"), nil,
			"contact", "--name", name, "--reply-to", "anh@example.vn")
		if code != 0 {
			t.Fatalf("%q: exit %d, stderr %q", name, code, stderr)
		}
		found := false
		for _, m := range storedMessages(t, ts) {
			found = found || m.Message == "hello from "+name && m.Name == name && m.ReplyTo == "anh@example.vn"
		}
		if !found {
			t.Errorf("no message stored with the name %q: %+v", name, storedMessages(t, ts))
		}
	}
}
