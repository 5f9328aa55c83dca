// Package server serves the portfolio over SSH: it wires wish's options and
// middleware, owns the listener and shuts down gracefully.
package server

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"charm.land/log/v2"
	"charm.land/ssh"
	"charm.land/wish/v2"
	"github.com/pires/go-proxyproto"
	gossh "golang.org/x/crypto/ssh"

	"github.com/pragyamugale/portfolio/content"
	"github.com/pragyamugale/portfolio/host"
	"github.com/pragyamugale/portfolio/hostkeys"
	"github.com/pragyamugale/portfolio/inbox"
	"github.com/pragyamugale/portfolio/stats"
	"github.com/pragyamugale/portfolio/ui"
)

// Server is the portfolio's SSH server.
type Server struct {
	cfg     Config
	pf      *content.Portfolio
	log     *log.Logger
	hostKey *hostkeys.Key
	ssh     *ssh.Server

	store    inboxStore
	inbox    *inbox.Service
	notifier *inbox.Notifier
	owners   ownerKeys
	owner    ui.InboxSource // shared by the owner's sessions
	stats    *stats.Stats

	mu        sync.Mutex
	ln        net.Listener
	closing   chan struct{} // closed when shutdown starts
	closeOnce sync.Once
	active    atomic.Int64 // sessions in progress
	webActive atomic.Int64 // live terminal (browser) sessions in progress
	inflight  atomic.Int64 // messages being stored

	conns       *connLimiter
	sessionRate *sessionRateLimiter
	rejects     rejectCounts

	metrics *metrics
	host    *host.Host   // runs visitors' UIs
	budgets eventBudgets // their input, paced per address
	httpLn  net.Listener
	http    *http.Server
}

// loadHostKey takes the key from PORTFOLIO_HOST_KEY when set, otherwise
// from the key directory, creating it on first start.
func loadHostKey(cfg Config) (*hostkeys.Key, error) {
	if cfg.HostKeyPEM != "" {
		return hostkeys.FromPEM([]byte(cfg.HostKeyPEM))
	}
	return hostkeys.LoadOrCreate(cfg.HostKeyDir)
}

// New builds a server for a validated config and a loaded portfolio. It
// loads or creates the host key but does not listen yet.
func New(cfg Config, pf *content.Portfolio, logger *log.Logger) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	key, err := loadHostKey(cfg)
	if err != nil {
		return nil, err
	}
	owners, err := loadOwnerKeys(cfg.OwnerKeys)
	if err != nil {
		return nil, err
	}
	st, err := openStores(cfg, logger)
	if err != nil {
		return nil, err
	}
	store := st.inbox
	notifier := inbox.NewNotifier(cfg.NotifyURL, logger)
	s := &Server{
		cfg:      cfg,
		pf:       pf,
		log:      logger,
		hostKey:  key,
		closing:  make(chan struct{}),
		store:    store,
		notifier: notifier,
		owners:   owners,
		owner:    st.owner,

		conns:       newConnLimiter(cfg.MaxConns, cfg.MaxConnsPerIP),
		sessionRate: newSessionRateLimiter(cfg.SessionRate),
		inbox: inbox.NewService(store, inbox.ServiceOptions{
			PerHour:  cfg.MessagesPerHour,
			Logger:   logger,
			Notifier: notifier,

			// Shared limits: everyone together, and each IPv6 /48.
			TotalPerHour: cfg.MessagesPerHourTotal,
			Elsewhere:    elsewhere(pf),
		}),
	}
	s.metrics = newMetrics(
		func() float64 { return float64(s.active.Load()) },
		func() float64 { return float64(s.host.Programs()) },
		func() float64 { return float64(s.conns.open()) },
	)
	s.host = s.newHost()
	s.metrics.registry.MustRegister(storeAvailable(st.available))
	if s.stats, err = openStats(cfg, st.stats, logger, s.metrics.registry); err != nil {
		store.Close()
		return nil, fmt.Errorf("--data-dir: statistics: %w", err)
	}
	s.metrics.registry.MustRegister(notifier.Collectors()...)
	s.ssh, err = wish.NewServer(
		wish.WithAddress(cfg.Addr),
		withHostKey(key.Signer),
		// Visitors need no account and no key: every username is welcome.
		// Offering a key authenticates with it (its fingerprint is read from
		// the session later); clients without keys get an empty
		// keyboard-interactive exchange that always succeeds.
		wish.WithPublicKeyAuth(func(ssh.Context, ssh.PublicKey) bool { return true }),
		wish.WithKeyboardInteractiveAuth(func(ssh.Context, gossh.KeyboardInteractiveChallenge) bool { return true }),
		wish.WithMiddleware(s.middleware()...),
		s.hardening,
	)
	if err != nil {
		store.Close()
		s.stats.Close()
		return nil, fmt.Errorf("ssh server: %w", err)
	}
	return s, nil
}

// hardening applies the limits that keep the server up on the open
// internet: timeouts, connection caps, one session per connection, modern
// algorithms only. Forwarding, subsystems (sftp…) and X11 stay refused:
// charm.land/ssh denies whatever has no handler.
func (s *Server) hardening(srv *ssh.Server) error {
	srv.HandshakeTimeout = s.cfg.HandshakeTimeout
	if s.cfg.MaxSession > 0 {
		// A backstop under the watchdog's polite ending: no connection of
		// any kind outlives the maximum session by more than a minute.
		srv.MaxTimeout = s.cfg.MaxSession + time.Minute
	}
	if s.cfg.Keepalive > 0 {
		// Connections carry keepalives at least every interval (see
		// keepalive), so one silent for several is dead, or never opened a
		// session: drop it.
		srv.IdleTimeout = 4 * s.cfg.Keepalive
	}
	srv.ConnCallback = s.connCallback
	// Outside the middleware chain: a connection with no handler running
	// is closed after --no-session-timeout (conns.go).
	srv.Handler = trackSessions(srv.Handler)
	srv.ServerConfigCallback = serverConfig
	srv.ChannelHandlers = map[string]ssh.ChannelHandler{"session": s.sessionHandler}
	srv.LocalPortForwardingCallback = nil
	srv.ReversePortForwardingCallback = nil
	srv.SubsystemHandlers = nil
	return nil
}

func withHostKey(signer gossh.Signer) ssh.Option {
	return func(srv *ssh.Server) error {
		srv.AddHostKey(signer)
		return nil
	}
}

// middleware is the chain every session runs through, listed innermost
// first: wish applies them in order, so the last one listed runs first.
// As in soft-serve, command dispatch is outside and the UI is innermost.
func (s *Server) middleware() []wish.Middleware {
	return []wish.Middleware{
		// 5. Innermost: the Bubble Tea UI, for the sessions the command
		//    layer passes on (a pty, and no command or a command naming a
		//    page: a deep link). The visit runs in package host; uiHandler
		//    is its SSH side.
		func(ssh.Handler) ssh.Handler { return s.uiHandler },
		// 4. Sessions without a pty, and commands that aren't a page of the
		//    UI, end here: text and JSON commands with an exit status.
		s.commandMiddleware,
		// 3. Track the session for graceful shutdown; say goodbye when the
		//    server is stopping.
		s.lifecycleMiddleware,
		// 2. Log connect and disconnect with the visitor's details, quoted.
		s.logMiddleware,
		// 1. Refuse sessions from an address that opens them too fast.
		s.rateLimitMiddleware,
		// 0. Outermost: a panic anywhere ends only this session.
		s.recoverMiddleware,
	}
}

// sshCommand is the command visitors type to connect, for help texts.
func (s *Server) sshCommand() string { return s.publicAddr().sshCommand() }

// HostKey returns the server's host key.
func (s *Server) HostKey() *hostkeys.Key { return s.hostKey }

// Listen opens the listening socket. Addr is valid afterwards.
func (s *Server) Listen() error {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	if s.cfg.ProxyProtocol {
		// Every connection must start with a PROXY header from the proxy;
		// limits, logs and messages then see the visitor's real address.
		// The header is read on the connection's goroutine, within the
		// handshake timeout, never in the accept loop.
		ln = &proxyproto.Listener{
			Listener:          ln,
			ReadHeaderTimeout: s.cfg.HandshakeTimeout,
			Policy:            func(net.Addr) (proxyproto.Policy, error) { return proxyproto.REQUIRE, nil },
		}
	}
	var httpLn net.Listener
	if s.cfg.HTTPAddr != "" {
		if httpLn, err = net.Listen("tcp", s.cfg.HTTPAddr); err != nil {
			ln.Close()
			return fmt.Errorf("listen --http-addr: %w", err)
		}
		handler, err := s.httpHandler()
		if err != nil {
			ln.Close()
			httpLn.Close()
			return fmt.Errorf("web page: %w", err)
		}
		s.http = &http.Server{
			Handler:           handler,
			ReadHeaderTimeout: 5 * time.Second,
			ReadTimeout:       10 * time.Second,
			WriteTimeout:      httpWriteTimeout,
			IdleTimeout:       time.Minute,
		}
	}
	s.mu.Lock()
	s.ln, s.httpLn = ln, httpLn
	s.mu.Unlock()
	return nil
}

// HTTPAddr is the address of the HTTP side, or nil when it is off.
func (s *Server) HTTPAddr() net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.httpLn == nil {
		return nil
	}
	return s.httpLn.Addr()
}

// Addr is the address the server listens on, or nil before Listen.
func (s *Server) Addr() net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln == nil {
		return nil
	}
	return s.ln.Addr()
}

// Serve accepts connections until Shutdown or Close. It returns nil after a
// shutdown and the error otherwise.
func (s *Server) Serve() error {
	s.mu.Lock()
	ln := s.ln
	s.mu.Unlock()
	if ln == nil {
		return errors.New("serve: Listen has not been called")
	}
	if s.stopping() {
		return nil
	}
	if s.http != nil {
		go func() {
			if err := s.http.Serve(s.httpLn); err != nil && !errors.Is(err, http.ErrServerClosed) {
				s.log.Error("http side stopped", "err", err)
			}
		}()
		s.log.Info("serving http", "addr", s.httpLn.Addr().String())
	}
	s.log.Info("serving portfolio", "addr", ln.Addr().String(), "fingerprint", s.hostKey.Fingerprint)
	if len(s.pf.Profile.Links) == 0 {
		s.log.Warn("profile.md sets no links: visitors have no way to reach you but the contact form")
	}
	err := s.ssh.Serve(ln)
	if errors.Is(err, ssh.ErrServerClosed) || s.stopping() {
		return nil
	}
	return err
}

// Shutdown stops accepting connections, asks every visitor's session to end
// with a goodbye, and waits for them until ctx is done; then it closes every
// connection that is left. It is safe to call more than once, and at any
// point, even before Serve has started.
func (s *Server) Shutdown(ctx context.Context) error {
	s.stop()
	var err error
	// Poll rather than wait on a WaitGroup: sessions may still begin on
	// connections accepted a moment before the listener closed.
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	// Browsers' live terminals too: their visits end as SSH's do.
	for s.active.Load()+s.webActive.Load() > 0 && err == nil {
		select {
		case <-ctx.Done():
			err = fmt.Errorf("shutdown: %d sessions cut: %w", s.active.Load()+s.webActive.Load(), ctx.Err())
		case <-tick.C:
		}
	}
	// A message a visitor sent just before the goodbye is still stored,
	// unless the disk holds it past the deadline (a store write gives up
	// by itself after inbox.WriteTimeout).
	for s.inflight.Load() > 0 && ctx.Err() == nil {
		select {
		case <-ctx.Done():
		case <-tick.C:
		}
	}
	// Every session has ended (or run out of time): drop the connections,
	// including idle ones a client keeps open after its session.
	_ = s.ssh.Close()
	// No message is in flight any more: hand the notifier what time is
	// left, then release the store.
	s.notifier.Close(ctx)
	if s.http != nil {
		_ = s.http.Shutdown(ctx)
	}
	return errors.Join(err, s.store.Close(), s.stats.Close())
}

// Close stops the server at once, dropping every connection.
func (s *Server) Close() error {
	s.stop()
	err := s.ssh.Close()
	if errors.Is(err, net.ErrClosed) {
		// stop closed the listener already; Serve may not have let go of
		// it yet, and closing it twice is not a failure.
		err = nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	s.notifier.Close(ctx)
	if s.http != nil {
		_ = s.http.Close()
	}
	return errors.Join(err, s.store.Close(), s.stats.Close())
}

// stop starts a shutdown: it tells sessions to end and closes the listener,
// whether or not Serve has taken it over yet.
func (s *Server) stop() {
	s.closeOnce.Do(func() { close(s.closing) })
	s.host.Shutdown() // visits end as if the visitor quit
	s.mu.Lock()
	if s.ln != nil {
		_ = s.ln.Close()
	}
	s.mu.Unlock()
}

// stopping reports whether a shutdown has started.
func (s *Server) stopping() bool {
	select {
	case <-s.closing:
		return true
	default:
		return false
	}
}
