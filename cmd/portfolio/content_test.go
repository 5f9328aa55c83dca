package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/pragyamugale/portfolio/content"
	"github.com/pragyamugale/portfolio/internal/testkit"
)

// runCmd runs the command line with stdin and returns stdout, stderr and
// its error.
func runCmd(t *testing.T, stdin string, args ...string) (string, string, error) {
	t.Helper()
	cmd := newRootCmd()
	var out, errOut bytes.Buffer
	cmd.SetIn(strings.NewReader(stdin))
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SetArgs(args)
	err := cmd.Execute()
	return out.String(), errOut.String(), err
}

// TestInitCheckServe: `portfolio init` writes a folder that passes
// `portfolio check`, loads, and serves at once: the server started on it
// answers over SSH with the name given.
func TestInitCheckServe(t *testing.T) {
	clearEnv(t)
	dir := filepath.Join(t.TempDir(), "my-portfolio")
	out, _, err := runCmd(t, "", "init", dir, "--name", "Ada Quinn", "--title", "Platform Engineer", "--email", "ada@example.org")
	if err != nil {
		t.Fatalf("init: %v", err)
	}
	if !strings.Contains(out, filepath.Join(dir, "profile.md")) || !strings.Contains(out, "portfolio check --content "+dir) {
		t.Errorf("init's output doesn't say what it wrote and what next:\n%s", out)
	}
	out, summary, err := runCmd(t, "", "check", "--content", dir)
	if err != nil {
		t.Fatalf("check fails on init's folder: %v\n%s", err, out)
	}
	if !strings.HasPrefix(summary, "0 errors") || !strings.Contains(out, "warning: ") {
		t.Errorf("check: %q / %q, want warnings for the examples, no errors", out, summary)
	}
	if _, err := content.LoadDir(dir); err != nil {
		t.Fatal(err)
	}
	// Refuses to write over it.
	if _, _, err := runCmd(t, "", "init", dir); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("init over a full folder: %v", err)
	}

	// It serves: ssh host about names the owner.
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cmd := newRootCmd()
	cmd.SetArgs([]string{"--addr", addr, "--content", dir, "--data-dir", t.TempDir(), "--host-key-dir", t.TempDir(), "--log-level", "error"})
	done := make(chan error, 1)
	go func() { done <- cmd.ExecuteContext(ctx) }()
	cfg := &gossh.ClientConfig{
		User: "visitor",
		Auth: []gossh.AuthMethod{gossh.KeyboardInteractive(
			func(string, string, []string, []bool) ([]string, error) { return nil, nil })},
		HostKeyCallback: gossh.InsecureIgnoreHostKey(),
		Timeout:         5 * time.Second,
	}
	var about string
	ok := testkit.Eventually(20*time.Second, 20*time.Millisecond, func() bool {
		select {
		case err := <-done:
			t.Fatalf("server ended: %v", err)
		default:
		}
		c, err := gossh.Dial("tcp", addr, cfg)
		if err != nil {
			return false
		}
		defer c.Close()
		s, err := c.NewSession()
		if err != nil {
			return false
		}
		defer s.Close()
		b, err := s.Output("about")
		about = string(b)
		return err == nil
	})
	if !ok || !strings.Contains(about, "Ada Quinn") || !strings.Contains(about, "Platform Engineer") {
		t.Errorf("ssh about = %q, want the name and title given to init", about)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		t.Fatal("server did not stop within 15s")
	}
}

// TestInitAsks: at a terminal, init asks for what the flags didn't give,
// again when an answer is no good, and Enter leaves the example.
func TestInitAsks(t *testing.T) {
	old := isTerminal
	isTerminal = func(any) bool { return true }
	defer func() { isTerminal = old }()
	dir := filepath.Join(t.TempDir(), "p")
	_, prompts, err := runCmd(t, "Ada Quinn\nShips boring software.\nnot-an-address\nada@example.org\n\n", "init", dir, "--title", "SRE")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(prompts, "What you do") || !strings.Contains(prompts, "Your name") || !strings.Contains(prompts, "is not an address") {
		t.Errorf("prompts:\n%s", prompts)
	}
	pf, err := content.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	p := pf.Profile
	if p.Name != "Ada Quinn" || p.Title != "SRE" || p.Tagline != "Ships boring software." || p.Links[0].URL != "mailto:ada@example.org" {
		t.Errorf("profile = %+v", p)
	}
}

// TestCheckCommand: errors as file:line: message with exit status 1,
// warnings with 0, --json in the documented shape; and the server
// refuses to start on what check calls an error.
func TestCheckCommand(t *testing.T) {
	clearEnv(t)
	dir := t.TempDir()
	if _, err := content.Init(dir, content.InitValues{Name: "Ada"}); err != nil {
		t.Fatal(err)
	}
	bad := "accent:\n  dark: \"#333333\"\n"
	if err := os.WriteFile(filepath.Join(dir, "theme.yaml"), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(dir, "theme.yaml") + ":2: accent dark: colour #333333 has contrast 1.11:1 on the dark background #282C34"
	out, _, err := runCmd(t, "", "check", "--content", dir)
	if !errors.Is(err, errContent) || !strings.Contains(out, want) {
		t.Errorf("check = %v:\n%s\nwant exit 1 and %q", err, out, want)
	}
	out, _, err = runCmd(t, "", "check", "--content", dir, "--json")
	var r struct {
		Errors, Warnings []struct {
			File    string
			Line    int
			Message string
		}
	}
	if jerr := json.Unmarshal([]byte(out), &r); jerr != nil || err == nil || len(r.Errors) != 1 || r.Errors[0].Line != 2 {
		t.Errorf("check --json = %v, %v:\n%s", err, jerr, out)
	}
	// The server runs the same check at start and refuses.
	cmd := newRootCmd()
	cmd.SetArgs([]string{"--addr", freeAddr(t), "--content", dir, "--data-dir", t.TempDir(), "--host-key-dir", t.TempDir()})
	cmd.SetOut(new(bytes.Buffer))
	if err := cmd.Execute(); err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("server started on content check refuses: %v", err)
	}
}
