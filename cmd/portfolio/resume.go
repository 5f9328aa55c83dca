package main

import (
	"os"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/pragyamugale/portfolio/content"
	"github.com/pragyamugale/portfolio/internal/commands"
	"github.com/pragyamugale/portfolio/internal/config"
)

// newResumeCmd is `portfolio resume`: the owner's CV from the content
// (--content, or the embedded copy), the same bytes as
// `ssh host resume` gives a visitor.
func newResumeCmd(cfg *config.Config) *cobra.Command {
	var f commands.ResumeFlags
	cmd := &cobra.Command{
		Use:   "resume",
		Short: "Print the CV (--format pdf|json|md|txt, --paper a4|letter)",
		Long: "Print the CV made from the content: plain text by default, or --format pdf (A4, or --paper letter), " +
			"json (the JSON Resume schema) or md. Save a PDF with: portfolio resume --format pdf > cv.pdf",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			pf, err := loadContent(cfg.ContentDir)
			if err != nil {
				return err
			}
			tty := term.IsTerminal(int(os.Stdout.Fd())) && cmd.OutOrStdout() == os.Stdout
			return commands.WriteResume(cmd.OutOrStdout(), pf, f, tty, "portfolio")
		},
	}
	f.Bind(cmd)
	return cmd
}

// loadContent is the portfolio of --content, or the embedded one, for a
// command that only reads it (no warnings: `portfolio check` lists them).
func loadContent(dir string) (*content.Portfolio, error) {
	if dir == "" {
		return content.Default()
	}
	return content.LoadDir(dir)
}
