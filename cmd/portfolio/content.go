package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/pragyamugale/portfolio/content"
	"github.com/pragyamugale/portfolio/internal/config"
)

// isTerminal reports whether r is a terminal a person types at; a
// variable so tests can answer the questions through a pipe.
var isTerminal = func(r any) bool {
	f, ok := r.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// newInitCmd is `portfolio init DIR`: a content folder to fill in.
func newInitCmd() *cobra.Command {
	var v content.InitValues
	cmd := &cobra.Command{
		Use:   "init DIR",
		Short: "Write a content folder to fill in: your own portfolio",
		Long: "Write a new content folder at DIR (which must not exist, or be empty): profile.md,\n" +
			"skills.yaml, contact.md, projects/example-project.md and theme.yaml, every setting\n" +
			"with a note. Values come from the flags or, at a terminal, from questions; the rest\n" +
			"are examples, marked \"# EXAMPLE\". Then: portfolio check --content DIR, and\n" +
			"portfolio --content DIR to serve it.",
		Args: oneDir,
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := args[0]
			if isTerminal(cmd.InOrStdin()) {
				if err := ask(cmd, &v); err != nil {
					return err
				}
			}
			files, err := content.Init(dir, v)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "Wrote a portfolio to fill in:\n")
			for _, f := range files {
				fmt.Fprintf(out, "  %s\n", f)
			}
			fmt.Fprintf(out, "Next:\n"+
				"  1. edit the files: lines marked \"# EXAMPLE\" hold examples to replace\n"+
				"  2. portfolio check --content %[1]s\n"+
				"  3. portfolio --content %[1]s   and visit it: ssh -p 23234 localhost\n", shellQuote(dir))
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&v.Name, "name", "", "your name")
	f.StringVar(&v.Title, "title", "", "what you do, e.g. \"Backend Engineer\"")
	f.StringVar(&v.Tagline, "tagline", "", "a sentence about your work")
	f.StringVar(&v.Email, "email", "", "an email address for visitors")
	f.StringVar(&v.Website, "website", "", "a site or profile, https://…")
	f.SortFlags = false
	return cmd
}

// ask asks, at a terminal, for each value the flags didn't give; Enter
// keeps the example.
func ask(cmd *cobra.Command, v *content.InitValues) error {
	in := bufio.NewReader(cmd.InOrStdin())
	w := cmd.ErrOrStderr()
	fmt.Fprintln(w, "A few questions for your portfolio (Enter leaves an example to edit later):")
	for _, q := range []struct {
		flag, prompt string
		value        *string
		check        func(string) content.InitValues
	}{
		{"name", "Your name", &v.Name, func(s string) content.InitValues { return content.InitValues{Name: s} }},
		{"title", "What you do (e.g. Backend Engineer)", &v.Title, func(s string) content.InitValues { return content.InitValues{Title: s} }},
		{"tagline", "A sentence about your work", &v.Tagline, func(s string) content.InitValues { return content.InitValues{Tagline: s} }},
		{"email", "Email address for visitors", &v.Email, func(s string) content.InitValues { return content.InitValues{Email: s} }},
		{"website", "A site or profile (https://…)", &v.Website, func(s string) content.InitValues { return content.InitValues{Website: s} }},
	} {
		if cmd.Flags().Changed(q.flag) {
			continue
		}
		for tries := 0; ; tries++ {
			fmt.Fprintf(w, "%s: ", q.prompt)
			line, err := in.ReadString('\n')
			line = strings.TrimSpace(line)
			if verr := q.check(line).Validate(); verr != nil && line != "" {
				if tries == 2 {
					return verr
				}
				fmt.Fprintln(w, verr)
				continue
			}
			*q.value = line
			if err != nil && !errors.Is(err, io.EOF) {
				return err
			}
			if errors.Is(err, io.EOF) {
				return nil // no more answers: examples for the rest
			}
			break
		}
	}
	return nil
}

// shellQuote quotes a path for the printed next steps when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r == '/' || r == '.' || r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// errContent is check's exit status 1: the findings are already printed.
var errContent = errors.New("the content has errors; the server would refuse it")

// newCheckCmd is `portfolio check`: what the server would refuse, and
// what a visitor would miss.
func newCheckCmd(cfg *config.Config) *cobra.Command {
	var asJSON bool
	dir := cfg.ContentDir
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Check the content: what the server would refuse, what a visitor would miss",
		Long: "Check the content (--content, or the embedded one) as the server does at start.\n" +
			"Each problem is printed as file:line: message. Errors (the server would refuse to\n" +
			"start) exit with status 1; warnings (what a visitor would miss: no links, a figure\n" +
			"in a highlight its case study doesn't state, lines and tables that don't fit 80×24,\n" +
			"a summary longer than a line, examples left from portfolio init) exit with 0.\n" +
			"--json prints {\"errors\": [...], \"warnings\": [...]}, each {\"file\", \"line\", \"message\"}.",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			r := content.Check(dir)
			out := cmd.OutOrStdout()
			if asJSON {
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				if err := enc.Encode(r); err != nil {
					return err
				}
			} else {
				for _, f := range r.Errors {
					fmt.Fprintln(out, f.String())
				}
				for _, f := range r.Warnings {
					f.Message = "warning: " + f.Message
					fmt.Fprintln(out, f.String())
				}
				fmt.Fprintf(cmd.ErrOrStderr(), "%d %s, %d %s\n", len(r.Errors), plural(len(r.Errors), "error", "errors"),
					len(r.Warnings), plural(len(r.Warnings), "warning", "warnings"))
			}
			if !r.OK() {
				return errContent
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&dir, "content", dir, "the content folder to check (default: the embedded content; $PORTFOLIO_CONTENT)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the findings as JSON, for editors and CI")
	return cmd
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
