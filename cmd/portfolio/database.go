package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/pragyamugale/portfolio/internal/inbox/filestore"
	"github.com/pragyamugale/portfolio/internal/store"
)

// newImportCmd is `portfolio inbox import --from-dir DATA`: it copies a
// data directory's message log into the database of --database-url, ids,
// times and checksums kept. Messages already there (by id) are skipped,
// so it can run again safely, say after a first attempt was cut short.
func newImportCmd(stores ownerStore) *cobra.Command {
	var from string
	cmd := &cobra.Command{
		Use:   "import --from-dir DATA --database-url URL",
		Short: "Copy a data directory's messages into PostgreSQL, once (by id)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := stores.open(cmd)
			if err != nil {
				return err
			}
			defer st.Close()
			to, ok := st.(store.Importer)
			if !ok {
				return fmt.Errorf("--database-url (or PORTFOLIO_DATABASE_URL) is required")
			}
			if from == "" {
				return fmt.Errorf("--from-dir is required")
			}
			warn := func(s string) { fmt.Fprintf(cmd.ErrOrStderr(), "warning: %s\n", s) }
			l, err := filestore.ReadDir(from, warn).Listing()
			if err != nil {
				return err
			}
			msgs, err := l.Messages(0, l.Len())
			if err != nil {
				return err
			}
			added := 0
			for _, m := range msgs {
				ok, err := to.Import(cmd.Context(), m)
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
