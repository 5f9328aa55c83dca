package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/pragyamugale/portfolio/inbox"
	"github.com/pragyamugale/portfolio/server"
)

// newInboxCmd is `portfolio inbox`: the owner reads messages on the
// machine, even while the server runs.
func newInboxCmd(cfg *server.Config) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "inbox",
		Short: "List the messages visitors left, newest first",
		Long: "List the messages visitors left through the contact form, newest first.\n" +
			"Reads <data-dir>/messages.jsonl; safe to run while the server is running.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			msgs, err := readInbox(cmd, cfg.DataDir)
			if err != nil {
				return err
			}
			if asJSON {
				if msgs == nil {
					msgs = []inbox.Message{} // [] rather than null
				}
				return writeJSON(cmd.OutOrStdout(), msgs)
			}
			return listMessages(cmd.OutOrStdout(), msgs)
		},
	}
	show := &cobra.Command{
		Use:   "show ID",
		Short: "Print one message in full (ID or a unique prefix of it)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			msgs, err := readInbox(cmd, cfg.DataDir)
			if err != nil {
				return err
			}
			m, ok := inbox.Find(msgs, args[0])
			if !ok {
				return fmt.Errorf("no message with id %q (or the prefix matches several)", inbox.Sanitize(args[0], false))
			}
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), m)
			}
			return showMessage(cmd.OutOrStdout(), m)
		},
	}
	cmd.PersistentFlags().BoolVar(&asJSON, "json", false, "print JSON instead of text")
	cmd.AddCommand(show)
	return cmd
}

// readInbox reads every message, warning on stderr about skipped lines.
func readInbox(cmd *cobra.Command, dir string) ([]inbox.Message, error) {
	msgs, rep, err := inbox.ReadAll(dir)
	if err != nil {
		return nil, err
	}
	if rep.Corrupt > 0 {
		fmt.Fprintf(cmd.ErrOrStderr(), "warning: skipped %d corrupt line(s) in %s\n", rep.Corrupt, inbox.FileName)
	}
	if rep.Torn {
		fmt.Fprintf(cmd.ErrOrStderr(), "warning: the last line of %s is incomplete (a write in progress or a crash); skipped\n", inbox.FileName)
	}
	return msgs, nil
}

func listMessages(w io.Writer, msgs []inbox.Message) error {
	if len(msgs) == 0 {
		_, err := fmt.Fprintln(w, "No messages yet.")
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "TIME (UTC)\tID\tNAME\tREPLY-TO\tMESSAGE")
	for _, m := range msgs {
		first, _, _ := strings.Cut(m.Message, "\n")
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n",
			m.Time.UTC().Format("2006-01-02 15:04"), m.ID,
			clip(m.Name, 24), clip(m.ReplyTo, 32), clip(first, 48))
	}
	return tw.Flush()
}

func showMessage(w io.Writer, m inbox.Message) error {
	fmt.Fprintf(w, "Id:        %s\n", m.ID)
	fmt.Fprintf(w, "Time:      %s\n", m.Time.UTC().Format("2006-01-02 15:04:05 UTC"))
	fmt.Fprintf(w, "From:      %s\n", m.Name)
	fmt.Fprintf(w, "Reply-to:  %s\n", m.ReplyTo)
	if m.Fingerprint != "" {
		fmt.Fprintf(w, "Key:       %s\n", m.Fingerprint)
	}
	fmt.Fprintf(w, "Address:   %s\n\n", m.Remote)
	_, err := fmt.Fprintln(w, m.Message)
	return err
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// clip shortens s to n characters for the list.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
