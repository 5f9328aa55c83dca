package server

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pragyamugale/portfolio/internal/commands"
)

// opensshArgs are the options of a keyless visitor with no config, agent
// or keys: the server accepts an empty keyboard-interactive exchange, so
// nothing prompts. The host key is accepted into a private known_hosts.
func opensshArgs(port, knownHosts string) []string {
	return []string{
		"-F", "/dev/null", "-p", port, "-l", "visitor",
		"-o", "StrictHostKeyChecking=accept-new",
		"-o", "UserKnownHostsFile=" + knownHosts,
		"-o", "GlobalKnownHostsFile=/dev/null",
		"-o", "IdentitiesOnly=yes",
		"-o", "IdentityAgent=none",
		"-o", "PubkeyAuthentication=no",
		"-o", "PasswordAuthentication=no",
		"-o", "PreferredAuthentications=keyboard-interactive",
		"-o", "BatchMode=no",
		"-o", "ConnectTimeout=10",
		"-o", "LogLevel=ERROR",
	}
}

// runOpenSSH runs the real ssh client with flags, then the host, then the
// remote command words, as a script would, and returns its output and exit
// code.
func runOpenSSH(t *testing.T, port, knownHosts string, stdin io.Reader, flags []string, remote ...string) (stdout, stderr string, code int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	args := append(append(opensshArgs(port, knownHosts), flags...), "127.0.0.1")
	cmd := exec.CommandContext(ctx, "ssh", append(args, remote...)...)
	cmd.Stdin = stdin
	var out, errb syncBuffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case ctx.Err() != nil:
		t.Fatalf("ssh %q did not finish within %s; stdout %q stderr %q", remote, waitTimeout, tail(out.String(), 500), errb.String())
	case err == nil:
	case errors.As(err, &exit):
		code = exit.ExitCode()
	default:
		t.Fatalf("ssh %q: %v", remote, err)
	}
	return out.String(), errb.String(), code
}

// TestEndToEndCommands drives the real OpenSSH client as scripts and
// visitors without the UI use it.
func TestEndToEndCommands(t *testing.T) {
	requireTools(t, "ssh")
	t.Parallel()
	ts := startServer(t, t.TempDir())
	pf := testPortfolio(t)
	_, port, _ := strings.Cut(ts.addr, "127.0.0.1:")
	host := ts.sshCommand()
	knownHosts := filepath.Join(t.TempDir(), "known_hosts")
	// The subtests share known_hosts, so they run one after the other.

	t.Run("ssh -T host", func(t *testing.T) {
		out, stderr, code := runOpenSSH(t, port, knownHosts, nil, []string{"-T"})
		if code != 0 {
			t.Fatalf("exit %d, want 0; stderr %q", code, stderr)
		}
		if strings.ContainsRune(out, 0x1b) {
			t.Errorf("stdout holds an ESC byte")
		}
		if want := commands.AllText(pf, 80, host); out != want {
			t.Errorf("stdout is not the whole portfolio:\n%s", tail(out, 3000))
		}
		if stderr != "" {
			t.Errorf("stderr = %q", stderr)
		}
	})

	t.Run("projects notelytix --json", func(t *testing.T) {
		out, stderr, code := runOpenSSH(t, port, knownHosts, nil, nil, "projects", "notelytix", "--json")
		if code != 0 {
			t.Fatalf("exit %d; stderr %q", code, stderr)
		}
		var p commands.Project
		if err := json.Unmarshal([]byte(out), &p); err != nil {
			t.Fatalf("not JSON: %v\n%s", err, out)
		}
		want := pf.Projects[0]
		if p.Slug != "notelytix" || p.Title != want.Title || p.Markdown != want.Body || strings.Join(p.Stack, ",") != strings.Join(want.Stack, ",") {
			t.Errorf("got %+v", p)
		}
	})

	t.Run("echo hi | contact", func(t *testing.T) {
		out, stderr, code := runOpenSSH(t, port, knownHosts, strings.NewReader("hi\n"), nil,
			"contact", "--name", "Jane", "--reply-to", "jane@example.com")
		if code != 0 {
			t.Fatalf("exit %d; stderr %q", code, stderr)
		}
		msgs := storedMessages(t, ts)
		if len(msgs) != 1 {
			t.Fatalf("%d messages stored, want 1", len(msgs))
		}
		m := msgs[0]
		if m.Message != "hi" || m.Name != "Jane" || m.ReplyTo != "jane@example.com" || m.Remote != "127.0.0.1" {
			t.Errorf("stored %+v", m)
		}
		if !strings.Contains(out, m.ID) {
			t.Errorf("stdout %q lacks the id %s", out, m.ID)
		}
	})

	t.Run("nope", func(t *testing.T) {
		out, stderr, code := runOpenSSH(t, port, knownHosts, nil, nil, "nope")
		if code != 2 {
			t.Errorf("exit %d, want 2", code)
		}
		if out != "" || !strings.Contains(stderr, `"nope"`) || !strings.Contains(stderr, host+" help") {
			t.Errorf("stdout %q, stderr %q; want an error naming nope and the help hint", out, stderr)
		}
	})

	// Arguments are data: the shell syntax reaches the server as words.
	t.Run("no shell", func(t *testing.T) {
		pwned := filepath.Join(t.TempDir(), "pwned")
		_, stderr, code := runOpenSSH(t, port, knownHosts, nil, nil, "'$(touch "+pwned+")'")
		if code != 2 || !strings.Contains(stderr, "$(touch") {
			t.Errorf("exit %d, stderr %q; want 2 and an unknown command", code, stderr)
		}
		if _, err := os.Stat(pwned); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s was created", pwned)
		}
	})
}

// TestEndToEndDeepLink: `ssh -tt host projects notelytix` in a real
// terminal opens the app on that case study; q exits 0.
func TestEndToEndDeepLink(t *testing.T) {
	requireTools(t, "tmux", "ssh")
	t.Parallel()
	ts := startServer(t, t.TempDir())
	x, waitExit := openSSHInTmux(t, ts, "projects", "notelytix")

	study := x.waitScreen("Goal", "System Architecture")
	if !strings.Contains(study, "notelytix") {
		t.Errorf("the case study screen lacks its breadcrumb:\n%s", study)
	}

	x.keys("q")
	if exit := waitExit(); exit != "EXIT=0" {
		t.Errorf("ssh exited with %s, want EXIT=0; screen:\n%s", exit, x.capture())
	}
}
