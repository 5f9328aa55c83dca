package server

import (
	"context"

	"charm.land/log/v2"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/pragyamugale/portfolio/store"
)

// openStore opens the store the config chooses, for serving: PostgreSQL
// with --database-url, otherwise the data directory (see store.Open).
func openStore(cfg Config, logger *log.Logger) (store.Store, error) {
	return store.Open(context.Background(), store.Options{DataDir: cfg.DataDir, DatabaseURL: cfg.DatabaseURL, Serving: true, Logger: logger})
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
