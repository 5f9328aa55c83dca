package server

import (
	"testing"
)

// TestEndToEndStatsOpenSSH counts the real OpenSSH client in tmux: one
// visit in the app reading a case study, one command with a terminal.
func TestEndToEndStatsOpenSSH(t *testing.T) {
	requireTools(t, "tmux", "ssh")
	t.Parallel()
	ts := startServer(t, t.TempDir())

	x, waitExit := openSSHInTmux(t, ts)
	x.waitScreen("Pragya Mugale", "1 About")
	x.keys("3")
	x.waitScreen("NoteLytix")
	x.keys("Enter")
	x.waitScreen("3 Projects › notelytix", "Goal")
	x.keys("Escape")
	x.waitScreen("Activity Logging Service")
	x.keys("q")
	if exit := waitExit(); exit != "EXIT=0" {
		t.Fatalf("ssh exited with %s", exit)
	}

	x2, waitExit2 := openSSHInTmux(t, ts, "help")
	x2.waitScreen("Commands")
	if exit := waitExit2(); exit != "EXIT=0" {
		t.Fatalf("ssh help exited with %s", exit)
	}

	if !eventually(waitTimeout, func() bool { return today(t, ts).StudyTime["projects/notelytix"].Count() == 1 }) {
		t.Fatalf("time on the case study not counted: %+v", today(t, ts))
	}
	d := today(t, ts)
	if d.ByChannel["tui"] != 1 || d.ByChannel["text"] != 1 || d.Clients["OpenSSH"] != 2 {
		t.Errorf("channels %v clients %v; want tui 1, text 1, OpenSSH 2", d.ByChannel, d.Clients)
	}
	if d.Views["about"] != 1 || d.Views["projects"] != 2 || d.Views["projects/notelytix"] != 1 {
		t.Errorf("views %v; want about 1, projects 2, projects/notelytix 1", d.Views)
	}
	if d.Terminals["80-119x24-39"] != 1 || d.Colors["256"] != 1 {
		t.Errorf("terminals %v colours %v; want one 80×24 xterm-256color", d.Terminals, d.Colors)
	}
}
