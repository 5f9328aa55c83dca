// Package core builds what the portfolio's doors share, once: the host
// key, the message store, the visitor statistics, the notifier, the inbox
// service and the one submit path, the UI host and the visit runner, the
// one admission, and the metrics registry; and it shuts them down in
// order. The composition root (package app) adds the doors: the SSH
// server and the HTTP server; the doors' tests add them the same way.
package core

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/log/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/pragyamugale/portfolio/content"
	"github.com/pragyamugale/portfolio/internal/admit"
	"github.com/pragyamugale/portfolio/internal/config"
	"github.com/pragyamugale/portfolio/internal/host"
	"github.com/pragyamugale/portfolio/internal/hostkeys"
	"github.com/pragyamugale/portfolio/internal/inbox"
	"github.com/pragyamugale/portfolio/internal/invite"
	"github.com/pragyamugale/portfolio/internal/notify"
	"github.com/pragyamugale/portfolio/internal/stats"
	"github.com/pragyamugale/portfolio/internal/store"
	"github.com/pragyamugale/portfolio/internal/ui"
	"github.com/pragyamugale/portfolio/internal/visit"
)

// Core is what the doors share.
type Core struct {
	Config config.Config
	// Content is the portfolio served: the one value every door and the
	// visit runner read per visit or request; Reload swaps it.
	Content *content.Live
	Logger  *log.Logger
	HostKey *hostkeys.Key
	// Registry holds every metric, served at /metrics.
	Registry  *prometheus.Registry
	Stats     *stats.Stats
	Notifier  *notify.Notifier
	Host      *host.Host
	Runner    *visit.Runner
	Submit    *visit.Submitter
	Admission *admit.Admission
	// Budget is the process's file descriptors as the doors share them:
	// the SSH and session doors' cap (Config.MaxConns as it fits) and the
	// web door's (Config.MaxHTTPConns as it fits).
	Budget admit.Budget
	// Invites resolves invitation codes and records visits through them.
	Invites *invite.Tracker

	store     store.Store
	reloading sync.Mutex // one Reload at a time (a signal and the watcher)
}

// New builds the core for a valid config: it loads or creates the host
// key and opens the store, but listens on nothing.
func New(cfg config.Config, pf *content.Portfolio, logger *log.Logger) (*Core, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	key, err := loadHostKey(cfg)
	if err != nil {
		return nil, err
	}
	st, err := openStore(cfg, logger)
	if err != nil {
		return nil, err
	}
	budget := planFiles(cfg, logger)
	c := &Core{
		Config:    cfg,
		Content:   content.NewLive(pf),
		Logger:    logger,
		HostKey:   key,
		Registry:  prometheus.NewRegistry(),
		Notifier:  notify.NewNotifier(cfg.NotifyURL, logger),
		Admission: admit.NewLimited(budget.SSH, cfg.MaxConnsPerIP),
		Budget:    budget,
		store:     st,
	}
	c.Registry.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		storeAvailable(st.Available),
	)
	c.Registry.MustRegister(c.Notifier.Collectors()...)
	if c.Stats, err = openStats(cfg, st.Stats(), logger, c.Registry); err != nil {
		st.Close()
		return nil, fmt.Errorf("--data-dir: statistics: %w", err)
	}
	service := inbox.NewService(st, inbox.ServiceOptions{
		PerHour:  cfg.MessagesPerHour,
		Logger:   logger,
		Notifier: messageNotes{c},

		// Shared limits: everyone together, and each IPv6 /48.
		TotalPerHour: cfg.MessagesPerHourTotal,
		Elsewhere:    elsewhere(pf),
	})
	c.Invites = invite.NewTracker(st.Invitations(), func(title, body string) {
		c.Notifier.SendNote("invitation_opened", title, body)
	}, logger)
	c.Submit = visit.NewSubmitter(service, c.Stats, c.Registry, logger)
	c.Host = host.New(host.Config{
		Sleep:      cfg.UISleep,
		Prestart:   cfg.UIPrestart,
		Idle:       cfg.IdleTimeout,
		MaxSession: cfg.MaxSession,
		Notice:     func(text string) tea.Msg { return ui.NoticeMsg{Text: text} },
		Observer:   newHostMetrics(c.Registry, func() float64 { return float64(c.Host.Programs()) }),
	})
	c.Runner = visit.New(visit.Config{
		Host:      c.Host,
		Content:   c.Content,
		Logger:    logger,
		Submit:    c.Submit,
		Owner:     st,
		Stats:     c.Stats,
		Subscribe: st.Subscribe,
		Invites:   c.Invites,
	})
	return c, nil
}

// planFiles shares the process's file descriptors between the doors (see
// admit.Plan) and says so when the settings had to be cut down to fit.
func planFiles(cfg config.Config, logger *log.Logger) admit.Budget {
	http := cfg.MaxHTTPConns
	if cfg.HTTPAddr == "" {
		http = 1 // no web door: its share goes to SSH
	}
	b := admit.Plan(admit.Files(), cfg.MaxConns, http)
	if b.Reduced {
		logger.Warn("connection limits cut down to fit the open-file limit (raise it with ulimit -n)",
			"files", b.Files, "reserve", b.Reserve, "max-conns", b.SSH, "max-http-conns", b.HTTP)
	}
	return b
}

// messageNotes tells the owner of each message; one through an
// invitation says what its visitor read ("read NoteLytix 3 min").
type messageNotes struct{ c *Core }

func (n messageNotes) Send(m inbox.Message) {
	if m.Invitation == "" || n.c.Notifier == nil {
		n.c.Notifier.Send(m)
		return
	}
	n.c.Invites.Annotate(m.Invitation, func(page string) string { return ui.PageTitle(n.c.Content.Load(), page) },
		func(summary string) { n.c.Notifier.SendWith(m, summary) })
}

// loadHostKey takes the key from PORTFOLIO_HOST_KEY when set, otherwise
// from the key directory, creating it on first start.
func loadHostKey(cfg config.Config) (*hostkeys.Key, error) {
	if cfg.HostKeyPEM != "" {
		return hostkeys.FromPEM([]byte(cfg.HostKeyPEM))
	}
	return hostkeys.LoadOrCreate(cfg.HostKeyDir)
}

// elsewhere lists the owner's links, offered to a visitor when the inbox
// is busy: "GitHub (https://github.com/…)", an email address bare.
func elsewhere(pf *content.Portfolio) []string {
	var out []string
	for _, l := range pf.Profile.Links {
		target, _ := strings.CutPrefix(l.URL, "mailto:")
		if l.Label == "" || l.Label == target {
			out = append(out, target)
			continue
		}
		out = append(out, l.Label+" ("+target+")")
	}
	return out
}

// A Door is a way in (the SSH server, the HTTP server) as the shutdown
// sees it.
type Door interface {
	// Stop stops taking connections; those open go on.
	Stop()
	// Close ends what is left of the door's connections: at once, or,
	// for an HTTP server, within ctx.
	Close(ctx context.Context) error
}

// Shutdown stops the doors and the admission, asks every visitor's
// session to end with a goodbye, and waits for them (every door's) until
// ctx is done; then for the messages being stored; then it closes what
// is left of the doors, gives the notifier what time is left, and
// releases the stores. Safe to call more than once.
func (c *Core) Shutdown(ctx context.Context, doors ...Door) error {
	c.Stop(doors...)
	var err error
	// Poll rather than wait on a WaitGroup: sessions may still begin on
	// connections accepted a moment before the listener closed.
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for c.Admission.Active() > 0 && err == nil {
		select {
		case <-ctx.Done():
			err = failure{ErrSessionsCut, fmt.Errorf("%d still open at the deadline: %w", c.Admission.Active(), ctx.Err())}
		case <-tick.C:
		}
	}
	// A message a visitor sent just before the goodbye is still stored,
	// unless the disk holds it past the deadline (a store write gives up
	// by itself after inbox.WriteTimeout).
	for c.Submit.InFlight() > 0 && ctx.Err() == nil {
		select {
		case <-ctx.Done():
		case <-tick.C:
		}
	}
	// Every session has ended (or run out of time): drop the connections,
	// including idle ones a client keeps open after its session.
	errs := []error{err}
	for _, d := range doors {
		errs = append(errs, d.Close(ctx))
	}
	// No message is in flight any more: let the invitations' last
	// recordings land (each bounded), hand the notifier what time is
	// left, then release the stores.
	c.Invites.Wait()
	c.Notifier.Close(ctx)
	return errors.Join(append(errs, c.closeStores())...)
}

// Close stops everything at once, dropping every connection.
func (c *Core) Close(doors ...Door) error {
	c.Stop(doors...)
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	closed, stop := context.WithCancel(ctx)
	stop() // the doors close at once
	var errs []error
	for _, d := range doors {
		errs = append(errs, d.Close(closed))
	}
	c.Invites.Wait()
	c.Notifier.Close(ctx)
	return errors.Join(append(errs, c.closeStores())...)
}

// Store is the store the core opened (the owner's commands over SSH use
// its invitations).
func (c *Core) Store() store.Store { return c.store }

// Stop starts a shutdown: it refuses new sessions at every door and ends
// the visits (as if their visitors had quit).
func (c *Core) Stop(doors ...Door) {
	c.Admission.Stop()
	for _, d := range doors {
		d.Stop()
	}
	c.Host.Shutdown()
}

// ErrSessionsCut is in Shutdown's error when its deadline passed with
// sessions still open; ErrStatsNotSaved when the statistics' last counts
// couldn't be written, ErrStoreClose when the store didn't close cleanly.
// Each says what failed, so the log blames the right part.
var (
	ErrSessionsCut   = errors.New("sessions cut")
	ErrStatsNotSaved = errors.New("statistics not saved")
	ErrStoreClose    = errors.New("store not closed cleanly")
)

// closeStores releases the stores (again: a no-op): the statistics
// first, since their last counts go to the store.
func (c *Core) closeStores() error {
	var errs []error
	if err := c.Stats.Close(); err != nil {
		errs = append(errs, failure{ErrStatsNotSaved, err})
	}
	if err := c.store.Close(); err != nil {
		errs = append(errs, failure{ErrStoreClose, err})
	}
	return errors.Join(errs...)
}

// failure is one part of a shutdown that went wrong: which (one of the
// Err… above) and why.
type failure struct{ part, err error }

func (f failure) Error() string        { return f.part.Error() + ": " + f.err.Error() }
func (f failure) Is(target error) bool { return target == f.part }
func (f failure) Unwrap() error        { return f.err }
