package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/spf13/cobra"

	"github.com/pragyamugale/portfolio/inbox"
	"github.com/pragyamugale/portfolio/server"
)

// listLimit is how many messages `portfolio inbox` lists by default.
const listLimit = 100

// newInboxCmd is `portfolio inbox`: the owner reads messages on the
// machine, even while the server runs. It reads only the records it
// prints, so it stays quick however many messages there are.
func newInboxCmd(cfg *server.Config) *cobra.Command {
	var (
		asJSON bool
		limit  int
	)
	cmd := &cobra.Command{
		Use:   "inbox",
		Short: "List the messages visitors left, newest first",
		Long: "List the messages visitors left through the contact form, newest first.\n" +
			"Reads <data-dir>/messages.jsonl; safe to run while the server is running.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if cfg.DatabaseURL != "" {
				if asJSON && !cmd.Flags().Changed("limit") {
					limit = 0
				}
				return dbInbox(cmd, cfg, limit, asJSON)
			}
			l, err := readInbox(cmd, cfg.DataDir)
			if err != nil {
				return err
			}
			if asJSON && !cmd.Flags().Changed("limit") {
				limit = 0 // machine-readable: everything unless asked
			}
			n := l.Len()
			if limit > 0 && limit < n {
				n = limit
				fmt.Fprintf(cmd.ErrOrStderr(), "showing the newest %d of %d messages (--limit 0 lists all)\n", n, l.Len())
			}
			msgs, err := l.Messages(0, n)
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
			if cfg.DatabaseURL != "" {
				return dbShow(cmd, cfg, args[0], asJSON)
			}
			l, err := readInbox(cmd, cfg.DataDir)
			if err != nil {
				return err
			}
			m, ok, err := l.Find(args[0])
			if err != nil {
				return err
			}
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
	cmd.Flags().IntVarP(&limit, "limit", "n", listLimit, "list at most this many messages, newest first; 0 lists all (--json lists all unless given)")
	cmd.AddCommand(show, newImportCmd(cfg))
	return cmd
}

// readInbox indexes the log and says on stderr what is quarantined (one
// line) and whether the last line is still being written.
func readInbox(cmd *cobra.Command, dir string) (*inbox.Listing, error) {
	l, err := inbox.ReadListing(dir)
	if err != nil {
		return nil, err
	}
	q, err := inbox.Quarantined(dir, l)
	if err != nil {
		return nil, err
	}
	if line := q.String(); line != "" {
		fmt.Fprintf(cmd.ErrOrStderr(), "warning: %s\n", line)
	}
	if l.Report.Torn {
		fmt.Fprintf(cmd.ErrOrStderr(), "warning: the last line of %s is incomplete (a write in progress or a crash); skipped\n", inbox.FileName)
	}
	return l, nil
}

// listMessages prints one row per message, in columns measured in
// terminal cells (CJK and emoji take two).
func listMessages(w io.Writer, msgs []inbox.Message) error {
	if len(msgs) == 0 {
		_, err := fmt.Fprintln(w, "No messages yet.")
		return err
	}
	rows := [][]string{{"TIME (UTC)", "ID", "NAME", "REPLY-TO", "MESSAGE"}}
	for _, m := range msgs {
		first, _, _ := strings.Cut(m.Message, "\n")
		rows = append(rows, []string{
			m.Time.UTC().Format("2006-01-02 15:04"), m.ID,
			clip(m.Name, 24), clip(m.ReplyTo, 32), clip(first, 48),
		})
	}
	widths := make([]int, len(rows[0]))
	for _, r := range rows {
		for i, c := range r {
			widths[i] = max(widths[i], ansi.StringWidth(c))
		}
	}
	bw := bufio.NewWriter(w)
	for _, r := range rows {
		for i, c := range r {
			bw.WriteString(c)
			if i < len(r)-1 {
				bw.WriteString(strings.Repeat(" ", widths[i]-ansi.StringWidth(c)+2))
			}
		}
		bw.WriteByte('\n')
	}
	return bw.Flush()
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

// clip shortens s to n terminal cells for the list.
func clip(s string, n int) string { return ansi.Truncate(s, n, "…") }
