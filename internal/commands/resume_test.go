package commands

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/pragyamugale/portfolio/internal/resume"
)

// TestResumeCommand: `resume` prints the CV in each format, the same
// bytes as the resume package makes (and so as the owner's CLI), with no
// dependence on the session's width.
func TestResumeCommand(t *testing.T) {
	pf := defaultPortfolio(t)
	pdf, err := resume.PDFBytes(pf, resume.A4)
	if err != nil {
		t.Fatal(err)
	}
	letter, _ := resume.PDFBytes(pf, resume.Letter)
	js, _ := resume.JSONBytes(pf)
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"resume"}, resume.PlainText(pf, 80)},
		{[]string{"resume", "--format", "txt"}, resume.PlainText(pf, 80)},
		{[]string{"resume", "--format", "md", "--width", "60"}, resume.MarkdownText(pf, 60)},
		{[]string{"resume", "--format", "json"}, string(js)},
		{[]string{"resume", "--format", "pdf"}, string(pdf)},
		{[]string{"resume", "--format=PDF", "--paper", "letter"}, string(letter)},
	}
	for _, tc := range cases {
		r := run(testEnv(t, 37), tc.args...)
		if r.code != ExitOK || r.stderr != "" {
			t.Errorf("%v: exit %d, stderr %q", tc.args, r.code, r.stderr)
		}
		if r.stdout != tc.want {
			t.Errorf("%v: %d bytes, want %d", tc.args, len(r.stdout), len(tc.want))
		}
	}
	if !strings.HasPrefix(string(pdf), "%PDF-") {
		t.Errorf("the PDF starts %q", pdf[:8])
	}
	var v map[string]any
	if err := json.Unmarshal(js, &v); err != nil {
		t.Errorf("resume --format json is not JSON: %v", err)
	}
}

// TestResumeCommandRefuses: a bad format or paper is a usage error; a
// PDF isn't written to a terminal, and the error says how to save it.
func TestResumeCommandRefuses(t *testing.T) {
	for _, args := range [][]string{
		{"resume", "--format", "docx"}, {"resume", "--paper", "a3"}, {"resume", "extra"},
	} {
		assertUsageError(t, run(testEnv(t, 80), args...), "")
	}
	env := testEnv(t, 80)
	env.TTY = true
	r := run(env, "resume", "--format", "pdf")
	if r.code != ExitUsage || r.stdout != "" || !strings.Contains(r.stderr, testHost+" resume --format pdf > cv.pdf") {
		t.Errorf("a PDF to a terminal: exit %d, stdout %d bytes, stderr %q", r.code, len(r.stdout), r.stderr)
	}
	// Text is fine on a terminal.
	if r := run(env, "resume"); r.code != ExitOK || !bytes.Contains([]byte(r.stdout), []byte("SKILLS")) {
		t.Errorf("resume on a terminal: exit %d, %q", r.code, r.stderr)
	}
}
