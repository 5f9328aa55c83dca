// Package server serves the portfolio over SSH: it wires wish's options and
// middleware, owns the listener and shuts down gracefully.
package server

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"

	"charm.land/log/v2"
	"charm.land/ssh"
	"charm.land/wish/v2"
	"charm.land/wish/v2/bubbletea"
	gossh "golang.org/x/crypto/ssh"

	"github.com/pragyamugale/portfolio/content"
	"github.com/pragyamugale/portfolio/hostkeys"
)

// Server is the portfolio's SSH server.
type Server struct {
	cfg     Config
	pf      *content.Portfolio
	log     *log.Logger
	hostKey *hostkeys.Key
	ssh     *ssh.Server

	mu        sync.Mutex
	ln        net.Listener
	closing   chan struct{} // closed when shutdown starts
	closeOnce sync.Once
	sessions  sync.WaitGroup
}

// New builds a server for a validated config and a loaded portfolio. It
// loads or creates the host key but does not listen yet.
func New(cfg Config, pf *content.Portfolio, logger *log.Logger) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	key, err := hostkeys.LoadOrCreate(cfg.HostKeyDir)
	if err != nil {
		return nil, err
	}
	s := &Server{
		cfg:     cfg,
		pf:      pf,
		log:     logger,
		hostKey: key,
		closing: make(chan struct{}),
	}
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
	)
	if err != nil {
		return nil, fmt.Errorf("ssh server: %w", err)
	}
	return s, nil
}

func withHostKey(signer gossh.Signer) ssh.Option {
	return func(srv *ssh.Server) error {
		srv.AddHostKey(signer)
		return nil
	}
}

// middleware is the chain every session runs through, listed innermost
// first: wish applies them in order, so the last one listed runs first.
func (s *Server) middleware() []wish.Middleware {
	return []wish.Middleware{
		// 4. Sessions without a pty land here (and pty sessions pass through
		//    on their way out): explain how to connect, exit non-zero.
		s.noPtyMiddleware,
		// 3. The Bubble Tea UI, one program per session with a pty.
		bubbletea.MiddlewareWithProgramHandler(s.programHandler),
		// 2. Track the session for graceful shutdown; say goodbye when the
		//    server is stopping.
		s.lifecycleMiddleware,
		// 1. Log connect and disconnect with the visitor's details, quoted.
		s.logMiddleware,
		// 0. Outermost: a panic anywhere ends only this session.
		s.recoverMiddleware,
	}
}

// HostKey returns the server's host key.
func (s *Server) HostKey() *hostkeys.Key { return s.hostKey }

// Listen opens the listening socket. Addr is valid afterwards.
func (s *Server) Listen() error {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
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
	s.log.Info("serving portfolio", "addr", ln.Addr().String(), "fingerprint", s.hostKey.Fingerprint)
	err := s.ssh.Serve(ln)
	if errors.Is(err, ssh.ErrServerClosed) {
		return nil
	}
	return err
}

// Shutdown stops accepting connections, asks every visitor's session to end
// with a goodbye, and waits for them until ctx is done; then it closes
// whatever is left. It is safe to call more than once.
func (s *Server) Shutdown(ctx context.Context) error {
	s.closeOnce.Do(func() { close(s.closing) })
	done := make(chan struct{})
	go func() {
		s.sessions.Wait()
		close(done)
	}()
	err := s.ssh.Shutdown(ctx)
	select {
	case <-done:
	case <-ctx.Done():
	}
	if err != nil {
		// Sessions that did not end in time are cut.
		_ = s.ssh.Close()
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// Close stops the server at once, dropping every connection.
func (s *Server) Close() error {
	s.closeOnce.Do(func() { close(s.closing) })
	return s.ssh.Close()
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
