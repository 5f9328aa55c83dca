package main

import (
	"regexp"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// cobra's own wording, which the owner must never see.
var cobraWording = regexp.MustCompile(`arg\(s\)|accepts \d|requires at least|received \d|for "portfolio`)

// TestArgErrorsForPeople runs every owner command with arguments it
// doesn't take (or without the ids it needs): each answers with one
// sentence of its own that says what was expected, never cobra's
// "requires at least 1 arg(s), only received 0".
func TestArgErrorsForPeople(t *testing.T) {
	var walk func(c *cobra.Command)
	var cases [][]string
	walk = func(c *cobra.Command) {
		if c.Runnable() && c.Name() != "help" && c.Name() != "completion" {
			path := strings.Fields(c.CommandPath())[1:]
			if strings.Contains(c.Use, "ID") || strings.Contains(c.Use, "DIR") || strings.Contains(c.Use, "LABEL") {
				cases = append(cases, path) // no ids, no folder, no label
			} else {
				cases = append(cases, append(append([]string(nil), path...), "extra"))
			}
		}
		for _, s := range c.Commands() {
			walk(s)
		}
	}
	walk(newRootCmd())
	cases = append(cases, []string{"inbox", "show", "a", "b"}, []string{"inbox", "--nope"})
	if len(cases) < 8 {
		t.Fatalf("only %d commands found: %v", len(cases), cases)
	}
	for _, args := range cases {
		_, _, err := runInbox(t, append(args, "--data-dir", t.TempDir())...)
		if err == nil {
			t.Errorf("portfolio %s: no error", strings.Join(args, " "))
			continue
		}
		msg := err.Error()
		if cobraWording.MatchString(msg) || strings.Contains(msg, "\n") {
			t.Errorf("portfolio %s: %q is cobra's wording, not a sentence for a person", strings.Join(args, " "), msg)
		}
		t.Logf("portfolio %s: %s", strings.Join(args, " "), msg)
	}
	for args, want := range map[string]string{
		"inbox archive":  "which message? Give its id, for example: portfolio inbox archive 6dj7 (portfolio inbox lists the ids)",
		"inbox show a b": "inbox show takes one message id, but was given 2",
		"init":           "which folder? Give one to create, for example: portfolio init my-portfolio",
		"init a b":       "init takes one folder, but was given 2",
		"stats extra":    `stats takes no arguments, but was given "extra" (see portfolio stats --help)`,
		"inbox extra":    `no command "extra" in portfolio inbox; its commands are archive, export, import, show and unarchive (see portfolio inbox --help)`,
	} {
		if _, _, err := runInbox(t, strings.Fields(args)...); err == nil || err.Error() != want {
			t.Errorf("portfolio %s: %v, want %q", args, err, want)
		}
	}
}
