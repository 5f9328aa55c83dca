package server

import (
	"strings"
	"testing"
)

// TestEndToEndQuitAsksWithADraft: over the real OpenSSH client, Ctrl+C
// with an unsent message in the form asks first (a one-line notice) and
// the session stays; Esc stays; Ctrl+C twice leaves with exit status 0.
func TestEndToEndQuitAsksWithADraft(t *testing.T) {
	requireTools(t, "tmux", "ssh")
	t.Parallel()
	ts := startServer(t, t.TempDir())
	x, waitExit := openSSHInTmux(t, ts)
	x.waitScreen("1 About", "4 Contact")
	x.keys("4")
	x.waitScreen("Let's talk")
	x.keys("Enter")
	x.keys("-l", "Ada")
	x.waitScreen("Ada")
	x.keys("C-c")
	x.waitScreen("Not sent yet: ctrl+c again quits, esc stays")
	x.keys("Escape")
	// The notice goes with the Esc; the next key only then (an Esc and a
	// key at once are Alt and the key).
	if !eventually(waitTimeout, func() bool { return !strings.Contains(x.capture(), "Not sent yet") }) {
		t.Fatalf("the question stays after Esc:\n%s", x.capture())
	}
	x.keys("-l", "x")
	x.waitScreen("Adax", "tab next field")
	x.keys("C-c")
	x.waitScreen("Not sent yet: ctrl+c again quits, esc stays")
	x.keys("C-c")
	if exit := waitExit(); exit != "EXIT=0" {
		t.Errorf("ssh exited with %s, want EXIT=0; screen:\n%s", exit, x.capture())
	}
}
