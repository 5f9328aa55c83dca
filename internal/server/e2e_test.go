package server

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// tmux drives a private tmux server: its own socket and config, so it never
// touches the user's tmux.
type tmux struct {
	t          *testing.T
	sock       string
	dir        string // TMUX_TMPDIR: the socket lives here, removed with the test
	conf       string
	target     string
	knownHosts string // the visitor's known_hosts file
}

func (x *tmux) cmd(args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	c := exec.CommandContext(ctx, "tmux", append([]string{"-L", x.sock, "-f", x.conf}, args...)...)
	// Not inside the caller's tmux, whatever the environment says.
	env := make([]string, 0, len(os.Environ())+1)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "TMUX=") && !strings.HasPrefix(kv, "TMUX_PANE=") && !strings.HasPrefix(kv, "TMUX_TMPDIR=") {
			env = append(env, kv)
		}
	}
	c.Env = append(env, "TMUX_TMPDIR="+x.dir)
	out, err := c.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("tmux %s: %w: %s", strings.Join(args, " "), err, out)
	}
	return string(out), nil
}

func (x *tmux) must(args ...string) string {
	x.t.Helper()
	out, err := x.cmd(args...)
	if err != nil {
		x.t.Fatal(err)
	}
	return out
}

func (x *tmux) capture() string {
	x.t.Helper()
	return x.must("capture-pane", "-p", "-t", x.target)
}

// waitScreen polls the pane until it shows every substr and returns it.
func (x *tmux) waitScreen(substrs ...string) string {
	x.t.Helper()
	var screen string
	ok := eventually(waitTimeout, func() bool {
		out, err := x.cmd("capture-pane", "-p", "-t", x.target)
		if err != nil {
			return false
		}
		screen = out
		for _, s := range substrs {
			if !strings.Contains(screen, s) {
				return false
			}
		}
		return true
	})
	if !ok {
		x.t.Fatalf("pane never showed all of %q within %s; screen:\n%s", substrs, waitTimeout, screen)
	}
	return screen
}

func (x *tmux) keys(keys ...string) {
	x.t.Helper()
	x.must(append([]string{"send-keys", "-t", x.target}, keys...)...)
}

// paneSize is the pane's "width height".
func (x *tmux) paneSize() string {
	x.t.Helper()
	return strings.TrimSpace(x.must("display-message", "-p", "-t", x.target, "#{pane_width} #{pane_height}"))
}

func requireTools(t *testing.T, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s not on PATH; CI must run the end-to-end test", tool)
			}
			t.Skipf("%s not on PATH: skipping the end-to-end test", tool)
		}
	}
}

// openSSHInTmux runs the real OpenSSH client as a keyless visitor (no
// config, agent or keys; the server accepts an empty keyboard-interactive
// exchange, so nothing prompts) in a new 80×24 tmux pane, with remote as
// the command if given. waitExit waits for ssh to end and returns
// "EXIT=<status>".
func openSSHInTmux(t *testing.T, ts *testServer, remote ...string) (x *tmux, waitExit func() string) {
	t.Helper()
	return visitInTmux(t, ts, visitorTerminal{term: "xterm-256color", width: 80, height: 24}, remote...)
}

// TestEndToEndOpenSSH drives the real OpenSSH client in a tmux pane: a
// visitor's full tour, with resizes, ending with q and exit status 0.
func TestEndToEndOpenSSH(t *testing.T) {
	requireTools(t, "tmux", "ssh")
	t.Parallel()
	ts := startServer(t, t.TempDir())
	x, waitExit := openSSHInTmux(t, ts)

	about := x.waitScreen("Pragya Mugale", "1 About", "4 Contact")
	if got := x.paneSize(); got != "80 24" {
		t.Errorf("pane is %s, want 80 24", got)
	}

	x.keys("2")
	skills := x.waitScreen("Programming Languages", "Filter")

	x.keys("3")
	projects := x.waitScreen("[3 Projects]", "NoteLytix", "Activity Logging Service")

	x.keys("Enter")
	study := x.waitScreen("Goal", "System Architecture")

	x.must("resize-window", "-t", x.target, "-x", "40", "-y", "12")
	compact := x.waitScreen("‹ ", "3/4 ›")
	if strings.Contains(compact, "4 Contact") {
		t.Errorf("40 columns still show the full tab bar:\n%s", compact)
	}

	x.must("resize-window", "-t", x.target, "-x", "80", "-y", "24")
	x.waitScreen("1 About", "4 Contact", "Goal")

	x.keys("4")
	contact := x.waitScreen("Let's talk", "reach out")

	x.keys("q")
	if exit := waitExit(); exit != "EXIT=0" {
		t.Errorf("ssh exited with %s, want EXIT=0; screen:\n%s", exit, x.capture())
	}
	// ssh's last output may still be on its way into the pane (see
	// TestEndToEndUIQuitLeavesAWayBack).
	final := x.waitScreen("Get in touch with", "CV: "+ts.sshCommand()+" resume --format pdf > cv.pdf")
	if strings.Contains(final, "Permission denied") {
		t.Errorf("unexpected text after quitting:\n%s", final)
	}

	for name, screen := range map[string]struct {
		got  string
		want []string
	}{
		"about":    {about, []string{"Pragya Mugale", "Backend Engineer", "CV: " + ts.sshCommand() + " resume --format pdf"}},
		"skills":   {skills, []string{"Programming Languages", "Go (Golang)"}},
		"projects": {projects, []string{"NoteLytix", "Activity Logging Service"}},
		"study":    {study, []string{"Goal", "System Architecture", "3 Projects › notelytix"}},
		"compact":  {compact, []string{"‹ ", "3/4 ›"}},
		"contact":  {contact, []string{"Let's talk"}},
	} {
		for _, w := range screen.want {
			if !strings.Contains(screen.got, w) {
				t.Errorf("%s screen lacks %q:\n%s", name, w, screen.got)
			}
		}
	}

	ts.waitLog(t, "disconnect")
	b, err := os.ReadFile(x.knownHosts)
	if err != nil {
		t.Fatalf("known_hosts: %v", err)
	}
	if !strings.Contains(string(b), "ssh-ed25519") {
		t.Errorf("known_hosts lacks the ed25519 host key: %q", b)
	}
}

// TestEndToEndSleepWake drives OpenSSH in tmux across a sleep: the idle
// visitor's program is put to sleep with the pane left as it is, the next
// key wakes a new program that repaints in place, and quitting from there
// restores the shell's screen as usual.
func TestEndToEndSleepWake(t *testing.T) {
	requireTools(t, "tmux", "ssh")
	t.Parallel()
	ts := startServerWith(t, func(c *Config) {
		c.SessionRate = 0
		c.UISleep = 200 * time.Millisecond
	})
	x, waitExit := openSSHInTmux(t, ts)
	x.waitScreen("Pragya Mugale", "1 About")
	x.keys("3")
	before := x.waitScreen("[3 Projects]", "NoteLytix", "Activity Logging Service")

	waitSleeps(t, ts, 1)
	if asleep := x.capture(); asleep != before {
		t.Errorf("the pane changed when the program slept:\n%s\nwas:\n%s", asleep, before)
	}

	x.keys("Enter") // wakes the program and opens the selected case study
	x.waitScreen("Goal", "System Architecture", "3 Projects › notelytix")

	waitSleeps(t, ts, 2)
	x.keys("q")
	if exit := waitExit(); exit != "EXIT=0" {
		t.Errorf("ssh exited with %s, want EXIT=0; screen:\n%s", exit, x.capture())
	}
	// ssh's last output may still be on its way into the pane: the UI
	// must leave it, though not necessarily by the time ssh has exited.
	var final string
	if !eventually(waitTimeout, func() bool {
		final = x.capture()
		return !strings.Contains(final, "System Architecture")
	}) {
		t.Errorf("the UI is still on screen after quitting:\n%s", final)
	}
}
