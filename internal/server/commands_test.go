package server

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	gossh "golang.org/x/crypto/ssh"

	"github.com/pragyamugale/portfolio/internal/commands"
	"github.com/pragyamugale/portfolio/internal/inbox"
	"github.com/pragyamugale/portfolio/internal/inbox/filestore"
)

const cmdTestVersion = "v9.9.9-test"

// startCmdServer starts a server for the command and contact tests: no
// message or session rate limits unless edit sets them, and a known
// version.
func startCmdServer(t *testing.T, edit func(*Config)) *testServer {
	t.Helper()
	ts := newTestServer(t, func(c *Config) {
		c.Version = cmdTestVersion
		c.MessagesPerHour = 0
		c.SessionRate = 0
		if edit != nil {
			edit(c)
		}
	}, nil)
	ts.waitServing(t)
	return ts
}

// cmdResult is what a session without a pty produced.
type cmdResult struct {
	code           int
	stdout, stderr string
}

// cmdOpts are the extras of one exec.
type cmdOpts struct {
	stdin io.Reader
	env   map[string]string
	shell bool // a shell request (ssh -T host) instead of exec
}

// execCmd runs cmd in a new session without a pty, as `ssh -T host cmd`
// does, and returns its output and exit status. It fails the test if the
// session doesn't end in time or ends without an exit status.
func execCmd(t *testing.T, c *gossh.Client, cmd string, o cmdOpts) cmdResult {
	t.Helper()
	sess, err := c.NewSession()
	if err != nil {
		t.Fatalf("new session: %v", err)
	}
	defer sess.Close()
	for k, v := range o.env {
		if err := sess.Setenv(k, v); err != nil {
			t.Fatalf("setenv %s: %v", k, err)
		}
	}
	var stdout, stderr syncBuffer
	sess.Stdout, sess.Stderr, sess.Stdin = &stdout, &stderr, o.stdin
	res := make(chan error, 1)
	go func() {
		if o.shell {
			res <- errors.Join(sess.Shell(), sess.Wait())
			return
		}
		res <- sess.Run(cmd)
	}()
	select {
	case err = <-res:
	case <-time.After(waitTimeout):
		_ = sess.Close()
		t.Fatalf("%q still running after %s; stdout %q stderr %q", cmd, waitTimeout, tail(stdout.String(), 500), stderr.String())
	}
	r := cmdResult{stdout: stdout.String(), stderr: stderr.String()}
	var exit *gossh.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit):
		r.code = exit.ExitStatus()
	default:
		t.Fatalf("%q: %v (%T), want an exit status; stderr %q", cmd, err, err, r.stderr)
	}
	return r
}

func noEscape(t *testing.T, what, s string) {
	t.Helper()
	if i := strings.IndexByte(s, 0x1b); i >= 0 {
		t.Errorf("%s holds an ESC byte at %d: %q", what, i, s[max(0, i-40):min(len(s), i+40)])
	}
	if strings.ContainsRune(s, '\u009b') {
		t.Errorf("%s holds an 8-bit CSI", what)
	}
}

func TestCommandsWithoutPtyPrintPortfolio(t *testing.T) {
	t.Parallel()
	ts := startCmdServer(t, nil)
	pf := testPortfolio(t)
	host := ts.sshCommand()
	c, _ := dial(t, ts.addr, "visitor", noAuth())
	for _, tc := range []struct {
		columns string // "" = not sent
		width   int
	}{
		{"", 80},
		{"40", 40},
		{"120", 120},
		{"5", 20},
		{"0", 20},
		{"-3", 20},
		{"100000", 250},
		{"wide", 80},
	} {
		for _, shell := range []bool{true, false} {
			t.Run(fmt.Sprintf("COLUMNS=%q/shell=%v", tc.columns, shell), func(t *testing.T) {
				o := cmdOpts{shell: shell}
				if tc.columns != "" {
					o.env = map[string]string{"COLUMNS": tc.columns}
				}
				r := execCmd(t, c, "", o)
				if r.code != 0 {
					t.Fatalf("exit %d, want 0; stderr %q", r.code, r.stderr)
				}
				if r.stderr != "" {
					t.Errorf("stderr = %q, want nothing", r.stderr)
				}
				noEscape(t, "stdout", r.stdout)
				if want := commands.AllText(pf, tc.width, host); r.stdout != want {
					t.Errorf("stdout is not the whole portfolio at %d columns:\n%s", tc.width, tail(r.stdout, 2000))
				}
				for _, want := range []string{pf.Profile.Name, "Programming Languages", "NoteLytix", "System Architecture", "Activity Logging", pf.Contact.Heading} {
					if !strings.Contains(strings.Join(strings.Fields(r.stdout), " "), want) {
						t.Errorf("stdout lacks %q", want)
					}
				}
			})
		}
	}

	// COLUMNS=40 really is narrower: the tagline wraps at 40.
	r := execCmd(t, c, "about", cmdOpts{env: map[string]string{"COLUMNS": "40"}})
	if r.code != 0 {
		t.Fatalf("about with COLUMNS=40: exit %d", r.code)
	}
	wide := execCmd(t, c, "about", cmdOpts{}).stdout
	if r.stdout == wide {
		t.Errorf("COLUMNS=40 made no difference:\n%s", r.stdout)
	}
	for _, l := range strings.Split(r.stdout, "\n") {
		if n := utf8.RuneCountInString(l); n > 40 {
			t.Errorf("about at COLUMNS=40 has a %d-character line: %q", n, l)
		}
	}
}

func TestCommandsOverSSH(t *testing.T) {
	t.Parallel()
	ts := startCmdServer(t, nil)
	pf := testPortfolio(t)
	host := ts.sshCommand()
	if !strings.HasPrefix(host, "ssh -p ") || !strings.HasSuffix(host, " 127.0.0.1") {
		t.Fatalf("sshCommand() = %q, want ssh -p PORT 127.0.0.1", host)
	}
	c, _ := dial(t, ts.addr, "visitor", noAuth())
	notelytix, activity := pf.Projects[0], pf.Projects[1]
	for _, tc := range []struct {
		cmd  string
		want string
	}{
		{"about", commands.AboutText(pf, 80)},
		{"skills", commands.SkillsText(pf, 80)},
		{"projects", commands.ProjectsText(pf, 80)},
		{"projects notelytix", commands.ProjectText(notelytix, 80)},
		{"projects NOTE", commands.ProjectText(notelytix, 80)},
		{"projects act", commands.ProjectText(activity, 80)},
		{"contact", commands.ContactText(pf, 80, host)},
		{"help", commands.HelpText(testPortfolio(t), host)},
		{"--help", commands.HelpText(testPortfolio(t), host)},
		{"version", "portfolio " + cmdTestVersion + "\n"},
	} {
		t.Run(tc.cmd, func(t *testing.T) {
			r := execCmd(t, c, tc.cmd, cmdOpts{})
			if r.code != 0 || r.stderr != "" {
				t.Fatalf("exit %d, stderr %q; want 0 and nothing", r.code, r.stderr)
			}
			if r.stdout != tc.want {
				t.Errorf("stdout:\n%s\nwant:\n%s", r.stdout, tc.want)
			}
			noEscape(t, "stdout", r.stdout)
		})
	}

	help := execCmd(t, c, "help", cmdOpts{}).stdout
	for _, want := range []string{host + " about", host + " projects NAME", host + " contact", host + " version", strings.Replace(host, "ssh ", "ssh -t ", 1)} {
		if !strings.Contains(help, want) {
			t.Errorf("help lacks %q:\n%s", want, help)
		}
	}
}

func TestCommandsJSONOverSSH(t *testing.T) {
	t.Parallel()
	ts := startCmdServer(t, nil)
	pf := testPortfolio(t)
	c, _ := dial(t, ts.addr, "visitor", noAuth())
	check := func(cmd string, got, want any) {
		t.Helper()
		r := execCmd(t, c, cmd, cmdOpts{env: map[string]string{"COLUMNS": "20"}})
		if r.code != 0 || r.stderr != "" {
			t.Fatalf("%s: exit %d, stderr %q", cmd, r.code, r.stderr)
		}
		noEscape(t, cmd, r.stdout)
		if err := json.Unmarshal([]byte(r.stdout), got); err != nil {
			t.Fatalf("%s: not JSON: %v\n%s", cmd, err, r.stdout)
		}
		if g := reflect.ValueOf(got).Elem().Interface(); !reflect.DeepEqual(g, want) {
			t.Errorf("%s = %+v\nwant %+v", cmd, g, want)
		}
	}
	check("about --json", &commands.About{}, commands.AboutJSON(pf))
	check("skills --json", &commands.Skills{}, commands.SkillsJSON(pf))
	check("projects --json", &commands.Projects{}, commands.ProjectsJSON(pf))
	for _, p := range pf.Projects {
		var got commands.Project
		check("projects "+p.Slug+" --json", &got, commands.ProjectJSON(p))
		if got.Markdown != p.Body || got.Slug != p.Slug || got.Title != p.Title {
			t.Errorf("projects %s --json: slug %q title %q, markdown equal to the body: %v", p.Slug, got.Slug, got.Title, got.Markdown == p.Body)
		}
	}
}

func TestCommandsUsageErrorsOverSSH(t *testing.T) {
	t.Parallel()
	ts := startCmdServer(t, nil)
	host := ts.sshCommand()
	c, _ := dial(t, ts.addr, "visitor", noAuth())

	var tok [6]byte
	_, _ = rand.Read(tok[:])
	pwned := filepath.Join(os.TempDir(), "pwned-"+hex.EncodeToString(tok[:]))
	t.Cleanup(func() { _ = os.Remove(pwned) })

	check := func(t *testing.T, cmd, mention string) {
		t.Helper()
		r := execCmd(t, c, cmd, cmdOpts{})
		if r.code != 2 {
			t.Errorf("exit %d, want 2; stdout %q stderr %q", r.code, tail(r.stdout, 300), r.stderr)
		}
		if r.stdout != "" {
			t.Errorf("stdout = %q, want nothing", tail(r.stdout, 300))
		}
		lines := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n")
		if len(lines) != 2 || !strings.Contains(lines[0], mention) || !strings.Contains(lines[1], host+" help") {
			t.Errorf("stderr = %q, want one line naming %q and the hint %q", r.stderr, mention, host+" help")
		}
		for _, bad := range []string{"panic", "goroutine", ".go:"} {
			if strings.Contains(r.stderr, bad) {
				t.Errorf("stderr holds %q: %q", bad, r.stderr)
			}
		}
		noEscape(t, "stderr", r.stderr)
	}
	for _, tc := range []struct{ cmd, mention string }{
		{"nope", `"nope"`},
		{"about extra", `"extra"`},
		{"about --nope", "--nope"},
		{"--nope", "--nope"},
		{"projects nope", `"nope"`},
		{"projects notelytix extra", `"extra"`},
		{"contact --json", "--json"},
		{"version --json", "--json"},
		{"$(touch " + pwned + ")", "$(touch"},
		{"'$(touch " + pwned + ")'", "$(touch " + pwned + ")"},
		{"`touch " + pwned + "`", "`touch"},
		{"; touch " + pwned, `";"`},
		{"'; touch " + pwned + "'", "; touch"},
		{"about; touch " + pwned, "about;"},
		{"about && touch " + pwned, "&&"},
		{"projects '$(touch " + pwned + ")'", "$(touch " + pwned + ")"},
		{"'; rm -rf /'", "; rm -rf /"},
		{"'\x1b[31mred'", "red"},
	} {
		t.Run(tc.cmd, func(t *testing.T) { check(t, tc.cmd, tc.mention) })
	}
	// A command line a shell would reject is bad arguments too, not a
	// different command: a stray quote must not turn into "print
	// everything" or a guessed command.
	for _, cmd := range []string{"'", `about "`, "projects 'note", `about \`} {
		t.Run("malformed "+cmd, func(t *testing.T) { check(t, cmd, "") })
	}
	if _, err := os.Stat(pwned); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("%s exists: an argument reached a shell (%v)", pwned, err)
	}
	// The server is fine afterwards.
	if r := execCmd(t, c, "version", cmdOpts{}); r.code != 0 {
		t.Errorf("version after the errors: exit %d", r.code)
	}
}

const (
	janeArgs = `contact --name "Jane" --reply-to jane@example.com`
)

func storedMessages(t *testing.T, ts *testServer) []inbox.Message {
	t.Helper()
	msgs, rep, err := filestore.ReadAll(ts.cfg.DataDir)
	if err != nil || rep.Corrupt != 0 || rep.Torn {
		t.Fatalf("ReadAll: %v %+v", err, rep)
	}
	return msgs
}

func TestCommandsPipedContact(t *testing.T) {
	t.Parallel()
	ts := startCmdServer(t, nil)
	keyed, pub := keyAuth(t)
	for _, tc := range []struct {
		name, user  string
		auth        []gossh.AuthMethod
		fingerprint string
		text        string
	}{
		{"keyless", "visitor", noAuth(), "", "Hello from a pipe"},
		{"publickey", "keyed", keyed, gossh.FingerprintSHA256(pub), "Hello again, with a key"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := dial(t, ts.addr, tc.user, tc.auth)
			r := execCmd(t, c, janeArgs, cmdOpts{stdin: strings.NewReader(tc.text + "\n")})
			if r.code != 0 || r.stderr != "" {
				t.Fatalf("exit %d, stderr %q; want 0", r.code, r.stderr)
			}
			var m inbox.Message
			for _, x := range storedMessages(t, ts) {
				if x.Message == tc.text {
					m = x
				}
			}
			if m.ID == "" {
				t.Fatalf("message %q not stored; have %+v", tc.text, storedMessages(t, ts))
			}
			if m.Name != "Jane" || m.ReplyTo != "jane@example.com" || m.Remote != "127.0.0.1" || m.Fingerprint != tc.fingerprint {
				t.Errorf("stored %+v; want Jane, jane@example.com, 127.0.0.1, fingerprint %q", m, tc.fingerprint)
			}
			if !m.Valid() {
				t.Errorf("stored message has a bad checksum: %+v", m)
			}
			if !strings.Contains(r.stdout, m.ID) || strings.Count(r.stdout, "\n") != 1 {
				t.Errorf("stdout %q, want one line with the id %s", r.stdout, m.ID)
			}
			noEscape(t, "stdout", r.stdout)
		})
	}
	if n := len(storedMessages(t, ts)); n != 2 {
		t.Errorf("%d messages stored, want 2", n)
	}
}

func TestCommandsPipedContactInvalid(t *testing.T) {
	t.Parallel()
	ts := startCmdServer(t, nil)
	c, _ := dial(t, ts.addr, "visitor", noAuth())
	for _, tc := range []struct {
		name, cmd, stdin, mention string
	}{
		{"empty message", janeArgs, "", "message"},
		{"bad email", `contact --name Jane --reply-to jane@@example`, "hi", "--reply-to"},
		{"name too long", `contact --name ` + strings.Repeat("n", inbox.MaxName+1) + ` --reply-to jane@example.com`, "hi", "--name"},
		{"no name", `contact --reply-to jane@example.com`, "hi", "--name"},
		{"message too long", janeArgs, strings.Repeat("m", inbox.MaxMessage+1), "too long"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := execCmd(t, c, tc.cmd, cmdOpts{stdin: strings.NewReader(tc.stdin)})
			if r.code != 1 {
				t.Errorf("exit %d, want 1", r.code)
			}
			if strings.Count(r.stderr, "\n") != 1 || !strings.Contains(r.stderr, tc.mention) {
				t.Errorf("stderr = %q, want one line naming %q", r.stderr, tc.mention)
			}
			if r.stdout != "" {
				t.Errorf("stdout = %q", r.stdout)
			}
		})
	}

	// A megabyte on stdin is refused as too long.
	start := time.Now()
	r := execCmd(t, c, janeArgs, cmdOpts{stdin: bytes.NewReader(bytes.Repeat([]byte("x"), 1<<20))})
	if r.code == 0 || !strings.Contains(r.stderr, "too long") {
		t.Errorf("1 MB message: exit %d, stderr %q; want an error saying too long", r.code, r.stderr)
	}
	// Endless stdin: only a server that stops reading at the limit can
	// answer at all.
	r = execCmd(t, c, janeArgs, cmdOpts{stdin: endless{}})
	if r.code == 0 || !strings.Contains(r.stderr, "too long") {
		t.Errorf("endless message: exit %d, stderr %q; want an error saying too long", r.code, r.stderr)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("oversized messages took %s to refuse", d)
	}

	if msgs := storedMessages(t, ts); len(msgs) != 0 {
		t.Errorf("invalid messages were stored: %+v", msgs)
	}
	// Still responsive, on this connection and a new one.
	if r := execCmd(t, c, "version", cmdOpts{}); r.code != 0 || !strings.Contains(r.stdout, cmdTestVersion) {
		t.Errorf("version afterwards: exit %d, stdout %q", r.code, r.stdout)
	}
	c2, _ := dial(t, ts.addr, "visitor", noAuth())
	if r := execCmd(t, c2, "about", cmdOpts{}); r.code != 0 {
		t.Errorf("about on a new connection: exit %d", r.code)
	}
}

// endless is stdin that never ends.
type endless struct{}

func (endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'x'
	}
	return len(p), nil
}

func TestCommandsPipedContactRateLimit(t *testing.T) {
	t.Parallel()
	ts := startCmdServer(t, func(c *Config) { c.MessagesPerHour = 1 })
	c, _ := dial(t, ts.addr, "visitor", noAuth())
	r := execCmd(t, c, janeArgs, cmdOpts{stdin: strings.NewReader("first")})
	if r.code != 0 {
		t.Fatalf("first message: exit %d, stderr %q", r.code, r.stderr)
	}
	// A new connection (same IP) is limited too.
	c2, _ := dial(t, ts.addr, "visitor", noAuth())
	r = execCmd(t, c2, janeArgs, cmdOpts{stdin: strings.NewReader("second, different")})
	if r.code != 1 || !strings.Contains(r.stderr, "try again") || strings.Count(r.stderr, "\n") != 1 {
		t.Errorf("second message: exit %d, stderr %q; want 1 and one line with \"try again\"", r.code, r.stderr)
	}
	if msgs := storedMessages(t, ts); len(msgs) != 1 || msgs[0].Message != "first" {
		t.Errorf("stored %+v, want only the first message", msgs)
	}
}

// openTermCmd starts cmd in a session with a pty, as `ssh -t host cmd`.
func openTermCmd(t *testing.T, c *gossh.Client, cmd string, width, height int) *term {
	t.Helper()
	return startTerm(t, c, "xterm-256color", cmd, width, height)
}

func TestCommandsDeepLinkWithPty(t *testing.T) {
	t.Parallel()
	ts := startCmdServer(t, nil)
	c, _ := dial(t, ts.addr, "visitor", noAuth())
	for _, tc := range []struct {
		cmd  string
		want []string
	}{
		{"projects notelytix", []string{"Goal", "System Architecture", "notelytix"}},
		{"projects ACT", []string{"Problem Statement", "Architecture & Design"}},
		{"skills", []string{"Programming Languages", "Filter"}},
		{"contact", []string{"Let's talk"}},
	} {
		t.Run(tc.cmd, func(t *testing.T) {
			tm := openTermCmd(t, c, tc.cmd, 80, 24)
			tm.waitFor(0, waitTimeout, tc.want...)
			// The UI, not text: it switches to the alternate screen.
			if !strings.Contains(tm.out.String(), "\x1b[?1049h") {
				t.Errorf("%q with a pty did not open the full-screen UI", tc.cmd)
			}
			tm.quit()
		})
	}
}

func TestCommandsTextWithPty(t *testing.T) {
	t.Parallel()
	ts := startCmdServer(t, nil)
	pf := testPortfolio(t)
	c, _ := dial(t, ts.addr, "visitor", noAuth())

	run := func(cmd string) (out, stderr string, code int) {
		t.Helper()
		tm := openTermCmd(t, c, cmd, 100, 30)
		err := tm.wait(waitTimeout)
		var exit *gossh.ExitError
		switch {
		case err == nil:
		case errors.As(err, &exit):
			code = exit.ExitStatus()
		default:
			t.Fatalf("%q: %v", cmd, err)
		}
		return tm.out.String(), tm.stderr.String(), code
	}

	out, stderr, code := run("about --json")
	if code != 0 || stderr != "" {
		t.Fatalf("about --json with a pty: exit %d, stderr %q", code, stderr)
	}
	noEscape(t, "about --json with a pty", out)
	var a commands.About
	if err := json.Unmarshal([]byte(out), &a); err != nil {
		t.Fatalf("about --json with a pty is not JSON: %v\n%q", err, out)
	}
	if !reflect.DeepEqual(a, commands.AboutJSON(pf)) {
		t.Errorf("about --json with a pty = %+v", a)
	}

	out, _, code = run("projects notelytix --json")
	var p commands.Project
	if err := json.Unmarshal([]byte(out), &p); code != 0 || err != nil || p.Markdown != pf.Projects[0].Body {
		t.Errorf("projects notelytix --json with a pty: exit %d, %v", code, err)
	}

	out, _, code = run("version")
	if code != 0 || strings.TrimSpace(out) != "portfolio "+cmdTestVersion {
		t.Errorf("version with a pty: exit %d, %q", code, out)
	}

	out, _, code = run("help")
	if code != 0 || !strings.Contains(out, "projects NAME") {
		t.Errorf("help with a pty: exit %d, %q", code, out)
	}
	noEscape(t, "help with a pty", out)

	// A message needs a pipe: with a terminal, contact --name refuses.
	out, stderr, code = run(janeArgs)
	if code != 2 || !strings.Contains(out+stderr, "pipe") {
		t.Errorf("contact --name with a pty: exit %d, output %q %q; want 2 and a hint to pipe", code, out, stderr)
	}
	if msgs := storedMessages(t, ts); len(msgs) != 0 {
		t.Errorf("stored %+v", msgs)
	}

	_, stderr, code = run("nope")
	if code != 2 || !strings.Contains(stderr, `"nope"`) {
		t.Errorf("nope with a pty: exit %d, stderr %q", code, stderr)
	}
}
