package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/pragyamugale/portfolio/inbox"
	"github.com/pragyamugale/portfolio/internal/config"
)

// listLimit is how many messages `portfolio inbox` lists by default.
const listLimit = 100

// newInboxCmd is `portfolio inbox`: the owner reads and tidies messages on
// the machine, even while the server runs. It reads only the records it
// prints, so it stays quick however many messages there are. Archiving and
// read marks live in <data-dir>/read-state.json; the log is never
// rewritten.
func newInboxCmd(cfg *config.Config) *cobra.Command {
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
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if cfg.DatabaseURL != "" {
				if asJSON && !cmd.Flags().Changed("limit") {
					limit = 0
				}
				return dbInbox(cmd, cfg, limit, asJSON, archived)
			}
			b, err := openInbox(cmd, cfg.DataDir)
			if err != nil {
				return err
			}
			if asJSON && !cmd.Flags().Changed("limit") {
				limit = 0 // machine-readable: everything unless asked
			}
			idx := b.indexes(archived)
			n := len(idx)
			if limit > 0 && limit < n {
				n = limit
				fmt.Fprintf(cmd.ErrOrStderr(), "showing the newest %d of %d messages (--limit 0 lists all)\n", n, len(idx))
			}
			msgs, err := b.list.MessagesAt(idx[:n])
			if err != nil {
				return err
			}
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
			read := make([]bool, len(msgs))
			for i, m := range msgs {
				read[i] = b.state.IsRead(m.ID)
			}
			return listMessages(cmd.OutOrStdout(), msgs, read, termWidth(cmd.OutOrStdout()))
		},
	}
	show := &cobra.Command{
		Use:   "show ID",
		Short: "Print one message in full and mark it read (ID or any unique prefix of it)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if cfg.DatabaseURL != "" {
				return dbShow(cmd, cfg, args[0], asJSON)
			}
			b, err := openInbox(cmd, cfg.DataDir)
			if err != nil {
				return err
			}
			m, err := b.lookup(args[0])
			if err != nil {
				return err
			}
			st := b.state.State(m.ID)
			if !st.Read {
				// Best effort: a read-only data directory still shows.
				if err := b.state.MarkRead(m.ID); err != nil {
					fmt.Fprintf(cmd.ErrOrStderr(), "warning: couldn't mark it read: %v\n", err)
				}
			}
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), m)
			}
			return showMessage(cmd.OutOrStdout(), m, st, termWidth(cmd.OutOrStdout()))
		},
	}
	cmd.PersistentFlags().BoolVar(&asJSON, "json", false, "print JSON instead of text")
	cmd.Flags().IntVarP(&limit, "limit", "n", listLimit, "list at most this many messages, newest first; 0 lists all (--json lists all unless given)")
	cmd.Flags().BoolVar(&archived, "archived", false, "list the archived messages instead")
	cmd.AddCommand(show,
		newStateCmd(cfg, "archive", "Archive messages: out of the Inbox, kept in the log (undo with unarchive)",
			"archived", true),
		newStateCmd(cfg, "unarchive", "Put archived messages back in the Inbox",
			"back in the Inbox", false),
		newExportCmd(cfg), newImportCmd(cfg))
	return cmd
}

// newStateCmd is `portfolio inbox archive|unarchive ID…`: archive says
// which way.
func newStateCmd(cfg *config.Config, name, short, done string, archive bool) *cobra.Command {
	return &cobra.Command{
		Use:   name + " ID...",
		Short: short + " (IDs or any unique prefixes)",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if cfg.DatabaseURL != "" {
				return dbSetState(cmd, cfg, args, archive, done)
			}
			b, err := openInbox(cmd, cfg.DataDir)
			if err != nil {
				return err
			}
			for _, arg := range args {
				m, err := b.lookup(arg)
				if err != nil {
					return err
				}
				set := b.state.Unarchive
				if archive {
					set = b.state.Archive
				}
				changed, err := b.change(m.ID, archive, set)
				if err != nil {
					return err
				}
				note := done
				if !changed {
					note = "already " + done
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%s  %s: %s\n", m.ID, m.Name, note)
			}
			return nil
		},
	}
}

// inboxFiles is the log's listing and the owner's state of each message.
type inboxFiles struct {
	list  *inbox.Listing
	state *inbox.ReadState
}

// openInbox indexes the log and loads the state, and says on stderr what
// is quarantined (one line), whether the last line is still being
// written, and whether the state was lost.
func openInbox(cmd *cobra.Command, dir string) (*inboxFiles, error) {
	l, err := readInbox(cmd, dir)
	if err != nil {
		return nil, err
	}
	st, err := inbox.LoadReadState(dir)
	if err != nil {
		return nil, err
	}
	if w := st.Warning(); w != "" {
		fmt.Fprintf(cmd.ErrOrStderr(), "warning: %s\n", w)
	}
	return &inboxFiles{list: l, state: st}, nil
}

// indexes returns the indexes (newest first) of the messages in the
// Inbox, or of the archived ones.
func (b *inboxFiles) indexes(archived bool) []int {
	var idx []int
	i := 0
	for id := range b.list.IDs() {
		if b.state.IsArchived(id) == archived {
			idx = append(idx, i)
		}
		i++
	}
	return idx
}

// lookup finds a message by ID or any unique prefix, with an error that
// lists the candidates of an ambiguous one.
func (b *inboxFiles) lookup(id string) (inbox.Message, error) {
	m, err := b.list.Lookup(id)
	if errors.Is(err, inbox.ErrNoMessage) {
		return m, fmt.Errorf("no message with id %q", inbox.Sanitize(id, false))
	}
	return m, err
}

// change sets one state of a message; it reports whether it changed.
func (b *inboxFiles) change(id string, to bool, set func(string) error) (bool, error) {
	if b.state.IsArchived(id) == to {
		return false, nil
	}
	return true, set(id)
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
	field("Address:   ", m.Remote)
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
