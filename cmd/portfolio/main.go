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
	"io"
	"os"
	"os/signal"
	"syscall"

	"charm.land/log/v2"
	"github.com/spf13/cobra"

	"github.com/pragyamugale/portfolio/internal/app"
	"github.com/pragyamugale/portfolio/internal/config"
	"github.com/pragyamugale/portfolio/internal/pgstore"
)

// version is stamped at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	if err := newRootCmd().Execute(); err != nil {
		if code := errExit(0); errors.As(err, &code) {
			os.Exit(int(code)) // the command said why
		}
		// cobra has already printed usage errors; say what failed and exit.
		fmt.Fprintln(os.Stderr, "portfolio:", err)
		os.Exit(1)
	}
}

func newRootCmd() *cobra.Command {
	cfg := config.Default()
	// The environment overrides the defaults; flags (bound below with these
	// values as their defaults) override the environment.
	envErr := config.FromEnv(&cfg)

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
			return run(cmd.Context(), cfg, cmd.ErrOrStderr())
		},
	}
	cmd.AddCommand(newReloadCmd())

	// Every setting's flag, declared with the setting (internal/config);
	// those the owner's commands read too are persistent.
	config.BindFlags(&cfg, cmd.Flags(), cmd.PersistentFlags(), pgstore.RedactURL)
	cmd.Flags().SortFlags = false

	cmd.AddCommand(newInboxCmd(storeOf(&cfg)), newHostKeyCmd(&cfg), newStatsCmd(storeOf(&cfg)),
		newInitCmd(), newCheckCmd(&cfg))
	cmd.AddCommand(newResumeCmd(&cfg))
	cmd.AddCommand(newInviteCmd(&cfg, storeOf(&cfg)))
	cmd.SetFlagErrorFunc(flagError) // inherited by every command
	return cmd
}

// platformDefaults fills in what the hosting platform tells: on Fly.io,
// visitors reach <app>.fly.dev on port 22 unless a custom domain is set in
// PORTFOLIO_PUBLIC_ADDR.
func platformDefaults(cfg *config.Config, getenv func(string) string) {
	if app := getenv("FLY_APP_NAME"); cfg.PublicAddr == "" && app != "" {
		cfg.PublicAddr = app + ".fly.dev"
	}
}

// logWhere says, among the first lines, where to point ssh and a
// browser.
func logWhere(logger *log.Logger, srv *app.App) {
	sshCmd, web := srv.Where()
	if web == "" {
		web = "off (--http-addr is empty)"
	}
	logger.Info("visit the portfolio", "ssh", sshCmd, "browser", web)
}

// run loads the content, starts the server and blocks until SIGINT or
// SIGTERM, then shuts down gracefully; SIGHUP reads --content again. The
// log goes to logs.
func run(ctx context.Context, cfg config.Config, logs io.Writer) error {
	// SIGHUP reads --content again. Handled, not ignored, so it works as
	// PID 1 in a container too (the kernel drops only signals PID 1 has no
	// handler for); caught from the start, so one sent while the server
	// starts waits for it rather than killing it.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	if err := cfg.Validate(); err != nil {
		return err
	}
	if err := dropPrivileges(cfg); err != nil {
		return err
	}
	logger := log.NewWithOptions(logs, log.Options{ReportTimestamp: true})
	lvl, _ := log.ParseLevel(cfg.LogLevel)
	logger.SetLevel(lvl)

	pf, err := app.LoadContent(cfg.ContentDir, logger)
	if err != nil {
		return err
	}
	srv, err := app.New(cfg, pf, logger)
	if err != nil {
		return err
	}
	if srv.HostKey().Created {
		logger.Info("created host key", "path", srv.HostKey().Path)
	}
	if err := srv.Listen(); err != nil {
		return err
	}
	logWhere(logger, srv)

	if ctx == nil {
		ctx = context.Background()
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve() }()

wait:
	for {
		select {
		case err := <-errc:
			return err
		case <-hup:
			_, _ = srv.Reload("SIGHUP") // logged either way
		case <-ctx.Done():
			break wait
		}
	}
	stop() // a second signal now kills the process the default way
	logger.Info("shutting down", "timeout", cfg.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		app.LogShutdown(logger, err) // one line per part that failed, naming it
	}
	if err := <-errc; err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	logger.Info("stopped")
	return nil
}
