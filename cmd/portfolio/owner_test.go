package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/pragyamugale/portfolio/content"
)

// TestCLINeverNamesTheOwner: the server's own help texts are the same for
// every portfolio; only content/ names the owner.
func TestCLINeverNamesTheOwner(t *testing.T) {
	clearEnv(t)
	pf, err := content.Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"--help"}, {"inbox", "--help"}, {"inbox", "show", "--help"}, {"hostkey", "--help"}, {"--version"}} {
		out := runCLI(t, args...)
		for _, word := range strings.Fields(pf.Profile.Name) {
			if strings.Contains(out, word) {
				t.Errorf("%q names the owner (%q):\n%s", args, word, out)
			}
		}
	}
}

// runCLI runs the command line, which must succeed, and returns what it
// printed.
func runCLI(t *testing.T, args ...string) string {
	t.Helper()
	cmd := newRootCmd()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs(args)
	if err := cmd.Execute(); err != nil {
		t.Fatalf("%q: %v", args, err)
	}
	return out.String()
}
