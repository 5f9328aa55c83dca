package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/pragyamugale/portfolio/internal/app/core"
	"github.com/pragyamugale/portfolio/internal/config"
	"github.com/pragyamugale/portfolio/internal/inbox"
	"github.com/pragyamugale/portfolio/internal/store"
)

// listLimit is how many messages `portfolio inbox` lists by default.
const listLimit = 100

// ownerStore is how the owner's commands open the store: the data
// directory, or the database of --database-url (read when the command
// runs, after the flags are parsed).
type ownerStore func() store.Options

// storeOf is the store of cfg's --data-dir and --database-url.
func storeOf(cfg *config.Config) ownerStore {
	return func() store.Options {
		return store.Options{DataDir: cfg.DataDir, DatabaseURL: cfg.DatabaseURL, AllowNewerSchema: cfg.AllowNewerSchema}
	}
}

// open opens the store for one command; what the owner should know about
// it goes to stderr as "warning: …" lines.
func (o ownerStore) open(cmd *cobra.Command) (store.Store, error) {
	opts := o()
	opts.Warn = func(s string) { fmt.Fprintf(cmd.ErrOrStderr(), "warning: %s\n", s) }
	return core.OpenStore(cmd.Context(), opts)
}

// newInboxCmd is `portfolio inbox`: the owner reads and tidies messages on
// the machine, even while the server runs. It reads only the records it
// prints, so it stays quick however many messages there are. Archiving and
// read marks live in <data-dir>/read-state.json (or the database); the log
// is never rewritten.
func newInboxCmd(stores ownerStore) *cobra.Command {
	var (
		asJSON   bool
		limit    int
		archived bool
	)
	cmd := &cobra.Command{
		Use:   "inbox",
		Short: "List the messages visitors left, newest first",
		Long: "List the messages visitors left through the contact form, newest first;\n" +
			"* marks the unread ones. Archived messages are listed only with --archived.\n" +
			"Reads <data-dir>/messages.jsonl; safe to run while the server is running.",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := stores.open(cmd)
			if err != nil {
				return err
			}
			defer st.Close()
			if asJSON && !cmd.Flags().Changed("limit") {
				limit = 0 // machine-readable: everything unless asked
			}
			page := st.Page
			if archived {
				page = st.ArchivedPage
			}
			p, err := page(0, 1, "")
			if err != nil {
				return err
			}
			n := p.Total
			if limit > 0 && limit < n {
				n = limit
				fmt.Fprintf(cmd.ErrOrStderr(), "showing the newest %d of %d messages (--limit 0 lists all)\n", n, p.Total)
			}
			if p, err = page(0, n, ""); err != nil {
				return err
			}
			msgs := p.Messages
			if asJSON {
				if msgs == nil {
					msgs = []inbox.Message{} // [] rather than null
				}
				return writeJSON(cmd.OutOrStdout(), msgs)
			}
			if len(msgs) == 0 && archived {
				_, err := fmt.Fprintln(cmd.OutOrStdout(), "No archived messages.")
				return err
			}
			return listMessages(cmd.OutOrStdout(), msgs, p.Read, termWidth(cmd.OutOrStdout()))
		},
	}
	show := &cobra.Command{
		Use:   "show ID",
		Short: "Print one message in full and mark it read (ID or any unique prefix of it)",
		Args:  messageIDs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := stores.open(cmd)
			if err != nil {
				return err
			}
			defer st.Close()
			m, state, err := st.Find(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			if !state.Read {
				// Best effort: a read-only data directory still shows.
				if err := st.MarkRead(m.ID); err != nil {
					fmt.Fprintf(cmd.ErrOrStderr(), "warning: couldn't mark it read: %v\n", err)
				}
			}
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), m)
			}
			return showMessage(cmd.OutOrStdout(), m, state, termWidth(cmd.OutOrStdout()))
		},
	}
	cmd.PersistentFlags().BoolVar(&asJSON, "json", false, "print JSON instead of text")
	cmd.Flags().IntVarP(&limit, "limit", "n", listLimit, "list at most this many messages, newest first; 0 lists all (--json lists all unless given)")
	cmd.Flags().BoolVar(&archived, "archived", false, "list the archived messages instead")
	cmd.AddCommand(show,
		newStateCmd(stores, "archive", "Archive messages: out of the Inbox, kept in the log (undo with unarchive)",
			"archived", true),
		newStateCmd(stores, "unarchive", "Put archived messages back in the Inbox",
			"back in the Inbox", false),
		newExportCmd(stores), newImportCmd(stores))
	return cmd
}

// newStateCmd is `portfolio inbox archive|unarchive ID…`: archive says
// which way.
func newStateCmd(stores ownerStore, name, short, done string, archive bool) *cobra.Command {
	return &cobra.Command{
		Use:   name + " ID...",
		Short: short + " (IDs or any unique prefixes)",
		Args:  messageIDs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := stores.open(cmd)
			if err != nil {
				return err
			}
			defer st.Close()
			set := st.Unarchive
			if archive {
				set = st.Archive
			}
			for _, arg := range args {
				m, state, err := st.Find(cmd.Context(), arg)
				if err != nil {
					return err
				}
				note := done
				if state.Archived == archive {
					note = "already " + done
				} else if err := set(m.ID); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%s  %s: %s\n", m.ID, m.Name, note)
			}
			return nil
		},
	}
}

// termWidth is the width to print for: $COLUMNS, then the terminal's
// width if w is one, else 80.
func termWidth(w io.Writer) int {
	if c, err := strconv.Atoi(strings.TrimSpace(os.Getenv("COLUMNS"))); err == nil && c > 0 {
		return c
	}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		if c, _, err := term.GetSize(int(f.Fd())); err == nil && c > 0 {
			return c
		}
	}
	return 80
}

// The list's columns that shrink to fit the width, most expendable first,
// with the widths they shrink to before any is dropped.
const (
	colName = iota + 3 // after the marker, time and ID columns
	colReplyTo
	colMessage
)

// listMessages prints one row per message, "*" marking the unread, in
// columns measured in terminal cells (CJK and emoji take two) that fit
// width: the message column shrinks first, then the reply-to, then the
// name; below their minimums the message and reply-to columns go.
func listMessages(w io.Writer, msgs []inbox.Message, read []bool, width int) error {
	if len(msgs) == 0 {
		_, err := fmt.Fprintln(w, "No messages yet.")
		return err
	}
	rows := [][]string{{" ", "TIME (UTC)", "ID", "NAME", "REPLY-TO", "MESSAGE"}}
	for i, m := range msgs {
		first, _, _ := strings.Cut(m.Message, "\n")
		mark := "*"
		if read[i] {
			mark = " "
		}
		rows = append(rows, []string{mark, m.Time.UTC().Format("2006-01-02 15:04"), m.ID, m.Name, m.ReplyTo, first})
	}
	caps := []int{1, 16, 64, 24, 32, 200}
	widths := make([]int, len(rows[0]))
	for _, r := range rows {
		for i, c := range r {
			widths[i] = min(caps[i], max(widths[i], ansi.StringWidth(c)))
		}
	}
	fit(widths, width)
	bw := bufio.NewWriter(w)
	for _, r := range rows {
		var line strings.Builder
		for i, c := range r {
			if widths[i] == 0 {
				continue
			}
			if line.Len() > 0 {
				line.WriteString("  ")
			}
			c = ansi.Truncate(c, widths[i], "…")
			line.WriteString(c + strings.Repeat(" ", widths[i]-ansi.StringWidth(c)))
		}
		bw.WriteString(strings.TrimRight(line.String(), " "))
		bw.WriteByte('\n')
	}
	return bw.Flush()
}

// fit shrinks the list's columns until the row fits width.
func fit(widths []int, width int) {
	total := func() int {
		t := -2
		for _, w := range widths {
			if w > 0 {
				t += w + 2
			}
		}
		return t
	}
	for _, pass := range [][3]int{{8, 10, 12}, {6, 0, 0}} { // name, reply-to, message minimums
		for _, c := range []int{colMessage, colReplyTo, colName} {
			floor := pass[c-colName]
			if over := total() - width; over > 0 && widths[c] > floor {
				widths[c] = max(floor, widths[c]-over)
			}
		}
	}
}

// showMessage prints a message, wrapped at word boundaries to width.
func showMessage(w io.Writer, m inbox.Message, st inbox.MessageState, width int) error {
	bw := bufio.NewWriter(w)
	field := func(label, value string) {
		const indent = "           "
		text := ansi.Wrap(value, max(width-len(indent), 20), "")
		bw.WriteString(label + strings.ReplaceAll(text, "\n", "\n"+indent) + "\n")
	}
	field("Id:        ", m.ID)
	field("Time:      ", m.Time.UTC().Format("2006-01-02 15:04:05 UTC"))
	field("From:      ", m.Name)
	field("Reply-to:  ", m.ReplyTo)
	if m.Fingerprint != "" {
		field("Key:       ", m.Fingerprint)
	}
	if m.Invitation != "" {
		field("Invitation:", m.Invitation)
	} else {
		field("Address:   ", m.Remote)
	}
	if st.Archived {
		field("State:     ", "archived (portfolio inbox unarchive "+m.ID+")")
	}
	bw.WriteString("\n" + ansi.Wrap(m.Message, max(width, 20), "") + "\n")
	return bw.Flush()
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
