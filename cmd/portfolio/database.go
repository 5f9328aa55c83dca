package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/pragyamugale/portfolio/inbox"
	"github.com/pragyamugale/portfolio/pgstore"
	"github.com/pragyamugale/portfolio/server"
)

// secretURL is the --database-url flag: its value is a secret, so help
// shows it (from PORTFOLIO_DATABASE_URL) with the password masked.
type secretURL struct{ p *string }

func (s secretURL) String() string {
	if s.p == nil || *s.p == "" {
		return ""
	}
	return pgstore.RedactURL(*s.p)
}
func (s secretURL) Set(v string) error { *s.p = v; return nil }
func (s secretURL) Type() string       { return "url" }

// openDatabase opens the database of --database-url for a command.
func openDatabase(ctx context.Context, cfg *server.Config) (*pgstore.Store, error) {
	st, err := pgstore.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, fmt.Errorf("--database-url: %w", err)
	}
	return st, nil
}

// dbInbox lists (limit 0: all) the database's messages, newest first.
func dbInbox(cmd *cobra.Command, cfg *server.Config, limit int, asJSON bool) error {
	st, err := openDatabase(cmd.Context(), cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	p, err := st.Page(0, 1, "")
	if err != nil {
		return err
	}
	n := p.Total
	if limit > 0 && limit < n {
		n = limit
		fmt.Fprintf(cmd.ErrOrStderr(), "showing the newest %d of %d messages (--limit 0 lists all)\n", n, p.Total)
	}
	if p, err = st.Page(0, n, ""); err != nil {
		return err
	}
	msgs := p.Messages
	if asJSON {
		if msgs == nil {
			msgs = []inbox.Message{}
		}
		return writeJSON(cmd.OutOrStdout(), msgs)
	}
	return listMessages(cmd.OutOrStdout(), msgs)
}

// dbShow prints one of the database's messages.
func dbShow(cmd *cobra.Command, cfg *server.Config, prefix string, asJSON bool) error {
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
	if asJSON {
		return writeJSON(cmd.OutOrStdout(), m)
	}
	return showMessage(cmd.OutOrStdout(), m)
}

// newImportCmd is `portfolio inbox import --from-dir DATA`: it copies a
// data directory's message log into the database of --database-url, ids,
// times and checksums kept. Messages already there (by id) are skipped,
// so it can run again safely, say after a first attempt was cut short.
func newImportCmd(cfg *server.Config) *cobra.Command {
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
