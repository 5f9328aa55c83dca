package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pragyamugale/portfolio/content"
	"github.com/pragyamugale/portfolio/internal/resume"
)

func runResume(t *testing.T, args ...string) (string, error) {
	t.Helper()
	t.Setenv("PORTFOLIO_CONTENT", "")
	cmd := newRootCmd()
	var out, errb bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&errb)
	cmd.SetArgs(append([]string{"resume"}, args...))
	err := cmd.Execute()
	return out.String(), err
}

// TestResumeCLI: `portfolio resume` prints the CV of the embedded content
// or of --content, in each format; the PDF is the one `ssh host resume
// --format pdf` sends (both are resume.PDFBytes of the same content).
func TestResumeCLI(t *testing.T) {
	pf, err := content.Default()
	if err != nil {
		t.Fatal(err)
	}
	pdf, _ := resume.PDFBytes(pf, resume.Letter)
	got, err := runResume(t, "--format", "pdf", "--paper", "letter")
	if err != nil || got != string(pdf) {
		t.Fatalf("resume --format pdf: %d bytes, %v; want the %d bytes of resume.PDFBytes", len(got), err, len(pdf))
	}
	other := filepath.Join("..", "..", "content", "testdata", "other-owner")
	got, err = runResume(t, "--content", other, "--format", "md")
	if err != nil || !strings.HasPrefix(got, "# Zoë Okafor\n") || strings.Contains(got, "Pragya") {
		t.Errorf("resume --content other-owner --format md: %v\n%s", err, got)
	}
	if _, err := runResume(t, "--format", "docx"); err == nil || !strings.Contains(err.Error(), "pdf, json, md, txt") {
		t.Errorf("resume --format docx: %v", err)
	}
}
