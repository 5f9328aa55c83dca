package commands

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/pragyamugale/portfolio/content"
	"github.com/pragyamugale/portfolio/internal/resume"
)

// ResumeFlags are the resume command's flags, over SSH and on the
// owner's command line alike.
type ResumeFlags struct {
	Format, Paper string
	Width         int
}

// Bind declares the flags on a command.
func (f *ResumeFlags) Bind(c *cobra.Command) {
	c.Flags().StringVar(&f.Format, "format", "txt", "pdf, json (JSON Resume), md or txt")
	c.Flags().StringVar(&f.Paper, "paper", "a4", "the PDF's paper: a4 or letter")
	c.Flags().IntVar(&f.Width, "width", resume.DefaultWidth, "the column md and txt are wrapped at (30–120)")
}

// WriteResume writes the CV in the flags' format to out. The bytes
// depend only on the content and the flags, not on the channel, so
// `ssh host resume --format pdf` and `portfolio resume --format pdf`
// give the same file. A PDF is binary: to a terminal (tty) it is refused
// with how to save it instead.
func WriteResume(out io.Writer, pf *content.Portfolio, f ResumeFlags, tty bool, host string) error {
	format, err := resume.ParseFormat(f.Format)
	if err != nil {
		return usageError{err}
	}
	paper, err := resume.ParsePaper(f.Paper)
	if err != nil {
		return usageError{err}
	}
	if format == resume.PDF && tty {
		return usagef("a PDF isn't for a terminal: save it with %s", ResumeCommand(host))
	}
	b, err := resume.Render(pf, format, paper, f.Width)
	if err != nil {
		return fmt.Errorf("making the CV: %w", err)
	}
	_, err = out.Write(b)
	return err
}

// ResumeCommand is the command line that saves the CV as a PDF.
func ResumeCommand(host string) string { return resume.Command(host) }

func newResumeCmd(env *Env) *cobra.Command {
	var f ResumeFlags
	c := &cobra.Command{
		Use:   "resume [--format pdf|json|md|txt] [--paper a4|letter]",
		Short: "the CV, e.g. --format pdf > cv.pdf",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return WriteResume(cmd.OutOrStdout(), env.Portfolio, f, env.TTY, env.Host)
		},
	}
	f.Bind(c)
	return c
}
