// Package server is the portfolio's SSH door: it wires wish's options and
// middleware (hardening, limits, commands, the UI through the visit
// runner) and owns the listener. What it shares with the web door comes
// from the composition root (internal/app) in Deps, which also runs the
// shutdown.
package server

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"charm.land/log/v2"
	"charm.land/ssh"
	"charm.land/wish/v2"
	"github.com/pires/go-proxyproto"
	"github.com/prometheus/client_golang/prometheus"
	gossh "golang.org/x/crypto/ssh"

	"github.com/pragyamugale/portfolio/content"
	"github.com/pragyamugale/portfolio/internal/admit"
	"github.com/pragyamugale/portfolio/internal/config"
	"github.com/pragyamugale/portfolio/internal/hostkeys"
	"github.com/pragyamugale/portfolio/internal/invite"
	"github.com/pragyamugale/portfolio/internal/stats"
	"github.com/pragyamugale/portfolio/internal/visit"
)

// Server is the portfolio's SSH door.
type Server struct {
	cfg     config.Config
	content *content.Live // read per session: a reload reaches the next
	log     *log.Logger
	hostKey *hostkeys.Key
	ssh     *ssh.Server

	owners ownerKeys
	stats  *stats.Stats

	mu        sync.Mutex
	ln        net.Listener
	closing   chan struct{} // closed when shutdown starts
	closeOnce sync.Once

	conns    *admit.ConnLimiter // open connections, shared with web terminals; SSH's taken before the handshake
	sessions *admit.Door        // SSH's way in, on the one admission
	rejects  rejectCounts

	metrics *metrics
	runner  *visit.Runner    // runs a visit, as for the browser's terminal
	submit  *visit.Submitter // the one way a message is stored
	invites invite.Store     // the owner's invitations (ssh host invite …)
}

// Deps is what the SSH door shares with the other doors (see
// internal/app/core).
type Deps struct {
	// Content is the portfolio served, read per session.
	Content   *content.Live
	Logger    *log.Logger
	HostKey   *hostkeys.Key
	Runner    *visit.Runner
	Submit    *visit.Submitter
	Admission *admit.Admission
	Stats     *stats.Stats
	// Registry takes the door's metrics.
	Registry prometheus.Registerer
	// Invitations are the owner's, managed over SSH with an owner key
	// (ssh host invite …); nil refuses the command.
	Invitations invite.Store
}

// New builds the SSH door for a validated config. It reads the owner's
// keys but does not listen yet.
func New(cfg config.Config, d Deps) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	owners, err := loadOwnerKeys(cfg.OwnerKeys)
	if err != nil {
		return nil, err
	}
	s := &Server{
		cfg:     cfg,
		content: d.Content,
		log:     d.Logger,
		hostKey: d.HostKey,
		closing: make(chan struct{}),
		owners:  owners,
		stats:   d.Stats,
		runner:  d.Runner,
		submit:  d.Submit,
		invites: d.Invitations,

		conns:    d.Admission.Conns(),
		sessions: d.Admission.Door(admit.Limits{PerMinute: cfg.SessionRate}),
	}
	s.metrics = newMetrics(d.Registry,
		func() float64 { return float64(s.sessions.Active()) },
		func() float64 { return float64(s.conns.Open()) },
	)
	key := d.HostKey
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
		// 3. Count the session; say goodbye when the server is stopping.
		s.lifecycleMiddleware,
		// 2. Log connect and disconnect with the visitor's details, quoted.
		s.logMiddleware,
		// 1. Ask the admission for a slot: refuse sessions while stopping
		//    and from an address that opens them too fast.
		s.admitMiddleware,
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
			ConnPolicy:        func(proxyproto.ConnPolicyOptions) (proxyproto.Policy, error) { return proxyproto.REQUIRE, nil },
		}
	}
	s.mu.Lock()
	s.ln = ln
	s.mu.Unlock()
	return nil
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
	s.log.Info("serving portfolio", "addr", ln.Addr().String(), "fingerprint", s.hostKey.Fingerprint)
	err := s.ssh.Serve(ln)
	if errors.Is(err, ssh.ErrServerClosed) || s.stopping() {
		return nil
	}
	return err
}

// Stop stops accepting connections and refuses new sessions on those
// open; sessions in progress go on (see core.Shutdown, which then waits
// for them). Safe at any point, even before Serve has started.
func (s *Server) Stop() {
	s.closeOnce.Do(func() { close(s.closing) })
	s.mu.Lock()
	if s.ln != nil {
		_ = s.ln.Close()
	}
	s.mu.Unlock()
}

// Close drops every connection.
func (s *Server) Close(context.Context) error {
	s.Stop()
	err := s.ssh.Close()
	if errors.Is(err, net.ErrClosed) {
		// Stop closed the listener already; Serve may not have let go of
		// it yet, and closing it twice is not a failure.
		err = nil
	}
	return err
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
