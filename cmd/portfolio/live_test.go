package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/pragyamugale/portfolio/content"
	"github.com/pragyamugale/portfolio/internal/app"
	"github.com/pragyamugale/portfolio/internal/testkit"
)

// liveServer is the command serving a content folder in this process,
// over real SSH and HTTP, with its log.
type liveServer struct {
	dir, sshAddr, httpAddr string
	log                    *lockedBuffer
}

// startLive serves a copy of the embedded content from a temporary folder
// with args added (say --watch), until the test ends.
func startLive(t *testing.T, args ...string) *liveServer {
	t.Helper()
	s := &liveServer{dir: t.TempDir(), sshAddr: freeAddr(t), httpAddr: freeAddr(t), log: &lockedBuffer{}}
	if err := os.CopyFS(s.dir, content.Embedded()); err != nil {
		t.Fatal(err)
	}
	cmd := newRootCmd()
	cmd.SetArgs(append([]string{"--addr", s.sshAddr, "--http-addr", s.httpAddr, "--content", s.dir,
		"--host-key-dir", t.TempDir(), "--data-dir", t.TempDir()}, args...))
	cmd.SetOut(io.Discard)
	cmd.SetErr(s.log)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- cmd.ExecuteContext(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Error("server didn't stop")
		}
		if t.Failed() {
			t.Logf("server log:\n%s", s.log.String())
		}
	})
	testkit.Wait(t, 15*time.Second, "the server to say where to visit", func() bool {
		return strings.Contains(s.log.String(), "visit the portfolio")
	})
	return s
}

// page is the web page at path.
func (s *liveServer) page(t *testing.T, path string) string {
	t.Helper()
	resp, err := http.Get("http://" + s.httpAddr + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// text is `ssh host <command>`'s output: the text commands, a new visitor.
func (s *liveServer) text(t *testing.T, command string) string {
	t.Helper()
	c, _ := sshDial(t, s.sshAddr)
	defer c.Close()
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	out, err := sess.Output(command)
	if err != nil {
		t.Fatalf("ssh %s: %v", command, err)
	}
	return string(out)
}

// visitor is an open interactive SSH session on an 80×24 terminal.
type visitor struct {
	*ptySession
	in io.Writer
}

func openVisitor(t *testing.T, addr string) *visitor {
	t.Helper()
	c, _ := sshDial(t, addr)
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	p := &ptySession{sess: sess, out: &lockedBuffer{}, done: make(chan error, 1)}
	sess.Stdout, sess.Stderr = p.out, p.out
	in, err := sess.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := sess.RequestPty("xterm-256color", 24, 80, gossh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- sess.Wait() }()
	t.Cleanup(func() { _ = sess.Close() })
	return &visitor{ptySession: p, in: in}
}

// screen is what the visitor's terminal shows now.
func (v *visitor) screen() string { return testkit.Emulate(v.out.String(), 80, 24) }

func (v *visitor) waitScreen(t *testing.T, what string, cond func(string) bool) {
	t.Helper()
	if !testkit.Eventually(15*time.Second, testkit.Poll, func() bool { return cond(v.screen()) }) {
		t.Fatalf("the visitor's screen never showed %s; it shows:\n%s", what, v.screen())
	}
}

func (v *visitor) press(t *testing.T, keys string) {
	t.Helper()
	if _, err := io.WriteString(v.in, keys); err != nil {
		t.Fatalf("the visitor's session dropped: %v", err)
	}
}

func (v *visitor) open() bool {
	select {
	case <-v.done:
		return false
	default:
		return true
	}
}

// editorSave writes name in dir as editors do: a temporary file renamed
// over the old one.
func editorSave(t *testing.T, dir, name, text string) {
	t.Helper()
	tmp := filepath.Join(dir, "."+filepath.Base(name)+".swp")
	if err := os.WriteFile(tmp, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, name)); err != nil {
		t.Fatal(err)
	}
}

const oldTagline = "Building scalable distributed systems and high-throughput backend services."

// TestLiveContent edits a served content folder while a visitor's session
// stays open, and has the server read it again by SIGHUP and by --watch:
// new visitors (SSH and the web page) get the new text at once, the open
// session on its next page, and a bad edit keeps the running content
// and logs the loader's errors, file and line.
func TestLiveContent(t *testing.T) {
	// The test's own handler: a SIGHUP that reaches this process before
	// the server's is ignored rather than fatal.
	guard := make(chan os.Signal, 8)
	signal.Notify(guard, syscall.SIGHUP)
	defer signal.Stop(guard)

	for _, tc := range []struct {
		how    string
		args   []string
		reload func(t *testing.T)
	}{
		{"SIGHUP", nil, func(t *testing.T) {
			if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
				t.Fatal(err)
			}
		}},
		{"watch", []string{"--watch"}, func(*testing.T) {}},
	} {
		t.Run(tc.how, func(t *testing.T) {
			s := startLive(t, tc.args...)
			if !strings.Contains(s.page(t, "/"), oldTagline) {
				t.Fatal("the web page doesn't show the tagline")
			}
			v := openVisitor(t, s.sshAddr)
			v.waitScreen(t, "the tagline", func(scr string) bool { return strings.Contains(scr, "Building scalable") })

			newTagline := "Reloaded by " + tc.how + " at once."
			profile, err := os.ReadFile(filepath.Join(s.dir, "profile.md"))
			if err != nil {
				t.Fatal(err)
			}
			editorSave(t, s.dir, "profile.md", strings.Replace(string(profile), oldTagline, newTagline, 1))
			tc.reload(t)
			testkit.Wait(t, 15*time.Second, "the reload in the log", func() bool {
				return strings.Contains(s.log.String(), "content reloaded")
			})
			if !strings.Contains(s.log.String(), "why="+tc.how) {
				t.Errorf("the reload's log line doesn't say it came from %s", tc.how)
			}

			// New visitors: the web page and SSH at once.
			if home := s.page(t, "/"); !strings.Contains(home, newTagline) || strings.Contains(home, oldTagline) {
				t.Error("the web page still shows the old tagline after the reload")
			}
			if about := s.text(t, "about"); !strings.Contains(about, newTagline) {
				t.Errorf("a new SSH visitor's `about` doesn't show the new tagline:\n%s", about)
			}

			// The open session keeps its page until its visitor changes
			// page, then shows the new text, without dropping.
			if scr := v.screen(); !strings.Contains(scr, "Building scalable") {
				t.Errorf("the open page changed under the visitor:\n%s", scr)
			}
			v.press(t, "2")
			v.waitScreen(t, "the Skills page", func(scr string) bool { return !strings.Contains(scr, "Building scalable") })
			v.press(t, "1")
			v.waitScreen(t, "the new tagline", func(scr string) bool { return strings.Contains(scr, "Reloaded by") })
			if !v.open() {
				t.Fatal("the visitor's session dropped at the reload")
			}

			// A bad edit: the running content stays, the log says where.
			before := strings.Count(s.log.String(), "content reloaded")
			editorSave(t, s.dir, "skills.yaml", "groups:\n  - name: \"Go\"\n    items: [unclosed\n")
			tc.reload(t)
			testkit.Wait(t, 15*time.Second, "the refused reload in the log", func() bool {
				return strings.Contains(s.log.String(), "content not reloaded")
			})
			testkit.Wait(t, 15*time.Second, "the loader's error in the log", func() bool {
				l := s.log.String()
				return strings.Contains(l, "content problem") && strings.Contains(l, "skills.yaml") && strings.Contains(l, "line ")
			})
			if n := strings.Count(s.log.String(), "content reloaded"); n != before {
				t.Errorf("a bad edit was served (%d reloads logged, want %d)", n, before)
			}
			if home := s.page(t, "/"); !strings.Contains(home, newTagline) {
				t.Error("after a bad edit the web page lost the running content")
			}
			v.press(t, "2")
			v.waitScreen(t, "the Skills page", func(scr string) bool { return !strings.Contains(scr, "Reloaded by") })
			if !v.open() {
				t.Fatal("the visitor's session dropped at the bad edit")
			}
		})
	}
}

// TestFirstLinesSayWhereToVisit: `portfolio` with no flags serves the web
// side on loopback beside SSH and says, in its first lines, where to point
// ssh and a browser; an empty --http-addr turns the web side off.
func TestFirstLinesSayWhereToVisit(t *testing.T) {
	s := startLive(t)
	l := s.log.String()
	if !strings.Contains(l, "ssh -p ") || !strings.Contains(l, "http://"+s.httpAddr+"/") {
		t.Errorf("the first lines don't say where to point ssh and a browser:\n%s", l)
	}
	if !strings.Contains(s.page(t, "/"), oldTagline) {
		t.Error("the web page isn't served")
	}
}

// TestWebSideOnLoopbackByDefault: the web side is on by default, on
// loopback only; an empty --http-addr turns it off, and says so.
func TestWebSideOnLoopbackByDefault(t *testing.T) {
	def := newRootCmd().Flags().Lookup("http-addr").DefValue
	host, _, err := net.SplitHostPort(def)
	if err != nil || host != "localhost" {
		t.Errorf("--http-addr defaults to %q, want localhost:<port> (the web side on, on loopback)", def)
	}
	s := startLive(t, "--http-addr=")
	if l := s.log.String(); !strings.Contains(l, "browser=\"off (--http-addr is empty)\"") {
		t.Errorf("with an empty --http-addr the log doesn't say the web side is off:\n%s", l)
	}
	if _, err := http.Get("http://" + s.httpAddr + "/"); err == nil {
		t.Error("an empty --http-addr still serves the web page")
	}
	for addr, want := range map[string]string{":8080": "http://localhost:8080/", "0.0.0.0:8080": "http://localhost:8080/",
		"localhost:8080": "http://localhost:8080/", "127.0.0.1:0": "http://127.0.0.1:8080/"} {
		if got := app.WebURL(addr, &net.TCPAddr{IP: net.IPv4zero, Port: 8080}); got != want {
			t.Errorf("WebURL(%q) = %q, want %q", addr, got, want)
		}
	}
}

// TestReloadFindsTheServer: `portfolio reload` signals the servers running
// this binary, never the owner's commands (a SIGHUP would end them), nor
// other programs, nor itself.
func TestReloadFindsTheServer(t *testing.T) {
	proc := t.TempDir()
	exe := "/usr/local/bin/portfolio"
	for pid, p := range map[string]struct{ exe, cmdline string }{
		"100": {exe, "portfolio\x00"},
		"101": {exe, "/usr/local/bin/portfolio\x00--addr\x00:2222\x00--content\x00/data/content\x00--watch\x00"},
		"102": {exe, "portfolio\x00inbox\x00show\x006dj7\x00"},
		"103": {exe, "portfolio\x00--data-dir\x00/data\x00stats\x00"},
		"104": {"/usr/bin/sshd", "sshd\x00"},
		"105": {exe, "portfolio\x00reload\x00"},
	} {
		d := filepath.Join(proc, pid)
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(p.exe, filepath.Join(d, "exe")); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, "cmdline"), []byte(p.cmdline), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got := servers(proc, exe, 105)
	if fmt.Sprint(got) != "[100 101]" {
		t.Errorf("servers = %v, want [100 101]: the servers, not the owner's commands, other programs or itself", got)
	}
}
