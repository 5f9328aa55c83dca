package server

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pragyamugale/portfolio/internal/inbox"
)

// visitorTerminal is the terminal a tmux-driven visitor has: its TERM and
// size, environment variables ssh sends (SetEnv) and how many lines of
// scrollback it keeps.
type visitorTerminal struct {
	term          string
	width, height int
	env           []string // "NAME=value", sent with ssh -o SetEnv
	history       int
}

// visitInTmux runs the real OpenSSH client as a keyless visitor (no
// config, agent or keys; the server accepts an empty keyboard-interactive
// exchange, so nothing prompts) in a new tmux pane of the terminal's size,
// whose TERM ssh forwards, with remote as the command if given. waitExit
// waits for ssh to end and returns "EXIT=<status>".
func visitInTmux(t *testing.T, ts *testServer, vt visitorTerminal, remote ...string) (x *tmux, waitExit func() string) {
	t.Helper()
	_, port, _ := strings.Cut(ts.addr, "127.0.0.1:")
	tmp := t.TempDir()
	conf := filepath.Join(tmp, "tmux.conf")
	if err := os.WriteFile(conf, []byte(strings.Join([]string{
		"set -g status off",                  // the pane is the whole window
		"set -g remain-on-exit on",           // keep the last screen after ssh exits
		"set -g escape-time 0",               // Esc goes straight through
		"set -g default-terminal " + vt.term, // TERM that ssh forwards
		fmt.Sprint("set -g history-limit ", vt.history),
		"",
	}, "\n")), 0o600); err != nil {
		t.Fatal(err)
	}
	exitFile := filepath.Join(tmp, "exit")
	knownHosts := filepath.Join(tmp, "known_hosts")
	words := append([]string{"ssh", "-tt"}, opensshArgs(port, knownHosts)...)
	for _, kv := range vt.env {
		words = append(words, "-o", "SetEnv="+kv)
	}
	words = append(append(words, "127.0.0.1"), remote...)
	for i, w := range words {
		words[i] = "'" + w + "'"
	}
	x = &tmux{
		t:          t,
		sock:       fmt.Sprintf("e2e-%d-%d", os.Getpid(), time.Now().UnixNano()%1e9),
		dir:        tmp,
		conf:       conf,
		target:     "e2e",
		knownHosts: knownHosts,
	}
	t.Cleanup(func() { _, _ = x.cmd("kill-server") })
	x.must("new-session", "-d", "-s", "e2e", "-x", fmt.Sprint(vt.width), "-y", fmt.Sprint(vt.height),
		strings.Join(words, " ")+"; echo EXIT=$? > '"+exitFile+"'")
	return x, func() string {
		t.Helper()
		var exit string
		if !eventually(waitTimeout, func() bool {
			b, err := os.ReadFile(exitFile)
			exit = strings.TrimSpace(string(b))
			return err == nil && strings.HasPrefix(exit, "EXIT=")
		}) {
			t.Fatalf("ssh did not exit within %s; screen:\n%s", waitTimeout, x.capture())
		}
		return exit
	}
}

// captureColours is the pane with its colours and attributes as SGR
// sequences (tmux capture-pane -e).
func (x *tmux) captureColours() string {
	x.t.Helper()
	return x.must("capture-pane", "-p", "-e", "-t", x.target)
}

// footerRow is the 0-based row of the last non-blank line of a screen.
func footerRow(screen string) int {
	lines := strings.Split(strings.TrimRight(screen, "\n "), "\n")
	return len(lines) - 1
}

// TestEndToEndUIQuitLeavesAWayBack: after q the screen is restored and the
// visitor's scrollback keeps two lines: thanks with the command to come
// back, and how to get in touch.
func TestEndToEndUIQuitLeavesAWayBack(t *testing.T) {
	requireTools(t, "tmux", "ssh")
	t.Parallel()
	ts := startServer(t, t.TempDir())
	x, waitExit := visitInTmux(t, ts, visitorTerminal{term: "xterm-256color", width: 80, height: 24, history: 100})
	x.waitScreen("▌ Pragya Mugale", "Highlights")
	x.keys("q")
	if exit := waitExit(); exit != "EXIT=0" {
		t.Fatalf("ssh exited with %s; screen:\n%s", exit, x.capture())
	}
	_, port, _ := strings.Cut(ts.addr, "127.0.0.1:")
	want := "Thanks for visiting. Come back any time: ssh -p " + port + " 127.0.0.1\n" +
		"Get in touch with Pragya: ssh -t -p " + port + " 127.0.0.1 contact\n"
	// The exit status reaches its file as soon as ssh exits, but tmux may
	// not have read ssh's last output from the pane yet (on a busy
	// machine, not for a while): wait for it. The scrollback too: the
	// restored screen may scroll the first line up.
	var final string
	if !eventually(waitTimeout, func() bool {
		final = x.must("capture-pane", "-p", "-S", "-", "-t", x.target)
		return strings.Contains(final, want)
	}) {
		t.Errorf("scrollback lacks %q:\n%s", want, final)
	}
}

// TestEndToEndUIFirstScreen: what a visitor sees first, over real OpenSSH,
// at 80×24: the wordmark, the pitch, highlights, both projects and how to
// get in touch, all without scrolling, with the footer showing t.
func TestEndToEndUIFirstScreen(t *testing.T) {
	requireTools(t, "tmux", "ssh")
	t.Parallel()
	ts := startServer(t, t.TempDir())
	x, _ := visitInTmux(t, ts, visitorTerminal{term: "xterm-256color", width: 80, height: 24})
	screen := x.waitScreen("▌ Pragya Mugale", "Get in touch")
	for _, want := range []string{
		"Backend Engineer / Software Engineer",
		"Building scalable distributed systems",
		"Sub-10 ms predictable latency", "99.9% durability",
		"NoteLytix - Real-time AI Meeting Assistant", "Activity Logging Service @ Convin",
		"Press 4 to leave Pragya a message", "[1 About]", "t light/dark",
	} {
		if !strings.Contains(screen, want) {
			t.Errorf("first screen lacks %q:\n%s", want, screen)
		}
	}
	if n := strings.Count(screen, "Pragya Mugale"); n != 1 {
		t.Errorf("the name is shown %d times, want once (the wordmark):\n%s", n, screen)
	}
}

// TestEndToEndUIColours: body text keeps the terminal's own colour (no
// fixed grey that vanishes on a light background), TERM=xterm gets the
// 256-colour palette, and NO_COLOR still marks the active tab.
func TestEndToEndUIColours(t *testing.T) {
	requireTools(t, "tmux", "ssh")
	t.Parallel()
	ts := startServerWith(t, func(c *Config) { c.SessionRate = 0 })

	t.Run("xterm gets 256 colours", func(t *testing.T) {
		x, _ := visitInTmux(t, ts, visitorTerminal{term: "xterm", width: 80, height: 24})
		x.waitScreen("Highlights")
		x.keys("3", "Enter")
		x.waitScreen("System Architecture")
		screen := x.captureColours()
		if !strings.Contains(screen, "38;5;") {
			t.Errorf("TERM=xterm: no 256-colour accents:\n%q", screen)
		}
		// The paragraph under "Goal" carries no colour of its own.
		for _, l := range strings.Split(screen, "\n") {
			if strings.Contains(l, "Developed a privacy-first") && regexp.MustCompile(`\x1b\[[0-9;]*3[0-9;]*m`).MatchString(l[:strings.Index(l, "Developed")]) {
				t.Errorf("body text is coloured: %q", l)
			}
		}
		// Wrapped bullets hang under their text.
		plain := x.capture()
		if !strings.Contains(plain, "  • Real-time STT Pipeline:") || !regexp.MustCompile(`\n {5}\S`).MatchString(plain) {
			t.Errorf("bullets don't hang:\n%s", plain)
		}
	})

	for name, vt := range map[string]visitorTerminal{
		"TERM=dumb": {term: "dumb", width: 80, height: 24},
		"NO_COLOR":  {term: "xterm-256color", width: 80, height: 24, env: []string{"NO_COLOR=1"}},
	} {
		t.Run(name+" marks what colour would", func(t *testing.T) {
			x, _ := visitInTmux(t, ts, vt)
			x.waitScreen("Highlights")
			x.keys("2")
			screen := x.waitScreen("[2 Skills]", "[All]")
			if !strings.Contains(screen, "  1 About") {
				t.Errorf("inactive tabs not set apart:\n%s", screen)
			}
			if c := x.captureColours(); regexp.MustCompile(`\x1b\[([0-9]+;)*(3[0-8]|4[0-8]|9[0-7]|10[0-7])[;m]`).MatchString(c) {
				t.Errorf("%s got colours:\n%q", name, c)
			}
			x.keys("4", "Enter")
			x.waitScreen("▸ Name*", "("+inbox.ReplyToHint+")")
			x.keys("Tab", "Tab", "Tab")
			x.waitScreen("▸[ Send ]")
		})
	}
}

// TestEndToEndUISizes: the key screens at the smallest, the usual and a
// very tall size. At 40×12 the help panel fits and the form keeps ctrl+s
// send; at 250×60 the footer follows the content.
func TestEndToEndUISizes(t *testing.T) {
	requireTools(t, "tmux", "ssh")
	t.Parallel()
	ts := startServerWith(t, func(c *Config) { c.SessionRate = 0 })

	t.Run("40x12", func(t *testing.T) {
		x, _ := visitInTmux(t, ts, visitorTerminal{term: "xterm-256color", width: 40, height: 12})
		x.waitScreen("▌ Pragya Mugale")
		x.keys("?")
		help := x.waitScreen("╭─ Keys", "esc close help", "q quit", "t light/dark", "╰")
		if n := len(strings.Split(strings.TrimRight(help, "\n"), "\n")); n > 12 {
			t.Errorf("help is %d lines at 40×12", n)
		}
		// Esc closes the panel, as ? does (issue 23, point 3).
		x.keys("Escape")
		x.waitScreen("? help", "Pragya Mugale")
		x.keys("4", "Enter")
		x.waitScreen("▸ Name*", "ctrl+s send")
		x.keys("Escape")
		x.waitScreen("Press Enter to write")
		x.keys("3", "Enter", "G")
		x.waitScreen("n  next: Activity Logging", "← esc  back to all projects")
		x.keys("Left")
		x.waitScreen("[3 Projects]", "NoteLytix")
	})

	t.Run("250x60", func(t *testing.T) {
		x, _ := visitInTmux(t, ts, visitorTerminal{term: "xterm-256color", width: 250, height: 60})
		screen := x.waitScreen("▌ Pragya Mugale", "q quit")
		if row := footerRow(screen); row > 40 {
			t.Errorf("footer on row %d of 60, far below the content:\n%s", row+1, screen)
		}
		x.keys("t") // light, then the skills table
		x.keys("2")
		skills := x.waitScreen("[2 Skills]", "Programming Languages")
		if !regexp.MustCompile(`Programming Languages +Go \(Golang\)`).MatchString(skills) {
			t.Errorf("skills not laid out as a table:\n%s", skills)
		}
	})
}
