package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/pragyamugale/portfolio/internal/config"
	"github.com/pragyamugale/portfolio/internal/hostkeys"
)

// newHostKeyCmd is `portfolio hostkey`: what the owner publishes so
// visitors can trust the server's key (and the key to put in a secret).
func newHostKeyCmd(cfg *config.Config) *cobra.Command {
	var host string
	var port int
	cmd := &cobra.Command{
		Use:   "hostkey",
		Short: "Print the host key's fingerprint, a known_hosts line and SSHFP records",
		Long: "Print the host key's SHA256 fingerprint, a known_hosts line and SSHFP DNS records for --host.\n" +
			"Uses PORTFOLIO_HOST_KEY when set, otherwise the key in --host-key-dir (created if missing).",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var key *hostkeys.Key
			var err error
			if cfg.HostKeyPEM != "" {
				key, err = hostkeys.FromPEM([]byte(cfg.HostKeyPEM))
			} else {
				key, err = hostkeys.LoadOrCreate(cfg.HostKeyDir)
			}
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "# fingerprint (%s)\n%s\n\n", key.Path, key.Fingerprint)
			fmt.Fprintf(out, "# known_hosts\n%s\n\n", key.KnownHostsLine(host, port))
			fmt.Fprintf(out, "# SSHFP record for %s (publish in DNS, with DNSSEC)\n%s\n", host, key.SSHFP(host))
			return nil
		},
	}
	cmd.Flags().StringVar(&host, "host", "portfolio.example.com", "the host name visitors use")
	cmd.Flags().IntVar(&port, "port", 22, "the port visitors use")
	return cmd
}
