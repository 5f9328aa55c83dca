package core

import (
	"context"
	"fmt"
	"strings"
	"time"

	"charm.land/log/v2"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/pragyamugale/portfolio/inbox"
	"github.com/pragyamugale/portfolio/internal/config"
	"github.com/pragyamugale/portfolio/pgstore"
	"github.com/pragyamugale/portfolio/stats"
	"github.com/pragyamugale/portfolio/ui"
)

// inboxStore is where messages are stored, as the portfolio sees it: the
// file store in the data directory, or PostgreSQL shared by machines.
type inboxStore interface {
	inbox.Appender
	// Subscribe wakes the owner's open Inbox when messages change.
	Subscribe() (<-chan struct{}, func())
	Close() error
}

// stores are the stores the config chooses.
type stores struct {
	inbox     inboxStore
	owner     ui.InboxSource
	stats     stats.Store // nil: the file store in the data directory
	available func() bool // for /metrics
}

// openTimeout bounds connecting to the database and migrating at start.
const openTimeout = 30 * time.Second

// openStores opens PostgreSQL when --database-url is set, otherwise the
// data directory. A data directory or a database that refuses us stops
// the start: the owner learns at deploy time, not from a visitor whose
// message was refused. A database that can't be reached right now (a
// failover) doesn't: the portfolio serves, and messages wait for it.
func openStores(cfg config.Config, logger *log.Logger) (stores, error) {
	if cfg.DatabaseURL != "" {
		ctx, cancel := context.WithTimeout(context.Background(), openTimeout)
		defer cancel()
		pg, warning, err := pgstore.OpenServing(ctx, cfg.DatabaseURL)
		if err != nil {
			return stores{}, fmt.Errorf("--database-url: %w", err)
		}
		if warning != nil {
			logger.Warn("database unreachable: serving, refusing messages until it returns", "err", warning)
		}
		logger.Info("storing messages and statistics in PostgreSQL", "database", pgstore.RedactURL(cfg.DatabaseURL))
		return stores{inbox: pg, owner: pg, stats: pg.Stats(), available: pg.Available}, nil
	}
	store, err := inbox.OpenStore(cfg.DataDir)
	if err != nil {
		return stores{}, fmt.Errorf("--data-dir: %w", err)
	}
	state, err := inbox.LoadReadState(cfg.DataDir)
	if err != nil {
		store.Close()
		return stores{}, fmt.Errorf("--data-dir: %w", err)
	}
	if w := state.Warning(); w != "" {
		logger.Warn(w)
	}
	if q := store.Quarantine(); q.Total() > 0 {
		logger.Warn("damaged message records quarantined", "skipped", q.Skipped, "file", store.Path(),
			"moved", q.Moved, "side_files", strings.Join(q.SideFiles, ","))
	}
	return stores{inbox: store, owner: inbox.NewMailbox(store, state), available: func() bool { return true }}, nil
}

// storeAvailable is the gauge of whether the message store can be
// reached: 0 while the database is away (SSH keeps serving, and /healthz
// stays 200, but messages are refused).
func storeAvailable(up func() bool) prometheus.Collector {
	return prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "portfolio_store_available",
		Help: "1 when the message store (the data directory, or PostgreSQL with --database-url) can be reached, else 0.",
	}, func() float64 {
		if up() {
			return 1
		}
		return 0
	})
}

// openStats starts the visitor statistics in st, or in the data
// directory when st is nil.
func openStats(cfg config.Config, st stats.Store, logger *log.Logger, reg prometheus.Registerer) (*stats.Stats, error) {
	if st == nil {
		fs, err := stats.OpenFileStore(cfg.DataDir)
		if err != nil {
			return nil, err
		}
		st = fs
	}
	return stats.New(stats.Options{Store: st, Days: cfg.StatsDays, Logger: logger, Registerer: reg})
}
