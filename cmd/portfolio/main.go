// Command portfolio serves the portfolio written in content/ over SSH.
//
//	portfolio                      # serve on localhost:23234
//	portfolio --addr :22 --content ./content
//
// Every flag has an environment variable (PORTFOLIO_*); flags win.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"charm.land/log/v2"
	"github.com/caarlos0/env/v11"
	"github.com/spf13/cobra"

	"github.com/pragyamugale/portfolio/content"
	"github.com/pragyamugale/portfolio/notify"
	"github.com/pragyamugale/portfolio/server"
)

// version is stamped at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	if err := newRootCmd().Execute(); err != nil {
		// cobra has already printed usage errors; say what failed and exit.
		fmt.Fprintln(os.Stderr, "portfolio:", err)
		os.Exit(1)
	}
}

func newRootCmd() *cobra.Command {
	cfg := server.DefaultConfig()
	// The environment overrides the defaults; flags (bound below with these
	// values as their defaults) override the environment.
	envErr := env.Parse(&cfg)

	cmd := &cobra.Command{
		Use:           "portfolio",
		Short:         "Serve the portfolio over SSH",
		Long:          "Serve the portfolio written in content/ (or --content) as an interactive terminal app over SSH.\nVisitors connect with: ssh -p 23234 localhost",
		Version:       version,
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if envErr != nil {
				return fmt.Errorf("environment: %w", envErr)
			}
			cfg.Version = version
			platformDefaults(&cfg, os.Getenv)
			return run(cmd.Context(), cfg)
		},
	}
	f := cmd.Flags()
	f.StringVar(&cfg.Addr, "addr", cfg.Addr, "SSH listen address (env PORTFOLIO_ADDR)")
	f.StringVar(&cfg.ContentDir, "content", cfg.ContentDir, "serve portfolio files from this directory instead of the embedded ones (env PORTFOLIO_CONTENT)")
	f.DurationVar(&cfg.ShutdownTimeout, "shutdown-timeout", cfg.ShutdownTimeout, "how long to wait for visitors' sessions to end on SIGINT/SIGTERM (env PORTFOLIO_SHUTDOWN_TIMEOUT)")
	f.StringVar(&cfg.LogLevel, "log-level", cfg.LogLevel, "debug, info, warn or error (env PORTFOLIO_LOG_LEVEL)")
	f.IntVar(&cfg.MessagesPerHour, "messages-per-hour", cfg.MessagesPerHour, "contact messages allowed per source IP and per key each hour, 0 = no limit (env PORTFOLIO_MESSAGES_PER_HOUR)")
	f.IntVar(&cfg.StatsDays, "stats-days", cfg.StatsDays, "days of visitor statistics kept in the data directory (env PORTFOLIO_STATS_DAYS)")
	f.IntVar(&cfg.MessagesPerHourTotal, "messages-per-hour-total", cfg.MessagesPerHourTotal, "contact messages stored each hour from everyone together, 0 = no limit (env PORTFOLIO_MESSAGES_PER_HOUR_TOTAL)")
	f.StringVar(&cfg.OwnerKeys, "owner-keys", cfg.OwnerKeys, "authorized_keys file of the owner's keys; they get the Inbox section (env PORTFOLIO_OWNER_KEYS)")
	f.Var(&notify.Flag{URLs: &cfg.NotifyURL}, "notify-url", "notify the owner of each new message at these service URLs (ntfy://, slack://, discord://, telegram://, smtp://, … or an https:// JSON webhook); repeatable or comma-separated (env PORTFOLIO_NOTIFY_URL)")
	f.StringVar(&cfg.PublicAddr, "public-addr", cfg.PublicAddr, "the address visitors connect to, e.g. portfolio.example.com, quoted in help texts; default: the listen address (env PORTFOLIO_PUBLIC_ADDR)")
	f.DurationVar(&cfg.HandshakeTimeout, "handshake-timeout", cfg.HandshakeTimeout, "close connections that haven't logged in within this time, 0 = no limit (env PORTFOLIO_HANDSHAKE_TIMEOUT)")
	f.IntVar(&cfg.MaxConns, "max-conns", cfg.MaxConns, "maximum open connections, 0 = no limit (env PORTFOLIO_MAX_CONNS)")
	f.IntVar(&cfg.MaxConnsPerIP, "max-conns-per-ip", cfg.MaxConnsPerIP, "maximum open connections per source IP, 0 = no limit (env PORTFOLIO_MAX_CONNS_PER_IP)")
	f.IntVar(&cfg.SessionRate, "session-rate", cfg.SessionRate, "new sessions per source IP per minute, with a small burst, 0 = no limit (env PORTFOLIO_SESSION_RATE)")
	f.DurationVar(&cfg.UISleep, "ui-sleep", cfg.UISleep, "free an idle visitor's UI memory after this long without activity (the screen stays; a key wakes it), 0 = never (env PORTFOLIO_UI_SLEEP)")
	f.IntVar(&cfg.UIPrestart, "ui-prestart", cfg.UIPrestart, "start a new visitor's UI program with the session while fewer than this many run; beyond it they start asleep until their first key, 0 = always start asleep (env PORTFOLIO_UI_PRESTART)")
	f.DurationVar(&cfg.IdleTimeout, "idle-timeout", cfg.IdleTimeout, "disconnect visitors after this long without input, 0 = never (env PORTFOLIO_IDLE_TIMEOUT)")
	f.DurationVar(&cfg.MaxSession, "max-session", cfg.MaxSession, "longest a session may last, 0 = no limit (env PORTFOLIO_MAX_SESSION)")
	f.DurationVar(&cfg.NoSessionTimeout, "no-session-timeout", cfg.NoSessionTimeout, "close a connection that has no session running for this long (ssh -N, one kept open after its session), 0 = never (env PORTFOLIO_NO_SESSION_TIMEOUT)")
	f.BoolVar(&cfg.ProxyProtocol, "proxy-protocol", cfg.ProxyProtocol, "expect a PROXY protocol v1/v2 header on each connection, from a TCP proxy (env PORTFOLIO_PROXY_PROTOCOL)")
	f.DurationVar(&cfg.Keepalive, "keepalive", cfg.Keepalive, "send an SSH keepalive this often and drop clients that stop answering, 0 = off (env PORTFOLIO_KEEPALIVE)")
	f.StringVar(&cfg.HTTPAddr, "http-addr", cfg.HTTPAddr, "serve the web page, /healthz and /metrics on this address, e.g. :8080; off when empty (env PORTFOLIO_HTTP_ADDR)")
	f.BoolVar(&cfg.TrustFlyClientIP, "trust-fly-client-ip", cfg.TrustFlyClientIP, "take web visitors' addresses from the Fly-Client-IP header; only behind Fly's HTTP proxy (env PORTFOLIO_TRUST_FLY_CLIENT_IP)")
	f.SortFlags = false
	// Shared with the inbox and hostkey commands.
	cmd.PersistentFlags().StringVar(&cfg.DataDir, "data-dir", cfg.DataDir, "directory of messages.jsonl (env PORTFOLIO_DATA_DIR)")
	cmd.PersistentFlags().Var(secretURL{&cfg.DatabaseURL}, "database-url", "keep messages, their state and statistics in this PostgreSQL database, shared by every machine, instead of --data-dir; a secret: prefer the env (env PORTFOLIO_DATABASE_URL)")
	cmd.PersistentFlags().StringVar(&cfg.HostKeyDir, "host-key-dir", cfg.HostKeyDir, "directory of the ed25519 host key, created on first start; PORTFOLIO_HOST_KEY (the key itself) wins (env PORTFOLIO_HOST_KEY_DIR)")

	cmd.AddCommand(newInboxCmd(storeOf(&cfg)), newHostKeyCmd(&cfg), newStatsCmd(storeOf(&cfg)))
	cmd.SetFlagErrorFunc(flagError) // inherited by every command
	return cmd
}

// platformDefaults fills in what the hosting platform tells: on Fly.io,
// visitors reach <app>.fly.dev on port 22 unless a custom domain is set in
// PORTFOLIO_PUBLIC_ADDR.
func platformDefaults(cfg *server.Config, getenv func(string) string) {
	if app := getenv("FLY_APP_NAME"); cfg.PublicAddr == "" && app != "" {
		cfg.PublicAddr = app + ".fly.dev"
	}
}

// run loads the content, starts the server and blocks until a signal, then
// shuts down gracefully.
func run(ctx context.Context, cfg server.Config) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	if err := dropPrivileges(cfg); err != nil {
		return err
	}
	logger := log.NewWithOptions(os.Stderr, log.Options{ReportTimestamp: true})
	lvl, _ := log.ParseLevel(cfg.LogLevel)
	logger.SetLevel(lvl)

	pf, err := loadContent(cfg.ContentDir)
	if err != nil {
		return err
	}
	srv, err := server.New(cfg, pf, logger)
	if err != nil {
		return err
	}
	if srv.HostKey().Created {
		logger.Info("created host key", "path", srv.HostKey().Path)
	}
	if err := srv.Listen(); err != nil {
		return err
	}

	if ctx == nil {
		ctx = context.Background()
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve() }()

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	stop() // a second signal now kills the process the default way
	logger.Info("shutting down", "timeout", cfg.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		logger.Warn("sessions cut at shutdown timeout", "err", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	logger.Info("stopped")
	return nil
}

func loadContent(dir string) (*content.Portfolio, error) {
	if dir == "" {
		return content.Default()
	}
	return content.LoadDir(dir)
}
