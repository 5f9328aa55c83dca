package server

import (
	"fmt"
	"regexp"
	"testing"

	gossh "golang.org/x/crypto/ssh"
)

// startTermEnv is startTerm for the UI with environment variables sent
// before the pty, as ssh -o SetEnv=… does.
func startTermEnv(t *testing.T, c *gossh.Client, env map[string]string, width, height int) *term {
	t.Helper()
	sess, err := c.NewSession()
	if err != nil {
		t.Fatalf("new session: %v", err)
	}
	tm := &term{t: t, sess: sess, out: &syncBuffer{}, stderr: &syncBuffer{}, done: make(chan error, 1)}
	sess.Stdout, sess.Stderr = tm.out, tm.stderr
	if tm.stdin, err = sess.StdinPipe(); err != nil {
		t.Fatalf("stdin: %v", err)
	}
	for k, v := range env {
		if err := sess.Setenv(k, v); err != nil {
			t.Fatalf("setenv %s: %v", k, err)
		}
	}
	if err := sess.RequestPty("xterm-256color", height, width, gossh.TerminalModes{}); err != nil {
		t.Fatalf("request pty: %v", err)
	}
	if err := sess.Shell(); err != nil {
		t.Fatalf("shell: %v", err)
	}
	go func() { tm.done <- sess.Wait() }()
	t.Cleanup(func() { _ = sess.Close() })
	return tm
}

// TestBackgroundFromSession: the visitor's COLORFGBG, from their SSH
// session's environment, says the background (issue 23, point 5): dark
// text on white gets the light palette at once, and the background
// query's answer (inside tmux, the multiplexer's guess) doesn't override
// it. Without it, the first screen has the mid-tones readable on both
// until the terminal answers.
func TestBackgroundFromSession(t *testing.T) {
	t.Parallel()
	ts := startServerWith(t, func(c *Config) { c.SessionRate = 0 })
	// The accent, in 256 colours, on each background (theme.Palette).
	has := func(out string, index int) bool {
		return regexp.MustCompile(fmt.Sprintf(`\x1b\[([0-9]+;)*38;5;%d[;m]`, index)).MatchString(out)
	}
	const light, dark, unknown = 55, 141, 134
	c, _ := dial(t, ts.addr, "visitor", noAuth())

	said := startTermEnv(t, c, map[string]string{"COLORFGBG": "0;15"}, 80, 24)
	out := said.waitFor(0, waitTimeout, "Pragya Mugale", "1 About")
	raw := said.out.String()
	if !has(raw, light) || has(raw, dark) || has(raw, unknown) {
		t.Errorf("COLORFGBG=0;15: not the light palette:\n%s", out)
	}
	mark := said.mark()
	said.send("\x1b]11;rgb:0000/0000/0000\a") // a dark answer to the query
	said.send("2")
	said.waitFor(mark, waitTimeout, "Programming Languages")
	if got := said.out.since(mark); has(got, dark) || !has(got, light) {
		t.Errorf("the background query's answer overrode COLORFGBG: %q", got)
	}
	said.quit()

	plain := startTermEnv(t, c, nil, 80, 24)
	plain.waitFor(0, waitTimeout, "Pragya Mugale", "1 About")
	if raw := plain.out.String(); !has(raw, unknown) || has(raw, dark) || has(raw, light) {
		t.Errorf("no COLORFGBG, no answer: not the unknown background's mid-tones: %q", raw)
	}
	mark = plain.mark()
	plain.send("\x1b]11;rgb:ffff/ffff/ffff\a") // a light answer
	plain.send("2")
	plain.waitFor(mark, waitTimeout, "Programming Languages")
	if got := plain.out.since(mark); !has(got, light) {
		t.Errorf("a light answer did not bring the light palette: %q", got)
	}
	plain.quit()
}
