package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/pragyamugale/portfolio/internal/resume"
)

// TestResumeOverSSH: `resume --format pdf` over an exec channel without a
// pty (the x/crypto client, as `ssh host resume …` sends it) carries the
// PDF byte for byte; JSON and text too. With a pty the PDF is refused
// (a terminal would mangle it and show garbage), with how to save it.
func TestResumeOverSSH(t *testing.T) {
	t.Parallel()
	ts := startCmdServer(t, nil)
	pf := testPortfolio(t)
	c, _ := dial(t, ts.addr, "visitor", noAuth())
	a4, _ := resume.PDFBytes(pf, resume.A4)
	letter, _ := resume.PDFBytes(pf, resume.Letter)
	js, _ := resume.JSONBytes(pf)
	for cmd, want := range map[string][]byte{
		"resume --format pdf":                  a4,
		"resume --format pdf --paper letter":   letter,
		"resume --format json":                 js,
		"resume":                               []byte(resume.PlainText(pf, 80)),
		"resume --format md":                   []byte(resume.MarkdownText(pf, 80)),
		"resume --format=pdf --paper=LETTER  ": letter,
	} {
		r := execCmd(t, c, cmd, cmdOpts{})
		if r.code != 0 || r.stderr != "" {
			t.Errorf("%q: exit %d, stderr %q", cmd, r.code, r.stderr)
		}
		if !bytes.Equal([]byte(r.stdout), want) {
			t.Errorf("%q: %d bytes, not the %d of the CV", cmd, len(r.stdout), len(want))
		}
	}

	tm := openTermCmd(t, c, "resume --format pdf", 80, 24)
	var exit *gossh.ExitError
	if err := tm.wait(waitTimeout); !errors.As(err, &exit) || exit.ExitStatus() != 2 {
		t.Errorf("a PDF to a terminal: %v, want exit status 2", err)
	}
	if got := tm.stderr.String() + tm.out.String(); !strings.Contains(got, "resume --format pdf > cv.pdf") {
		t.Errorf("a PDF to a terminal: the refusal doesn't say how to save it: %q", got)
	}
	if strings.Contains(tm.out.String(), "%PDF") {
		t.Error("the PDF was written to the terminal")
	}
}

// TestEndToEndResumeOpenSSH: with the real OpenSSH client, exactly as a
// recruiter types it, `ssh host resume --format pdf > cv.pdf` saves the
// same bytes as the owner's `portfolio resume --format pdf` on the
// machine, and the JSON parses.
func TestEndToEndResumeOpenSSH(t *testing.T) {
	requireTools(t, "ssh", "sh")
	t.Parallel()
	ts := startServer(t, t.TempDir())
	_, port, _ := strings.Cut(ts.addr, "127.0.0.1:")
	dir := t.TempDir()
	knownHosts := filepath.Join(dir, "known_hosts")

	// The owner's command line, built from this module.
	bin := filepath.Join(dir, "portfolio")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute) // a cold build on a busy machine
	defer cancel()
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/portfolio")
	build.Dir = moduleRoot(t)
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cli := filepath.Join(dir, "cli.pdf")
	over := filepath.Join(dir, "Pragya-Mugale.pdf")
	sh := func(script string, args ...string) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
		defer cancel()
		cmd := exec.CommandContext(ctx, "sh", append([]string{"-c", script, "sh"}, args...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", script, err, out)
		}
	}
	sh(`PORTFOLIO_CONTENT= "$1" resume --format pdf > "$2"`, bin, cli)
	sshArgs := strings.Join(quoteAll(opensshArgs(port, knownHosts)), " ")
	sh(`ssh `+sshArgs+` 127.0.0.1 resume --format pdf > "$1"`, over)
	a, _ := os.ReadFile(cli)
	b, _ := os.ReadFile(over)
	if len(a) == 0 || !bytes.HasPrefix(a, []byte("%PDF-")) || !bytes.Equal(a, b) {
		t.Fatalf("ssh resume --format pdf gave %d bytes, the CLI %d: not the same PDF", len(b), len(a))
	}

	out, stderr, code := runOpenSSH(t, port, knownHosts, nil, nil, "resume", "--format", "json")
	var v struct {
		Basics struct{ Name string } `json:"basics"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &v) != nil || v.Basics.Name != testPortfolio(t).Profile.Name {
		t.Errorf("resume --format json: exit %d, stderr %q, %q", code, stderr, tail(out, 300))
	}
}

// moduleRoot is the folder of go.mod, above this file's.
func moduleRoot(t *testing.T) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	for dir := filepath.Dir(file); ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		if dir == filepath.Dir(dir) {
			t.Fatal("no go.mod above " + file)
		}
	}
}

// quoteAll quotes words for sh.
func quoteAll(words []string) []string {
	out := make([]string, len(words))
	for i, w := range words {
		out[i] = "'" + strings.ReplaceAll(w, "'", `'\''`) + "'"
	}
	return out
}
