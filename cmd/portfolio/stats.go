package main

import (
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/pragyamugale/portfolio/internal/stats"
)

// newStatsCmd is `portfolio stats`: the owner reads the visitor statistics
// on the machine, even while the server runs (it reads the flushed files).
func newStatsCmd(stores ownerStore) *cobra.Command {
	var (
		asJSON bool
		days   int
	)
	cmd := &cobra.Command{
		Use:   "stats",
		Short: "Summarise visits, page views and messages per day",
		Long: "Summarise the visitor statistics per day (UTC): visits by channel, unique visitors,\n" +
			"views of each section and case study, messages, SSH clients and terminals.\n" +
			"Reads <data-dir>/stats; safe to run while the server is running (counts reach\n" +
			"the files every 5 seconds). --json: {\"days\": [...], \"clients\": {...}}, oldest day first.",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if days < 1 {
				return fmt.Errorf("--days %d: must be at least 1", days)
			}
			st, err := stores.open(cmd)
			if err != nil {
				return err
			}
			defer st.Close()
			r, err := stats.ReadReport(cmd.Context(), st.Stats(), time.Now(), days)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), r)
			}
			_, err = fmt.Fprintln(cmd.OutOrStdout(), r.Text(statsWidth(os.Getenv)))
			return err
		},
	}
	cmd.Flags().IntVar(&days, "days", 30, "how many days, ending today")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON instead of text")
	return cmd
}

// statsWidth is the width of the text summary: COLUMNS if set, else 80;
// never below 40.
func statsWidth(getenv func(string) string) int {
	if n, err := strconv.Atoi(getenv("COLUMNS")); err == nil && n > 0 {
		return max(n, 40)
	}
	return 80
}
