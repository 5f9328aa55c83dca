// Package commands is the portfolio without the full-screen UI: the text
// and JSON commands a visitor runs as `ssh host about`, `ssh host projects
// NAME --json` or `echo hi | ssh host contact --name … --reply-to …`,
// and the plain-text portfolio printed to sessions without a terminal.
//
// Arguments arrive already split by the SSH library and are only ever data:
// they are parsed by cobra here and never reach a shell.
package commands

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/pragyamugale/portfolio/content"
	"github.com/pragyamugale/portfolio/internal/inbox"
)

// Exit statuses.
const (
	ExitOK    = 0
	ExitError = 1 // the command ran and failed, e.g. a rejected message
	ExitUsage = 2 // unknown command or bad arguments
)

// Env is what a command may use: the portfolio, the session's streams and
// the same message pipeline as the contact form.
type Env struct {
	Portfolio *content.Portfolio
	Submit    func(inbox.Submission) (inbox.Receipt, error)
	Version   string
	Host      string // how visitors connect, e.g. "ssh portfolio.example.com"
	Width     int    // text width to wrap at
	TTY       bool   // the session has a terminal
	Stdin     io.Reader
	Stdout    io.Writer
	Stderr    io.Writer
}

// usageError marks an error as the visitor's mistake (exit status 2).
type usageError struct{ error }

func usagef(format string, a ...any) error {
	return usageError{fmt.Errorf(format, a...)}
}

// Run executes one command line and returns its exit status. Errors are
// reported on Stderr as one line plus a hint; there is never a stack trace.
func Run(env Env, args []string) int {
	root := newRoot(&env)
	if args == nil {
		args = []string{} // cobra would read the server's own os.Args
	}
	root.SetArgs(joinFlagWords(args))
	root.SetIn(env.Stdin)
	root.SetOut(env.Stdout)
	root.SetErr(env.Stderr)
	err := root.Execute()
	if err == nil {
		return ExitOK
	}
	msg := oneLine(err.Error())
	var ue usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(env.Stderr, "portfolio: %s\nRun '%s help' to see the commands.\n", msg, env.Host)
		return ExitUsage
	}
	fmt.Fprintf(env.Stderr, "portfolio: %s\n", msg)
	return ExitError
}

// wordFlags are the contact flags whose value may be several words.
var wordFlags = []string{"--name", "--reply-to"}

// joinFlagWords makes `contact --name Jane Doe --reply-to …` work: SSH
// sends the command line as one string, joined with spaces, so the quotes
// of `--name "Jane Doe"` never arrive and the server sees two words. For
// the contact command, the words after --name or --reply-to up to the next
// flag are taken as its value (the message itself comes from stdin).
func joinFlagWords(args []string) []string {
	if len(args) == 0 || args[0] != "contact" {
		return args
	}
	out := make([]string, 0, len(args))
	joining := false // the last element of out is a word flag's value
	for i := 0; i < len(args); i++ {
		a := args[i]
		isFlag := strings.HasPrefix(a, "-")
		switch {
		case joining && !isFlag:
			out[len(out)-1] += " " + a
			continue
		case slices.Contains(wordFlags, a) && i+1 < len(args) && !strings.HasPrefix(args[i+1], "-"):
			out = append(out, a, args[i+1])
			i++
			joining = true
			continue
		}
		name, _, inline := strings.Cut(a, "=")
		joining = inline && slices.Contains(wordFlags, name)
		out = append(out, a)
	}
	return out
}

// oneLine keeps error text on one line and free of control characters.
func oneLine(s string) string {
	return inbox.Sanitize(s, false)
}

func newRoot(env *Env) *cobra.Command {
	root := &cobra.Command{
		Use:               "portfolio",
		Short:             env.Portfolio.Profile.Name + "'s portfolio",
		SilenceErrors:     true,
		SilenceUsage:      true,
		CompletionOptions: cobra.CompletionOptions{DisableDefaultCmd: true},
		// No arguments: the whole portfolio as text.
		Args: unknownCommand,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := io.WriteString(cmd.OutOrStdout(), AllText(env.Portfolio, env.Width, env.Host))
			return err
		},
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.SetHelpCommand(&cobra.Command{Hidden: true}) // replaced by our own help below
	root.SetHelpFunc(func(cmd *cobra.Command, _ []string) {
		_, _ = io.WriteString(cmd.OutOrStdout(), HelpText(env.Portfolio, env.Host))
	})

	var asJSON bool
	jsonFlag := func(c *cobra.Command) {
		c.Flags().BoolVar(&asJSON, "json", false, "print JSON (see the README for the schema)")
	}
	out := func(cmd *cobra.Command, text string, v any) error {
		if asJSON {
			enc := json.NewEncoder(cmd.OutOrStdout())
			enc.SetIndent("", "  ")
			return enc.Encode(v)
		}
		_, err := io.WriteString(cmd.OutOrStdout(), text)
		return err
	}

	about := &cobra.Command{
		Use: "about", Short: "who " + env.Portfolio.Profile.FirstName() + " is", Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return out(cmd, AboutText(env.Portfolio, env.Width), AboutJSON(env.Portfolio))
		},
	}
	jsonFlag(about)

	skills := &cobra.Command{
		Use: "skills", Short: "skills by group", Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return out(cmd, SkillsText(env.Portfolio, env.Width), SkillsJSON(env.Portfolio))
		},
	}
	jsonFlag(skills)

	projects := &cobra.Command{
		Use: "projects [NAME]", Short: "the case studies; NAME shows one in full",
		Args: maxArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return out(cmd, ProjectsText(env.Portfolio, env.Width), ProjectsJSON(env.Portfolio))
			}
			p, err := FindProject(env.Portfolio, args[0])
			if err != nil {
				return usageError{err}
			}
			return out(cmd, ProjectText(p, env.Width), ProjectJSON(p))
		},
	}
	jsonFlag(projects)

	var name, replyTo string
	contact := &cobra.Command{
		Use:   "contact [--name NAME --reply-to ADDRESS < message]",
		Short: "how to get in touch; with --name and --reply-to, sends standard input as a message",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !cmd.Flags().Changed("name") && !cmd.Flags().Changed("reply-to") {
				_, err := io.WriteString(cmd.OutOrStdout(), ContactText(env.Portfolio, env.Width, env.Host))
				return err
			}
			return sendMessage(cmd, env, name, replyTo)
		},
	}
	contact.Flags().StringVar(&name, "name", "", "your name")
	contact.Flags().StringVar(&replyTo, "reply-to", "", "where to reply: an "+inbox.ReplyToHint)

	help := &cobra.Command{
		Use: "help", Short: "every command, and how to open the full app", Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := io.WriteString(cmd.OutOrStdout(), HelpText(env.Portfolio, env.Host))
			return err
		},
	}
	version := &cobra.Command{
		Use: "version", Short: "the server's version", Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprintf(cmd.OutOrStdout(), "portfolio %s\n", env.Version)
			return err
		},
	}
	root.AddCommand(about, skills, projects, contact, help, version)
	root.AddCommand(newResumeCmd(env))
	for _, c := range root.Commands() {
		c.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
		c.Flags().BoolP("help", "h", false, "help")
		c.Flags().Lookup("help").Hidden = true
	}
	return root
}

// unknownCommand is the root's argument validator: a word that isn't a
// command is the visitor's mistake.
func unknownCommand(_ *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usagef("unknown command %q", oneLine(args[0]))
	}
	return nil
}

func noArgs(_ *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usagef("unexpected argument %q", oneLine(args[0]))
	}
	return nil
}

func maxArgs(n int) cobra.PositionalArgs {
	return func(_ *cobra.Command, args []string) error {
		if len(args) > n {
			return usagef("unexpected argument %q", oneLine(args[n]))
		}
		return nil
	}
}

// sendMessage stores standard input as a message, through the same
// validation, sanitiser, limits and store as the contact form.
func sendMessage(cmd *cobra.Command, env *Env, name, replyTo string) error {
	if env.Submit == nil {
		return errors.New("messages can't be sent right now")
	}
	if env.TTY {
		// A terminal never signals end of input over SSH (Ctrl+D is just a
		// byte), so a message must be piped in; or use the form.
		return usagef("pipe the message in (echo \"Hi\" | %s contact --name …), or use the form: %s contact",
			env.Host, strings.Replace(env.Host, "ssh ", "ssh -t ", 1))
	}
	// Read no more than a message can hold (4 bytes a character), plus one
	// byte to tell "exactly the limit" from "too long".
	limit := int64(inbox.MaxMessage*4 + 1)
	body, err := readWithin(io.LimitReader(env.Stdin, limit), stdinTimeout)
	if err != nil {
		return fmt.Errorf("reading the message: %w", err)
	}
	if int64(len(body)) >= limit {
		// Bad input like any other invalid message (status 1), not a
		// usage mistake.
		return fmt.Errorf("message (standard input): too long (max %d characters)", inbox.MaxMessage)
	}
	r, err := env.Submit(inbox.Submission{Name: name, ReplyTo: replyTo, Message: string(body)})
	var verr inbox.ValidationError
	var rerr *inbox.RateLimitError
	var busy *inbox.BusyError
	switch {
	case errors.As(err, &verr):
		parts := make([]string, len(verr))
		for i, f := range verr {
			parts[i] = flagName(f.Field) + ": " + f.Reason
		}
		return errors.New(strings.Join(parts, "; "))
	case errors.As(err, &rerr):
		return errors.New("that's the limit for now: try again in " + inbox.Wait(rerr.RetryAfter))
	case errors.As(err, &busy):
		return busy
	case err != nil:
		return errors.New("couldn't save your message, please try again later")
	}
	what := "sent"
	if r.Duplicate {
		what = "already received"
	}
	_, err = fmt.Fprintf(cmd.OutOrStdout(), "Message %s: id %s at %s UTC. Thank you!\n",
		what, r.ID, r.Time.UTC().Format("2006-01-02 15:04"))
	return err
}

// stdinTimeout bounds the wait for a piped message, so a client that never
// closes its input can't hold a session open.
const stdinTimeout = time.Minute

// readWithin reads r to the end, giving up after d.
func readWithin(r io.Reader, d time.Duration) ([]byte, error) {
	type result struct {
		b   []byte
		err error
	}
	ch := make(chan result, 1)
	go func() {
		b, err := io.ReadAll(r)
		ch <- result{b, err}
	}()
	select {
	case res := <-ch:
		return res.b, res.err
	case <-time.After(d):
		return nil, fmt.Errorf("no end of input after %s: pipe the message in, e.g. echo \"Hi\" | …", d)
	}
}

// flagName maps a form field to the flag a command-line sender used.
func flagName(field string) string {
	switch field {
	case "name":
		return "--name"
	case "reply_to":
		return "--reply-to"
	}
	return "message (standard input)"
}

// FindProject resolves a project by slug, case-insensitively, or by a
// unique prefix of its slug or title.
func FindProject(pf *content.Portfolio, name string) (content.Project, error) {
	q := strings.ToLower(strings.TrimSpace(name))
	var matches []content.Project
	for _, p := range pf.Projects {
		if p.Slug == q {
			return p, nil
		}
		if q != "" && (strings.HasPrefix(p.Slug, q) || strings.HasPrefix(strings.ToLower(p.Title), q)) {
			matches = append(matches, p)
		}
	}
	switch len(matches) {
	case 1:
		return matches[0], nil
	case 0:
		return content.Project{}, fmt.Errorf("no project %q; try one of: %s", oneLine(name), slugs(pf))
	default:
		return content.Project{}, fmt.Errorf("%q matches several projects: %s", oneLine(name), slugs(pf))
	}
}

func slugs(pf *content.Portfolio) string {
	s := make([]string, len(pf.Projects))
	for i, p := range pf.Projects {
		s[i] = p.Slug
	}
	return strings.Join(s, ", ")
}

// HelpText lists every command. The owner's name and the example case
// study come from the portfolio.
func HelpText(pf *content.Portfolio, host string) string {
	tty := strings.Replace(host, "ssh ", "ssh -t ", 1)
	example := "projects"
	if len(pf.Projects) > 0 {
		example = "projects " + pf.Projects[0].Slug
	}
	return fmt.Sprintf(`%[3]s's portfolio, over SSH.

The full app (needs a terminal):
  %[1]s

Commands (plain text, for pipes, scripts and screen readers):
  %[1]s about               who %[4]s is
  %[1]s skills              skills by group
  %[1]s projects            the case studies
  %[1]s projects NAME       one case study in full, e.g. %[5]s
  %[1]s contact             how to get in touch
  %[1]s resume              the CV as text; --format pdf, json or md
  %[6]s
  %[1]s help                this help
  %[1]s version             the server's version

  --json on about, skills and projects prints JSON.
  Without a command, the whole portfolio is printed as text.

Leave a message:
  echo "Hello!" | %[1]s contact --name "Your Name" --reply-to you@example.com

With a terminal, a command opens the full app at that page:
  %[2]s %[5]s
`, host, tty, pf.Profile.Name, pf.Profile.FirstName(), example, ResumeCommand(host))
}
