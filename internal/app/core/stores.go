package core

import (
	"context"

	"charm.land/log/v2"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/pragyamugale/portfolio/internal/config"
	"github.com/pragyamugale/portfolio/internal/stats"
	"github.com/pragyamugale/portfolio/internal/store"
)

// OpenStore opens the store o chooses: PostgreSQL with --database-url,
// otherwise the data directory. It is the one place that chooses, for the
// server (openStore) and the owner's commands alike.
func OpenStore(ctx context.Context, o store.Options) (store.Store, error) {
	if o.DatabaseURL != "" {
		return store.OpenDatabase(ctx, o)
	}
	return store.OpenDir(o)
}

// openStore opens the config's store for serving.
func openStore(cfg config.Config, logger *log.Logger) (store.Store, error) {
	return OpenStore(context.Background(), store.Options{DataDir: cfg.DataDir, DatabaseURL: cfg.DatabaseURL, AllowNewerSchema: cfg.AllowNewerSchema, Serving: true, Logger: logger})
}

// openStats starts the visitor statistics in st.
func openStats(cfg config.Config, st stats.Store, logger *log.Logger, reg prometheus.Registerer) (*stats.Stats, error) {
	return stats.New(stats.Options{Store: st, Days: cfg.StatsDays, Logger: logger, Registerer: reg})
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
