// Package app is the composition root: the one package that knows every
// door and the store. It builds what the doors share once (package core:
// the store, statistics, notifier, inbox service and submit path, the UI
// host and the visit runner, the admission, the metrics registry) and
// runs the doors as peers: the SSH server (package server), the HTTP
// server (package webdoor: the page, the contact form, the live terminal,
// /healthz) and the metrics server (/metrics on --metrics-addr, apart
// from the public port), with one shutdown.
package app

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"

	"charm.land/log/v2"

	"github.com/pragyamugale/portfolio/content"
	"github.com/pragyamugale/portfolio/internal/app/core"
	"github.com/pragyamugale/portfolio/internal/config"
	"github.com/pragyamugale/portfolio/internal/hostkeys"
	"github.com/pragyamugale/portfolio/internal/server"
	"github.com/pragyamugale/portfolio/internal/webdoor"
)

// Config is the app's configuration, declared once in internal/config.
type Config = config.Config

// App is the portfolio: its core and its doors.
type App struct {
	watch struct { // --watch, started by Serve, ended by Shutdown or Close
		sync.Mutex
		stop  context.CancelFunc
		ended bool
	}

	core *core.Core
	ssh  *server.Server
	http *webdoor.Server // nil when --http-addr is empty
	// metrics serves /metrics; nil when --metrics-addr is empty (or
	// can't be listened on: logged, and the rest serves on).
	metrics *metricsServer
}

// New builds the app for a valid config and a loaded portfolio: it loads
// or creates the host key and opens the store, but listens on nothing.
func New(cfg Config, pf *content.Portfolio, logger *log.Logger) (*App, error) {
	c, err := core.New(cfg, pf, logger)
	if err != nil {
		return nil, err
	}
	ssh, err := server.New(cfg, Deps(c))
	if err != nil {
		_ = c.Close()
		return nil, err
	}
	return &App{core: c, ssh: ssh}, nil
}

// Deps is what the SSH door takes from the core.
func Deps(c *core.Core) server.Deps {
	return server.Deps{
		Content:   c.Content,
		Logger:    c.Logger,
		HostKey:   c.HostKey,
		Runner:    c.Runner,
		Submit:    c.Submit,
		Admission: c.Admission,
		Stats:     c.Stats,
		Registry:  c.Registry,

		Invitations: c.Store().Invitations(),
	}
}

// HostKey is the SSH host key.
func (a *App) HostKey() *hostkeys.Key { return a.core.HostKey }

// Listen opens the doors' sockets: SSH's, and HTTP's when configured.
func (a *App) Listen() error {
	if err := a.ssh.Listen(); err != nil {
		return err
	}
	h, err := WebServer(a.core, a.ssh)
	if err != nil {
		_ = a.ssh.Close(context.Background())
		return err
	}
	a.http = h
	if addr := a.core.Config.MetricsAddr; addr != "" {
		m, err := newMetricsServer(addr, a.core.Registry, a.core.Logger)
		if err != nil {
			a.core.Logger.Error("metrics off", "err", err)
		}
		a.metrics = m
	}
	return nil
}

// Reload reads --content again and serves it if it loads, else keeps
// what runs and logs why (see core.Reload): SIGHUP's work.
func (a *App) Reload(why string) (uint64, error) { return a.core.Reload(why) }

// Where says where to point ssh and a browser: the SSH command, and the
// web page's address ("" when the web side is off). Call after Listen.
func (a *App) Where() (sshCommand, webURL string) {
	_, _, sshCommand = a.ssh.Public()
	if a.http == nil {
		return sshCommand, ""
	}
	return sshCommand, WebURL(a.core.Config.HTTPAddr, a.http.ListenAddr())
}

// WebURL is the address to open in a browser for a web door configured
// as addr and listening on ln: its host as configured (localhost stays
// localhost), "localhost" for every interface, and the real port.
func WebURL(addr string, ln net.Addr) string {
	host, _, _ := net.SplitHostPort(addr)
	_, port, _ := net.SplitHostPort(ln.String())
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port) + "/"
}

// WebServer opens the web door's socket, after the SSH door's (the page
// shows the SSH door's real address), or returns nil without
// --http-addr.
func WebServer(c *core.Core, ssh *server.Server) (*webdoor.Server, error) {
	if c.Config.HTTPAddr == "" {
		return nil, nil
	}
	ln, err := net.Listen("tcp", c.Config.HTTPAddr)
	if err != nil {
		return nil, fmt.Errorf("listen --http-addr: %w", err)
	}
	host, port, cmd := ssh.Public()
	handler, err := webdoor.Door(webdoor.DoorOptions{
		Config:     c.Config,
		Portfolio:  c.Content.Load(),
		Content:    c.Content,
		Logger:     c.Logger,
		HostKey:    c.HostKey,
		PublicHost: host,
		PublicPort: port,
		SSHCommand: cmd,
		Runner:     c.Runner,
		Submit:     c.Submit,
		Admission:  c.Admission,
		Stats:      c.Stats,
		Registry:   c.Registry,
		Invites:    c.Invites,
		Healthy:    func() bool { return !c.Admission.Stopping() && ssh.Addr() != nil },
	})
	if err != nil {
		ln.Close()
		return nil, fmt.Errorf("web page: %w", err)
	}
	return webdoor.NewServer(ln, handler, webdoor.ServerOptions{
		Logger:   c.Logger,
		Registry: c.Registry,
		Limits: webdoor.ConnLimits{
			Max:              c.Budget.HTTP,
			PerIP:            c.Config.MaxHTTPConnsPerIP,
			TrustFlyClientIP: c.Config.TrustFlyClientIP,
		},
	}), nil
}

// Addr is the SSH door's address, or nil before Listen.
func (a *App) Addr() net.Addr { return a.ssh.Addr() }

// HTTPAddr is the web door's address, or nil when it is off.
func (a *App) HTTPAddr() net.Addr {
	if a.http == nil {
		return nil
	}
	return a.http.ListenAddr()
}

// MetricsAddr is the metrics server's address, or nil when it is off.
func (a *App) MetricsAddr() net.Addr {
	if a.metrics == nil {
		return nil
	}
	return a.metrics.ln.Addr()
}

// Serve runs the doors until Shutdown or Close: it returns nil after a
// shutdown and the SSH door's error otherwise.
func (a *App) Serve() error {
	if err := a.startWatch(); err != nil {
		return err
	}
	if a.http != nil {
		go a.http.Serve()
	}
	if a.metrics != nil {
		go a.metrics.serve()
	}
	return a.ssh.Serve()
}

// doors are the app's doors, for the shutdown: metrics last, so they
// are scraped until the end.
func (a *App) doors() []core.Door {
	d := []core.Door{a.ssh}
	if a.http != nil {
		d = append(d, a.http)
	}
	if a.metrics != nil {
		d = append(d, a.metrics)
	}
	return d
}

// Shutdown stops the doors, says goodbye to every visitor and waits for
// their sessions, and the messages being stored, until ctx is done; see
// core.Shutdown. Safe to call more than once, and at any point.
func (a *App) Shutdown(ctx context.Context) error {
	a.unwatch()
	return a.core.Shutdown(ctx, a.doors()...)
}

// Close stops the app at once, dropping every connection.
func (a *App) Close() error {
	a.unwatch()
	return a.core.Close(a.doors()...)
}

// startWatch starts --watch: the content folder read again as it
// changes, until unwatch.
func (a *App) startWatch() error {
	a.watch.Lock()
	defer a.watch.Unlock()
	if !a.core.Config.Watch || a.watch.ended || a.watch.stop != nil {
		return nil
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := a.core.Watch(ctx); err != nil {
		cancel()
		return err
	}
	a.watch.stop = cancel
	return nil
}

// unwatch ends --watch.
func (a *App) unwatch() {
	a.watch.Lock()
	defer a.watch.Unlock()
	a.watch.ended = true
	if a.watch.stop != nil {
		a.watch.stop()
	}
}

// LogShutdown logs what Shutdown's error says went wrong, one line per
// part, each naming its part: sessions cut at the deadline, statistics
// not saved, the store not closed, a door not closed in time.
func LogShutdown(logger *log.Logger, err error) {
	for _, e := range flatten(err) {
		switch {
		case errors.Is(e, core.ErrSessionsCut):
			logger.Warn("sessions cut at shutdown timeout", "err", e)
		case errors.Is(e, core.ErrStatsNotSaved):
			logger.Warn("statistics not saved at shutdown; their last counts are lost", "err", e)
		case errors.Is(e, core.ErrStoreClose):
			logger.Warn("store not closed cleanly at shutdown", "err", e)
		default:
			logger.Warn("connections not closed cleanly at shutdown", "err", e)
		}
	}
}

// flatten lists the errors joined in err (errors.Join, nested or not).
func flatten(err error) []error {
	j, ok := err.(interface{ Unwrap() []error })
	if !ok {
		if err == nil {
			return nil
		}
		return []error{err}
	}
	var out []error
	for _, e := range j.Unwrap() {
		out = append(out, flatten(e)...)
	}
	return out
}
