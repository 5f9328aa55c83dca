package app

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"time"

	"charm.land/log/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/pragyamugale/portfolio/internal/webdoor"
)

// metricsServer serves /metrics on its own address (--metrics-addr,
// loopback by default), never on the public web port: the counts of
// messages and visitors and the process's details are the owner's. A door
// of the shutdown, it stays up until the end.
type metricsServer struct {
	srv *http.Server
	ln  net.Listener
	log *log.Logger
}

// metricsConns caps the metrics server's connections.
const metricsConns = 8

// newMetricsServer listens on addr for reg's metrics.
func newMetricsServer(addr string, reg *prometheus.Registry, logger *log.Logger) (*metricsServer, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen --metrics-addr: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	// A few connections: a scraper or two. They come out of the file
	// budget's reserve.
	ln, connState := webdoor.Gate(ln, webdoor.ConnLimits{Max: metricsConns}, logger)
	return &metricsServer{srv: &http.Server{
		Handler:           mux,
		ConnState:         connState,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      10 * time.Second,
		IdleTimeout:       time.Minute,
		MaxHeaderBytes:    8 << 10,
	}, ln: ln, log: logger}, nil
}

func (m *metricsServer) serve() {
	m.log.Info("serving metrics", "addr", m.ln.Addr().String())
	if err := m.srv.Serve(m.ln); err != nil && err != http.ErrServerClosed {
		m.log.Error("metrics side stopped", "err", err)
	}
}

// Stop is a no-op: metrics are scraped until the end.
func (m *metricsServer) Stop() {}

// Close ends the scrapes in progress within ctx, then drops what is left.
func (m *metricsServer) Close(ctx context.Context) error {
	if err := m.srv.Shutdown(ctx); err != nil {
		_ = m.srv.Close()
	}
	return nil
}
