package main

import (
	"context"
	"fmt"
	"slices"

	"github.com/spf13/cobra"

	"github.com/pragyamugale/portfolio/inbox"
	"github.com/pragyamugale/portfolio/internal/config"
	"github.com/pragyamugale/portfolio/pgstore"
)

// openDatabase opens the database of --database-url for a command.
func openDatabase(ctx context.Context, cfg *config.Config) (*pgstore.Store, error) {
	st, err := pgstore.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, fmt.Errorf("--database-url: %w", err)
	}
	return st, nil
}

// dbInbox lists (limit 0: all) the database's messages, newest first.
func dbInbox(cmd *cobra.Command, cfg *config.Config, limit int, asJSON, archived bool) error {
	st, err := openDatabase(cmd.Context(), cfg)
	if err != nil {
		return err
	}
	defer st.Close()
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
			msgs = []inbox.Message{}
		}
		return writeJSON(cmd.OutOrStdout(), msgs)
	}
	if len(msgs) == 0 && archived {
		_, err := fmt.Fprintln(cmd.OutOrStdout(), "No archived messages.")
		return err
	}
	return listMessages(cmd.OutOrStdout(), msgs, p.Read, termWidth(cmd.OutOrStdout()))
}

// dbShow prints one of the database's messages.
func dbShow(cmd *cobra.Command, cfg *config.Config, prefix string, asJSON bool) error {
	st, err := openDatabase(cmd.Context(), cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	m, ok, err := st.Find(cmd.Context(), prefix)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("no message with id %q (or the prefix matches several)", inbox.Sanitize(prefix, false))
	}
	state, err := st.StateOf(m.ID)
	if err != nil {
		return err
	}
	if !state.Read {
		// Best effort, as for the data directory.
		if err := st.MarkRead(m.ID); err != nil {
			fmt.Fprintf(cmd.ErrOrStderr(), "warning: couldn't mark it read: %v\n", err)
		}
	}
	if asJSON {
		return writeJSON(cmd.OutOrStdout(), m)
	}
	return showMessage(cmd.OutOrStdout(), m, state, termWidth(cmd.OutOrStdout()))
}

// dbSetState is `portfolio inbox archive|unarchive ID…` on the database:
// archived says which way.
func dbSetState(cmd *cobra.Command, cfg *config.Config, ids []string, archived bool, done string) error {
	st, err := openDatabase(cmd.Context(), cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	set := st.Unarchive
	if archived {
		set = st.Archive
	}
	for _, id := range ids {
		m, ok, err := st.Find(cmd.Context(), id)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("no message with id %q (or the prefix matches several)", inbox.Sanitize(id, false))
		}
		if err := set(m.ID); err != nil {
			return err
		}
		fmt.Fprintf(cmd.OutOrStdout(), "%s  %s: %s\n", m.ID, m.Name, done)
	}
	return nil
}

// newImportCmd is `portfolio inbox import --from-dir DATA`: it copies a
// data directory's message log into the database of --database-url, ids,
// times and checksums kept. Messages already there (by id) are skipped,
// so it can run again safely, say after a first attempt was cut short.
func newImportCmd(cfg *config.Config) *cobra.Command {
	var from string
	cmd := &cobra.Command{
		Use:   "import --from-dir DATA --database-url URL",
		Short: "Copy a data directory's messages into PostgreSQL, once (by id)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if cfg.DatabaseURL == "" {
				return fmt.Errorf("--database-url (or PORTFOLIO_DATABASE_URL) is required")
			}
			if from == "" {
				return fmt.Errorf("--from-dir is required")
			}
			l, err := readInbox(cmd, from)
			if err != nil {
				return err
			}
			msgs, err := l.Messages(0, l.Len())
			if err != nil {
				return err
			}
			st, err := openDatabase(cmd.Context(), cfg)
			if err != nil {
				return err
			}
			defer st.Close()
			added := 0
			for _, m := range msgs {
				ok, err := st.Import(cmd.Context(), m)
				if err != nil {
					return fmt.Errorf("message %s: %w (%d imported so far; running again continues)", m.ID, err, added)
				}
				if ok {
					added++
				}
			}
			fmt.Fprintf(cmd.OutOrStdout(), "imported %d of %d messages (%d were already in the database)\n", added, len(msgs), len(msgs)-added)
			return nil
		},
	}
	cmd.Flags().StringVar(&from, "from-dir", "", "the data directory whose messages.jsonl to import")
	return cmd
}

// dbExport writes every message of the database, archived ones too,
// oldest first, for `portfolio inbox export`.
func dbExport(cmd *cobra.Command, cfg *config.Config, out recordWriter) error {
	st, err := openDatabase(cmd.Context(), cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	var all []exported
	for _, archived := range []bool{false, true} {
		page := st.Page
		if archived {
			page = st.ArchivedPage
		}
		for from := 0; ; from += exportBatch {
			p, err := page(from, exportBatch, "")
			if err != nil {
				return err
			}
			// The last window slides back to stay full: skip what was had.
			for i := from - p.From; i >= 0 && i < len(p.Messages); i++ {
				all = append(all, exported{Message: p.Messages[i], Read: p.Read[i], Archived: archived})
			}
			if from+exportBatch >= p.Total {
				break
			}
		}
	}
	slices.SortStableFunc(all, func(a, b exported) int { return a.Time.Compare(b.Time) })
	for _, e := range all {
		if err := out.write(e); err != nil {
			return err
		}
	}
	return out.close()
}
